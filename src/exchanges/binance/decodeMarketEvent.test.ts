import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMarketEvent, strictNumber } from './decodeMarketEvent.js'
import type { BinanceMarketEvent } from './types.js'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8')

function ok(raw: unknown, market: 'spot' | 'usdm' = 'spot', stream?: string): BinanceMarketEvent {
  const r = decodeMarketEvent(raw, market, stream !== undefined ? { stream } : {})
  if (!r.ok) throw new Error(r.error.issues.join('; '))
  return r.value
}

describe('decodeMarketEvent: documented examples', () => {
  it('trade: aggressor side from m, numbers parsed', () => {
    const e = ok(fixture('ws_trade_ok.json'))
    expect(e).toMatchObject({
      type: 'trade',
      symbol: 'BNBBTC',
      tradeId: '12345',
      price: 0.001,
      qty: 100,
      side: 'SELL',
      isAggregate: false,
      tsEvent: 1672515782136,
    })
  })
  it('aggTrade (spot and USD-M)', () => {
    expect(ok(fixture('ws_aggTrade_ok.json'))).toMatchObject({
      type: 'trade',
      tradeId: '12345',
      isAggregate: true,
    })
    expect(ok(fixture('ws_aggTrade_usdm.json'), 'usdm')).toMatchObject({
      type: 'trade',
      venue: 'binance-usdm',
      tradeId: '5933014',
    })
  })
  it('kline', () => {
    expect(ok(fixture('ws_kline_ok.json'))).toMatchObject({
      type: 'candle',
      interval: '1m',
      open: 0.001,
      close: 0.002,
      high: 0.0025,
      low: 0.0015,
      volume: 1000,
      isClosed: false,
      openTime: 1672515780000,
      closeTime: 1672515839999,
    })
  })
  it('bookTicker (spot has no event time: receivedAt is used)', () => {
    const r = decodeMarketEvent(fixture('ws_bookTicker_spot.json'), 'spot', { receivedAt: 42 })
    expect(r.ok && r.value).toMatchObject({
      type: 'bookTicker',
      updateId: 400900217,
      bidPrice: 25.3519,
      askQty: 40.66,
      tsEvent: 42,
    })
    expect(ok(fixture('ws_bookTicker_usdm.json'), 'usdm')).toMatchObject({
      type: 'bookTicker',
      tsEvent: 1568014460893,
    })
  })
  it('depthUpdate: spot U/u, USD-M pu', () => {
    expect(ok(fixture('ws_depthUpdate_spot.json'))).toMatchObject({
      type: 'depthDiff',
      firstUpdateId: 157,
      finalUpdateId: 160,
      bids: [[0.0024, 10]],
      asks: [[0.0026, 100]],
    })
    const f = ok(fixture('ws_depthUpdate_usdm.json'), 'usdm')
    expect(f).toMatchObject({ type: 'depthDiff', prevFinalUpdateId: 149, market: 'usdm' })
  })
  it('partial depth: symbol from the combined stream name', () => {
    const wrapped = `{"stream":"bnbbtc@depth5@100ms","data":${fixture('ws_partialDepth_spot.json')}}`
    expect(ok(wrapped)).toMatchObject({ type: 'bookDepth', symbol: 'BNBBTC', lastUpdateId: 160 })
    const fut = JSON.parse(fixture('ws_depthUpdate_usdm.json'))
    expect(ok({ stream: 'btcusdt@depth10', data: fut }, 'usdm')).toMatchObject({
      type: 'bookDepth',
      lastUpdateId: 160,
    })
  })
  it('markPriceUpdate', () => {
    expect(ok(fixture('ws_markPrice_ok.json'), 'usdm')).toMatchObject({
      type: 'markPrice',
      markPrice: 11794.15,
      fundingRate: 0.00038167,
      nextFundingTime: 1562306400000,
    })
    const neg = { ...JSON.parse(fixture('ws_markPrice_ok.json')), r: '-0.00010000' }
    expect(ok(neg, 'usdm')).toMatchObject({ fundingRate: -0.0001 })
  })
  it('combined-stream envelope, subscription responses, serverShutdown', () => {
    expect(ok(`{"stream":"bnbbtc@trade","data":${fixture('ws_trade_ok.json')}}`)).toMatchObject({
      type: 'trade',
    })
    expect(ok('{"result":null,"id":3}')).toEqual({ type: 'response', id: 3, result: null })
    expect(ok('{"error":{"code":2,"msg":"Invalid request"},"id":4}')).toMatchObject({ error: { code: 2 } })
    expect(ok('{"e":"serverShutdown","E":5}')).toEqual({ type: 'serverShutdown', tsEvent: 5 })
  })
})

