import type { Instrument, OrderRequest } from '../core/types.js'
import { greaterThan, lessThan } from '../decimal/compareDecimals.js'
import { Decimal, isDecimal, isMultipleOf } from '../decimal/index.js'
import { product } from '../decimal/product.js'

/** Per increment (a tick or step Decimal): `k` when it is exactly 10^-k (k ≥ 0), else `null`. */
const placesOf = new WeakMap<Decimal, number | null>()

/**
 * `isMultipleOf(value, increment)` (from 0): for an increment of exactly 10^-k it is "at most k decimal places", with
 * no division; anything else goes to `isMultipleOf`.
 */
function onGrid(value: Decimal, increment: Decimal): boolean {
  if (!isDecimal(increment)) return isMultipleOf(value, increment)
  let k = placesOf.get(increment)
  if (k === undefined) {
    const dp = increment.isFinite() ? increment.decimalPlaces() : 0
    k = increment.isFinite() && increment.eq(new Decimal(`1e-${dp}`)) ? dp : null
    placesOf.set(increment, k)
  }
  return k === null || !value.isFinite() ? isMultipleOf(value, increment) : value.decimalPlaces() <= k
}

/**
 * Checks an order against an instrument's venue filters the way the venue would: tick and step multiples, price
 * and quantity bounds, minimum notional (at `refPrice` for orders without a limit price), and for outcome tokens a
 * price strictly inside (0, 1). Returns the venue-style rejection reason, or `undefined` when the order passes.
 *
 * @example
 * ```ts
 * const reason = checkInstrumentFilters(request, instrument, lastPrice)
 * if (reason !== undefined) console.warn('the venue would reject it:', reason) // e.g. 'Filter failure: LOT_SIZE (min qty)'
 * ```
 */
export function checkInstrumentFilters(
  req: OrderRequest,
  inst: Instrument,
  refPrice?: Decimal,
): string | undefined {
  const origin = inst.kind === 'perpetual' ? inst.minPrice : undefined
  if (req.price !== undefined) {
    if (
      origin === undefined
        ? !onGrid(req.price, inst.tickSize)
        : !isMultipleOf(req.price, inst.tickSize, origin)
    )
      return 'Filter failure: PRICE_FILTER (tick size)'
    if (inst.minPrice !== undefined && lessThan(req.price, inst.minPrice))
      return 'Filter failure: PRICE_FILTER (min)'
    if (inst.maxPrice !== undefined && greaterThan(req.price, inst.maxPrice))
      return 'Filter failure: PRICE_FILTER (max)'
    if (inst.kind === 'outcome' && (req.price.lte(0) || req.price.gte(1))) {
      return 'Price must be inside (0, 1) for an outcome token'
    }
  }
  if (!onGrid(req.qty, inst.stepSize)) return 'Filter failure: LOT_SIZE (step size)'
  if (lessThan(req.qty, inst.minQty)) return 'Filter failure: LOT_SIZE (min qty)'
  if (inst.maxQty !== undefined && greaterThan(req.qty, inst.maxQty))
    return 'Filter failure: LOT_SIZE (max qty)'
  const px = req.price ?? refPrice
  if (
    inst.minNotional !== undefined &&
    px !== undefined &&
    lessThan(product(px, req.qty), inst.minNotional)
  ) {
    return 'Filter failure: NOTIONAL (below minimum)'
  }
  return undefined
}
