import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/index.js'
import { BinanceDepthSync } from './BinanceDepthSync.js'
import type { BinanceDepthDiffEvent } from './types.js'

type L = [number, number][]
function diff(
  U: number,
  u: number,
  bids: L = [],
  asks: L = [],
  pu?: number,
  market: 'spot' | 'usdm' = 'spot',
): BinanceDepthDiffEvent {
  return {
    type: 'depthDiff',
    venue: market === 'spot' ? 'binance' : 'binance-usdm',
    market,
    symbol: 'BTCUSDT',
    firstUpdateId: U,
    finalUpdateId: u,
    ...(pu !== undefined ? { prevFinalUpdateId: pu } : {}),
    bids,
    asks,
    tsEvent: 0,
  }
}
const snap = (
  lastUpdateId: number,
  bids: [string, string][] = [['100.0', '1']],
  asks: [string, string][] = [['101.0', '1']],
) => ({
  lastUpdateId,
  bids,
  asks,
})

describe('BinanceDepthSync (spot U/u rules)', () => {
  it('buffers diffs until the snapshot, drops the stale ones, replays from the straddling event', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'btcusdt' })
    expect(book.applyDiff(diff(95, 99, [[99, 5]]))).toBe('buffered')
    expect(book.applyDiff(diff(100, 103, [[100, 2]]))).toBe('buffered')
    expect(book.applyDiff(diff(104, 106, [], [[101, 0]]))).toBe('buffered')
    expect(book.isSynced).toBe(false)
    expect(book.applySnapshot(snap(101))).toBe('applied')
    expect(book.isSynced).toBe(true)
    expect(book.lastUpdateId).toBe(106)
    // 95..99 dropped (u <= 101); 100..103 straddles 101 and is applied; the ask at 101 was removed.
    expect(book.bids()).toEqual([[100, 2]])
    expect(book.asks()).toEqual([])
    expect(book.bestBid()).toEqual([100, 2])
  })

  it('a snapshot older than the first buffered event is stale: fetch another', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    book.applyDiff(diff(200, 205))
    expect(book.applySnapshot(snap(150))).toBe('stale')
    expect(book.isSynced).toBe(false)
    expect(book.applySnapshot(snap(202))).toBe('applied')
  })

  it('detects a gap, invalidates the book until the next snapshot, and ignores stale events', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    expect(book.applySnapshot(snap(10))).toBe('applied')
    expect(book.applyDiff(diff(5, 10))).toBe('stale')
    expect(book.applyDiff(diff(11, 12, [[100.5, 3]]))).toBe('applied')
    expect(book.bestBid()).toEqual([100.5, 3])
    expect(book.applyDiff(diff(14, 15))).toBe('gap')
    expect(book.isSynced).toBe(false)
    expect(book.gapCount).toBe(1)
    expect(book.applyDiff(diff(16, 18))).toBe('buffered')
    expect(book.applySnapshot(snap(17))).toBe('applied')
    expect(book.lastUpdateId).toBe(18)
  })

  it('zero quantity removes a level; removing an unknown level is harmless; sides stay sorted best first', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    book.applySnapshot(
      snap(
        1,
        [
          ['99', '1'],
          ['100', '2'],
          ['98', '3'],
        ],
        [
          ['102', '1'],
          ['101', '2'],
          ['103', '3'],
        ],
      ),
    )
    expect(book.bids(2)).toEqual([
      [100, 2],
      [99, 1],
    ])
    expect(book.asks(2)).toEqual([
      [101, 2],
      [102, 1],
    ])
    book.applyDiff(
      diff(
        2,
        2,
        [
          [100, 0],
          [97, 0],
        ],
        [
          [101, 0],
          [100.5, 4],
        ],
      ),
    )
    expect(book.bestBid()).toEqual([99, 1])
    expect(book.bestAsk()).toEqual([100.5, 4])
    expect(book.snapshot(1)).toMatchObject({
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[99, 1]],
      asks: [[100.5, 4]],
      sequence: 2,
    })
  })

  it('a malformed snapshot is reported, the book unchanged', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    const errors: string[] = []
    book.events.on('error', (e) => errors.push(e.code))
    expect(book.applySnapshot({ lastUpdateId: 'x', bids: [['NaN', '1']], asks: [] })).toBe('invalid')
    expect(book.applySnapshot('not json')).toBe('invalid')
    expect(errors).toEqual(['EXCHANGE_DATA_INVALID', 'EXCHANGE_DATA_INVALID'])
    expect(book.isSynced).toBe(false)
  })
})

