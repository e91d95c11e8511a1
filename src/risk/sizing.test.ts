import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Decimal, isMultipleOf } from '../decimal/index.js'
import { D, instrument } from './__fixtures__/builders.js'
import { referenceCapQuantity } from './__fixtures__/referenceCapQuantity.js'
import { RawSize } from './RawSize.js'
import {
  atrStopPrice,
  capChecked,
  capQuantity,
  fixedFractionalSize,
  fixedNotionalSize,
  fractionalKellySize,
  kellyFraction,
  volatilityTargetSize,
} from './sizing.js'

const hostile = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, -1, 1e308, 5e-324),
  fc.constantFrom('', 'NaN', 'abc', '1e999', '-5', '0', ' 1', null, undefined, {}, [], true),
  fc.double(),
  fc.integer(),
  fc.string(),
)

describe('fixedFractionalSize', () => {
  it('risks riskFraction of equity over the stop distance', () => {
    const r = fixedFractionalSize({ equity: '10000', riskFraction: 0.01, entryPrice: '100', stopPrice: '98' })
    expect(r.ok && r.value.toString()).toBe('50')
    const s = fixedFractionalSize({
      equity: '10000',
      riskFraction: 0.02,
      entryPrice: '100',
      stopPrice: '104',
    })
    expect(s.ok && s.value.toString()).toBe('50')
  })

  it('rejects a zero stop distance instead of dividing by zero', () => {
    const r = fixedFractionalSize({
      equity: '10000',
      riskFraction: 0.01,
      entryPrice: '100',
      stopPrice: '100',
    })
    expect(!r.ok && r.error.code).toBe('STOP_TOO_TIGHT')
  })

  it('rejects invalid inputs with INVALID_INPUT and the field', () => {
    for (const [field, patch] of [
      ['equity', { equity: 'NaN' }],
      ['riskFraction', { riskFraction: 1.5 }],
      ['riskFraction', { riskFraction: 0 }],
      ['entryPrice', { entryPrice: -1 }],
      ['stopPrice', { stopPrice: Number.POSITIVE_INFINITY }],
    ] as const) {
      const base = { equity: '1', riskFraction: 0.01, entryPrice: '1', stopPrice: '0.5' }
      const r = fixedFractionalSize({ ...base, ...(patch as object) })
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT')
        expect(r.error.values.field).toBe(field)
      }
    }
  })

  it('never returns NaN, a negative or a zero size, whatever the input', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (equity, riskFraction, entryPrice, stopPrice) => {
        const r = fixedFractionalSize({
          equity: equity as never,
          riskFraction: riskFraction as never,
          entryPrice: entryPrice as never,
          stopPrice: stopPrice as never,
        })
        if (r.ok) {
          expect(r.value.isFinite()).toBe(true)
          expect(r.value.gt(0)).toBe(true)
        } else expect(typeof r.error.code).toBe('string')
      }),
    )
  })
})

describe('atrStopPrice', () => {
  it('places the stop multiplier × ATR away, on the losing side', () => {
    const b = atrStopPrice({ side: 'BUY', entryPrice: '100', atr: 2, multiplier: 1.5 })
    expect(b.ok && b.value.toString()).toBe('97')
    const s = atrStopPrice({ side: 'SELL', entryPrice: '100', atr: 2 })
    expect(s.ok && s.value.toString()).toBe('103')
  })

  it('rounds to the tick away from the entry (never tighter)', () => {
    const b = atrStopPrice({ side: 'BUY', entryPrice: '100', atr: 0.333, multiplier: 1, tickSize: '0.01' })
    expect(b.ok && b.value.toString()).toBe('99.66')
    const s = atrStopPrice({ side: 'SELL', entryPrice: '100', atr: 0.333, multiplier: 1, tickSize: '0.01' })
    expect(s.ok && s.value.toString()).toBe('100.34')
  })

  it('rejects a missing ATR and a stop at or below zero', () => {
    const a = atrStopPrice({ side: 'BUY', entryPrice: '100', atr: Number.NaN })
    expect(!a.ok && a.error.code).toBe('MISSING_VOLATILITY')
    const z = atrStopPrice({ side: 'BUY', entryPrice: '1', atr: 1, multiplier: 1 })
    expect(!z.ok && z.error.code).toBe('STOP_WRONG_SIDE')
  })
})

