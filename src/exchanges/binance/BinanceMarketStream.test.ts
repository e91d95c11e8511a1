import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../errors/index.js'
import { BinanceMarketStream } from './BinanceMarketStream.js'

describe('BinanceMarketStream (no network)', () => {
  it('validates its config with zod', () => {
    expect(() => new BinanceMarketStream({ market: 'spot', streamUrl: 'http://x' })).toThrow(ConfigError)
    expect(
      () => new BinanceMarketStream({ market: 'spot', streamUrl: 'ws://x', subscribeTimeoutMs: -1 }),
    ).toThrow(ConfigError)
    expect(() => new BinanceMarketStream({ market: 'spot', streamUrl: 'ws://x', nope: 1 } as never)).toThrow(
      ConfigError,
    )
  })

  it('syncBook on a closed stream rejects, and leaves no dead sync behind', async () => {
    const stream = new BinanceMarketStream({ market: 'spot', streamUrl: 'ws://127.0.0.1:1' })
    await stream.close()
    await expect(stream.syncBook('BTCUSDT')).rejects.toMatchObject({ code: 'SOCKET_CLOSED' })
    await expect(stream.syncBook('BTCUSDT')).rejects.toMatchObject({ code: 'SOCKET_CLOSED' })
    expect(stream.stats().streams).toBe(0)
  })
})
