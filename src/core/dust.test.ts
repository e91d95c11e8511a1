import { describe, expect, it } from 'vitest'
import { Decimal } from '../decimal/index.js'
import { belowOrderMinimum, isDust } from './dust.js'

const D = (v: string) => new Decimal(v)
const btcusdt = { kind: 'spot', stepSize: D('0.00001'), minQty: D('0.00001') } as const
const coarse = { kind: 'outcome', stepSize: D('0.001'), minQty: D('0.01') } as const

describe('dust', () => {
  it('is a holding of either sign below one step, never zero nor a perpetual', () => {
    expect(isDust(D('0.00000889'), btcusdt)).toBe(true)
    expect(isDust(D('-0.00000889'), btcusdt)).toBe(true)
    expect(isDust(D('0.00001'), btcusdt)).toBe(false)
    expect(isDust(D('0'), btcusdt)).toBe(false)
    expect(isDust(D('0.009'), coarse)).toBe(false) // whole steps below minQty: a later buy makes them sellable
    expect(isDust(D('0.0009'), coarse)).toBe(true)
    expect(isDust(D('0.01'), coarse)).toBe(false)
    expect(isDust(D('0.0005'), { kind: 'spot', stepSize: D('0.001') })).toBe(true) // no minQty: the step
    // A perpetual position holds margin and moves with the price: never dust.
    expect(isDust(D('0.0005'), { ...coarse, kind: 'perpetual' })).toBe(false)
  })

  it('belowOrderMinimum takes zero as below it (no order of it can be sent)', () => {
    expect(belowOrderMinimum(D('0'), btcusdt)).toBe(true)
    expect(belowOrderMinimum(D('0.0000101'), btcusdt)).toBe(false)
    // A minQty of zero is no minimum: only the step counts.
    expect(belowOrderMinimum(D('0.002'), { stepSize: D('0.001'), minQty: D('0') })).toBe(false)
  })
})
