import { describe, expect, it } from 'vitest'
import { SimSymbolMarket } from '../market.js'
import { resolveSpec } from '../specs.js'
import { dayStats, miniTickerJson, ticker24hrJson, tickerStreamJson } from './ticker.js'

describe('24 h ticker payloads', () => {
  it('reports an empty window at the last price with -1 trade ids', () => {
    const m = new SimSymbolMarket(resolveSpec('BTCUSDT', 'spot'), 1)
    const s = dayStats(m, 1_000_000_000)
    expect(s).toMatchObject({ count: 0, firstId: -1, lastId: -1, change: m.px(0), volume: m.qty(0) })
    expect(s.open).toBe(s.last)
    expect(s.weightedAvg).toBe(s.last)
  })

  it('aggregates the trades of the last 24 h only: open, high, low, volume, weighted average', () => {
    const m = new SimSymbolMarket(resolveSpec('BTCUSDT', 'usdm'), 1)
    const t0 = 1_000_000_000
    const tick = m.lastTradeTicks
    m.recordTrade(tick - 50, 10, false, t0) // older than 24 h at `now`
    m.recordTrade(tick, 10, false, t0 + 86_400_000 - 10)
    m.recordTrade(tick + 20, 30, true, t0 + 86_400_000 - 5)
    const now = t0 + 86_400_000
    const s = dayStats(m, now)
    expect(s.count).toBe(2)
    expect([s.open, s.high, s.low, s.last]).toEqual([
      m.px(tick),
      m.px(tick + 20),
      m.px(tick),
      m.px(tick + 20),
    ])
    expect(s.volume).toBe(m.qty(40))
    const avg = ((tick * 10 + (tick + 20) * 30) / 40) * m.tick
    expect(Number(s.weightedAvg)).toBeCloseTo(avg, m.priceDp)
    expect(Number(s.changePercent)).toBeCloseTo(((20 * m.tick) / (tick * m.tick)) * 100, 3)
    expect(ticker24hrJson('usdm', m, now)).not.toHaveProperty('bidPrice')
    expect(tickerStreamJson('usdm', m, now)).toMatchObject({
      e: '24hrTicker',
      n: 2,
      F: s.firstId,
      L: s.lastId,
    })
    expect(miniTickerJson(m, now)).toEqual({
      e: '24hrMiniTicker',
      E: now,
      s: 'BTCUSDT',
      c: s.last,
      o: s.open,
      h: s.high,
      l: s.low,
      v: s.volume,
      q: s.quoteVolume,
    })
  })
})
