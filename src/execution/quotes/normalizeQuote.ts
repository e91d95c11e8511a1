import type { QuoteLevel } from '../../core/quotes.js'
import type { Instrument } from '../../core/types.js'
import { roundPriceForSide, roundToStep } from '../../decimal/index.js'

/**
 * A quote level on the instrument's grid: the price rounded to the tick never more aggressive than asked (a bid down,
 * an ask up), the quantity down to the step. `undefined` when what is left is under the instrument's minimum
 * quantity or notional, or the price is outside its bounds (or not positive).
 *
 * @example
 * ```ts
 * normalizeQuote({ symbol: 'BTCUSDT', side: 'BUY', price: new Decimal('100.015'), qty: new Decimal('0.0109') }, btc)
 * // { price: 100.01, qty: 0.010 } with tick 0.01 and step 0.001
 * ```
 */
export function normalizeQuote(l: QuoteLevel, inst: Instrument): QuoteLevel | undefined {
  const origin = inst.kind === 'perpetual' ? inst.minPrice : undefined
  const price = roundPriceForSide(l.price, inst.tickSize, l.side, origin)
  const qty = roundToStep(l.qty, inst.stepSize)
  if (price.lte(0) || qty.lte(0) || qty.lt(inst.minQty)) return undefined
  if (inst.maxQty !== undefined && qty.gt(inst.maxQty)) return undefined
  if (inst.minPrice !== undefined && price.lt(inst.minPrice)) return undefined
  if (inst.maxPrice !== undefined && price.gt(inst.maxPrice)) return undefined
  if (inst.minNotional !== undefined && price.times(qty).lt(inst.minNotional)) return undefined
  return price.eq(l.price) && qty.eq(l.qty) ? l : { ...l, price, qty }
}
