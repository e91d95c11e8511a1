import { describe, expect, it } from 'vitest'
import { signal } from './__fixtures__/market.js'
import { InstrumentRestrictions } from './InstrumentRestrictions.js'

describe('InstrumentRestrictions', () => {
  it('is ACTIVE by default and denies nothing', () => {
    const r = new InstrumentRestrictions()
    expect(r.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    expect(r.denial(signal())).toBeUndefined()
  })

  it('REDUCING denies entries with the given code and reason, lets exits through', () => {
    const r = new InstrumentRestrictions()
    r.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'stale' })
    expect(r.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    expect(r.denial(signal())).toEqual({ code: 'FEED_UNHEALTHY', reason: 'stale' })
    expect(r.denial(signal({ intent: 'EXIT', side: 'SELL' }))).toBeUndefined()
    expect(r.denial(signal({ symbol: 'ETHUSDT' }))).toBeUndefined()
  })

  it('HALTED denies every signal; ACTIVE lifts the restriction', () => {
    const r = new InstrumentRestrictions()
    r.setInstrumentState('binance', 'BTCUSDT', 'HALTED', { code: 'FEED_UNHEALTHY', reason: 'down' })
    expect(r.denial(signal({ intent: 'EXIT' }))?.code).toBe('FEED_UNHEALTHY')
    r.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'FEED_UNHEALTHY', reason: 'back' })
    expect(r.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    expect(r.denial(signal({ intent: 'EXIT' }))).toBeUndefined()
  })
})
