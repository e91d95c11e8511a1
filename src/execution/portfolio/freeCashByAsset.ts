import type { Decimal } from '../../decimal/index.js'
import { minus } from '../../decimal/plusMinus.js'

/**
 * Each cash asset's amount free to spend, in that asset: its cash less what orders hold of it (a paper order resting)
 * and what open orders commit of it unheld (`unheld`, per asset: see `unheldCommitments`). An asset orders commit
 * without any cash of it is listed below zero. A spot holding is a position, not cash (BTC bought on BTCUSDT is sold
 * there, not spent on ETHBTC: the position would go on claiming it). A new object each call, without a prototype (an
 * asset named like an `Object` property is one more key): a snapshot's `freeCash`.
 *
 * @example
 * ```ts
 * freeCashByAsset(cash, holds.values(), undefined) // { USDT: its cash less its holds }
 * ```
 */
export function freeCashByAsset(
  cash: ReadonlyMap<string, Decimal>,
  holds: Iterable<{ readonly asset: string; readonly amount: Decimal }>,
  unheld: ReadonlyMap<string, Decimal> | undefined,
): Readonly<Record<string, Decimal>> {
  const free: Record<string, Decimal> = Object.create(null)
  for (const [asset, amount] of cash) free[asset] = amount
  for (const h of holds) free[h.asset] = less(free[h.asset], h.amount)
  if (unheld !== undefined) for (const [asset, amount] of unheld) free[asset] = less(free[asset], amount)
  return free
}

/** `amount` taken off `from` (none: below zero). */
function less(from: Decimal | undefined, amount: Decimal): Decimal {
  return from === undefined ? amount.neg() : minus(from, amount)
}