describe('volatilityTargetSize, fixedNotionalSize', () => {
  it('sizes so one ATR is worth targetVolatility of equity', () => {
    const r = volatilityTargetSize({ equity: '10000', targetVolatility: 0.01, volatility: 2 })
    expect(r.ok && r.value.toString()).toBe('50')
    const bad = volatilityTargetSize({ equity: '10000', targetVolatility: 0.01, volatility: 0 })
    expect(!bad.ok && bad.error.code).toBe('MISSING_VOLATILITY')
  })

  it('divides the notional by the price', () => {
    const r = fixedNotionalSize({ notional: '500', price: '25000' })
    expect(r.ok && r.value.toString()).toBe('0.02')
    expect(fixedNotionalSize({ notional: '500', price: '0' }).ok).toBe(false)
  })
})

describe('Kelly', () => {
  it('computes p − (1 − p) / b', () => {
    const k = kellyFraction({ winRate: 0.55, payoffRatio: 1.5 })
    expect(k.ok && k.value.toString()).toBe('0.25')
    expect(kellyFraction({ winRate: 1, payoffRatio: 1 }).ok).toBe(false)
  })

  it('scales, caps and sizes by the stop', () => {
    // half Kelly = 0.125, capped at 0.02 → risk 200 over a distance of 2 → 100
    const r = fractionalKellySize({
      equity: '10000',
      winRate: 0.55,
      payoffRatio: 1.5,
      entryPrice: '100',
      stopPrice: '98',
    })
    expect(r.ok && r.value.toString()).toBe('100')
    const small = fractionalKellySize({
      equity: '10000',
      winRate: 0.51,
      payoffRatio: 1,
      kellyMultiplier: 0.25,
      maxRiskFraction: 0.5,
      entryPrice: '100',
    })
    // Kelly 0.02 × 0.25 = 0.005 of equity as notional → 50 / 100 = 0.5
    expect(small.ok && small.value.toString()).toBe('0.5')
  })

  it('rejects no edge', () => {
    const r = fractionalKellySize({
      equity: '10000',
      winRate: 0.4,
      payoffRatio: 1,
      entryPrice: '100',
      stopPrice: '98',
    })
    expect(!r.ok && r.error.code).toBe('NO_EDGE')
  })

  it('never risks more than maxRiskFraction', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (winRate, payoffRatio, maxRiskFraction) => {
          const r = fractionalKellySize({
            equity: '10000',
            winRate,
            payoffRatio,
            maxRiskFraction,
            entryPrice: '100',
            stopPrice: '90',
          })
          if (r.ok) expect(r.value.times(10).lte(new Decimal(10000).times(maxRiskFraction))).toBe(true)
          else expect(r.error.code).toBe('NO_EDGE')
        },
      ),
    )
  })
})

