import type { Position } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { plus } from '../../decimal/plusMinus.js'
import { err, ok, type Result } from '../../errors/result.js'
import { readDecimal } from '../sizing.js'
import { RiskReason, type RiskRejection, rejection } from '../types.js'

/**
 * The netted quantity of one instrument in an account's positions: its entries summed (`undefined` when it has
 * none), or `INVALID_INPUT` when one of them cannot be read (never counted as 0).
 *
 * @example
 * ```ts
 * const q = netPositionQty(account.positions, 'binance', 'BTCUSDT') // ok(2) for entries of 1.5 and 0.5
 * ```
 */
export function netPositionQty(
  positions: readonly Position[],
  venue: string,
  symbol: string,
): Result<Decimal | undefined, RiskRejection> {
  let qty: Decimal | undefined
  for (const p of positions) {
    if (p.symbol !== symbol || p.venue !== venue) continue
    const q = readDecimal(p.qty)
    if (q === undefined)
      return err(
        rejection(RiskReason.INVALID_INPUT, `Invalid position qty "${String(p.qty)}" of "${symbol}"`, {
          symbol,
        }),
      )
    qty = qty === undefined ? q : plus(qty, q)
  }
  return ok(qty)
}

/**
 * What of one instrument's positions is not sellable yet: their `unsettledQty` summed (bought in trades the venue has
 * not settled; 0 when none), or `INVALID_INPUT` when one of them cannot be read (never counted as 0).
 *
 * @example
 * ```ts
 * const pending = unsettledQtyOf(account.positions, 'polymarket', tokenId) // ok(4): 4 shares still MATCHED
 * ```
 */
export function unsettledQtyOf(
  positions: readonly Position[],
  venue: string,
  symbol: string,
): Result<Decimal, RiskRejection> {
  let qty = new Decimal(0)
  for (const p of positions) {
    if (p.unsettledQty === undefined || p.symbol !== symbol || p.venue !== venue) continue
    const q = readDecimal(p.unsettledQty)
    if (q === undefined || q.isNegative())
      return err(
        rejection(
          RiskReason.INVALID_INPUT,
          `Invalid unsettled qty "${String(p.unsettledQty)}" of "${symbol}"`,
          {
            symbol,
          },
        ),
      )
    qty = plus(qty, q)
  }
  return ok(qty)
}
