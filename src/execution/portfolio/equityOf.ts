import type { Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { plus } from '../../decimal/plusMinus.js'
import { type CurrencyRates, plusValueAt, valueAt } from './CurrencyRates.js'
import { type MutablePosition, unrealizedPnl } from './MutablePosition.js'

const ZERO = new Decimal(0)

/** What the Portfolio's equity is computed from: cash, positions, their instruments, the currency rates. */
export interface EquityInputs {
  readonly cash: ReadonlyMap<string, Decimal>
  readonly positions: ReadonlyMap<string, MutablePosition>
  readonly instruments: ReadonlyMap<string, Instrument>
  readonly rates: CurrencyRates
}

/**
 * The cash part of equity: every rated asset's cash in the account currency, summed in the rates' order.
 *
 * @example
 * ```ts
 * cashPart(inputs) // 10,000 USDT + 2,000 pUSD at 1 → 12,000
 * ```
 */
export function cashPart({ cash, rates }: EquityInputs): Decimal {
  let e = ZERO
  for (const [asset, r] of rates.entries()) {
    const c = cash.get(asset)
    if (c === undefined) continue
    const v = valueAt(c, r)
    e = plus(e, v)
  }
  return e
}

/**
 * Mark-to-market equity from its cash part: + holdings at mark (else entry) + perpetual unrealized PnL, for
 * instruments quoted in a rated asset, in the positions' order.
 *
 * @example
 * ```ts
 * equityFrom(cashPart(inputs), inputs)
 * ```
 */
export function equityFrom(cash: Decimal, { positions, instruments, rates }: EquityInputs): Decimal {
  let e = cash
  for (const [k, p] of positions) {
    if (p.qty.isZero()) continue
    const r = rates.get(instruments.get(k)?.quote)
    if (r === undefined) continue
    if (p.kind === 'perpetual') e = e.plus(valueAt(unrealizedPnl(p), r))
    else e = plusValueAt(e, p.qty, p.mark ?? p.entry ?? ZERO, r)
  }
  return e
}
