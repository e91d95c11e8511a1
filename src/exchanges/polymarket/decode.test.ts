import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeFrame, decodeMarketEvent, decodeRestBook, decodeUserEvent } from './decode.js'
import { LocalBook } from './LocalBook.js'

const DIR = join(import.meta.dirname, '__fixtures__')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'))
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))

function decodeAny(name: string, v: unknown) {
  if (name.startsWith('user_')) return decodeUserEvent(v)
  if (name.startsWith('rest_book')) return decodeRestBook(v)
  return decodeFrame(JSON.stringify(v), decodeMarketEvent)
}

describe('fixtures', () => {
  it.each(files)('%s decodes as its name says', (name) => {
    const r = decodeAny(name, fixture(name))
    const good = name.includes('_ok')
    if ('events' in r) {
      expect(r.errors.length === 0 && r.events.length > 0).toBe(good)
    } else {
      expect(r.ok).toBe(good)
    }
  })
})

describe('decodeMarketEvent', () => {
  it('sorts book levels best first and parses leading-dot prices', () => {
    const r = decodeMarketEvent(fixture('ws_book_ok.json'))
    expect(r.ok).toBe(true)
    if (!r.ok || r.value.type !== 'book') return
    expect(r.value.bids[0]).toEqual([0.5, 15])
    expect(r.value.asks[0]).toEqual([0.52, 25])
    expect(r.value.tsEvent).toBe(123456789000)
  })

  it('reads "0" and "1" best prices as an empty side', () => {
    const r = decodeMarketEvent(fixture('ws_price_change_ok.json'))
    if (!r.ok || r.value.type !== 'price_change') throw new Error('expected price_change')
    expect(r.value.changes[0]?.bestAsk).toBeUndefined()
    expect(r.value.changes[1]?.bestBid).toBeUndefined()
    expect(r.value.changes[1]?.size).toBe(0)
  })

  it('splits an array frame into events and keeps the good ones', () => {
    const good = fixture('ws_book_ok.json')
    const bad = fixture('ws_book_empty_price.json')
    const f = decodeFrame(JSON.stringify([good, bad, good]), decodeMarketEvent)
    expect(f.events).toHaveLength(2)
    expect(f.errors).toHaveLength(1)
    expect(f.errors[0]?.code).toBe('EXCHANGE_DATA_INVALID')
    expect(decodeFrame('PONG', decodeMarketEvent).isPong).toBe(true)
    expect(decodeFrame('{not json', decodeMarketEvent).errors).toHaveLength(1)
  })

  it('never throws and never yields a price outside (0, 1) (property)', () => {
    const priceArb = fc.oneof(
      fc.constantFrom('', '0', '1', 'NaN', '-0.1', '1e-1', '.5', '0.999', ' 0.5', '0x1', 'Infinity'),
      fc.string(),
      fc.double(),
    )
    fc.assert(
      fc.property(priceArb, fc.anything(), (price, junk) => {
        const v = {
          event_type: 'last_trade_price',
          asset_id: '1',
          market: '0x1',
          price,
          size: '1',
          side: 'BUY',
          timestamp: 1,
        }
        const r = decodeMarketEvent(v)
        if (r.ok && r.value.type === 'last_trade_price') {
          expect(r.value.price > 0 && r.value.price < 1).toBe(true)
        }
        expect(() => decodeMarketEvent(junk)).not.toThrow()
        expect(() => decodeUserEvent(junk)).not.toThrow()
      }),
    )
  })
})

describe('decodeUserEvent', () => {
  it('decodes trades and orders into Decimal amounts', () => {
    const t = decodeUserEvent(fixture('user_trade_ok.json'))
    if (!t.ok || t.value.type !== 'trade') throw new Error('expected trade')
    expect(t.value.price.toFixed()).toBe('0.57')
    expect(t.value.status).toBe('MATCHED')
    expect(t.value.makerOrders[0]?.matchedAmount.toFixed()).toBe('10')
    const o = decodeUserEvent(fixture('user_order_ok.json'))
    if (!o.ok || o.value.type !== 'order') throw new Error('expected order')
    expect(o.value.action).toBe('PLACEMENT')
  })
})