describe('BinanceDepthSync (USD-M pu rule)', () => {
  it('first event straddles the snapshot, then pu must equal the previous u', () => {
    const book = new BinanceDepthSync({ market: 'usdm', symbol: 'BTCUSDT' })
    book.applyDiff(diff(90, 95, [], [], 89, 'usdm'))
    book.applyDiff(diff(96, 105, [[100, 9]], [], 95, 'usdm'))
    expect(book.applySnapshot(snap(100))).toBe('applied')
    expect(book.bestBid()).toEqual([100, 9])
    expect(book.applyDiff(diff(106, 110, [], [], 105, 'usdm'))).toBe('applied')
    expect(book.applyDiff(diff(112, 115, [], [], 111, 'usdm'))).toBe('gap')
    expect(book.isSynced).toBe(false)
  })

  it('a first event that does not straddle is a gap', () => {
    const book = new BinanceDepthSync({ market: 'usdm', symbol: 'BTCUSDT' })
    expect(book.applySnapshot(snap(100))).toBe('applied')
    expect(book.applyDiff(diff(102, 104, [], [], 101, 'usdm'))).toBe('gap')
  })
})

describe('BinanceDepthSync automatic resync', () => {
  it('fetches a snapshot on the first diff and after a gap, with resync events', async () => {
    const clock = new ManualClock(0)
    let last = 0
    const fetched: number[] = []
    const book = new BinanceDepthSync({
      market: 'spot',
      symbol: 'BTCUSDT',
      clock,
      fetchSnapshot: async () => {
        fetched.push(last)
        return snap(last)
      },
    })
    const events: string[] = []
    book.events.on('book.resyncStarted', (e) => events.push(`resync:${e.reason}`))
    book.events.on('book.synced', (e) => events.push(`synced:${e.lastUpdateId}`))
    last = 10
    expect(book.applyDiff(diff(9, 11))).toBe('buffered')
    await clock.advanceAsync(0)
    expect(book.isSynced).toBe(true)
    expect(book.lastUpdateId).toBe(11)
    last = 20
    expect(book.applyDiff(diff(15, 16))).toBe('gap')
    book.applyDiff(diff(17, 21))
    await clock.advanceAsync(0)
    expect(book.isSynced).toBe(true)
    expect(events).toEqual(['resync:initial', 'synced:10', 'resync:gap', 'synced:20'])
    book.close()
  })

  it('retries with backoff while the snapshot is stale, and stops on close', async () => {
    const clock = new ManualClock(0)
    let calls = 0
    const book = new BinanceDepthSync({
      market: 'spot',
      symbol: 'BTCUSDT',
      clock,
      fetchSnapshot: async () => {
        calls++
        return snap(calls < 3 ? 1 : 50)
      },
    })
    book.applyDiff(diff(40, 55))
    await clock.advanceAsync(0)
    expect(book.isSynced).toBe(false)
    await clock.advanceAsync(100)
    await clock.advanceAsync(200)
    expect(book.isSynced).toBe(true)
    expect(calls).toBe(3)
    book.close()
  })
})

describe('BinanceDepthSync matches a naive model', () => {
  it('random diffs give the same sorted book as a Map', () => {
    // Bids below asks, as in any valid book (a crossing diff is a gap: tested separately).
    const bid = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.constantFrom(0, 0, 1, 2, 3.5))
    const ask = fc.tuple(fc.integer({ min: 31, max: 60 }), fc.constantFrom(0, 0, 1, 2, 3.5))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(bid, { maxLength: 8 }), fc.array(ask, { maxLength: 8 })), {
          maxLength: 40,
        }),
        (updates) => {
          const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
          book.applySnapshot(snap(0, [], []))
          const bids = new Map<number, number>()
          const asks = new Map<number, number>()
          let id = 0
          for (const [b, a] of updates) {
            id++
            book.applyDiff(diff(id, id, b as L, a as L))
            for (const [p, q] of b) q === 0 ? bids.delete(p) : bids.set(p, q)
            for (const [p, q] of a) q === 0 ? asks.delete(p) : asks.set(p, q)
          }
          expect(book.bids()).toEqual([...bids.entries()].sort((x, y) => y[0] - x[0]))
          expect(book.asks()).toEqual([...asks.entries()].sort((x, y) => x[0] - y[0]))
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('BinanceDepthSync: crossed books (found by fuzzing)', () => {
  it('a diff that crosses the book is a gap: reported, unsynced, resync started', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    const errors: unknown[] = []
    book.events.on('error', (e) => errors.push(e))
    expect(book.applySnapshot(snap(100, [['1.00', '1']], [['2.00', '1']]))).toBe('applied')
    expect(book.applyDiff(diff(101, 101, [[3, 1]]))).toBe('gap')
    expect(book.isSynced).toBe(false)
    expect(book.gapCount).toBe(1)
    expect(errors).toHaveLength(1)
  })

  it('a crossed snapshot is invalid', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
    const errors: unknown[] = []
    book.events.on('error', (e) => errors.push(e))
    expect(book.applySnapshot(snap(100, [['5.00', '1']], [['4.00', '1']]))).toBe('invalid')
    expect(book.isSynced).toBe(false)
    expect(errors).toHaveLength(1)
  })
})

