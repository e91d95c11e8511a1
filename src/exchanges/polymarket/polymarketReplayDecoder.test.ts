import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RecordedMessage, ReplayEvent } from '../../core/replay.js'
import { polymarketReplayDecoder } from './polymarketReplayDecoder.js'

// Payloads from the documented fixtures (sources in __fixtures__/SOURCES.md).
const DIR = join(import.meta.dirname, '__fixtures__')
const raw = (name: string): string => readFileSync(join(DIR, name), 'utf8')
const book = JSON.parse(raw('ws_book_ok.json')) as { asset_id: string; market: string }
const TOKEN = book.asset_id
const ws = (data: string, t = 1): RecordedMessage => ({ t, src: 'ws', ch: 'polymarket-market', data })

/** A price_change on the fixture book's token (the documented message, re-targeted). */
const change = (price: string, size: string, side: 'BUY' | 'SELL'): string =>
  JSON.stringify({
    event_type: 'price_change',
    market: book.market,
    price_changes: [{ asset_id: TOKEN, price, size, side, hash: 'h' }],
    timestamp: '123456790000',
  })

const events = (r: ReturnType<ReturnType<typeof polymarketReplayDecoder>>): readonly ReplayEvent[] => {
  if (!r.ok) throw r.error
  return r.value
}

describe('polymarketReplayDecoder', () => {
  it('turns a snapshot and the deltas after it into full books, as the market stream does', () => {
    const decode = polymarketReplayDecoder()
    const [first] = events(decode(ws(raw('ws_book_ok.json'))))
    if (first?.kind !== 'book') throw new Error('expected a book')
    expect(first.value.bids[0]).toEqual([0.5, 15])
    expect(first.value.asks[0]).toEqual([0.52, 25])
    // A new best bid, then the old best ask removed ("size 0 removes the level").
    const [a] = events(decode(ws(change('0.51', '40', 'BUY'))))
    const [b] = events(decode(ws(change('0.52', '0', 'SELL'))))
    if (a?.kind !== 'book' || b?.kind !== 'book') throw new Error('expected books')
    expect(a.value.bids.slice(0, 2)).toEqual([
      [0.51, 40],
      [0.5, 15],
    ])
    expect(b.value.asks[0]).toEqual([0.53, 60])
    expect(b.value.tsEvent).toBe(123456790000)
  })

  it('ignores deltas before the first snapshot and after one that crossed the book', () => {
    const decode = polymarketReplayDecoder()
    expect(events(decode(ws(change('0.51', '40', 'BUY'))))).toEqual([])
    events(decode(ws(raw('ws_book_ok.json'))))
    expect(events(decode(ws(change('0.60', '5', 'BUY'))))).toEqual([]) // a bid above the best ask: missed delta
    expect(events(decode(ws(change('0.51', '40', 'BUY'))))).toEqual([])
  })

  it('re-syncs a book from a recorded GET /book answer (the stream resync)', () => {
    const decode = polymarketReplayDecoder()
    const body = raw('rest_book_ok.json')
    const token = (JSON.parse(body) as { asset_id: string }).asset_id
    const [e] = events(decode({ t: 5, src: 'rest', ch: `GET /book?token_id=${token}`, data: body }))
    expect(e?.kind).toBe('book')
    if (e?.kind === 'book') expect(e.value.symbol).toBe(token)
    expect(events(decode({ t: 5, src: 'rest', ch: 'GET /markets/0x1', data: '{}' }))).toEqual([])
  })

  it('turns last_trade_price into a trade and reports malformed frames', () => {
    const decode = polymarketReplayDecoder()
    const [t] = events(decode(ws(raw('ws_last_trade_price_ok.json'))))
    expect(t?.kind).toBe('trade')
    if (t?.kind === 'trade')
      expect([t.value.price, t.value.qty, t.value.side]).toEqual([0.456, 219.217767, 'BUY'])
    expect(decode(ws(raw('ws_last_trade_price_nan.json'))).ok).toBe(false)
    expect(decode(ws('{not json')).ok).toBe(false)
    expect(events(decode(ws('PONG')))).toEqual([])
  })
})