describe('LocalBook', () => {
  it('applies a snapshot then deltas, removes a level at size 0, ignores deltas while unsynced', () => {
    const book = new LocalBook('1')
    expect(book.applyChange({ price: 0.5, size: 1, side: 'BUY', hash: undefined })).toBe(false)
    book.applySnapshot({
      bids: [
        [0.5, 15],
        [0.49, 20],
      ],
      asks: [[0.52, 25]],
      hash: 'h',
      tsEvent: 1,
    })
    book.applyChange({ price: 0.51, size: 5, side: 'BUY', hash: 'h2' })
    book.applyChange({ price: 0.49, size: 0, side: 'BUY', hash: undefined })
    book.applyChange({ price: 0.515, size: 3, side: 'SELL', hash: undefined })
    expect(book.snapshot().bids).toEqual([
      [0.51, 5],
      [0.5, 15],
    ])
    expect(book.bestAsk()).toEqual([0.515, 3])
    expect(book.mid()).toBeCloseTo(0.5125)
    book.invalidate()
    expect(book.isSynced).toBe(false)
    expect(book.applyChange({ price: 0.3, size: 1, side: 'BUY', hash: undefined })).toBe(false)
  })

  it('stays sorted under random updates (property)', () => {
    fc.assert(
      fc.property(
        // Bids below 0.5 and asks above it, as in a sound book (a crossing change unsyncs: tested below).
        fc.array(fc.tuple(fc.integer({ min: 1, max: 49 }), fc.integer({ min: 0, max: 5 }), fc.boolean())),
        (ops) => {
          const book = new LocalBook('1')
          book.applySnapshot({ bids: [], asks: [], hash: '', tsEvent: 0 })
          const model = { BUY: new Map<number, number>(), SELL: new Map<number, number>() }
          for (const [q, s, buy] of ops) {
            const p = buy ? q : q + 50
            const side = buy ? 'BUY' : 'SELL'
            book.applyChange({ price: p / 100, size: s, side, hash: undefined })
            if (s === 0) model[side].delete(p / 100)
            else model[side].set(p / 100, s)
          }
          const snap = book.snapshot()
          expect(snap.bids).toEqual([...model.BUY.entries()].sort((a, b) => b[0] - a[0]))
          expect(snap.asks).toEqual([...model.SELL.entries()].sort((a, b) => a[0] - b[0]))
        },
      ),
    )
  })

  it('a change that crosses the book unsyncs it; duplicate snapshot levels are merged (found by fuzzing)', () => {
    const book = new LocalBook('1')
    book.applySnapshot({
      bids: [
        [0.4, 1],
        [0.4, 2],
      ],
      asks: [[0.6, 1]],
      hash: '',
      tsEvent: 0,
    })
    expect(book.snapshot().bids).toEqual([[0.4, 2]])
    book.applyChange({ price: 0.4, size: 0, side: 'BUY', hash: undefined })
    expect(book.snapshot().bids).toEqual([])
    expect(book.applyChange({ price: 0.7, size: 5, side: 'BUY', hash: undefined })).toBe(false)
    expect(book.isSynced).toBe(false)
    book.applySnapshot({ bids: [[0.5, 1]], asks: [[0.5, 1]], hash: '', tsEvent: 1 })
    expect(book.isSynced).toBe(false) // a crossed snapshot is not trusted either
  })

  it('book events with duplicate levels or a crossed book are rejected', () => {
    const ev = (bids: [string, string][], asks: [string, string][]) =>
      decodeMarketEvent({
        event_type: 'book',
        asset_id: '1',
        market: '0xabc',
        bids: bids.map(([price, size]) => ({ price, size })),
        asks: asks.map(([price, size]) => ({ price, size })),
        timestamp: '1',
        hash: 'h',
      })
    expect(ev([['0.4', '1']], [['0.6', '1']]).ok).toBe(true)
    expect(
      ev(
        [
          ['0.4', '1'],
          ['0.4', '2'],
        ],
        [['0.6', '1']],
      ).ok,
    ).toBe(false)
    expect(ev([['0.7', '1']], [['0.6', '1']]).ok).toBe(false)
  })
})
