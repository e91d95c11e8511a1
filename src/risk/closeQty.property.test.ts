import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal, roundToIncrement } from '../decimal/index.js'
import { randomDecimal as dec } from '../decimal/randomDecimal.js'
import { closeQty } from './closeQty.js'

const CASES = 10_000

/** closeQty as it read before its comparisons went through compareDecimals: decimal.js's abs, gt and lt. */
function reference(qty: Decimal, inst: { stepSize: Decimal; minQty?: Decimal | undefined }): Decimal {
  const abs = qty.abs()
  const min = inst.minQty?.gt(0) === true ? inst.minQty : undefined
  if (abs.lt(inst.stepSize) || (min !== undefined && abs.lt(min))) return new Decimal(0)
  return roundToIncrement(abs, inst.stepSize, 'DOWN', min)
}

describe('closeQty (property)', () => {
  it(`equals its decimal.js reference, value and representation, on ${CASES.toLocaleString('en-US')} random positions`, () => {
    const r = new SeededRandom(26)
    const steps = ['1', '0.1', '0.001', '0.00001', '0.05', '0.25', '10']
    const parts = (d: Decimal) => ({ s: d.s, e: d.e, d: [...(d.d ?? [])] })
    for (let i = 0; i < CASES; i++) {
      const stepSize = new Decimal(steps[r.int(0, steps.length - 1)] as string)
      const roll = r.next()
      const minQty = roll < 0.2 ? undefined : roll < 0.3 ? new Decimal(0) : stepSize.times(r.int(1, 20))
      // Longs and shorts, on the grid, off it, below a step or minQty, and longer than a safe integer.
      const size = r.next() < 0.3 ? stepSize.times(r.int(0, 1_000)) : dec(r, r.next() < 0.1 ? 25 : 8, -6, 5)
      const qty = r.next() < 0.5 ? size : size.neg()
      const got = closeQty(qty, { stepSize, minQty })
      expect(parts(got), `case ${i}: ${qty} step ${stepSize} min ${minQty}`).toEqual(
        parts(reference(qty, { stepSize, minQty })),
      )
    }
  })
})
