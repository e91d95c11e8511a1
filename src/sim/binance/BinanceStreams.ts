import type { WebSocket } from 'ws'
import type { Clock } from '../../core/index.js'
import type { FaultQueue } from '../shared/FaultQueue.js'
import { sendFrame } from '../shared/http.js'
import type { SimEngine, SimMarket } from './engine.js'
import { premiumJson } from './json/account.js'
import { aggTradeJson, depthJson, hostile, klineJson, partialDepthJson, tradeJson } from './json/streams.js'
import { miniTickerJson, tickerStreamJson } from './json/ticker.js'
import { SIM_INTERVALS, type SimSymbolMarket } from './market.js'
import type { BinanceSimHostileKind } from './types.js'

/** Which USD-M route a market-stream connection came in on: `public`, `market`, or `legacy` (no route: public only). */
export type StreamRoute = 'spot' | 'public' | 'market' | 'legacy'

interface StreamConn {
  ws: WebSocket
  market: SimMarket
  route: StreamRoute
  combined: boolean
  streams: Set<string>
  openedAt: number
}

/** What {@link BinanceStreams} needs of the simulator. */
export interface BinanceStreamsConfig {
  readonly engine: SimEngine
  readonly clock: Clock
  /** Server time including skew. */
  readonly now: () => number
  readonly maxConnectionAgeMs: number
  /** Hostile payloads to send in place of the next messages. */
  readonly malformed: FaultQueue<{ kind: BinanceSimHostileKind }>
}

/**
 * Which USD-M route carries a stream: high-frequency book data on `/public`, the rest on `/market`.
 *
 * @example
 * ```ts
 * usdmRouteOf('btcusdt@bookTicker') // 'public'
 * usdmRouteOf('btcusdt@aggTrade')   // 'market'
 * ```
 */
export function usdmRouteOf(stream: string): 'public' | 'market' {
  return /@depth|@bookTicker|^!bookTicker/.test(stream) ? 'public' : 'market'
}

/**
 * The market streams of {@link BinanceSim}: raw (`/ws/...`) and combined (`/stream?streams=`) connections, live
 * SUBSCRIBE/UNSUBSCRIBE, and publication of depth, book ticker, trades, klines, 24 h tickers and mark prices, with the stream
 * faults (stall, depth gaps, hostile payloads, server shutdown, 24 h connection age).
 *
 * @example
 * ```ts
 * const streams = new BinanceStreams({ engine, clock, now, maxConnectionAgeMs, malformed })
 * streams.open(ws, 'spot', 'spot', '/ws/btcusdt@trade', url)
 * streams.publishBook('spot', market, Date.now())
 * ```
 */
export class BinanceStreams {
  readonly #cfg: BinanceStreamsConfig
  readonly #conns = new Set<StreamConn>()
  /** Open time of the kline period last published, per market and stream. */
  readonly #klineOpen = new Map<string, number>()
  /** Depth diffs still to lose, per `market:SYMBOL`. */
  readonly #depthGaps = new Map<string, number>()
  readonly #lastTop = new Map<string, string>()
  #stallUntil = 0

  constructor(config: BinanceStreamsConfig) {
    this.#cfg = config
  }

  /** Open market-stream connections. */
  get size(): number {
    return this.#conns.size
  }

