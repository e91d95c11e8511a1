import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Decimal,
  formatDecimal,
  isMultipleOf,
  parseDecimal,
  parsePrice,
  parseQuantity,
  roundPriceForSide,
  roundToIncrement,
  roundToStep,
  roundToTick,
  toDecimal,
} from './index.js'

describe('parseDecimal', () => {
  it.each([
    '',
    'NaN',
    'Infinity',
    '-Infinity',
    '-0.1',
    '1e999',
    '1e400',
    ' 1',
    '1 ',
    '0x10',
    '+1',
    '.5',
    '5.',
    '1,5',
    'abc',
    '--1',
  ])('rejects %j', (s) => {
    const r = parseDecimal(s)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('VALIDATION_FAILED')
  })

  it('rejects zero for a price and for a positive quantity', () => {
    expect(parsePrice('0').ok).toBe(false)
    expect(parsePrice('0.000').ok).toBe(false)
    expect(parseQuantity('0', { positive: true }).ok).toBe(false)
    expect(parseQuantity('0').ok).toBe(true)
  })

  it('rejects non-finite numbers, huge magnitudes and non-numeric inputs', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, 1e300, null, undefined, {}, [], true]) {
      expect(parseDecimal(v).ok).toBe(false)
    }
  })

  it('parses exchange strings exactly', () => {
    const r = parseDecimal('0.00100000')
    expect(r.ok && r.value.toString()).toBe('0.001')
    const big = parseDecimal('123456789012345678901234567890.123456789')
    expect(big.ok && big.value.toFixed()).toBe('123456789012345678901234567890.123456789')
  })

  it('accepts negatives only when asked, and normalises -0', () => {
    expect(parseDecimal('-1.5').ok).toBe(false)
    const r = parseDecimal('-1.5', { allowNegative: true })
    expect(r.ok && r.value.toString()).toBe('-1.5')
    const z = parseDecimal('-0', { allowNegative: true })
    expect(z.ok && Object.is(z.value.toNumber(), 0)).toBe(true)
  })

  it('checks the magnitude of Decimal inputs too', () => {
    expect(parseDecimal(new Decimal('1e30')).ok).toBe(false)
    expect(parseDecimal(new Decimal('9.99e29')).ok).toBe(true)
    expect(parseDecimal(new Decimal(Number.NaN)).ok).toBe(false)
  })

  it('puts the field name in the error', () => {
    const r = parsePrice('nope', 'bidPrice')
    expect(!r.ok && r.error.message).toContain('bidPrice')
  })

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.anything()), (v) => {
        const r = parseDecimal(v)
        if (r.ok) expect(r.value.isFinite()).toBe(true)
      }),
    )
  })
})

const tickArb = fc.constantFrom(
  '1',
  '0.5',
  '0.1',
  '0.01',
  '0.001',
  '0.0001',
  '0.00000001',
  '0.005',
  '0.0025',
  '25',
)
const valueArb = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 10 }))
  .map(([n, scale]) => new Decimal(n.toString()).div(new Decimal(10).pow(scale)))

describe('rounding', () => {
  it('DOWN gives a multiple of the tick, never above the input, within one tick, idempotent', () => {
    fc.assert(
      fc.property(valueArb, tickArb, (v, tick) => {
        const r = roundToTick(v, tick, 'DOWN')
        expect(isMultipleOf(r, tick)).toBe(true)
        expect(r.lte(v)).toBe(true)
        expect(v.minus(r).lt(tick)).toBe(true)
        expect(roundToTick(r, tick, 'DOWN').eq(r)).toBe(true)
      }),
    )
  })

  it('UP gives a multiple of the tick, never below the input, within one tick, idempotent', () => {
    fc.assert(
      fc.property(valueArb, tickArb, (v, tick) => {
        const r = roundToTick(v, tick, 'UP')
        expect(isMultipleOf(r, tick)).toBe(true)
        expect(r.gte(v)).toBe(true)
        expect(r.minus(v).lt(tick)).toBe(true)
        expect(roundToTick(r, tick, 'UP').eq(r)).toBe(true)
      }),
    )
  })

  it('NEAREST is within half a tick', () => {
    fc.assert(
      fc.property(valueArb, tickArb, (v, tick) => {
        const r = roundToTick(v, tick, 'NEAREST')
        expect(r.minus(v).abs().lte(new Decimal(tick).div(2))).toBe(true)
      }),
    )
  })

  it('string round-trip through formatDecimal is exact', () => {
    fc.assert(
      fc.property(valueArb, tickArb, (v, tick) => {
        const r = roundToStep(v, tick)
        const s = formatDecimal(r)
        expect(s).not.toMatch(/e/i)
        expect(new Decimal(s).eq(r)).toBe(true)
        expect(formatDecimal(s)).toBe(s)
      }),
    )
  })

  it('a buy price never rounds up and a sell price never rounds down', () => {
    expect(roundPriceForSide('101.239', '0.01', 'BUY').toString()).toBe('101.23')
    expect(roundPriceForSide('101.231', '0.01', 'SELL').toString()).toBe('101.24')
    expect(roundPriceForSide('101.23', '0.01', 'SELL').toString()).toBe('101.23')
  })

  it('measures the grid from an origin (Binance futures minPrice)', () => {
    expect(roundToIncrement('10.37', '0.25', 'DOWN', '0.1').toString()).toBe('10.35')
    expect(isMultipleOf('10.35', '0.25', '0.1')).toBe(true)
  })

  it('has no float noise', () => {
    expect(roundToStep(0.1 + 0.2, '0.1').toString()).toBe('0.3')
    expect(formatDecimal(new Decimal('1e-8'))).toBe('0.00000001')
    expect(formatDecimal('1.23456', 3)).toBe('1.234')
  })

  it('rejects a zero or negative increment with a typed error', () => {
    expect(() => roundToTick('1', '0', 'DOWN')).toThrowError(/increment/)
    expect(() => roundToStep('1', '-0.1')).toThrowError(/increment/)
  })

  it('toDecimal rejects NaN', () => {
    expect(() => toDecimal(Number.NaN)).toThrowError(/not finite/)
  })

  it('toDecimal returns one of its own valid Decimals as is, and checks a Decimal as it checks any other input', () => {
    const d = new Decimal('-64000.5')
    expect(toDecimal(d)).toBe(d)
    expect(() => toDecimal(new Decimal(Number.NaN))).toThrowError(/not finite/)
    expect(() => toDecimal(new Decimal(Number.POSITIVE_INFINITY))).toThrowError(/not finite/)
    expect(() => toDecimal(new Decimal('1e30'))).toThrowError(/too large/)
    expect(() => toDecimal(d, { allowNegative: false })).toThrowError(/negative/)
    expect(() => toDecimal(new Decimal(0), { allowZero: false })).toThrowError(/greater than 0/)
    expect(Object.is(toDecimal(new Decimal('-0')).toNumber(), 0)).toBe(true) // -0 is normalised
  })
})
