import { describe, expect, it } from 'vitest'
import { SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import { exchangeInfoJson } from './exchangeInfo.js'

describe('exchangeInfoJson', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  for (const [i, s] of ['BTCUSDT', 'ETHUSDT'].entries()) {
    engine.addSymbol('spot', resolveSpec(s, 'spot'), i + 1)
    engine.addSymbol('usdm', resolveSpec(s, 'usdm'), i + 10)
  }

  it('lists spot symbols with their filters and the weight limit', () => {
    const info = exchangeInfoJson('spot', [...engine.markets.spot.values()], null, 6000, 5) as {
      symbols: Array<{ symbol: string; filters: Array<{ filterType: string }> }>
      rateLimits: Array<{ limit: number }>
      serverTime: number
    }
    expect(info.serverTime).toBe(5)
    expect(info.rateLimits[0]?.limit).toBe(6000)
    expect(info.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    expect(info.symbols[0]?.filters.map((f) => f.filterType)).toContain('NOTIONAL')
    expect(info).not.toHaveProperty('assets')
  })

  it('lists one USD-M perpetual when asked, with margin assets', () => {
    const info = exchangeInfoJson('usdm', [...engine.markets.usdm.values()], 'ETHUSDT', 2400, 5) as {
      symbols: Array<{ symbol: string; contractType: string }>
      assets: unknown[]
    }
    expect(info.symbols).toEqual([expect.objectContaining({ symbol: 'ETHUSDT', contractType: 'PERPETUAL' })])
    expect(info.assets).toHaveLength(1)
  })
})
