import type { BookLevel } from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import {
  BINANCE_VENUE,
  type BinanceBookDepthEvent,
  type BinanceMarket,
  type BinanceMarketEvent,
} from './types.js'

/** Options of {@link decodeMarketEvent}. */
export interface DecodeMarketEventOptions {
  /** Receive time, epoch ms: used as `tsEvent` for payloads without an event time (spot `bookTicker`). */
  receivedAt?: number
  /** Stream name the payload came on, for raw (non-combined) connections: tells partial depth from diff depth. */
  stream?: string
}

/** Largest magnitude accepted for a price or quantity (anything bigger is corruption, not data). */
const MAX_VALUE = 1e30
/** Largest plausible id / timestamp (2^53). */
const MAX_INT = Number.MAX_SAFE_INTEGER

/**
 * Strict decimal-string to number: digits with at most one inner dot, no sign, no exponent, no whitespace,
 * below 1e30. Returns NaN otherwise. Hand-written because it runs on every book level.
 *
 * @example
 * ```ts
 * strictNumber('64000.10') // 64000.1
 * strictNumber('1e5')      // NaN: no exponent
 * strictNumber(' 1')       // NaN: no whitespace
 * ```
 */
export function strictNumber(s: unknown): number {
  if (typeof s !== 'string') return Number.NaN
  const n = s.length
  if (n === 0 || n > 64) return Number.NaN
  let dot = false
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) {
      if (dot || i === 0 || i === n - 1) return Number.NaN
      dot = true
    } else if (c < 48 || c > 57) {
      return Number.NaN
    }
  }
  const v = +s
  return v < MAX_VALUE ? v : Number.NaN
}

function signedNumber(s: unknown): number {
  if (typeof s === 'string' && s.charCodeAt(0) === 45) {
    const v = strictNumber(s.slice(1))
    return Number.isNaN(v) ? v : -v
  }
  return strictNumber(s)
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_INT
}

function isIdOrMinusOne(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -1 && v <= MAX_INT
}

function isSymbol(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 40
}

/** Decodes `[[price, qty], ...]`; price must be > 0, qty >= 0 (0 removes a level). Returns undefined on error. */
function levels(raw: unknown, issues: string[], path: string): BookLevel[] | undefined {
  if (!Array.isArray(raw)) {
    issues.push(`${path}: expected an array`)
    return undefined
  }
  const out: BookLevel[] = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const lvl = raw[i]
    if (!Array.isArray(lvl) || lvl.length < 2) {
      issues.push(`${path}.${i}: expected [price, qty]`)
      return undefined
    }
    const p = strictNumber(lvl[0])
    const q = strictNumber(lvl[1])
    if (!(p > 0)) {
      issues.push(`${path}.${i}.0: invalid price`)
      return undefined
    }
    if (!(q >= 0)) {
      issues.push(`${path}.${i}.1: invalid quantity`)
      return undefined
    }
    out[i] = [p, q]
  }
  return out
}

type Obj = Record<string, unknown>

/**
 * Decodes one Binance market-stream payload (a JSON string or an already parsed object, raw or wrapped in a
 * combined-stream `{stream, data}` envelope) into a unified, typed event. Never throws: a malformed payload, a
 * zero/negative/NaN price, a negative quantity or an unknown event returns `{ ok: false, error }` with an
 * {@link ExchangeDataError} listing the issues.
 *
 * @example
 * ```ts
 * const r = decodeMarketEvent('{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"100.5","q":"0.1","T":1,"m":true}', 'spot')
 * if (r.ok && r.value.type === 'trade') console.log(r.value.price) // 100.5
 * ```
 */
export function decodeMarketEvent(
  raw: unknown,
  market: BinanceMarket,
  options: DecodeMarketEventOptions = {},
): Result<BinanceMarketEvent, ExchangeDataError> {
  const venue = BINANCE_VENUE[market]
  let msg: unknown = raw
  if (typeof raw === 'string') {
    try {
      msg = JSON.parse(raw)
    } catch {
      return err(
        new ExchangeDataError(venue, 'Market payload is not valid JSON', ['(root): invalid JSON'], raw),
      )
    }
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return err(
      new ExchangeDataError(venue, 'Market payload is not an object', ['(root): expected object'], raw),
    )
  }
  let obj = msg as Obj
  let stream = options.stream
  if (typeof obj.stream === 'string' && typeof obj.data === 'object' && obj.data !== null) {
    stream = obj.stream
    obj = obj.data as Obj
  }
  const issues: string[] = []
  const value = decodeObject(obj, market, venue, stream, options.receivedAt, issues)
  if (value === undefined) {
    if (issues.length === 0) issues.push('(root): unknown payload')
    return err(new ExchangeDataError(venue, `Invalid ${venue} market payload`, issues, raw))
  }
  return ok(value)
}

