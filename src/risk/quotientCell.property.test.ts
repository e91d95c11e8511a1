import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { compareDecimals } from '../decimal/compareDecimals.js'
import { Decimal, roundToIncrement } from '../decimal/index.js'
import { randomDecimal as dec, randomStep } from '../decimal/randomDecimal.js'
import { toBigScaled, toScaled } from '../decimal/scaled.js'
import {
  compareCell,
  compareGridProduct,
  compareProducts,
  floorToStep,
  gridProductSignBig,
  productsSignBig,
  type QuotientCell,
  quotientCell,
  quotientCellOfBig,
} from './quotientCell.js'

// Issue 20: a capped size is placed on the step grid with scaled integers instead of the 40-digit division. These
// properties hold the cell to what the division gives: the size rounded down, whether rounding changed it, and its
// comparison with step-aligned limits.
const CASES = 10_000

/** Expects `cell` to be `limit.div(price)` rounded down to its grid, exact when that is; returns that rounding. */
function expectFloorOf(cell: QuotientCell, limit: Decimal, price: Decimal, label: string): Decimal {
  const q = limit.div(price)
  const rounded = q.toDecimalPlaces(cell.k, Decimal.ROUND_FLOOR)
  expect(
    new Decimal(cell.n).times(new Decimal(10).pow(-cell.k)).eq(rounded),
    `${label}: ${limit} / ${price}`,
  ).toBe(true)
  expect(cell.exact, `${label}: ${limit} / ${price}`).toBe(rounded.eq(q))
  return rounded
}

