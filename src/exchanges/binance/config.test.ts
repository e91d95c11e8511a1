import { describe, expect, it } from 'vitest'
import { BinanceSpot } from './BinanceSpot.js'
import { BinanceUsdm } from './BinanceUsdm.js'
import { BinanceConfigSchema, resolveUrls } from './config.js'

describe('BinanceConfig orderEntry', () => {
  it('defaults to rest and accepts ws-api', () => {
    expect(BinanceConfigSchema.parse({}).orderEntry).toBe('rest')
    expect(BinanceConfigSchema.parse({ orderEntry: 'ws-api' }).orderEntry).toBe('ws-api')
  })

  it('refuses anything else with a ConfigError naming the option', () => {
    expect(() => new BinanceSpot({ orderEntry: 'fix' as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('orderEntry') }),
    )
  })

  it('USD-M has WebSocket API URLs (ws-fapi) for production and testnet', () => {
    expect(resolveUrls('usdm', BinanceConfigSchema.parse({ testnet: false })).wsApiUrl).toBe(
      'wss://ws-fapi.binance.com/ws-fapi/v1',
    )
    expect(new BinanceUsdm({}).urls.wsApiUrl).toBe('wss://testnet.binancefuture.com/ws-fapi/v1')
  })
})