function decodeObject(
  o: Obj,
  market: BinanceMarket,
  venue: string,
  stream: string | undefined,
  receivedAt: number | undefined,
  issues: string[],
): BinanceMarketEvent | undefined {
  const e = o.e
  if (e === 'depthUpdate') {
    if (stream !== undefined && isPartialDepthStream(stream)) return futuresPartialDepth(o, venue, issues)
    return depthDiff(o, market, venue, issues)
  }
  if (e === 'trade' || e === 'aggTrade') return trade(o, venue, e === 'aggTrade', issues)
  if (e === 'kline') return kline(o, venue, issues)
  if (e === 'bookTicker' || (e === undefined && 'b' in o && 'a' in o && 'u' in o && 's' in o)) {
    return bookTicker(o, venue, receivedAt, issues)
  }
  if (e === 'markPriceUpdate') return markPrice(o, venue, issues)
  if (e === 'serverShutdown') {
    const t = o.E
    return { type: 'serverShutdown', tsEvent: isId(t) ? t : (receivedAt ?? 0) }
  }
  if (e === undefined && 'lastUpdateId' in o && 'bids' in o) return spotPartialDepth(o, venue, stream, issues)
  if (e === undefined && 'id' in o && ('result' in o || 'error' in o)) return response(o, issues)
  if (typeof e === 'string') issues.push(`e: unsupported event "${e.slice(0, 40)}"`)
  return undefined
}

function isPartialDepthStream(stream: string): boolean {
  const i = stream.indexOf('@depth')
  if (i < 0) return false
  const c = stream.charCodeAt(i + 6)
  return c >= 48 && c <= 57
}

function depthDiff(
  o: Obj,
  market: BinanceMarket,
  venue: string,
  issues: string[],
): BinanceMarketEvent | undefined {
  const { s, U, u, E } = o
  if (!isSymbol(s)) issues.push('s: invalid symbol')
  if (!isId(U)) issues.push('U: invalid first update id')
  if (!isId(u)) issues.push('u: invalid final update id')
  if (!isId(E)) issues.push('E: invalid event time')
  if (isId(U) && isId(u) && u < U) issues.push('u: final update id below first update id')
  let pu: number | undefined
  if (market === 'usdm') {
    if (!isIdOrMinusOne(o.pu)) issues.push('pu: invalid previous final update id')
    else pu = o.pu
  }
  if (issues.length > 0) return undefined
  const bids = levels(o.b, issues, 'b')
  if (bids === undefined) return undefined
  const asks = levels(o.a, issues, 'a')
  if (asks === undefined) return undefined
  return {
    type: 'depthDiff',
    venue,
    market,
    symbol: s as string,
    firstUpdateId: U as number,
    finalUpdateId: u as number,
    ...(pu !== undefined ? { prevFinalUpdateId: pu } : {}),
    bids,
    asks,
    tsEvent: E as number,
  }
}

function futuresPartialDepth(o: Obj, venue: string, issues: string[]): BinanceBookDepthEvent | undefined {
  const { s, u, E } = o
  if (!isSymbol(s)) issues.push('s: invalid symbol')
  if (!isId(u)) issues.push('u: invalid update id')
  if (!isId(E)) issues.push('E: invalid event time')
  if (issues.length > 0) return undefined
  const bids = levels(o.b, issues, 'b')
  if (bids === undefined) return undefined
  const asks = levels(o.a, issues, 'a')
  if (asks === undefined) return undefined
  return {
    type: 'bookDepth',
    venue,
    symbol: s as string,
    lastUpdateId: u as number,
    bids,
    asks,
    tsEvent: E as number,
  }
}

function spotPartialDepth(
  o: Obj,
  venue: string,
  stream: string | undefined,
  issues: string[],
): BinanceBookDepthEvent | undefined {
  if (!isId(o.lastUpdateId)) issues.push('lastUpdateId: invalid')
  const symbol = stream !== undefined ? stream.slice(0, Math.max(0, stream.indexOf('@'))).toUpperCase() : ''
  if (issues.length > 0) return undefined
  const bids = levels(o.bids, issues, 'bids')
  if (bids === undefined) return undefined
  const asks = levels(o.asks, issues, 'asks')
  if (asks === undefined) return undefined
  return { type: 'bookDepth', venue, symbol, lastUpdateId: o.lastUpdateId as number, bids, asks, tsEvent: 0 }
}

function trade(
  o: Obj,
  venue: string,
  isAggregate: boolean,
  issues: string[],
): BinanceMarketEvent | undefined {
  const id = isAggregate ? o.a : o.t
  const price = strictNumber(o.p)
  const qty = strictNumber(o.q)
  if (!isSymbol(o.s)) issues.push('s: invalid symbol')
  if (!isId(id)) issues.push(`${isAggregate ? 'a' : 't'}: invalid trade id`)
  if (!(price > 0)) issues.push('p: invalid price')
  if (!(qty > 0)) issues.push('q: invalid quantity')
  if (!isId(o.T)) issues.push('T: invalid trade time')
  if (typeof o.m !== 'boolean') issues.push('m: expected boolean')
  if (issues.length > 0) return undefined
  return {
    type: 'trade',
    venue,
    symbol: o.s as string,
    tradeId: String(id),
    price,
    qty,
    // `m`: the buyer is the maker, so the aggressor sold.
    side: o.m === true ? 'SELL' : 'BUY',
    tsEvent: o.T as number,
    isAggregate,
  }
}

