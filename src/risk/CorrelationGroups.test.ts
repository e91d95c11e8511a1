import { describe, expect, it } from 'vitest'
import { CorrelationGroups } from './CorrelationGroups.js'

describe('CorrelationGroups', () => {
  it('finds an instrument by venue:symbol first, then by bare symbol, and the same again when asked again', () => {
    const groups = new CorrelationGroups({ majors: ['BTCUSDT', 'binance:ETHUSDT'], alts: ['bybit:BTCUSDT'] })
    for (let round = 0; round < 2; round++) {
      expect(groups.of('binance', 'BTCUSDT')).toBe('majors')
      expect(groups.of('bybit', 'BTCUSDT')).toBe('alts')
      expect(groups.of('binance', 'ETHUSDT')).toBe('majors')
      expect(groups.of('bybit', 'ETHUSDT')).toBeUndefined()
      expect(groups.of('binance', 'SOLUSDT')).toBeUndefined()
    }
  })

  it('answers undefined without groups', () => {
    expect(new CorrelationGroups({}).of('binance', 'BTCUSDT')).toBeUndefined()
  })
})
