import type { Decimal } from '../../decimal/index.js'
import { minus } from '../../decimal/plusMinus.js'

/**
 * Each cash asset's amount free to spend, in that asset: its cash less what orders hold of it (a paper order resting)
 * and what open orders commit of it unheld (`unheld`, per asset: see `unheldCommitments`). An asset orders commit
 * without any cash of it is listed below zero. Frozen: a snapshot's `freeCash`.
 *
 * @example
 * ```ts
 * freeCashByAsset(new Map([['USDT', usdt]]), holds.values(), undefined) // { USDT: usdt less its holds }
 * ```
 */
export function freeCashByAsset(
  cash: ReadonlyMap<string, Decimal>,
  holds: Iterable<{ readonly asset: string; readonly amount: Decimal }>,
  unheld: ReadonlyMap<string, Decimal> | undefined,
): Readonly<Record<string, Decimal>> {
  const free = new Map(cash)
  const less = (asset: string, amount: Decimal) => {
    const before = free.get(asset)
    free.set(asset, before === undefined ? amount.neg() : minus(before, amount))
  }
  for (const h of holds) less(h.asset, h.amount)
  if (unheld !== undefined) for (const [asset, amount] of unheld) less(asset, amount)
  return Object.freeze(Object.fromEntries(free))
}
