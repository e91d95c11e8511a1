import { describe, expect, it } from 'vitest'
import type { RecordedMessage, ReplayDecoder, ReplayEvent } from '../core/replay.js'
import type { BookLevel, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { SpreadQuoter } from '../strategies/index.js'
import { Backtester } from './Backtester.js'

const btc: Instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('1'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
}

/** A recording of unified events (the decoder just parses them): a hand-made session. */
const decode: ReplayDecoder = (m) => ({ ok: true, value: [JSON.parse(m.data) as ReplayEvent] })
const T0 = Date.UTC(2026, 0, 1)
const book = (t: number, bid: BookLevel, ask: BookLevel): RecordedMessage => ({
  t: T0 + t,
  src: 'ws',
  ch: 'hand',
  data: JSON.stringify({
    kind: 'book',
    value: { venue: 'binance', symbol: 'BTCUSDT', bids: [bid], asks: [ask], tsEvent: T0 + t },
  }),
})
/** A book of several levels a side at `t` ms into the session. */
const depth = (t: number, bids: BookLevel[], asks: BookLevel[]): RecordedMessage => ({
  t: T0 + t,
  src: 'ws',
  ch: 'hand',
  data: JSON.stringify({
    kind: 'book',
    value: { venue: 'binance', symbol: 'BTCUSDT', bids, asks, tsEvent: T0 + t },
  }),
})
const sell = (t: number, price: number, qty: number): RecordedMessage => ({
  t: T0 + t,
  src: 'ws',
  ch: 'hand',
  data: JSON.stringify({
    kind: 'trade',
    value: {
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: String(t),
      price,
      qty,
      side: 'SELL',
      tsEvent: T0 + t,
    },
  }),
})

/**
 * 99 / 101 (mid 100): quotes 1 % away rest at 99 and 101, each joining 5 shown there. Two sells of 3 at 99, then the
 * market drops to 96 / 100 (mid 98).
 */
const session = [
  book(0, [99, 5], [101, 5]),
  sell(1_000, 99, 3),
  sell(2_000, 99, 3),
  book(3_500, [96, 5], [100, 5]),
]

function run(queuePosition: number) {
  return new Backtester({
    instruments: [btc],
    balances: { USDT: '10000', BTC: '1' },
    strategies: () => [new SpreadQuoter({ venue: 'binance', symbol: 'BTCUSDT', size: '1', spreadBps: 100 })],
    risk: { maxDataAgeMs: 60_000, requireStop: false },
    paper: { queuePosition },
  }).replay(session, { decode, markoutsMs: [1_000] })
}

describe('Backtester.replay', () => {
  it('fills a quote through the paper queue model: behind the shown size, only the excess fills', async () => {
    const r = await run(1)
    // Behind 5: the first sell of 3 leaves 2 ahead, the second fills 1 (the whole quote) at 2 s.
    expect(r.makers?.fillLog).toEqual([
      { t: T0 + 2_000, symbol: 'BTCUSDT', side: 'BUY', price: '99', qty: '1', liquidity: 'MAKER' },
    ])
    // Mid 100 at the fill: 1 captured. The next book (mid 98) is 1.5 s later: markout 98 − 99 = −1.
    expect(r.makers?.spreadCaptured).toBe('1')
    expect(r.makers?.markouts).toEqual([{ horizonMs: 1_000, count: 1, perShare: -1, total: -1 }])
    expect(r.makers?.inventory).toEqual([{ t: T0 + 2_000, symbol: 'BTCUSDT', qty: '1' }])
    expect([r.startTime, r.endTime, r.candles, r.replay]).toEqual([
      T0,
      T0 + 3_500,
      0,
      { messages: 4, events: 4, dataErrors: 0 },
    ])
    expect(r.errors).toEqual([])
  })

  it('at the front of the queue the first sell fills it', async () => {
    const r = await run(0)
    expect(r.makers?.fillLog.map((f) => [f.t - T0, f.side, f.price, f.qty])).toEqual([
      [1_000, 'BUY', '99', '1'],
    ])
  })

  it('counts malformed messages and goes on', async () => {
    const r = await new Backtester({
      instruments: [btc],
      balances: { USDT: '10000' },
      strategies: () => [],
    }).replay([...session, { t: T0 + 4_000, src: 'ws', ch: 'hand', data: 'not json' }], { decode })
    expect(r.replay).toEqual({ messages: 5, events: 4, dataErrors: 1 })
    expect(r.makers?.quotesPlaced).toBe(0)
  })

  it('the paper venue never shows our quotes in the book: quotes joining the best levels stay put on an unchanged market', async () => {
    // 99 / 101 (mid 100): quotes 1 % away join the best levels. Taking their size off the public book (which never
    // held them) emptied 99 and 101, moved the reference to (97 + 102) / 2 and re-quoted on every book. (A perpetual:
    // the paper venue takes its asks without a holding to sell, so both quotes rest.)
    const bids: BookLevel[] = [
      [99, 5],
      [97, 5],
    ]
    const asks: BookLevel[] = [
      [101, 5],
      [102, 5],
    ]
    const perp: Instrument = { ...btc, kind: 'perpetual' }
    const r = await new Backtester({
      instruments: [perp],
      balances: { USDT: '10000' },
      strategies: () => [
        new SpreadQuoter({ venue: 'binance', symbol: 'BTCUSDT', size: '5', spreadBps: 100 }),
      ],
      risk: { maxDataAgeMs: 60_000, requireStop: false },
    }).replay([depth(0, bids, asks), depth(2_000, bids, asks), depth(4_000, bids, asks)], { decode })
    expect(r.makers?.quotesPlaced).toBe(2)
    expect(r.errors).toEqual([])
  })
})