describe('decodeMarketEvent: hostile payloads', () => {
  it.each([
    'ws_trade_nan.json',
    'ws_trade_zero.json',
    'ws_trade_negative.json',
    'ws_trade_huge.json',
    'ws_depthUpdate_negative.json',
    'ws_depthUpdate_zeroPrice.json',
  ])('%s is rejected with a typed error', (name) => {
    const r = decodeMarketEvent(fixture(name), 'spot')
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
      expect(r.error.issues.length).toBeGreaterThan(0)
    }
  })
  it.each(['', 'not json', '{"e":"trade","p":"1', 'null', '[]', '42', '{"e":"weird"}', '{}'])(
    'rejects %j',
    (raw) => {
      expect(decodeMarketEvent(raw, 'spot').ok).toBe(false)
    },
  )
  it('a USD-M depth diff without pu is rejected', () => {
    expect(decodeMarketEvent(fixture('ws_depthUpdate_spot.json'), 'usdm').ok).toBe(false)
  })
  it('never throws and never yields a bad number, whatever the input', () => {
    const numStr = fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        'NaN',
        '1e400',
        '',
        ' 1',
        '1.',
        '.5',
        '99999999999999999999999999999999',
        '0.0001',
        '123.45',
      ),
      fc.string(),
    )
    const trade = fc.record({
      e: fc.constant('trade'),
      E: fc.integer(),
      s: fc.string(),
      t: fc.integer(),
      p: numStr,
      q: numStr,
      T: fc.integer(),
      m: fc.boolean(),
    })
    const depth = fc.record({
      e: fc.constant('depthUpdate'),
      E: fc.nat(),
      s: fc.constant('X'),
      U: fc.nat(),
      u: fc.nat(),
      pu: fc.integer(),
      b: fc.array(fc.tuple(numStr, numStr)),
      a: fc.array(fc.tuple(numStr, numStr)),
    })
    fc.assert(
      fc.property(
        fc.oneof(trade, depth, fc.anything(), fc.json()),
        fc.constantFrom('spot', 'usdm'),
        (raw, market) => {
          const r = decodeMarketEvent(raw, market as 'spot' | 'usdm')
          if (!r.ok) return
          const v = r.value
          if (v.type === 'trade') {
            expect(v.price > 0 && Number.isFinite(v.price)).toBe(true)
            expect(v.qty > 0 && Number.isFinite(v.qty)).toBe(true)
          }
          if (v.type === 'depthDiff') {
            for (const [p, q] of [...v.bids, ...v.asks]) {
              expect(p > 0 && Number.isFinite(p)).toBe(true)
              expect(q >= 0 && Number.isFinite(q)).toBe(true)
            }
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('strictNumber', () => {
  it('accepts plain decimals only', () => {
    expect(strictNumber('0.00100000')).toBe(0.001)
    expect(strictNumber('42')).toBe(42)
    for (const bad of [
      '',
      ' 1',
      '1 ',
      '+1',
      '-1',
      '1e5',
      '.5',
      '5.',
      '1.2.3',
      'NaN',
      'Infinity',
      '0x10',
      1,
      null,
    ]) {
      expect(Number.isNaN(strictNumber(bad))).toBe(true)
    }
  })
})

describe('decodeMarketEvent stream replies', () => {
  // Binance "Live Subscribing/Unsubscribing to streams": SUBSCRIBE answers {"result": null, "id": 1},
  // LIST_SUBSCRIPTIONS {"result": ["btcusdt@aggTrade"], "id": 3}.
  it('accepts null and stream-name lists, refuses any other result (a WebSocket API answer is not a stream reply)', () => {
    expect(decodeMarketEvent({ result: null, id: 1 }, 'spot')).toMatchObject({
      ok: true,
      value: { result: null },
    })
    expect(decodeMarketEvent({ result: ['btcusdt@aggTrade'], id: 3 }, 'spot')).toMatchObject({ ok: true })
    expect(
      decodeMarketEvent({ id: 'a', status: 200, result: { orderId: 1, clientOrderId: 2 } }, 'spot').ok,
    ).toBe(false)
  })

  // The same page: an id is a 64-bit signed integer, an alphanumeric string (≤ 36) or null. Found by the corpus
  // fuzzer: a 418 WebSocket API answer with `id` NaN decoded as a stream reply holding NaN.
  it('refuses an id or error code that is not an integer (NaN, Infinity, 1.5)', () => {
    const error = { code: -1003, msg: 'Way too much request weight used' }
    for (const id of [Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      expect(decodeMarketEvent({ id, status: 418, error }, 'spot').ok).toBe(false)
      expect(decodeMarketEvent({ id, result: null }, 'usdm').ok).toBe(false)
    }
    expect(decodeMarketEvent({ id: 7, error: { code: Number.NaN, msg: 'x' } }, 'spot').ok).toBe(false)
    expect(decodeMarketEvent({ id: 7, error }, 'spot')).toMatchObject({ ok: true, value: { id: 7, error } })
  })
})
