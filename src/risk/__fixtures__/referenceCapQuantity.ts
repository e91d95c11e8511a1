/**
 * `capQuantity` as it was before the RiskManager validated instruments once (issue 20): every input read and checked
 * on each call, every comparison through decimal.js, the step rounding through `roundToIncrement`. The property test
 * of `sizing.property.test.ts` holds today's paths equal to it.
 */
import { err, ok, type Result } from '../../core/index.js'
import { type Decimal, isDecimal, roundToIncrement } from '../../decimal/index.js'
import { type CappedQuantity, type CapQuantityOptions, positive, readDecimal } from '../sizing.js'
import { QuantityCap, RiskReason, type RiskRejection, rejection, str } from '../types.js'

function invalid(field: string, value: unknown, why: string): RiskRejection {
  const shown = isDecimal(value) ? value.toString() : String(value)
  return rejection(RiskReason.INVALID_INPUT, `Invalid ${field} "${shown.slice(0, 64)}": ${why}`, {
    field,
    value: shown.slice(0, 64),
  })
}

function fraction(field: string, v: unknown, max = 1): Result<Decimal, RiskRejection> {
  const d = positive(field, v)
  if (!d.ok) return d
  if (d.value.gt(max)) return err(invalid(field, v, `must be at most ${max}`))
  return d
}

/** The reference implementation (see the file's comment). */
export function referenceCapQuantity(p: CapQuantityOptions): Result<CappedQuantity, RiskRejection> {
  const raw = readDecimal(p.qty)
  if (raw === undefined || raw.isNegative()) return err(invalid('qty', p.qty, 'must be a finite number ≥ 0'))
  const price = positive('price', p.price)
  if (!price.ok) return price
  const step = positive('stepSize', p.instrument.stepSize)
  if (!step.ok) return step
  const minQty = readDecimal(p.instrument.minQty)
  if (minQty === undefined || minQty.isNegative())
    return err(invalid('minQty', p.instrument.minQty, 'must be ≥ 0'))
  const existing = p.existingNotional === undefined ? undefined : readDecimal(p.existingNotional)
  if (p.existingNotional !== undefined && (existing === undefined || existing.isNegative())) {
    return err(invalid('existingNotional', p.existingNotional, 'must be ≥ 0'))
  }
  const cappedBy: QuantityCap[] = []
  // Caps are compared as notionals (multiplications only), then divided by the price once.
  const notional = raw.times(price.value)
  let limitNotional: Decimal | undefined
  let limitName: QuantityCap | undefined
  const consider = (cap: Decimal, name: QuantityCap): void => {
    if (limitNotional === undefined || cap.lt(limitNotional)) {
      limitNotional = cap
      limitName = name
    }
  }
  if (p.maxPositionFraction !== undefined) {
    const f = positive('maxPositionFraction', p.maxPositionFraction)
    if (!f.ok) return f
    const eq = positive('equity', p.equity)
    if (!eq.ok) return eq
    const cap = eq.value.times(f.value)
    consider(existing === undefined ? cap : cap.minus(existing), QuantityCap.MAX_POSITION_FRACTION)
  }
  if (p.maxNotional !== undefined) {
    const cap = positive('maxNotional', p.maxNotional)
    if (!cap.ok) return cap
    consider(existing === undefined ? cap.value : cap.value.minus(existing), QuantityCap.MAX_NOTIONAL)
  }
  if (p.freeMargin !== undefined) {
    const margin = readDecimal(p.freeMargin)
    if (margin === undefined) return err(invalid('freeMargin', p.freeMargin, 'must be a finite number'))
    if (margin.lte(0)) {
      return err(
        rejection(RiskReason.INSUFFICIENT_MARGIN, `Free margin "${margin.toFixed()}" is not above zero`, {
          freeMargin: str(margin),
        }),
      )
    }
    const lev = positive('leverage', p.leverage ?? 1)
    if (!lev.ok) return lev
    const safety = fraction('marginSafetyFactor', p.marginSafetyFactor ?? 0.95)
    if (!safety.ok) return safety
    const buyingPower = lev.value.eq(1) ? margin : margin.times(lev.value)
    consider(buyingPower.times(safety.value), QuantityCap.MARGIN)
  }
  let qty = raw
  if (limitNotional !== undefined && notional.gt(limitNotional)) {
    if (limitNotional.lte(0)) {
      return err(
        rejection(RiskReason.QUANTITY_ZERO, `No room left under the ${limitName} cap`, {
          requestedQty: str(raw),
          cap: limitName ?? null,
          capNotional: str(limitNotional),
          existingNotional: str(existing),
        }),
      )
    }
    qty = limitNotional.div(price.value)
    cappedBy.push(limitName as QuantityCap)
  }
  const maxQty = p.instrument.maxQty === undefined ? undefined : readDecimal(p.instrument.maxQty)
  if (maxQty?.gt(0) && qty.gt(maxQty)) {
    qty = maxQty
    cappedBy.push(QuantityCap.MAX_QTY)
  }
  if (p.signalMaxQty !== undefined) {
    const cap = positive('signalMaxQty', p.signalMaxQty)
    if (!cap.ok) return cap
    if (qty.gt(cap.value)) {
      qty = cap.value
      cappedBy.push(QuantityCap.SIGNAL_MAX_QTY)
    }
  }
  const values = (): Record<string, string | null> => ({
    requestedQty: str(raw),
    qty: str(qty),
    price: str(price.value),
    stepSize: str(step.value),
    minQty: str(minQty),
    minNotional: str(p.instrument.minNotional),
  })
  if (qty.lt(step.value) || (minQty.gt(0) && qty.lt(minQty))) {
    const code = qty.lt(step.value) ? RiskReason.QUANTITY_ZERO : RiskReason.BELOW_MIN_QUANTITY
    return err(rejection(code, `Size "${qty.toFixed()}" is below the tradable minimum`, values()))
  }
  let rounded = roundToIncrement(qty, step.value, 'DOWN', minQty.gt(0) ? minQty : undefined)
  // The division above rounds at the 40th digit; never let that lift the size over the cap by a step.
  if (limitNotional !== undefined && rounded.times(price.value).gt(limitNotional))
    rounded = rounded.minus(step.value)
  if (!rounded.eq(qty)) cappedBy.push(QuantityCap.STEP)
  qty = rounded
  if (qty.lte(0)) return err(rejection(RiskReason.QUANTITY_ZERO, 'Size rounds down to zero', values()))
  if (minQty.gt(0) && qty.lt(minQty)) {
    const message = `Size "${qty.toFixed()}" is below the tradable minimum`
    return err(rejection(RiskReason.BELOW_MIN_QUANTITY, message, values()))
  }
  if (p.instrument.minNotional !== undefined && qty.times(price.value).lt(p.instrument.minNotional)) {
    return err(
      rejection(
        RiskReason.BELOW_MIN_NOTIONAL,
        `Order value "${qty.times(price.value).toFixed()}" is below the minimum notional "${p.instrument.minNotional.toFixed()}"`,
        values(),
      ),
    )
  }
  return ok({ qty, requestedQty: raw, cappedBy })
}