describe('capQuantity', () => {
  const inst = instrument()

  it('rounds down to the step and reports it', () => {
    const r = capQuantity({ qty: '1.23456', price: '100', instrument: inst })
    expect(r.ok && r.value.qty.toString()).toBe('1.234')
    expect(r.ok && r.value.cappedBy).toEqual(['step'])
  })

  it('applies the tightest cap', () => {
    const r = capQuantity({
      qty: '100',
      price: '100',
      instrument: inst,
      equity: '10000',
      maxPositionFraction: 0.5, // 5000 → 50
      maxNotional: '3000', // → 30
      freeMargin: '2000', // × 1 × 0.95 = 1900 → 19
    })
    expect(r.ok && r.value.qty.toString()).toBe('19')
    expect(r.ok && r.value.cappedBy).toEqual(['margin'])
  })

  it('counts the existing position against the position caps', () => {
    const r = capQuantity({
      qty: '100',
      price: '100',
      instrument: inst,
      equity: '10000',
      maxPositionFraction: 0.5,
      existingNotional: '4000',
    })
    expect(r.ok && r.value.qty.toString()).toBe('10')
    const full = capQuantity({
      qty: '1',
      price: '100',
      instrument: inst,
      equity: '10000',
      maxPositionFraction: 0.5,
      existingNotional: '5000',
    })
    expect(!full.ok && full.error.code).toBe('QUANTITY_ZERO')
  })

  it('caps at maxQty and rejects below minQty, below minNotional and sizes that round to zero', () => {
    expect(capQuantity({ qty: '10000', price: '1', instrument: inst }).ok && true).toBe(true)
    const big = capQuantity({ qty: '10000', price: '1', instrument: inst })
    expect(big.ok && big.value.qty.toString()).toBe('9000')
    const zero = capQuantity({ qty: '0.0009', price: '100000', instrument: inst })
    expect(!zero.ok && zero.error.code).toBe('QUANTITY_ZERO')
    const minQ = capQuantity({
      qty: '0.5',
      price: '100',
      instrument: instrument({ minQty: D('1'), stepSize: D('0.1') }),
    })
    expect(!minQ.ok && minQ.error.code).toBe('BELOW_MIN_QUANTITY')
    const minN = capQuantity({ qty: '0.04', price: '100', instrument: inst })
    expect(!minN.ok && minN.error.code).toBe('BELOW_MIN_NOTIONAL')
    expect(!minN.ok && minN.error.values.minNotional).toBe('5')
  })

  it('rejects a malformed instrument maxQty or minNotional (INVALID_INPUT), never treating it as no limit', () => {
    for (const over of [{ maxQty: D(Number.NaN) }, { maxQty: D(0) }, { maxQty: D(-1) }]) {
      const r = capQuantity({ qty: '10000', price: '1', instrument: instrument(over) })
      expect(!r.ok && `${r.error.code} ${r.error.values.field}`).toBe('INVALID_INPUT maxQty')
    }
    for (const over of [{ minNotional: D(Number.NaN) }, { minNotional: D(-1) }]) {
      const r = capQuantity({ qty: '0.04', price: '100', instrument: instrument(over) })
      expect(!r.ok && `${r.error.code} ${r.error.values.field}`).toBe('INVALID_INPUT minNotional')
    }
    const noMinimum = capQuantity({
      qty: '0.04',
      price: '100',
      instrument: instrument({ minNotional: D(0) }),
    })
    expect(noMinimum.ok && noMinimum.value.qty.toString()).toBe('0.04')
  })

  it('rejects non-positive free margin', () => {
    const r = capQuantity({ qty: '1', price: '100', instrument: inst, freeMargin: '0' })
    expect(!r.ok && r.error.code).toBe('INSUFFICIENT_MARGIN')
  })

  it('never returns NaN, a negative, a zero, an off-step size, or a size above any cap', () => {
    const steps = fc.constantFrom('1', '0.1', '0.001', '0.00001', '5', '0.25')
    const dec = (min: number, max: number) =>
      fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => new Decimal(x.toPrecision(12)))
    fc.assert(
      fc.property(
        fc.oneof(dec(0, 1e9), hostile),
        dec(1e-6, 1e6),
        steps,
        dec(0, 100),
        fc.option(dec(1, 1e7), { nil: undefined }),
        fc.option(dec(-1000, 1e7), { nil: undefined }),
        dec(1, 20),
        dec(0.01, 2),
        (qty, price, step, minQtyRaw, maxNotional, freeMargin, leverage, maxPositionFraction) => {
          const minQty = minQtyRaw.div(step).floor().times(step)
          const inst2 = instrument({ stepSize: D(step), minQty, maxQty: D('1000000'), minNotional: D('1') })
          const r = capQuantity({
            qty: qty as never,
            price,
            instrument: inst2,
            equity: '10000',
            maxPositionFraction,
            maxNotional,
            freeMargin,
            leverage,
            marginSafetyFactor: 0.9,
          })
          if (!r.ok) return
          const q = r.value.qty
          expect(q.isFinite() && q.gt(0)).toBe(true)
          expect(q.lte(r.value.requestedQty)).toBe(true)
          expect(isMultipleOf(q, step, minQty.gt(0) ? minQty : 0)).toBe(true)
          expect(q.gte(minQty)).toBe(true)
          const notional = q.times(price)
          expect(notional.lte(new Decimal(10000).times(maxPositionFraction))).toBe(true)
          if (maxNotional !== undefined) expect(notional.lte(maxNotional)).toBe(true)
          if (freeMargin !== undefined) expect(notional.lte(freeMargin.times(leverage).times(0.9))).toBe(true)
          expect(q.lte(1000000)).toBe(true)
          expect(notional.gte(1)).toBe(true)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('capQuantity example', () => {
  it('matches its documentation', () => {
    const r = capQuantity({
      qty: '7.23456',
      price: '100',
      instrument: instrument(),
      equity: '1000',
      maxPositionFraction: 0.5,
    })
    expect(r.ok && r.value.qty.toString()).toBe('5')
    expect(r.ok && r.value.cappedBy).toEqual(['maxPositionFraction'])
  })
})

describe('capQuantity: the step back under a cap that the 40-digit division overshot', () => {
  // 0.027 − 1e-45 over a price of 3 is 0.009 − 3.3e-46: 40 digits round it up to 0.009 (the minQty), worth 0.027, over
  // the cap; one step (0.003) back is 0.006, under the minQty of three steps.
  const cap = new Decimal('0.026999999999999999999999999999999999999999999')
  const inst = { stepSize: D('0.003'), minQty: D('0.009') }

  it('rejects the lowered size below minQty (BELOW_MIN_QUANTITY), never an undersized order', () => {
    const r = capQuantity({ qty: '1', price: '3', instrument: inst, maxNotional: cap })
    expect(r.ok ? r.value.qty.toString() : r.error.code).toBe('BELOW_MIN_QUANTITY')
    expect(r.ok ? undefined : r.error.values).toMatchObject({ qty: '0.006', minQty: '0.009' })
  })

  it('in the manager path too (a step that is not 10^-k), and the reference agrees', () => {
    const m = capChecked({
      raw: new RawSize(D('1')),
      price: D('3'),
      step: inst.stepSize,
      minQty: inst.minQty,
      existing: undefined,
      positionCap: undefined,
      maxNotional: cap,
      marginCap: undefined,
      maxQty: undefined,
      signalMaxQty: undefined,
      minNotional: undefined,
    })
    expect(m.ok ? m.value.qty.toString() : m.error.code).toBe('BELOW_MIN_QUANTITY')
    const ref = referenceCapQuantity({ qty: '1', price: '3', instrument: inst, maxNotional: cap })
    expect(ref.ok ? ref.value.qty.toString() : ref.error.code).toBe('BELOW_MIN_QUANTITY')
  })

  it('still approves the lowered size when it is at or above minQty, and checks minNotional on it', () => {
    const two = { stepSize: D('0.003'), minQty: D('0.006') }
    const r = capQuantity({ qty: '1', price: '3', instrument: two, maxNotional: cap })
    expect(r.ok && r.value.qty.toString()).toBe('0.006')
    expect(r.ok && r.value.cappedBy).toEqual(['maxNotional', 'step'])
    const n = capQuantity({
      qty: '1',
      price: '3',
      instrument: { ...two, minNotional: D('0.02') },
      maxNotional: cap,
    })
    expect(n.ok ? n.value.qty.toString() : n.error.code).toBe('BELOW_MIN_NOTIONAL') // 0.006 × 3 = 0.018
  })
})