describe('BinanceDepthSync: book events on the core OrderBook', () => {
  it('emits one book after a synced snapshot (buffered diffs replayed), one per applied diff, none while unsynced', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT', bookDepth: 1 })
    const books: import('../../core/index.js').BookSnapshot[] = []
    book.events.on('book', (b) => books.push(b))
    let coreBooks = 0
    book.book.events.on('book', () => coreBooks++)
    book.applyDiff(diff(100, 103, [[100, 2]]))
    book.applyDiff(diff(104, 106, [[99, 1]]))
    expect(books).toHaveLength(0)
    expect(book.applySnapshot(snap(101))).toBe('applied')
    expect(books).toHaveLength(1)
    expect(books[0]).toMatchObject({ venue: 'binance', symbol: 'BTCUSDT', bids: [[100, 2]], sequence: 106 })
    expect(book.applyDiff(diff(107, 107, [[100.5, 1]]))).toBe('applied')
    expect(books).toHaveLength(2)
    expect(books[1]?.bids).toEqual([[100.5, 1]])
    expect(book.applyDiff(diff(110, 111, [[100.7, 1]]))).toBe('gap')
    expect(books).toHaveLength(2)
    expect(coreBooks).toBe(2)
    expect(book.book.bestBid()).toEqual([100.5, 1])
  })
})

describe('BinanceDepthSync: the book after a snapshot carries the venue’s time, not the host’s', () => {
  const HOST = 9_000_000_000_000 // a host clock far from the venue's: a local stamp would show
  const stamped = (d: BinanceDepthDiffEvent, tsEvent: number): BinanceDepthDiffEvent => ({ ...d, tsEvent })

  it('USD-M: the snapshot’s transaction time (T)', () => {
    const book = new BinanceDepthSync({ market: 'usdm', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    book.applyDiff(stamped(diff(90, 95, [], [], 89, 'usdm'), 1_000))
    expect(book.applySnapshot({ ...snap(100), E: 2_050, T: 2_000 })).toBe('applied')
    expect(book.snapshot().tsEvent).toBe(2_000)
    expect(book.applyDiff(stamped(diff(96, 101, [[99, 1]], [], 95, 'usdm'), 2_100))).toBe('applied')
    expect(book.snapshot().tsEvent).toBe(2_100)
    // A buffered diff it includes, stamped later than T (E is when the venue sent it): the later, so no book goes back.
    const later = new BinanceDepthSync({ market: 'usdm', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    later.applyDiff(stamped(diff(90, 100, [], [], 89, 'usdm'), 2_010))
    expect(later.applySnapshot({ ...snap(100), E: 2_050, T: 2_000 })).toBe('applied')
    expect(later.snapshot().tsEvent).toBe(2_010)
  })

  it('spot (no time in the snapshot): the newest buffered diff it includes, a lower bound', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    book.applyDiff(stamped(diff(90, 95), 1_000))
    book.applyDiff(stamped(diff(96, 99), 1_500))
    expect(book.applySnapshot(snap(100))).toBe('applied')
    expect(book.snapshot().tsEvent).toBe(1_500)
    // A buffered diff past the snapshot is applied after it: its time is the book's.
    const next = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    next.applyDiff(stamped(diff(90, 95), 1_000))
    next.applyDiff(stamped(diff(96, 104, [[99, 1]]), 1_700))
    expect(next.applySnapshot(snap(100))).toBe('applied')
    expect(next.snapshot().tsEvent).toBe(1_700)
  })

  it('a snapshot with nothing buffered before it falls back to the host’s clock; a bad T is refused', () => {
    const book = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    expect(book.applySnapshot(snap(100))).toBe('applied')
    expect(book.snapshot().tsEvent).toBe(HOST)
    const usdm = new BinanceDepthSync({ market: 'usdm', symbol: 'BTCUSDT', clock: new ManualClock(HOST) })
    usdm.events.on('error', () => {})
    for (const T of ['2000', -1, 1.5]) expect(usdm.applySnapshot({ ...snap(100), T })).toBe('invalid')
  })
})
