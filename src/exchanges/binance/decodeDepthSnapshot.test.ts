import { describe, expect, it } from 'vitest'
import { decodeDepthSnapshot, depthSnapshotToBook } from './decodeDepthSnapshot.js'

describe('decodeDepthSnapshot', () => {
  it('decodes a REST body (object or JSON text) strictly', () => {
    const body = {
      lastUpdateId: 7,
      bids: [
        ['100.0', '1'],
        ['99.5', '0'],
      ],
      asks: [['101.0', '2']],
    }
    const r = decodeDepthSnapshot(body, 'binance')
    expect(r).toEqual({
      ok: true,
      value: {
        lastUpdateId: 7,
        bids: [
          [100, 1],
          [99.5, 0],
        ],
        asks: [[101, 2]],
      },
    })
    expect(decodeDepthSnapshot(JSON.stringify(body), 'binance').ok).toBe(true)
  })

  it('keeps USD-M’s transaction time (T) as the book’s time; spot sends none', () => {
    // The shape of a live /fapi/v1/depth body (as ccxt's binance.js quotes one): E is the message time, T the book's.
    const usdm = {
      lastUpdateId: 333598053905,
      E: 1618631511986,
      T: 1618631511964,
      bids: [['2493.56', '20.189']],
      asks: [['2493.57', '1']],
    }
    const r = decodeDepthSnapshot(usdm, 'binance-usdm')
    expect(r.ok && r.value.tsEvent).toBe(1618631511964)
    const spot = decodeDepthSnapshot({ lastUpdateId: 7, bids: [], asks: [] }, 'binance')
    expect(spot.ok && 'tsEvent' in spot.value).toBe(false)
    expect(decodeDepthSnapshot({ ...usdm, T: '1618631511964' }, 'binance-usdm').ok).toBe(false)
  })

  it('rejects bad payloads with an ExchangeDataError, never throws', () => {
    for (const bad of [
      'not json',
      null,
      42,
      { lastUpdateId: 'x', bids: [], asks: [] },
      { lastUpdateId: 1, bids: [['NaN', '1']], asks: [] },
      { lastUpdateId: 1, bids: [['0', '1']], asks: [] },
      { lastUpdateId: 1, bids: [['1e400', '1']], asks: [] },
      { lastUpdateId: 1, bids: [['1', '-1']], asks: [] },
      { lastUpdateId: 1, bids: [['1', '']], asks: [] },
      { lastUpdateId: 1, bids: {}, asks: [] },
      { lastUpdateId: 1, bids: [['5', '1']], asks: [['4', '1']] },
    ]) {
      const r = decodeDepthSnapshot(bad, 'binance')
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
    }
  })

  it('depthSnapshotToBook sorts best first, drops zero levels and cuts to depth', () => {
    const r = decodeDepthSnapshot(
      {
        lastUpdateId: 9,
        bids: [
          ['99', '1'],
          ['100', '2'],
          ['98', '0'],
        ],
        asks: [
          ['102', '1'],
          ['101', '1'],
        ],
      },
      'binance',
    )
    if (!r.ok) throw r.error
    expect(
      depthSnapshotToBook(r.value, { venue: 'binance', symbol: 'btcusdt', depth: 1, tsEvent: 5 }),
    ).toEqual({
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[100, 2]],
      asks: [[101, 1]],
      sequence: 9,
      tsEvent: 5,
    })
  })
})
