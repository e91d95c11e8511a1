import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PolymarketBookSync } from './PolymarketBookSync.js'

describe('PolymarketBookSync (on the core OrderBook)', () => {
  it('applies a snapshot then deltas, removes a level at size 0, ignores deltas while unsynced', () => {
    const book = new PolymarketBookSync({ tokenId: '1' })
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
          const book = new PolymarketBookSync({ tokenId: '1' })
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
    const book = new PolymarketBookSync({ tokenId: '1' })
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

  it('feeds the core OrderBook: best levels, a published book event, and the last hash and time', () => {
    const sync = new PolymarketBookSync({ tokenId: '7' })
    const seen: unknown[] = []
    sync.book.events.on('book', (b) => seen.push(b))
    sync.applySnapshot({ bids: [[0.4, 1]], asks: [[0.6, 2]], hash: 'h1', tsEvent: 5 })
    expect(seen).toEqual([]) // the owner publishes (with its reason), never the sync itself
    expect(sync.applyChange({ price: 0.45, size: 3, side: 'BUY', hash: 'h2' }, 9)).toBe(true)
    expect(sync.hash).toBe('h2')
    expect(sync.tsEvent).toBe(9)
    expect(sync.book.bestBid()).toEqual([0.45, 3])
    sync.book.publish()
    expect(seen).toEqual([
      {
        venue: 'polymarket',
        symbol: '7',
        bids: [
          [0.45, 3],
          [0.4, 1],
        ],
        asks: [[0.6, 2]],
        tsEvent: 9,
      },
    ])
    expect(sync.applySnapshot({ bids: [[0.7, 1]], asks: [[0.6, 1]], hash: 'x', tsEvent: 10 }).ok).toBe(false)
    expect(sync.isSynced).toBe(false)
    expect(sync.depth).toEqual({ bids: 0, asks: 0 })
  })
})
