import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeFrame, decodeMarketEvent, decodeRestBook, decodeUserEvent } from './decode.js'

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
    expect(r.value.changes[1]?.size).toBe(200)
    // "A size of "0" means the price level has been removed from the book" (same docs section).
    const doc = fixture('ws_price_change_ok.json') as { price_changes: Record<string, unknown>[] }
    const removed = decodeMarketEvent({
      ...doc,
      price_changes: [{ ...doc.price_changes[1], size: '0' }],
    })
    if (!removed.ok || removed.value.type !== 'price_change') throw new Error('expected price_change')
    expect(removed.value.changes[0]?.size).toBe(0)
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
    expect(t.value.price.toFixed()).toBe('0.52')
    expect(t.value.status).toBe('MATCHED')
    expect(t.value.makerOrders[0]?.matchedAmount.toFixed()).toBe('5')
    const o = decodeUserEvent(fixture('user_order_ok.json'))
    if (!o.ok || o.value.type !== 'order') throw new Error('expected order')
    expect(o.value.action).toBe('PLACEMENT')
  })
})

describe('book events', () => {
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