describe('quotientCell (property)', () => {
  it(`equals limit.div(price) rounded down to 10^-k on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(22)
    let used = 0
    let exact = 0
    for (let i = 0; i < CASES; i++) {
      const k = r.int(0, 8)
      const price = dec(r, 8, -3, 6)
      // A third of the limits are an exact multiple of the price on the grid (no remainder), some just off one.
      const kind = r.int(0, 2)
      const grid = new Decimal(r.int(1, 10 ** 6)).times(new Decimal(10).pow(-k))
      const limit =
        kind === 0
          ? dec(r, 9, 0, 8)
          : kind === 1
            ? grid.times(price)
            : grid.times(price).plus(new Decimal(10).pow(-r.int(8, 14)))
      const q = limit.div(price)
      const cell = quotientCell(limit, price, k)
      if (cell === undefined) continue
      used++
      const rounded = expectFloorOf(cell, limit, price, `case ${i}`)
      if (cell.exact) exact++
      // Against step-aligned values around the cell, and off-grid ones (which it declines).
      for (const v of [
        rounded,
        rounded.plus(new Decimal(10).pow(-k)),
        rounded.minus(new Decimal(10).pow(-k)),
      ]) {
        if (v.isNegative()) continue
        expect(compareCell(cell, v), `case ${i}: ${q} vs ${v}`).toBe(compareDecimals(q, v))
      }
      const off = rounded.plus(new Decimal(10).pow(-k - 1))
      expect(compareCell(cell, off)).toBeUndefined()
    }
    expect(used).toBeGreaterThan(CASES / 2)
    expect(exact).toBeGreaterThan(CASES / 10)
  })

  it('declines a quotient below one step and values it cannot hold exactly', () => {
    expect(quotientCell(new Decimal('1'), new Decimal('64000'), 2)).toBeUndefined()
    expect(quotientCell(new Decimal('1.23456789012345678'), new Decimal('3'), 2)).toBeUndefined()
    expect(quotientCell(new Decimal('50000'), new Decimal('64000.25'), 5)).toEqual({
      n: 78124,
      exact: false,
      k: 5,
    })
    expect(quotientCell(new Decimal('640.0025'), new Decimal('64000.25'), 2)).toEqual({
      n: 1,
      exact: true,
      k: 2,
    })
  })

  it(`compareProducts equals comparing the Decimal products on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(23)
    let decided = 0
    for (let i = 0; i < CASES; i++) {
      const [a, b, c] = [dec(r, 8, -4, 8), dec(r, 6, -4, 4), dec(r, 8, -4, 8)]
      // A quarter of the cases compare equal products (c × d = a × b), which it leaves to the Decimals.
      const d = r.next() < 0.25 ? a.times(b).div(c) : dec(r, 6, -4, 4)
      const sign = compareProducts(a, b, c, d)
      if (sign === undefined) continue
      decided++
      expect(sign, `case ${i}: ${a} × ${b} vs ${c} × ${d}`).toBe(a.times(b).cmp(c.times(d)))
    }
    expect(decided).toBeGreaterThan(CASES / 2)
  })

  it(`compareGridProduct equals comparing n × 10^-k × price with v as Decimals on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(25)
    let decided = 0
    for (let i = 0; i < CASES; i++) {
      const k = r.int(0, 8)
      const n = r.next() < 0.05 ? 0 : r.int(1, 10 ** r.int(1, 9))
      const price = dec(r, r.next() < 0.1 ? 20 : 8, -4, 6)
      const q = new Decimal(n).times(new Decimal(10).pow(-k))
      // A quarter of the cases compare with the product itself (a tie), some with a negative or a long value.
      const roll = r.next()
      const v =
        roll < 0.25
          ? q.times(price)
          : roll < 0.3
            ? dec(r, 6, -2, 4).neg()
            : dec(r, roll < 0.4 ? 22 : 9, -4, 9)
      const sign = compareGridProduct(n, k, price, v)
      if (sign === undefined) continue
      decided++
      expect(sign, `case ${i}: ${n}e-${k} × ${price} vs ${v}`).toBe(q.times(price).cmp(v))
    }
    expect(decided).toBeGreaterThan(CASES / 2)
  })

  it(`in bigints, equals limit.div(price) rounded down to 10^-k for values of up to 30 digits, on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(26)
    let used = 0
    let beyondSafe = 0
    for (let i = 0; i < CASES; i++) {
      const k = r.int(0, 8)
      const price = dec(r, r.next() < 0.5 ? 30 : 8, -3, 6)
      // Limits on a grid line, just above or just below one (down to where the 40th digit rounds onto it), or any.
      const kind = r.int(0, 3)
      const grid = new Decimal(r.int(1, 10 ** 6)).times(new Decimal(10).pow(-k))
      const off = new Decimal(10).pow(-r.int(8, 48))
      const limit =
        kind === 0
          ? dec(r, 30, 0, 8, 12)
          : kind === 1
            ? grid.times(price)
            : kind === 2
              ? grid.times(price).plus(off)
              : grid.times(price).minus(off)
      const cell = quotientCellOfBig(toBigScaled(limit), toBigScaled(price), k)
      // Where the safe integers decide, the bigints find the same cell.
      const small = quotientCell(limit, price, k)
      if (small !== undefined) expect(cell, `case ${i}: ${limit} / ${price}`).toEqual(small)
      if (cell === undefined) continue
      used++
      if (toScaled(limit) === undefined || toScaled(price) === undefined) beyondSafe++
      expectFloorOf(cell, limit, price, `case ${i}`)
    }
    expect(used).toBeGreaterThan(CASES / 2)
    expect(beyondSafe).toBeGreaterThan(CASES / 4)
  })

  it(`in bigints, compare num ÷ den × price with a cap, and n × 10^-k × price with a value, as the 40-digit Decimals do, for values of up to 30 digits, on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(27)
    let products = 0
    let grid = 0
    for (let i = 0; i < CASES; i++) {
      const num = dec(r, 30, -4, 8)
      const den = dec(r, r.next() < 0.5 ? 30 : 6, -4, 4)
      const price = dec(r, r.next() < 0.5 ? 30 : 8, -4, 6)
      // A quarter of the caps sit on the product itself or within a unit of its 40th digit (near ties).
      const roll = r.next()
      const exactCap = num.div(den).times(price)
      const cap =
        roll < 0.15
          ? exactCap
          : roll < 0.25
            ? exactCap.plus(exactCap.times(new Decimal(10).pow(-r.int(36, 42))))
            : dec(r, 30, -4, 10)
      const sign = productsSignBig(toBigScaled(num), toBigScaled(price), toBigScaled(cap), toBigScaled(den))
      if (sign !== undefined) {
        products++
        expect(sign, `case ${i}: ${num} / ${den} × ${price} vs ${cap}`).toBe(
          num.div(den).times(price).cmp(cap),
        )
      }
      const k = r.int(0, 8)
      const n = r.int(0, 10 ** r.int(1, 9))
      const q = new Decimal(n).times(new Decimal(10).pow(-k))
      const v = roll < 0.25 ? q.times(price) : roll < 0.3 ? cap.neg() : cap
      const g = gridProductSignBig(n, k, toBigScaled(price), toBigScaled(v))
      if (g !== undefined) {
        grid++
        expect(g, `case ${i}: ${q} × ${price} vs ${v}`).toBe(q.times(price).cmp(v))
      }
    }
    expect(products).toBeGreaterThan(CASES / 2)
    expect(grid).toBeGreaterThan(CASES / 2)
  })

  it('in bigints, reads a finite Decimal of up to 140 digits exactly and declines the rest', () => {
    for (const v of [
      '12345.671234567891',
      '-0.000000000000123456789012345678901',
      '1e30',
      '0',
      '7',
      '1.5e-40',
    ]) {
      const b = toBigScaled(new Decimal(v))
      expect(b).toBeDefined()
      const back = new Decimal((b?.m ?? 0n).toString()).times(new Decimal(10).pow(b?.p ?? 0))
      expect(back.eq(v), v).toBe(true)
    }
    expect(toBigScaled(new Decimal('12345.671234567891'))).toEqual({ m: 1234567123456789100n, p: -14 })
    expect(toBigScaled(new Decimal(Number.NaN))).toBeUndefined()
    expect(toBigScaled(new Decimal(Number.POSITIVE_INFINITY))).toBeUndefined()
    expect(toBigScaled(new Decimal(`1${'3'.repeat(200)}`))).toBeUndefined() // more than 140 digits
    // Values too far apart for a bigint of reasonable size are left to the Decimals (no million-digit power of ten).
    const tiny = toBigScaled(new Decimal('1e-9000000'))
    const one = toBigScaled(new Decimal(1))
    expect(quotientCellOfBig(one, tiny, 2)).toBeUndefined()
    expect(productsSignBig(one, one, tiny, one)).toBeUndefined()
    expect(gridProductSignBig(1, 2, one, tiny)).toBeUndefined()
  })

  it(`floorToStep equals roundToIncrement(v, step, 'DOWN', origin), value and representation, on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(24)
    let used = 0
    for (let i = 0; i < CASES; i++) {
      const step = randomStep(r)
      const kind = r.int(0, 3)
      const origin =
        kind === 0 ? undefined : kind === 1 ? step : kind === 2 ? step.times(r.int(2, 50)) : step.times('1.5')
      // Quantities on the grid, off it, and with more digits than a safe integer holds.
      const base = (origin ?? new Decimal(0)).plus(step.times(r.int(1, 100_000)))
      const v =
        r.next() < 0.4 ? base : r.next() < 0.8 ? base.plus(dec(r, 6, -12, 0)) : base.plus(dec(r, 25, -20, -2))
      const expected = roundToIncrement(v, step, 'DOWN', origin)
      const got = floorToStep(v, step, origin)
      if (got === undefined) continue
      used++
      const parts = (d: Decimal) => ({ s: d.s, e: d.e, d: [...(d.d ?? [])] })
      expect(parts(got), `case ${i}: ${v} / ${step} from ${origin}`).toEqual(parts(expected))
    }
    expect(used).toBeGreaterThan(CASES / 2)
  })
})
