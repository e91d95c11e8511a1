import { describe, expect, it } from 'vitest'
import { instrumentKey } from './instrumentKey.js'

describe('instrumentKey', () => {
  it('is venue NUL symbol, whatever the order of calls', () => {
    expect(instrumentKey('binance', 'BTCUSDT')).toBe('binance\u0000BTCUSDT')
    expect(instrumentKey('binance', 'BTCUSDT')).toBe('binance\u0000BTCUSDT')
    expect(instrumentKey('binance', 'ETHUSDT')).toBe('binance\u0000ETHUSDT')
    expect(instrumentKey('polymarket', 'ETHUSDT')).toBe('polymarket\u0000ETHUSDT')
    expect(instrumentKey('binance', 'BTCUSDT')).toBe('binance\u0000BTCUSDT')
    // NUL keeps `a`+`bc` and `ab`+`c` apart.
    expect(instrumentKey('a', 'bc')).not.toBe(instrumentKey('ab', 'c'))
  })
})
