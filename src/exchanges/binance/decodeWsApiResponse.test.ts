import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BinanceRest } from './BinanceRest.js'
import { BinanceConfigSchema } from './config.js'
import { decodeWsApiResponse, rateLimitWindow } from './decodeWsApiResponse.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

describe('decodeWsApiResponse', () => {
  it('reads the documented order.place answer with its rateLimits (sources in __fixtures__/SOURCES.md)', () => {
    const r = decodeWsApiResponse(fixture('wsapi_spotOrderPlace_ok.json'), 'binance')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.status).toBe(200)
    expect(r.value.rateLimits.map((l) => rateLimitWindow(l)?.id)).toEqual([
      'ORDERS_10S',
      'ORDERS_1D',
      'REQUEST_WEIGHT',
    ])
  })

  it('reads a 418 answer with error.data.retryAfter', () => {
    const r = decodeWsApiResponse(fixture('wsapi_spotBanned_error.json'), 'binance')
    if (!r.ok) throw r.error
    expect(r.value.error?.code).toBe(-1003)
    expect(r.value.error?.data).toMatchObject({ retryAfter: 1659146400000 })
  })

  it.each(['wsapi_spotOrderPlace_noResult_bad.json', 'wsapi_spotOrderPlace_nanCount_bad.json'])(
    'refuses %s',
    (name) => {
      const r = decodeWsApiResponse(fixture(name), 'binance')
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
    },
  )

  it('refuses a failure status without an error and a non-object', () => {
    expect(decodeWsApiResponse({ id: 'a', status: 400 }, 'binance').ok).toBe(false)
    expect(decodeWsApiResponse('nope', 'binance').ok).toBe(false)
  })

  it('maps only the windows tradekit tracks', () => {
    const w = (rateLimitType: string, interval: string, intervalNum: number) =>
      rateLimitWindow({ rateLimitType, interval, intervalNum, limit: 1 })?.id
    expect(w('ORDERS', 'MINUTE', 1)).toBe('ORDERS_1M')
    expect(w('RAW_REQUESTS', 'MINUTE', 5)).toBeUndefined()
    expect(w('ORDERS', 'SECOND', 1)).toBeUndefined()
  })
})

describe('BinanceRest.applyRateLimits', () => {
  const rest = (logs: string[]) =>
    new BinanceRest(
      'usdm',
      BinanceConfigSchema.parse({
        logger: { warn: (_o: unknown, m: string) => logs.push(m), info() {}, error() {}, debug() {} },
      }),
      'http://127.0.0.1:1',
    )

  it('sizes the windows from exchangeInfo.rateLimits (documented USD-M example) and logs none kept', () => {
    const logs: string[] = []
    const r = rest(logs)
    // USD-M "Exchange Information" response example (developers.binance.com/docs/derivatives/usds-margined-futures/
    // market-data/rest-api/Exchange-Information), its `rateLimits` array.
    r.applyRateLimits([
      { interval: 'MINUTE', intervalNum: 1, limit: 2400, rateLimitType: 'REQUEST_WEIGHT' },
      { interval: 'MINUTE', intervalNum: 1, limit: 1200, rateLimitType: 'ORDERS' },
      { interval: 'SECOND', intervalNum: 10, limit: 300, rateLimitType: 'ORDERS' },
    ])
    const limits = Object.fromEntries(r.limiter.snapshot().windows.map((w) => [w.id, w.limit]))
    expect(limits).toEqual({ REQUEST_WEIGHT: 2400, ORDERS_10S: 300, ORDERS_1M: 1200 })
    expect(logs).toEqual([])
  })

  it('keeps the built-in fallback for a window the venue does not publish, and logs it', () => {
    const logs: string[] = []
    const r = rest(logs)
    r.applyRateLimits([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1000 }])
    const limits = Object.fromEntries(r.limiter.snapshot().windows.map((w) => [w.id, w.limit]))
    expect(limits.REQUEST_WEIGHT).toBe(1000)
    expect(limits.ORDERS_10S).toBe(300)
    expect(limits.ORDERS_1M).toBe(1200)
    expect(logs).toHaveLength(2)
  })
})
