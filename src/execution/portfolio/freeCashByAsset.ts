import { isAboveZero } from '../../decimal/compareDecimals.js'
import type { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import type { EquityInputs } from './equityOf.js'

/**
 * Each asset's amount free to spend, in that asset, as the venue's wallet holds it: its cash plus the spot holdings of
 * it (BTC bought on BTCUSDT is a position here and the BTC an ETHBTC buy pays with there), less what orders hold of it
 * (a paper order resting) and what open orders commit of it unheld (`unheld`, per asset: see `unheldCommitments`). An
 * asset orders commit without any of it is listed below zero. A new object each call, without a prototype (an asset
 * named like an `Object` property is one more key): a snapshot's `freeCash`.
 *
 * @example
 * ```ts
 * freeCashByAsset(inputs, holds.values(), undefined) // { USDT: cash less its holds, BTC: the BTCUSDT holding }
 * ```
 */
export function freeCashByAsset(
  { cash, positions, instruments }: Pick<EquityInputs, 'cash' | 'positions' | 'instruments'>,
  holds: Iterable<{ readonly asset: string; readonly amount: Decimal }>,
  unheld: ReadonlyMap<string, Decimal> | undefined,
): Readonly<Record<string, Decimal>> {
  const free: Record<string, Decimal> = Object.create(null)
  for (const [asset, amount] of cash) free[asset] = amount
  for (const [k, p] of positions) {
    if (p.kind !== 'spot' || !isAboveZero(p.qty)) continue
    const base = instruments.get(k)?.base
    if (base !== undefined) free[base] = add(free[base], p.qty)
  }
  for (const h of holds) free[h.asset] = less(free[h.asset], h.amount)
  if (unheld !== undefined) for (const [asset, amount] of unheld) free[asset] = less(free[asset], amount)
  return free
}

/** `amount` added to `to` (none: the amount). */
function add(to: Decimal | undefined, amount: Decimal): Decimal {
  return to === undefined ? amount : plus(to, amount)
}

/** `amount` taken off `from` (none: below zero). */
function less(from: Decimal | undefined, amount: Decimal): Decimal {
  return from === undefined ? amount.neg() : minus(from, amount)
}