function kline(o: Obj, venue: string, issues: string[]): BinanceMarketEvent | undefined {
  const k = o.k as Obj | undefined
  if (typeof k !== 'object' || k === null) {
    issues.push('k: expected object')
    return undefined
  }
  const open = strictNumber(k.o)
  const high = strictNumber(k.h)
  const low = strictNumber(k.l)
  const close = strictNumber(k.c)
  const volume = strictNumber(k.v)
  if (!isSymbol(o.s)) issues.push('s: invalid symbol')
  if (!isId(o.E)) issues.push('E: invalid event time')
  if (!isId(k.t)) issues.push('k.t: invalid open time')
  if (!isId(k.T)) issues.push('k.T: invalid close time')
  if (typeof k.i !== 'string' || k.i.length === 0) issues.push('k.i: invalid interval')
  if (!(open > 0)) issues.push('k.o: invalid price')
  if (!(high > 0)) issues.push('k.h: invalid price')
  if (!(low > 0)) issues.push('k.l: invalid price')
  if (!(close > 0)) issues.push('k.c: invalid price')
  if (!(volume >= 0)) issues.push('k.v: invalid volume')
  // Only high >= low is checked: Binance's own documented example has open/close outside [low, high].
  if (high < low) issues.push('k: high below low')
  if (typeof k.x !== 'boolean') issues.push('k.x: expected boolean')
  if (issues.length > 0) return undefined
  return {
    type: 'candle',
    venue,
    symbol: o.s as string,
    interval: k.i as string,
    openTime: k.t as number,
    closeTime: k.T as number,
    open,
    high,
    low,
    close,
    volume,
    isClosed: k.x as boolean,
    tsEvent: o.E as number,
  }
}

function bookTicker(
  o: Obj,
  venue: string,
  receivedAt: number | undefined,
  issues: string[],
): BinanceMarketEvent | undefined {
  const bidPrice = strictNumber(o.b)
  const bidQty = strictNumber(o.B)
  const askPrice = strictNumber(o.a)
  const askQty = strictNumber(o.A)
  if (!isSymbol(o.s)) issues.push('s: invalid symbol')
  if (!isId(o.u)) issues.push('u: invalid update id')
  if (!(bidPrice > 0)) issues.push('b: invalid price')
  if (!(askPrice > 0)) issues.push('a: invalid price')
  if (!(bidQty >= 0)) issues.push('B: invalid quantity')
  if (!(askQty >= 0)) issues.push('A: invalid quantity')
  if (o.E !== undefined && !isId(o.E)) issues.push('E: invalid event time')
  if (issues.length > 0) return undefined
  return {
    type: 'bookTicker',
    venue,
    symbol: o.s as string,
    updateId: o.u as number,
    bidPrice,
    bidQty,
    askPrice,
    askQty,
    tsEvent: (o.E as number | undefined) ?? receivedAt ?? 0,
  }
}

function markPrice(o: Obj, venue: string, issues: string[]): BinanceMarketEvent | undefined {
  const mark = strictNumber(o.p)
  const index = strictNumber(o.i)
  const rate = o.r === '' ? 0 : signedNumber(o.r)
  if (!isSymbol(o.s)) issues.push('s: invalid symbol')
  if (!isId(o.E)) issues.push('E: invalid event time')
  if (!(mark > 0)) issues.push('p: invalid mark price')
  if (!(index > 0)) issues.push('i: invalid index price')
  if (!Number.isFinite(rate) || Math.abs(rate) >= 1) issues.push('r: invalid funding rate')
  if (!isId(o.T)) issues.push('T: invalid next funding time')
  if (issues.length > 0) return undefined
  return {
    type: 'markPrice',
    venue,
    symbol: o.s as string,
    markPrice: mark,
    indexPrice: index,
    fundingRate: rate,
    nextFundingTime: o.T as number,
    tsEvent: o.E as number,
  }
}

function response(o: Obj, issues: string[]): BinanceMarketEvent | undefined {
  // Binance: a request id is a 64-bit integer, a string or null (web-socket-streams.md, "Live Subscribing").
  const id = o.id
  if (!(id === null || (typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'string')) {
    issues.push('id: invalid')
    return undefined
  }
  const e = o.error as Obj | undefined
  if (e !== undefined) {
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.code !== 'number' ||
      !Number.isSafeInteger(e.code) ||
      typeof e.msg !== 'string'
    ) {
      issues.push('error: invalid')
      return undefined
    }
    return {
      type: 'response',
      id,
      result: null,
      error: { code: e.code, msg: e.msg },
    }
  }
  // SUBSCRIBE / UNSUBSCRIBE answer `null`, LIST_SUBSCRIPTIONS the stream names; anything else is not a stream reply.
  const result = o.result
  if (!(result === null || (Array.isArray(result) && result.every((s) => typeof s === 'string')))) {
    issues.push('result: not null or a list of stream names')
    return undefined
  }
  return { type: 'response', id, result }
}
