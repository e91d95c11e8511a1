import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/index.js'
import { ManualClock } from './clock.js'
import { OrderBook } from './OrderBook.js'
import type { BookSnapshot } from './types.js'

const mk = (extra: Partial<ConstructorParameters<typeof OrderBook>[0]> = {}) =>
  new OrderBook({ venue: 'test', symbol: 'BTCUSDT', clock: new ManualClock(1000), ...extra })

describe('OrderBook', () => {
  it('keeps bids descending and asks ascending, whatever the input order; qty 0 skipped; last duplicate wins', () => {
    const book = mk()
    const r = book.applySnapshot({
      bids: [
        [99, 1],
        [100, 2],
        [98, 0],
        [97, 3],
        [99, 5],
      ],
      asks: [
        [103, 1],
        [101, 2],
        [102, 3],
        [102, 0], // a zero level in a snapshot is no level: it does not remove the 102 above
      ],
    })
    expect(r.ok).toBe(true)
    expect(book.bids()).toEqual([
      [100, 2],
      [99, 5],
      [97, 3],
    ])
    expect(book.asks()).toEqual([
      [101, 2],
      [102, 3],
      [103, 1],
    ])
    expect(book.bestBid()).toEqual([100, 2])
    expect(book.bestAsk()).toEqual([101, 2])
    expect(book.mid()).toBe(100.5)
    expect(book.depth).toEqual({ bids: 3, asks: 3 })
  })

  it('applies deltas: insert, update, remove with qty 0; removing an unknown level is a no-op', () => {
    const book = mk()
    book.applySnapshot({ bids: [[100, 1]], asks: [[101, 1]] })
    const r = book.applyDeltas({
      bids: [
        [99.5, 3],
        [100, 0],
        [42, 0],
      ],
      asks: [
        [101, 4],
        [100.5, 1],
      ],
    })
    expect(r.ok).toBe(true)
    expect(book.bids()).toEqual([[99.5, 3]])
    expect(book.asks()).toEqual([
      [100.5, 1],
      [101, 4],
    ])
  })

  it('emits book after each update with the configured depth, sequence and tsEvent; emit: false defers', () => {
    const clock = new ManualClock(5000)
    const book = mk({ clock, bookDepth: 1 })
    const seen: BookSnapshot[] = []
    book.events.on('book', (b) => seen.push(b))
    book.applySnapshot(
      {
        bids: [
          [100, 1],
          [99, 1],
        ],
        asks: [[101, 1]],
      },
      { sequence: 7 },
    )
    expect(seen).toEqual([
      { venue: 'test', symbol: 'BTCUSDT', bids: [[100, 1]], asks: [[101, 1]], sequence: 7, tsEvent: 5000 },
    ])
    book.applyDeltas({ bids: [[100, 2]] }, { sequence: 8, tsEvent: 42, emit: false })
    expect(seen).toHaveLength(1)
    book.publish()
    expect(seen[1]).toMatchObject({ bids: [[100, 2]], sequence: 8, tsEvent: 42 })
    expect(book.sequence).toBe(8)
  })

  it('rejects invalid levels with a ValidationError and leaves the book unchanged', () => {
    const book = mk()
    book.applySnapshot({ bids: [[100, 1]], asks: [[101, 1]] })
    const bad: Array<[number, number]> = [
      [Number.NaN, 1],
      [0, 1],
      [-1, 1],
      [Number.POSITIVE_INFINITY, 1],
      [100, -1],
      [100, Number.NaN],
      [100, Number.POSITIVE_INFINITY],
    ]
    let emitted = 0
    book.events.on('book', () => emitted++)
    for (const level of bad) {
      const r = book.applyDeltas({ bids: [[99, 1], level] })
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('VALIDATION_FAILED')
        expect(r.error.field).toMatch(/^bids\.1\./)
      }
      const s = book.applySnapshot({ bids: [], asks: [level] })
      expect(s.ok).toBe(false)
    }
    expect(emitted).toBe(0)
    expect(book.bids()).toEqual([[100, 1]])
    expect(book.asks()).toEqual([[101, 1]])
  })

  it('rejects a crossed snapshot (book unchanged) and reports a delta that crosses the book', () => {
    const book = mk()
    book.applySnapshot({ bids: [[100, 1]], asks: [[101, 1]] })
    const r = book.applySnapshot({ bids: [[102, 1]], asks: [[101, 1]] })
    expect(r.ok).toBe(false)
    expect(book.bestBid()).toEqual([100, 1])
    let emitted = 0
    book.events.on('book', () => emitted++)
    const d = book.applyDeltas({ bids: [[101, 1]] })
    expect(d.ok).toBe(false)
    if (!d.ok) expect(d.error.field).toBe('book')
    expect(book.isCrossed).toBe(true)
    expect(emitted).toBe(0)
  })

  it('snapshot(depth) returns the best levels, best first; the whole book by default', () => {
    const book = mk()
    book.applySnapshot({
      bids: Array.from({ length: 50 }, (_, i) => [100 - i, 1] as const),
      asks: Array.from({ length: 50 }, (_, i) => [101 + i, 1] as const),
    })
    const s = book.snapshot(3)
    expect(s.bids.map((l) => l[0])).toEqual([100, 99, 98])
    expect(s.asks.map((l) => l[0])).toEqual([101, 102, 103])
    expect(book.snapshot().bids).toHaveLength(50)
    expect(s.sequence).toBeUndefined()
  })

  it('keeps at most maxLevels per side, dropping the worst', () => {
    const book = mk({ maxLevels: 3 })
    book.applySnapshot({
      bids: [
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 1],
      ],
      asks: [
        [10, 1],
        [9, 1],
        [8, 1],
        [7, 1],
      ],
    })
    expect(book.bids().map((l) => l[0])).toEqual([4, 3, 2])
    expect(book.asks().map((l) => l[0])).toEqual([7, 8, 9])
    book.applyDeltas({ bids: [[3.5, 1]], asks: [[6, 1]] })
    expect(book.bids().map((l) => l[0])).toEqual([4, 3.5, 3])
    expect(book.asks().map((l) => l[0])).toEqual([6, 7, 8])
  })

  it('clear() empties the book; the config is validated', () => {
    const book = mk()
    book.applySnapshot({ bids: [[1, 1]], asks: [[2, 1]] }, { sequence: 3 })
    book.clear()
    expect(book.isEmpty).toBe(true)
    expect(book.bestBid()).toBeUndefined()
    expect(book.bestAsk()).toBeUndefined()
    expect(book.mid()).toBeUndefined()
    expect(book.sequence).toBeUndefined()
    expect(() => mk({ maxLevels: 0 })).toThrow(ConfigError)
    expect(() => mk({ bookDepth: 1.5 })).toThrow(ConfigError)
    expect(() => mk({ bookDepth: 0 })).toThrow(ConfigError)
    const whole = mk({ bookDepth: Number.POSITIVE_INFINITY })
    const seen: number[] = []
    whole.events.on('book', (b) => seen.push(b.bids.length))
    whole.applySnapshot({ bids: Array.from({ length: 30 }, (_, i) => [100 - i, 1] as const), asks: [] })
    expect(seen).toEqual([30])
    expect(() => new OrderBook({ venue: '', symbol: 'X' })).toThrow(ConfigError)
  })

  it('matches a naive model under random updates', () => {
    let seed = 42
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const book = mk()
    const bids = new Map<number, number>()
    const asks = new Map<number, number>()
    for (let step = 0; step < 2000; step++) {
      const isBid = rnd() < 0.5
      const p = isBid ? 1 + Math.floor(rnd() * 50) : 51 + Math.floor(rnd() * 50)
      const q = rnd() < 0.3 ? 0 : Math.floor(rnd() * 10) + 1
      const r = book.applyDeltas(isBid ? { bids: [[p, q]] } : { asks: [[p, q]] })
      expect(r.ok).toBe(true)
      const m = isBid ? bids : asks
      if (q === 0) m.delete(p)
      else m.set(p, q)
    }
    expect(book.bids()).toEqual([...bids].sort((a, b) => b[0] - a[0]))
    expect(book.asks()).toEqual([...asks].sort((a, b) => a[0] - b[0]))
  })
})
