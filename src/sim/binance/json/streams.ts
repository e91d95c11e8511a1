import type { SimMarket } from '../engine.js'
import { SIM_INTERVALS, type SimCandle, type SimDepthDiff, type SimSymbolMarket } from '../market.js'
import type { BinanceSimHostileKind } from '../types.js'

/** A depth diff as the `<symbol>@depth` streams send it (USD-M adds `T` and `pu`). */
export function depthJson(market: SimMarket, m: SimSymbolMarket, d: SimDepthDiff, now: number): unknown {
  const b = d.bids.map(([t, s]) => [m.px(t), m.qty(s)])
  const a = d.asks.map(([t, s]) => [m.px(t), m.qty(s)])
  return market === 'spot'
    ? { e: 'depthUpdate', E: now, s: m.spec.symbol, U: d.U, u: d.u, b, a }
    : { e: 'depthUpdate', E: now, T: now, s: m.spec.symbol, U: d.U, u: d.u, pu: d.pu, b, a }
}

/** A partial book (`<symbol>@depth<n>`): spot sends the snapshot, USD-M a depthUpdate carrying the diff's ids. */
export function partialDepthJson(
  market: SimMarket,
  m: SimSymbolMarket,
  n: number,
  diff: SimDepthDiff,
  now: number,
): unknown {
  const snap = m.snapshot(n)
  return market === 'spot'
    ? snap
    : {
        e: 'depthUpdate',
        E: now,
        T: now,
        s: m.spec.symbol,
        U: diff.U,
        u: diff.u,
        pu: diff.pu,
        b: snap.bids,
        a: snap.asks,
      }
}

/** A kline stream payload; `c` undefined means no trade in the period (all prices at the last trade). */
export function klineJson(
  m: SimSymbolMarket,
  iv: string,
  openTime: number,
  c: SimCandle | undefined,
  last: string,
  now: number,
  closed: boolean,
): Record<string, unknown> {
  const ms = SIM_INTERVALS[iv] as number
  return {
    e: 'kline',
    E: now,
    s: m.spec.symbol,
    k: {
      t: openTime,
      T: openTime + ms - 1,
      s: m.spec.symbol,
      i: iv,
      f: 0,
      L: 0,
      o: c !== undefined ? m.px(Math.round(c.open / m.tick)) : last,
      c: c !== undefined ? m.px(Math.round(c.close / m.tick)) : last,
      h: c !== undefined ? m.px(Math.round(c.high / m.tick)) : last,
      l: c !== undefined ? m.px(Math.round(c.low / m.tick)) : last,
      v: c !== undefined ? m.qty(c.volume) : '0',
      n: c !== undefined ? c.trades : 0,
      x: closed,
      q: c !== undefined ? c.quoteVolume.toFixed(8) : '0',
      V: '0',
      Q: '0',
      B: '0',
    },
  }
}

/** A trade as `<symbol>@trade` sends it (spot and USD-M differ). */
export function tradeJson(
  market: SimMarket,
  m: SimSymbolMarket,
  id: number,
  ticks: number,
  steps: number,
  isBuyerMaker: boolean,
  now: number,
): unknown {
  return market === 'spot'
    ? {
        e: 'trade',
        E: now,
        s: m.spec.symbol,
        t: id,
        p: m.px(ticks),
        q: m.qty(steps),
        T: now,
        m: isBuyerMaker,
        M: true,
      }
    : {
        e: 'trade',
        E: now,
        T: now,
        s: m.spec.symbol,
        t: id,
        p: m.px(ticks),
        q: m.qty(steps),
        X: 'MARKET',
        m: isBuyerMaker,
      }
}

/** A trade as `<symbol>@aggTrade` sends it (one trade per aggregate). */
export function aggTradeJson(
  market: SimMarket,
  m: SimSymbolMarket,
  id: number,
  ticks: number,
  steps: number,
  isBuyerMaker: boolean,
  now: number,
): unknown {
  return {
    e: 'aggTrade',
    E: now,
    s: m.spec.symbol,
    a: id,
    p: m.px(ticks),
    q: m.qty(steps),
    f: id,
    l: id,
    T: now,
    m: isBuyerMaker,
    ...(market === 'spot' ? { M: true } : {}),
  }
}

/** A hostile payload (bad number, garbage, truncated JSON) in place of a stream message, for fault injection. */
export function hostile(kind: BinanceSimHostileKind, stream: string, combined: boolean): string {
  const sym = stream.split('@')[0]?.toUpperCase() ?? 'BTCUSDT'
  const price = {
    nan: 'NaN',
    zero: '0',
    negative: '-5.00',
    huge: '1e400',
    garbage: 'abc',
    truncated: '1',
    empty: '',
  }[kind]
  if (kind === 'truncated')
    return combined ? `{"stream":"${stream}","data":{"e":"trade","p":"1` : '{"e":"trade","p":"1'
  const data = stream.includes('@depth')
    ? { e: 'depthUpdate', E: 1, s: sym, U: 1, u: 2, pu: 0, b: [[price, '1']], a: [['1', '-1']] }
    : { e: 'trade', E: 1, s: sym, t: 1, p: price, q: kind === 'negative' ? '-1' : '1', T: 1, m: true }
  return combined ? JSON.stringify({ stream, data }) : JSON.stringify(data)
}
