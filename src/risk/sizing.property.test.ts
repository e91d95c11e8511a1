import { describe, expect, it } from 'vitest'
import type { Result } from '../core/index.js'
import { SeededRandom } from '../core/random.js'
import { Decimal } from '../decimal/index.js'
import { randomDecimal as dec, randomStep } from '../decimal/randomDecimal.js'
import { referenceCapQuantity } from './__fixtures__/referenceCapQuantity.js'
import { RawSize } from './RawSize.js'
import { SizingCache } from './SizingCache.js'
import { type CappedQuantity, type CapQuantityOptions, capChecked, capQuantity } from './sizing.js'
import { QuantityCap, type RiskRejection } from './types.js'

const CASES = 10_000

function randomOptions(r: SeededRandom): CapQuantityOptions {
  const step = randomStep(r)
  const minQtyKind = r.int(0, 3)
  const minQty =
    minQtyKind === 0
      ? new Decimal(0)
      : minQtyKind === 1
        ? step
        : minQtyKind === 2
          ? step.times(r.int(2, 50))
          : step.times('1.5')
  const price = dec(r, 8, -3, 6)
  // Raw sizes: plain decimals, and 40-digit quotients (what the sizing methods return).
  const qty = r.next() < 0.5 ? dec(r, 10, -6, 4) : dec(r, 8, 0, 8).div(dec(r, 6, 0, 6))
  const equity = dec(r, 8, 2, 7)
  return {
    qty,
    price,
    instrument: {
      stepSize: step,
      minQty,
      ...(r.next() < 0.3 ? { maxQty: dec(r, 4, 0, 5) } : {}),
      ...(r.next() < 0.5 ? { minNotional: dec(r, 3, 0, 3) } : {}),
    },
    equity,
    maxPositionFraction: new Decimal(r.int(1, 300)).div(100),
    ...(r.next() < 0.5 ? { maxNotional: dec(r, 6, 1, 7) } : {}),
    ...(r.next() < 0.4 ? { existingNotional: dec(r, 6, 0, 7) } : {}),
    freeMargin: dec(r, 8, 1, 7),
    leverage: new Decimal(r.int(1, 3) === 1 ? 1 : r.int(1, 20)),
    marginSafetyFactor: new Decimal(r.int(50, 100)).div(100),
    ...(r.next() < 0.3 ? { signalMaxQty: r.next() < 0.1 ? new Decimal(-1) : dec(r, 5, -3, 4) } : {}),
  }
}

/** The RiskManager's path: filters read once, caps as notionals, then `capChecked`. */
function managerPath(
  cache: SizingCache,
  o: CapQuantityOptions,
  raw: Decimal | RawSize = o.qty as Decimal,
): Result<CappedQuantity, RiskRejection> | undefined {
  const inst = {
    venue: 'v',
    symbol: 's',
    base: 'B',
    quote: 'Q',
    kind: 'spot' as const,
    tickSize: new Decimal('0.01'),
    ...o.instrument,
  }
  const step = o.instrument.stepSize as Decimal
  const filters = cache.filters(inst as never, step)
  if (filters === undefined) return undefined
  return capChecked({
    raw,
    price: o.price as Decimal,
    step,
    minQty: filters.minQty,
    existing: o.existingNotional as Decimal | undefined,
    positionCap: cache.positionCap(o.equity as Decimal, o.maxPositionFraction as Decimal),
    maxNotional: o.maxNotional as Decimal | undefined,
    marginCap: cache.marginCap(
      o.freeMargin as Decimal,
      o.leverage as Decimal,
      o.marginSafetyFactor as Decimal,
    ),
    maxQty: filters.maxQty,
    stepPlaces: filters.stepPlaces,
    signalMaxQty: o.signalMaxQty,
    minNotional: o.instrument.minNotional,
    scaled: filters.scaled,
  })
}

const shown = (r: Result<CappedQuantity, RiskRejection>) =>
  r.ok
    ? { qty: r.value.qty.toString(), requested: r.value.requestedQty.toString(), cappedBy: r.value.cappedBy }
    : r.error

