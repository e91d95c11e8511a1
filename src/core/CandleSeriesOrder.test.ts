import { describe, expect, it } from 'vitest'
import { CandleSeriesOrder } from './CandleSeriesOrder.js'

const bar = (symbol: string, interval: string, openTime: number) => ({
  venue: 'binance',
  symbol,
  interval,
  openTime,
})

describe('CandleSeriesOrder', () => {
  it('records a new bar, and returns the last open time for a repeat or an older bar, per series', () => {
    const order = new CandleSeriesOrder()
    expect(order.advance(bar('BTCUSDT', '1m', 60_000))).toBeUndefined()
    expect(order.advance(bar('ETHUSDT', '1m', 0))).toBeUndefined() // another series
    expect(order.advance(bar('BTCUSDT', '5m', 0))).toBeUndefined() // another interval
    expect(order.advance(bar('BTCUSDT', '1m', 60_000))).toBe(60_000) // a repeat
    expect(order.advance(bar('BTCUSDT', '1m', 0))).toBe(60_000) // older: nothing recorded
    expect(order.advance(bar('BTCUSDT', '1m', 120_000))).toBeUndefined()
    expect(order.advance(bar('ETHUSDT', '1m', 0))).toBe(0)
    expect(order.advance(bar('ETHUSDT', '1m', Number.NaN))).toBe(0) // no valid open time is never new
  })
})