  /** Takes a market-stream socket; `rest` is its path after any `/fstream[/route]` prefix. */
  open(ws: WebSocket, market: SimMarket, route: StreamRoute, rest: string, url: URL): void {
    let combined = false
    const streams = new Set<string>()
    if (rest === '/stream') {
      combined = true
      for (const s of (url.searchParams.get('streams') ?? '').split('/')) if (s !== '') streams.add(s)
    } else if (rest.startsWith('/ws')) {
      for (const s of rest.slice(3).split('/')) if (s !== '') streams.add(s)
    } else {
      ws.close(1008, 'unknown path')
      return
    }
    const c: StreamConn = { ws, market, route, combined, streams, openedAt: this.#cfg.clock.now() }
    this.#conns.add(c)
    ws.on('close', () => this.#conns.delete(c))
    ws.on('message', (data) => this.#onMessage(c, String(data)))
  }

  /** Stops delivering stream data for `durationMs` (connections stay open). */
  stall(durationMs: number): void {
    this.#stallUntil = this.#cfg.clock.now() + durationMs
  }

  /** Loses the next `count` depth diffs of every matching symbol. */
  depthGap(o: { count?: number; symbol?: string; market?: SimMarket }): void {
    for (const market of ['spot', 'usdm'] as const) {
      if (o.market !== undefined && o.market !== market) continue
      for (const sym of this.#cfg.engine.markets[market].keys()) {
        if (o.symbol !== undefined && o.symbol.toUpperCase() !== sym) continue
        const k = `${market}:${sym}`
        this.#depthGaps.set(k, (this.#depthGaps.get(k) ?? 0) + (o.count ?? 1))
      }
    }
  }

  /** Sends `serverShutdown` on every connection. */
  serverShutdown(): void {
    for (const c of this.#conns) sendFrame(c.ws, JSON.stringify({ e: 'serverShutdown', E: this.#cfg.now() }))
  }

  /** Clears stalls and pending depth gaps. */
  reset(): void {
    this.#depthGaps.clear()
    this.#stallUntil = 0
  }

  /** Closes connections older than the maximum age (Binance's 24 h limit). */
  ageConnections(): void {
    const now = this.#cfg.clock.now()
    for (const c of this.#conns) {
      if (now - c.openedAt >= this.#cfg.maxConnectionAgeMs) c.ws.close(1000, '24h limit')
    }
  }
  #onMessage(c: StreamConn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown }
    try {
      msg = JSON.parse(text)
    } catch {
      sendFrame(
        c.ws,
        JSON.stringify({
          error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' },
          id: null,
        }),
      )
      return
    }
    const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null
    const params = Array.isArray(msg.params)
      ? (msg.params as unknown[]).filter((x): x is string => typeof x === 'string')
      : []
    const limit = c.market === 'spot' ? 1024 : 200
    switch (msg.method) {
      case 'SUBSCRIBE':
        if (c.streams.size + params.filter((s) => !c.streams.has(s)).length > limit) {
          sendFrame(
            c.ws,
            JSON.stringify({
              error: { code: 2, msg: `Invalid request: too many streams (max ${limit})` },
              id,
            }),
          )
          return
        }
        for (const s of params) c.streams.add(s)
        sendFrame(c.ws, JSON.stringify({ result: null, id }))
        return
      case 'UNSUBSCRIBE':
        for (const s of params) c.streams.delete(s)
        sendFrame(c.ws, JSON.stringify({ result: null, id }))
        return
      case 'LIST_SUBSCRIPTIONS':
        sendFrame(c.ws, JSON.stringify({ result: [...c.streams], id }))
        return
      default:
        sendFrame(c.ws, JSON.stringify({ error: { code: 2, msg: 'Invalid request: unknown method' }, id }))
    }
  }

  #delivers(c: StreamConn, market: SimMarket, stream: string): boolean {
    if (c.market !== market || !c.streams.has(stream)) return false
    if (market === 'spot') return true
    // USD-M's raw `<symbol>@trade` is not in Binance's stream docs: it was observed on /public (ccxt routes it
    // there, https://github.com/BYTEX-TRADE/bytex/issues/7), while ccxt's routing PR
    // (https://github.com/ccxt/ccxt/pull/28091) and tradekit's adapter put it on /market. Served on both.
    if (/^[a-z0-9]+@trade$/.test(stream) && c.route !== 'legacy') return true
    const route = usdmRouteOf(stream)
    // A connection without a routed path only receives /public data; a stream on the wrong route is silent.
    return c.route === 'legacy' ? route === 'public' : c.route === route
  }

  #publish(market: SimMarket, stream: string, payload: () => unknown): void {
    if (this.#cfg.clock.now() < this.#stallUntil) return
    let raw: string | undefined
    for (const c of this.#conns) {
      if (!this.#delivers(c, market, stream)) continue
      const bad = this.#cfg.malformed.take('')
      if (bad !== undefined) {
        sendFrame(c.ws, hostile(bad.kind, stream, c.combined))
        continue
      }
      raw ??= JSON.stringify(payload())
      sendFrame(c.ws, c.combined ? `{"stream":${JSON.stringify(stream)},"data":${raw}}` : raw)
    }
  }

  #hasSubscriber(market: SimMarket, prefix: string): boolean {
    for (const c of this.#conns) {
      if (c.market !== market) continue
      for (const s of c.streams) if (s.startsWith(prefix)) return true
    }
    return false
  }

  /** Publishes a symbol's pending book changes: depth diffs (unless a gap eats them), partial books, book ticker. */
  publishBook(market: SimMarket, m: SimSymbolMarket, now: number): void {
    const lower = m.spec.symbol.toLowerCase()
    const key = `${market}:${m.spec.symbol}`
    const toLose = m.hasPending ? (this.#depthGaps.get(key) ?? 0) : 0
    if (toLose > 0) {
      if (toLose === 1) this.#depthGaps.delete(key)
      else this.#depthGaps.set(key, toLose - 1)
    }
    const diff = m.flush(toLose > 0)
    if (diff !== undefined && this.#hasSubscriber(market, `${lower}@depth`)) {
      const payload = () => depthJson(market, m, diff, now)
      this.#publish(market, `${lower}@depth`, payload)
      this.#publish(market, `${lower}@depth@100ms`, payload)
      this.#publish(market, `${lower}@depth@500ms`, payload)
      for (const n of [5, 10, 20]) {
        for (const suffix of ['', '@100ms', '@500ms']) {
          const stream = `${lower}@depth${n}${suffix}`
          this.#publish(market, stream, () => partialDepthJson(market, m, n, diff, now))
        }
      }
    }
    const b = m.bestBid()
    const a = m.bestAsk()
    if (b === undefined || a === undefined) return
    const top = `${b}:${m.bids.get(b)}:${a}:${m.asks.get(a)}`
    if (this.#lastTop.get(`${market}:${m.spec.symbol}`) === top) return
    this.#lastTop.set(`${market}:${m.spec.symbol}`, top)
    this.#publish(market, `${lower}@bookTicker`, () => {
      const base = {
        u: m.lastUpdateId,
        s: m.spec.symbol,
        b: m.px(b),
        B: m.qty(m.bids.get(b) ?? 0),
        a: m.px(a),
        A: m.qty(m.asks.get(a) ?? 0),
      }
      return market === 'spot' ? base : { e: 'bookTicker', E: now, T: now, ...base }
    })
  }

  /** Publishes the klines of every interval (a final one when a period ends) and USD-M mark prices. */
  publishKlinesAndMarks(now: number): void {
    for (const market of ['spot', 'usdm'] as const) {
      for (const m of this.#cfg.engine.markets[market].values()) {
        const lower = m.spec.symbol.toLowerCase()
        for (const iv of Object.keys(SIM_INTERVALS)) {
          const stream = `${lower}@kline_${iv}`
          const list = m.candles.get(iv) ?? []
          const ms = SIM_INTERVALS[iv] as number
          const openTime = Math.floor(now / ms) * ms
          // Like Binance: when a period ends, its kline is sent once more with x=true (final values).
          const seenKey = `${market}:${stream}`
          const prevOpen = this.#klineOpen.get(seenKey)
          this.#klineOpen.set(seenKey, openTime)
          if (prevOpen !== undefined && prevOpen < openTime) {
            const done = list.findLast((c) => c.openTime === prevOpen)
            const prevLast = m.px(m.lastTradeTicks)
            this.#publish(market, stream, () => klineJson(m, iv, prevOpen, done, prevLast, now, true))
          }
          this.#publish(market, stream, () => {
            const c = list[list.length - 1]
            const live = c !== undefined && c.openTime === openTime ? c : undefined
            return klineJson(m, iv, openTime, live, m.px(m.lastTradeTicks), now, false)
          })
        }
        if (market === 'usdm') {
          const mark = () => {
            const p = premiumJson(m, this.#cfg.now())
            return {
              e: 'markPriceUpdate',
              E: now,
              s: m.spec.symbol,
              p: p.markPrice,
              i: p.indexPrice,
              P: p.estimatedSettlePrice,
              r: p.lastFundingRate,
              T: p.nextFundingTime,
            }
          }
          this.#publish('usdm', `${lower}@markPrice`, mark)
          this.#publish('usdm', `${lower}@markPrice@1s`, mark)
        }
      }
    }
  }

  /**
   * Publishes the rolling 24 h tickers: `<symbol>@ticker`, `<symbol>@miniTicker` and the all-market arrays
   * `!miniTicker@arr` and (USD-M) `!ticker@arr` (payload built only when someone listens).
   * Spot: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#all-market-mini-tickers-stream
   * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/All-Market-Tickers-Streams
   */
  publishTickers(now: number): void {
    for (const market of ['spot', 'usdm'] as const) {
      const list = [...this.#cfg.engine.markets[market].values()]
      for (const m of list) {
        const lower = m.spec.symbol.toLowerCase()
        this.#publish(market, `${lower}@ticker`, () => tickerStreamJson(market, m, now))
        this.#publish(market, `${lower}@miniTicker`, () => miniTickerJson(m, now))
      }
      // Spot retired `!ticker@arr` (its official connector has no all-tickers stream); USD-M still serves it.
      if (market === 'usdm')
        this.#publish(market, '!ticker@arr', () => list.map((m) => tickerStreamJson(market, m, now)))
      this.#publish(market, '!miniTicker@arr', () => list.map((m) => miniTickerJson(m, now)))
    }
  }

  /** Publishes a trade on `@trade` and `@aggTrade`. */
  publishTrade(
    market: SimMarket,
    m: SimSymbolMarket,
    id: number,
    ticks: number,
    steps: number,
    isBuyerMaker: boolean,
    now: number,
  ): void {
    const lower = m.spec.symbol.toLowerCase()
    this.#publish(market, `${lower}@trade`, () => tradeJson(market, m, id, ticks, steps, isBuyerMaker, now))
    this.#publish(market, `${lower}@aggTrade`, () =>
      aggTradeJson(market, m, id, ticks, steps, isBuyerMaker, now),
    )
  }
}
