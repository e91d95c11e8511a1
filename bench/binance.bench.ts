/**
 * Binance: decoding throughput (depth diffs of 20 levels, trades) against a bare JSON.parse of the same messages,
 * and BinanceDepthSync level updates against ccxt's order book on the same diff stream.
 */

import type { BinanceDepthDiffEvent } from '../src/exchanges/binance/index.js'
import { BinanceDepthSync, decodeMarketEvent } from '../src/exchanges/binance/index.js'
import { runSuite } from './harness.js'
// ccxt's exports map hides its order book class; load the file it ships.
import { OrderBook as CcxtOrderBook } from './node_modules/ccxt/js/src/base/ws/OrderBook.js'

let seed = 42
const rnd = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}

// ---- messages: 1024 depth diffs (10 bids + 10 asks) and 1024 trades, as Binance sends them.
const N = 1024
const px = (ticks: number) => (ticks / 100).toFixed(2)
const qty = () => (rnd() * 5).toFixed(5)
const depthMsgs: string[] = []
const tradeMsgs: string[] = []
for (let i = 0; i < N; i++) {
  const mid = 5_000_000 + Math.round((rnd() - 0.5) * 2000)
  const b = Array.from({ length: 10 }, (_, k) => [px(mid - 1 - k * 3), rnd() < 0.15 ? '0.00000' : qty()])
  const a = Array.from({ length: 10 }, (_, k) => [px(mid + 1 + k * 3), rnd() < 0.15 ? '0.00000' : qty()])
  depthMsgs.push(
    JSON.stringify({
      e: 'depthUpdate',
      E: 1700000000000 + i,
      s: 'BTCUSDT',
      U: i * 20 + 1,
      u: i * 20 + 20,
      b,
      a,
    }),
  )
  tradeMsgs.push(
    JSON.stringify({
      e: 'trade',
      E: 1700000000000 + i,
      s: 'BTCUSDT',
      t: 1000 + i,
      p: px(mid),
      q: qty(),
      T: 1700000000000 + i,
      m: rnd() < 0.5,
      M: true,
    }),
  )
}

let i = 0
let sink = 0
await runSuite(
  'binance decode: depth diff, 20 levels',
  'one message',
  [
    {
      name: 'bare JSON.parse',
      baseline: true,
      fn: () => {
        sink += (JSON.parse(depthMsgs[i++ & (N - 1)] as string) as { u: number }).u
      },
    },
    {
      name: 'tradekit decodeMarketEvent (parse + validate + typed event)',
      fn: () => {
        const r = decodeMarketEvent(depthMsgs[i++ & (N - 1)] as string, 'spot')
        if (r.ok) sink++
      },
    },
  ],
  { notes: 'target: decodeMarketEvent costs at most 2x JSON.parse (ratio >= 0.5)' },
)

await runSuite(
  'binance decode: trade',
  'one message',
  [
    {
      name: 'bare JSON.parse',
      baseline: true,
      fn: () => {
        sink += (JSON.parse(tradeMsgs[i++ & (N - 1)] as string) as { t: number }).t
      },
    },
    {
      name: 'tradekit decodeMarketEvent (parse + validate + typed event)',
      fn: () => {
        const r = decodeMarketEvent(tradeMsgs[i++ & (N - 1)] as string, 'spot')
        if (r.ok) sink++
      },
    },
  ],
  { notes: 'target: decodeMarketEvent costs at most 2x JSON.parse (ratio >= 0.5)' },
)

// ---- order book: the same decoded diff stream applied to both books (a 1000-level book, top-heavy activity).
const DIFFS = 4096
type Lvl = [number, number]
const diffs: Array<{ bids: Lvl[]; asks: Lvl[] }> = []
const snapshot = {
  lastUpdateId: 0,
  bids: Array.from({ length: 1000 }, (_, k) => [px(5_000_000 - 1 - k), qty()]),
  asks: Array.from({ length: 1000 }, (_, k) => [px(5_000_000 + 1 + k), qty()]),
}
for (let d = 0; d < DIFFS; d++) {
  const near = () => Math.floor(rnd() ** 3 * 200)
  const lvl = (side: 1 | -1): Lvl => [
    (5_000_000 + side * (1 + near())) / 100,
    rnd() < 0.2 ? 0 : Number(qty()),
  ]
  diffs.push({
    bids: Array.from({ length: 10 }, () => lvl(-1)),
    asks: Array.from({ length: 10 }, () => lvl(1)),
  })
}

const ours = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT' })
ours.applySnapshot(snapshot)
const event = {
  type: 'depthDiff',
  venue: 'binance',
  market: 'spot',
  symbol: 'BTCUSDT',
  firstUpdateId: 1,
  finalUpdateId: 1,
  bids: [] as Lvl[],
  asks: [] as Lvl[],
  tsEvent: 0,
}
let id = 0
const ccxt = new CcxtOrderBook({
  bids: snapshot.bids.map(([p, q]) => [Number(p), Number(q)]),
  asks: snapshot.asks.map(([p, q]) => [Number(p), Number(q)]),
})
let d = 0

await runSuite(
  'binance order book: apply a 20-level diff',
  'one diff (20 level updates)',
  [
    {
      name: 'ccxt OrderBook (storeArray per level)',
      baseline: true,
      fn: () => {
        const x = diffs[d++ & (DIFFS - 1)] as { bids: Lvl[]; asks: Lvl[] }
        for (const l of x.bids) ccxt.bids.storeArray([l[0], l[1]])
        for (const l of x.asks) ccxt.asks.storeArray([l[0], l[1]])
        sink += ccxt.bids.length
      },
    },
    {
      name: 'tradekit BinanceDepthSync.applyDiff (+ O(1) best bid/ask)',
      fn: () => {
        const x = diffs[d++ & (DIFFS - 1)] as { bids: Lvl[]; asks: Lvl[] }
        id++
        event.firstUpdateId = id
        event.finalUpdateId = id
        event.bids = x.bids
        event.asks = x.asks
        ours.applyDiff(event as BinanceDepthDiffEvent)
        sink += ours.bestBid()?.[0] ?? 0
      },
    },
  ],
  { notes: 'target: BinanceDepthSync >= 2x ccxt (ratio >= 2); each op is 20 level updates' },
)

if (sink === -1) console.log(sink)
