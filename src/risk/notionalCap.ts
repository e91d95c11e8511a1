import { Decimal } from '../decimal/index.js'
import type { RiskCheckContext } from './checks/RiskCheckContext.js'
import { readDecimal } from './sizing.js'

/**
 * The `maxNotional` an entry is capped with (as `capQuantity` reads it: a bound on the instrument's netted value
 * `existingNotional` + the order): `globalMax` (the instrument's `maxNotional`), and the signal's strategy's own
 * `strategyLimits` bound on its share (its room, `maxNotional − its share's value`, expressed against the netted
 * value; valued at the context's `capPrice()`, as the netted value is). Empty when neither.
 *
 * @example
 * ```ts
 * capQuantity({ qty, price, instrument, equity, ...notionalCap(ctx, ctx.maxNotional(), existingNotional) })
 * ```
 */
export function notionalCap(
  ctx: RiskCheckContext,
  globalMax: Decimal | undefined,
  existingNotional: Decimal | undefined,
): { maxNotional?: Decimal } {
  const limit = ctx.cfg.strategyLimits[ctx.signal.strategyId]?.maxNotional
  const price = ctx.capPrice()
  if (limit === undefined || !price.ok) return globalMax === undefined ? {} : { maxNotional: globalMax }
  let own = new Decimal(0)
  for (const p of ctx.account.strategyPositions ?? []) {
    // Readable: a limited strategy's positions are checked first (checkStrategyLimits); an unreadable one leaves no room.
    const q = readDecimal(p.qty)
    if (q === undefined) return { maxNotional: new Decimal('1e-18') }
    if (p.venue === ctx.inst.venue && p.symbol === ctx.inst.symbol) own = own.plus(q)
  }
  const room = new Decimal(limit).minus(own.abs().times(price.value))
  // capQuantity allows `maxNotional − existingNotional`: give it the strategy's room on top of the netted value.
  const strategyMax = Decimal.max(room.plus(existingNotional ?? 0), new Decimal('1e-18'))
  return { maxNotional: globalMax === undefined ? strategyMax : Decimal.min(globalMax, strategyMax) }
}