describe('capQuantity and the RiskManager sizing path (property)', () => {
  it(`equal the reference Decimal implementation on ${CASES.toLocaleString('en-US')} random cases`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(2020)
    const cache = new SizingCache()
    let approved = 0
    let capped = 0
    for (let i = 0; i < CASES; i++) {
      const o = randomOptions(r)
      const expected = shown(referenceCapQuantity(o))
      expect(shown(capQuantity(o)), `case ${i}`).toEqual(expected)
      const fast = managerPath(cache, o)
      if (fast !== undefined) expect(shown(fast), `case ${i} (manager path)`).toEqual(expected)
      const e = referenceCapQuantity(o)
      if (e.ok) {
        approved++
        if (e.value.cappedBy.length > 1) capped++
      }
    }
    // The cases reach both outcomes and the caps.
    expect(approved).toBeGreaterThan(CASES / 10)
    expect(capped).toBeGreaterThan(CASES / 20)
  })

  it(`equal it on ${CASES.toLocaleString('en-US')} sizes capped by a notional with a step of 10^-k (scaled integers, no division)`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(2021)
    const cache = new SizingCache()
    const notionalCaps = new Set<string>([
      QuantityCap.MAX_NOTIONAL,
      QuantityCap.MAX_POSITION_FRACTION,
      QuantityCap.MARGIN,
    ])
    let cappedByNotional = 0
    for (let i = 0; i < CASES; i++) {
      const base = randomOptions(r)
      const k = r.int(0, 8)
      const step = new Decimal(10).pow(-k)
      // Sizes well above the caps, a minimum on the step's grid: the manager path places the quotient with integers.
      const o: CapQuantityOptions = {
        ...base,
        qty: (base.qty as Decimal).times(r.int(10, 10_000)),
        instrument: { ...base.instrument, stepSize: step, minQty: step.times(r.int(0, 3)) },
      }
      const expected = shown(referenceCapQuantity(o))
      const fast = managerPath(cache, o)
      expect(fast, `case ${i}`).toBeDefined()
      if (fast !== undefined) expect(shown(fast), `case ${i} (manager path)`).toEqual(expected)
      if (!('code' in expected) && notionalCaps.has(expected.cappedBy[0] as string)) cappedByNotional++
    }
    expect(cappedByNotional).toBeGreaterThan(CASES / 4)
  })

  it(`equal it on ${CASES.toLocaleString('en-US')} sizes given as the sizing method's quotient (num ÷ den, divided only if needed)`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(2022)
    const cache = new SizingCache()
    let steps = 0
    for (let i = 0; i < CASES; i++) {
      const base = randomOptions(r)
      // Half the cases on a step of 10^-k (the scaled path), half on the random steps; capped and uncapped sizes.
      const k = r.int(0, 8)
      const step = r.next() < 0.5 ? new Decimal(10).pow(-k) : (base.instrument.stepSize as Decimal)
      const num = dec(r, 8, 0, 8).times(r.next() < 0.5 ? 1 : r.int(2, 200))
      const den = dec(r, 6, -2, 5)
      const o: CapQuantityOptions = {
        ...base,
        qty: num.div(den),
        instrument: { ...base.instrument, stepSize: step, minQty: step.times(r.int(0, 3)) },
      }
      const expected = shown(referenceCapQuantity(o))
      const raw = new RawSize(num, den)
      const fast = managerPath(cache, o, raw)
      expect(fast, `case ${i}`).toBeDefined()
      if (fast !== undefined) expect(shown(fast), `case ${i} (manager path, quotient)`).toEqual(expected)
      if (fast?.ok === true && fast.value.cappedBy.includes(QuantityCap.STEP)) steps++
    }
    expect(steps).toBeGreaterThan(CASES / 4)
  })

  it(`equal it on ${CASES.toLocaleString('en-US')} sizes and prices of 16 to 30 digits (bigint scaled integers, still no division)`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(2023)
    const cache = new SizingCache()
    // Counts the divisions the manager path makes: with bigints, a size placed on a 10^-k grid divides nothing.
    const proto = Object.getPrototypeOf(new Decimal(1)) as { div: (this: Decimal, y: Decimal) => Decimal }
    const div = proto.div
    let divisions = 0
    proto.div = function (this: Decimal, y: Decimal) {
      divisions++
      return div.call(this, y)
    }
    let undivided = 0
    try {
      for (let i = 0; i < CASES; i++) {
        const base = randomOptions(r)
        const k = r.int(0, 8)
        const step = new Decimal(10).pow(-k)
        // A large account's risk budget (equity × fraction, many decimals) over a full-precision stop distance.
        const num = dec(r, 30, 0, 8, 16)
        const den = dec(r, 30, -2, 5, 16)
        const o: CapQuantityOptions = {
          ...base,
          price: r.next() < 0.5 ? dec(r, 30, -3, 6, 16) : (base.price as Decimal),
          equity: r.next() < 0.5 ? dec(r, 30, 2, 7, 16) : (base.equity as Decimal),
          qty: num.div(den),
          instrument: { ...base.instrument, stepSize: step, minQty: step.times(r.int(0, 3)) },
        }
        const expected = shown(referenceCapQuantity(o))
        const before = divisions
        const fast = managerPath(cache, o, new RawSize(num, den))
        if (divisions === before) undivided++
        expect(fast, `case ${i}`).toBeDefined()
        if (fast !== undefined) expect(shown(fast), `case ${i} (manager path, long values)`).toEqual(expected)
      }
    } finally {
      proto.div = div
    }
    // The rest divide for what needs the Decimal: a rejection's message, or a limit off the step's grid (a random
    // maxQty or signalMaxQty); before bigints, every one of these cases divided.
    expect(undivided).toBeGreaterThan(CASES * 0.4)
  })
})
