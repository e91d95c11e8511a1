import {
  createHmac,
  createPublicKey,
  randomBytes,
  timingSafeEqual,
  verify as verifySignature,
} from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { type Clock, SystemClock } from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import {
  isOpen,
  type NewOrderParams,
  SIM_LEVERAGE_BRACKETS,
  type SimAccount,
  type SimAlgoOrder,
  SimApiError,
  SimEngine,
  type SimFill,
  type SimMarket,
  type SimOrder,
} from './engine.js'
import { SIM_INTERVALS, type SimCandle, type SimDepthDiff, type SimSymbolMarket } from './market.js'
import { resolveSpec, type SimSymbolInput } from './specs.js'

/** An API key the simulator accepts: HMAC (`secret`) and/or Ed25519 (`ed25519PublicKey`, PEM). */
export interface BinanceSimApiKey {
  readonly apiKey: string
  readonly secret?: string
  readonly ed25519PublicKey?: string
}

/** Options of {@link BinanceSim.start}. Every field has a default. */
export interface BinanceSimConfig {
  /** Seed of the price paths and books (default 1): the same seed gives the same market. */
  seed?: number
  /** Symbols on both markets (default `['BTCUSDT', 'ETHUSDT']`). */
  symbols?: readonly SimSymbolInput[]
  /** Market step interval in wall-clock ms (default 100; a real timer, not the `clock`). `0` disables the timer: drive it with {@link BinanceSim.step}. */
  tickMs?: number
  /** Accepted keys (default one HMAC key: `sim-api-key` / `sim-api-secret`). */
  apiKeys?: readonly BinanceSimApiKey[]
  /** Starting spot balances of every account (default 100 000 USDT, 10 BTC, 100 ETH). */
  spotBalances?: Readonly<Record<string, string>>
  /** Starting USD-M wallet balance in USDT (default 100 000). */
  futuresBalance?: string
  /** Request weight allowed per minute before 429 (default 6000). */
  weightLimitPerMinute?: number
  /** Market-stream connections are closed after this age (default 24 h, as Binance does). */
  maxConnectionAgeMs?: number
  /** Clock for server time (default the system clock). */
  clock?: Clock
}

/** A fault rule counted down per matching request. */
interface CountedFault {
  remaining: number
}

/** Kinds of hostile payload {@link BinanceSimFaults.malformed} can send. */
export type BinanceSimHostileKind = 'nan' | 'zero' | 'negative' | 'huge' | 'garbage' | 'truncated' | 'empty'

/**
 * Fault injection controls of a running {@link BinanceSim}. Every REST fault applies to the next `count`
 * requests (default 1), optionally only to paths containing `path`.
 */
export interface BinanceSimFaults {
  /** Answer 429 (`-1003`) with `Retry-After`. */
  rateLimit(opts?: { count?: number; retryAfterSec?: number; path?: string }): void
  /** Answer 418 (IP banned) with `Retry-After`. */
  ban(opts?: { count?: number; retryAfterSec?: number; path?: string }): void
  /** Answer a 5xx. With `afterExecute`, an order is executed first and the 5xx hides its outcome. */
  serverError(opts?: { count?: number; status?: number; path?: string; afterExecute?: boolean }): void
  /** Delay responses by `delayMs`. */
  slow(opts: { delayMs: number; count?: number; path?: string }): void
  /** Server time runs `ms` ahead (positive) or behind: signed requests see -1021 until the client re-syncs. */
  clockSkew(ms: number): void
  /** Close every stream connection (market, ws-api, private), cleanly (1000) or abruptly (TCP reset). */
  closeStreams(opts?: { mode?: 'clean' | 'abrupt'; code?: number }): void
  /** Stop delivering stream data for `durationMs` (connections stay open). */
  stall(durationMs: number): void
  /**
   * Lose the next `count` depth diffs of every symbol (or of `symbol` / `market` only): update ids are consumed,
   * the messages never sent, so clients see a sequence gap.
   */
  depthGap(opts?: { count?: number; symbol?: string; market?: SimMarket }): void
  /** Replace the next `count` market-stream messages with hostile payloads. */
  malformed(opts?: { count?: number; kind?: BinanceSimHostileKind }): void
  /** Send `serverShutdown` on every market-stream connection. */
  serverShutdown(): void
  /** Expire every USD-M listen key (`listenKeyExpired` event, key invalid afterwards). */
  expireListenKeys(): void
  /** Lose the next `count` user-data events (spot and USD-M), as if the socket had dropped them. */
  dropUserEvents(count?: number): void
  /** Terminate every spot user-data subscription (`eventStreamTerminated`). */
  terminateUserStreams(): void
  /** Clears every pending fault. */
  reset(): void
}

/** A snapshot of what the simulator holds: the ledger tests compare against. */
export interface BinanceSimLedger {
  /** Every order ever accepted, with its final or current state. */
  readonly orders: readonly SimOrder[]
  /** Every conditional (algo) order. */
  readonly algoOrders: readonly SimAlgoOrder[]
  /** Spot balance of an account. */
  spotBalance(asset: string, apiKey?: string): { free: string; locked: string }
  /** USD-M wallet balance (USDT) of an account. */
  futuresWallet(apiKey?: string): string
  /** USD-M position of an account (signed quantity). */
  position(symbol: string, apiKey?: string): { qty: string; entryPrice: string; realizedPnl: string }
  /** Orders that are still open. */
  openOrders(market: SimMarket, apiKey?: string): readonly SimOrder[]
}

/** Base URLs of a running simulator, shaped like the adapter's URL options. */
export interface BinanceSimUrls {
  readonly spot: { readonly restUrl: string; readonly streamUrl: string; readonly wsApiUrl: string }
  readonly usdm: { readonly restUrl: string; readonly streamUrl: string }
}

interface StreamConn {
  ws: WebSocket
  market: SimMarket
  /** USD-M route: `public`, `market`, or `legacy` (no path: public only). */
  route: 'spot' | 'public' | 'market' | 'legacy'
  combined: boolean
  streams: Set<string>
  openedAt: number
}

interface WsApiConn {
  ws: WebSocket
  subs: Map<number, string>
  nextSubId: number
  logonKey?: string
}

interface PrivateConn {
  ws: WebSocket
  listenKey: string
}

const DEFAULT_KEY: BinanceSimApiKey = { apiKey: 'sim-api-key', secret: 'sim-api-secret' }

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
 * A loopback Binance (Spot + USD-M Futures) for tests, demos and chaos runs: an HTTP + WebSocket server on
 * 127.0.0.1 that speaks Binance's REST and stream formats, keeps a seeded simulated market, matches orders,
 * checks HMAC/Ed25519 signatures, recvWindow and filters, answers Binance-shaped errors and injects faults.
 *
 * @example
 * ```ts
 * const sim = await BinanceSim.start({ seed: 7, symbols: ['BTCUSDT'] })
 * const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: sim.apiKey, apiSecret: sim.apiSecret })
 * sim.faults.rateLimit({ retryAfterSec: 1 })
 * console.log(sim.ledger.openOrders('spot'))
 * await sim.close()
 * ```
 */
export class BinanceSim {
  readonly #server: Server
  readonly #wss: WebSocketServer
  readonly #engine: SimEngine
  readonly #clock: Clock
  readonly #keys: Map<string, BinanceSimApiKey>
  readonly #cfg: Required<Omit<BinanceSimConfig, 'clock' | 'apiKeys' | 'symbols' | 'spotBalances'>>
  readonly #sockets = new Set<Socket>()
  readonly #streamConns = new Set<StreamConn>()
  readonly #wsApiConns = new Set<WsApiConn>()
  readonly #privateConns = new Set<PrivateConn>()
  readonly #listenKeys = new Map<string, { apiKey: string; expiresAt: number }>()
  #timer: ReturnType<typeof setInterval> | undefined
  #port = 0
  #closed = false
  /** Open time of the kline period last published, per market and stream. */
  readonly #klineOpen = new Map<string, number>()
  #skewMs = 0
  #dropUser = 0
  #stallUntil = 0
  #weight = { minute: 0, used: 0 }
  #orderCount = { sec10: 0, used10s: 0, day: 0, usedDay: 0 }
  #faults: {
    rateLimit: Array<CountedFault & { retryAfterSec: number; path?: string }>
    ban: Array<CountedFault & { retryAfterSec: number; path?: string }>
    serverError: Array<CountedFault & { status: number; path?: string; afterExecute: boolean }>
    slow: Array<CountedFault & { delayMs: number; path?: string }>
    malformed: Array<CountedFault & { kind: BinanceSimHostileKind }>
  } = { rateLimit: [], ban: [], serverError: [], slow: [], malformed: [] }
  /** Depth diffs still to lose, per `market:SYMBOL`. */
  readonly #depthGaps = new Map<string, number>()
  #lastTop = new Map<string, string>()
  /** Requests served, by `METHOD /path` (for assertions). */
  readonly requestLog: Array<{ method: string; path: string; status: number }> = []

  /** Fault injection controls. */
  readonly faults: BinanceSimFaults
  /** The ledger of orders, balances and positions held by the simulator. */
  readonly ledger: BinanceSimLedger

  private constructor(config: BinanceSimConfig) {
    this.#clock = config.clock ?? new SystemClock()
    this.#cfg = {
      seed: config.seed ?? 1,
      tickMs: config.tickMs ?? 100,
      futuresBalance: config.futuresBalance ?? '100000',
      weightLimitPerMinute: config.weightLimitPerMinute ?? 6000,
      maxConnectionAgeMs: config.maxConnectionAgeMs ?? 24 * 3600_000,
    }
    const keys = config.apiKeys ?? [DEFAULT_KEY]
    this.#keys = new Map(keys.map((k) => [k.apiKey, k]))
    this.#engine = new SimEngine({
      orderUpdate: (o, x, f, now) => this.#onOrderUpdate(o, x, f, now),
      accountUpdate: (acc, market, assets, symbols, reason, now) =>
        this.#onAccountUpdate(acc, market, assets, symbols, reason, now),
      algoUpdate: (a, now) => this.#onAlgoUpdate(a, now),
      trade: (market, m, id, ticks, steps, isBuyerMaker, now) =>
        this.#onTrade(market, m, id, ticks, steps, isBuyerMaker, now),
    })
    const symbols = config.symbols ?? ['BTCUSDT', 'ETHUSDT']
    symbols.forEach((s, i) => {
      this.#engine.addSymbol('spot', resolveSpec(s, 'spot'), this.#cfg.seed * 1000 + i * 2 + 1)
      this.#engine.addSymbol('usdm', resolveSpec(s, 'usdm'), this.#cfg.seed * 1000 + i * 2 + 2)
    })
    const balances = config.spotBalances ?? { USDT: '100000', BTC: '10', ETH: '100' }
    for (const k of keys) this.#engine.addAccount(k.apiKey, { ...balances }, this.#cfg.futuresBalance)
    this.#server = createServer((req, res) => {
      void this.#handleHttp(req, res)
    })
    this.#server.on('connection', (s) => {
      this.#sockets.add(s)
      s.on('close', () => this.#sockets.delete(s))
    })
    this.#wss = new WebSocketServer({ noServer: true })
    this.#server.on('upgrade', (req, socket, head) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onWs(ws, req))
    })
    this.faults = this.#makeFaults()
    this.ledger = this.#makeLedger()
  }

  /**
   * Starts a simulator on 127.0.0.1 (ephemeral port) and resolves once it listens.
   *
   * @example
   * ```ts
   * const sim = await BinanceSim.start({ seed: 42, symbols: ['BTCUSDT'], tickMs: 0 })
   * sim.step(10) // advance the market by hand
   * ```
   */
  static async start(config: BinanceSimConfig = {}): Promise<BinanceSim> {
    const sim = new BinanceSim(config)
    await new Promise<void>((resolve, reject) => {
      sim.#server.once('error', reject)
      sim.#server.listen(0, '127.0.0.1', () => resolve())
    })
    sim.#port = (sim.#server.address() as AddressInfo).port
    if (sim.#cfg.tickMs > 0) {
      sim.#timer = setInterval(() => sim.#tick(), sim.#cfg.tickMs)
      sim.#timer.unref?.()
    }
    return sim
  }

  /** The HTTP base URL (`http://127.0.0.1:<port>`). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.#port}`
  }
  /** The WebSocket base URL (`ws://127.0.0.1:<port>`). */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.#port}`
  }
  /** URLs to pass to `BinanceSpot` / `BinanceUsdm` (`restUrl`, `streamUrl`, `wsApiUrl`). */
  get urls(): BinanceSimUrls {
    return {
      spot: { restUrl: this.restUrl, streamUrl: this.wsUrl, wsApiUrl: `${this.wsUrl}/ws-api/v3` },
      usdm: { restUrl: this.restUrl, streamUrl: `${this.wsUrl}/fstream` },
    }
  }
  /** The first configured API key. */
  get apiKey(): string {
    return ([...this.#keys.values()][0] as BinanceSimApiKey).apiKey
  }
  /** The first configured HMAC secret. */
  get apiSecret(): string {
    return ([...this.#keys.values()][0] as BinanceSimApiKey).secret ?? ''
  }
  /** Server time (epoch ms), including any injected skew. */
  now(): number {
    return this.#clock.now() + this.#skewMs
  }
  /** Open connections by kind (market streams, ws-api, USD-M private). */
  get connectionCounts(): { streams: number; wsApi: number; private: number } {
    return { streams: this.#streamConns.size, wsApi: this.#wsApiConns.size, private: this.#privateConns.size }
  }
  /** Current mid price of a symbol, as a string. */
  midPrice(market: SimMarket, symbol: string): string {
    const m = this.#engine.market(market, symbol)
    return m.px(m.midTicks)
  }
  /** Update id of a symbol's book (the next depth diff starts after it). */
  lastUpdateId(market: SimMarket, symbol: string): number {
    return this.#engine.market(market, symbol).lastUpdateId
  }

  /** Advances the simulated market by `n` steps (prices move, resting orders fill, events are published). */
  step(n = 1): void {
    for (let i = 0; i < n && !this.#closed; i++) {
      const now = this.now()
      this.#engine.step(now)
      for (const market of ['spot', 'usdm'] as const) {
        for (const m of this.#engine.markets[market].values()) this.#publishBook(market, m, now)
      }
      this.#publishKlinesAndMarks(now)
      this.#ageConnections()
    }
  }

  /** Errors thrown by timer-driven steps (a bug in the simulator, never a client's fault); kept, never thrown. */
  readonly stepErrors: unknown[] = []

  #tick(): void {
    try {
      this.step(1)
    } catch (e) {
      if (this.stepErrors.length < 100) this.stepErrors.push(e)
    }
  }

  /** Stops the market timer (the market then moves only with {@link BinanceSim.step}); connections stay open. */
  pause(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Restarts the market timer after {@link BinanceSim.pause} (no-op when `tickMs` is 0 or already running). */
  resume(): void {
    if (this.#closed || this.#timer !== undefined || this.#cfg.tickMs <= 0) return
    this.#timer = setInterval(() => this.#tick(), this.#cfg.tickMs)
    this.#timer.unref?.()
  }

  /** Stops the timer, closes every connection and the server. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    for (const c of this.#wss.clients) c.terminate()
    this.#wss.close()
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  // ---------------------------------------------------------------- faults and ledger

  #makeFaults(): BinanceSimFaults {
    const f = this.#faults
    return {
      rateLimit: (o = {}) =>
        f.rateLimit.push({
          remaining: o.count ?? 1,
          retryAfterSec: o.retryAfterSec ?? 1,
          ...(o.path ? { path: o.path } : {}),
        }),
      ban: (o = {}) =>
        f.ban.push({
          remaining: o.count ?? 1,
          retryAfterSec: o.retryAfterSec ?? 2,
          ...(o.path ? { path: o.path } : {}),
        }),
      serverError: (o = {}) =>
        f.serverError.push({
          remaining: o.count ?? 1,
          status: o.status ?? 503,
          afterExecute: o.afterExecute ?? false,
          ...(o.path ? { path: o.path } : {}),
        }),
      slow: (o) =>
        f.slow.push({ remaining: o.count ?? 1, delayMs: o.delayMs, ...(o.path ? { path: o.path } : {}) }),
      clockSkew: (ms) => {
        this.#skewMs = ms
      },
      closeStreams: (o = {}) => {
        for (const c of this.#wss.clients) {
          if (o.mode === 'abrupt') c.terminate()
          else c.close(o.code ?? 1000, 'closed by simulator')
        }
      },
      stall: (ms) => {
        this.#stallUntil = this.#clock.now() + ms
      },
      depthGap: (o = {}) => {
        for (const market of ['spot', 'usdm'] as const) {
          if (o.market !== undefined && o.market !== market) continue
          for (const sym of this.#engine.markets[market].keys()) {
            if (o.symbol !== undefined && o.symbol.toUpperCase() !== sym) continue
            const k = `${market}:${sym}`
            this.#depthGaps.set(k, (this.#depthGaps.get(k) ?? 0) + (o.count ?? 1))
          }
        }
      },
      malformed: (o = {}) => f.malformed.push({ remaining: o.count ?? 1, kind: o.kind ?? 'nan' }),
      serverShutdown: () => {
        for (const c of this.#streamConns)
          this.#send(c.ws, JSON.stringify({ e: 'serverShutdown', E: this.now() }))
      },
      expireListenKeys: () => {
        for (const c of this.#privateConns) {
          this.#send(c.ws, JSON.stringify({ e: 'listenKeyExpired', E: this.now(), listenKey: c.listenKey }))
        }
        this.#listenKeys.clear()
      },
      dropUserEvents: (count = 1) => {
        this.#dropUser += count
      },
      terminateUserStreams: () => {
        for (const c of this.#wsApiConns) {
          for (const id of c.subs.keys()) {
            this.#send(
              c.ws,
              JSON.stringify({ subscriptionId: id, event: { e: 'eventStreamTerminated', E: this.now() } }),
            )
          }
          c.subs.clear()
        }
      },
      reset: () => {
        for (const k of Object.keys(f) as Array<keyof typeof f>) f[k].length = 0
        this.#depthGaps.clear()
        this.#dropUser = 0
        this.#skewMs = 0
        this.#stallUntil = 0
      },
    }
  }

  #makeLedger(): BinanceSimLedger {
    const acc = (k?: string): SimAccount => {
      const a = this.#engine.accounts.get(k ?? this.apiKey)
      if (a === undefined) throw new Error(`Unknown sim account "${k}"`)
      return a
    }
    return {
      orders: this.#engine.orders,
      algoOrders: this.#engine.algoOrders,
      spotBalance: (asset, k) => {
        const b = acc(k).spot.get(asset)
        return {
          free: (b?.free ?? new Decimal(0)).toFixed(),
          locked: (b?.locked ?? new Decimal(0)).toFixed(),
        }
      },
      futuresWallet: (k) => acc(k).futuresWallet.toFixed(),
      position: (symbol, k) => {
        const p = acc(k).positions.get(symbol)
        return {
          qty: p?.qty.toFixed() ?? '0',
          entryPrice: p?.entryPrice.toFixed() ?? '0',
          realizedPnl: p?.realizedPnl.toFixed() ?? '0',
        }
      },
      openOrders: (market, k) => this.#engine.openOrders(market, acc(k)),
    }
  }

  #takeFault<T extends CountedFault & { path?: string }>(list: T[], path: string): T | undefined {
    const i = list.findIndex((x) => x.remaining > 0 && (x.path === undefined || path.includes(x.path)))
    if (i < 0) return undefined
    const f = list[i] as T
    f.remaining--
    if (f.remaining <= 0) list.splice(i, 1)
    return f
  }

  // ---------------------------------------------------------------- HTTP

  async #handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const method = req.method ?? 'GET'
    let body = ''
    try {
      body = await readBody(req)
    } catch {
      res.destroy()
      return
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requestLog.push({ method, path, status })
      if (res.destroyed) return
      res.writeHead(status, {
        'content-type': 'application/json;charset=UTF-8',
        ...this.#weightHeaders(path),
        ...headers,
      })
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload))
    }
    const slow = this.#takeFault(this.#faults.slow, path)
    if (slow !== undefined) await new Promise((r) => setTimeout(r, slow.delayMs))
    if (this.#closed) return
    const ban = this.#takeFault(this.#faults.ban, path)
    if (ban !== undefined) {
      send(
        418,
        {
          code: -1003,
          msg: `Way too many requests; IP banned until ${this.now() + ban.retryAfterSec * 1000}.`,
        },
        { 'retry-after': String(ban.retryAfterSec) },
      )
      return
    }
    const rl = this.#takeFault(this.#faults.rateLimit, path)
    if (rl !== undefined) {
      send(
        429,
        { code: -1003, msg: 'Too many requests; current limit of IP is exceeded.' },
        { 'retry-after': String(rl.retryAfterSec) },
      )
      return
    }
    const se = this.#takeFault(this.#faults.serverError, path)
    if (se !== undefined && !se.afterExecute) {
      send(
        se.status,
        se.status === 503
          ? 'Service Unavailable'
          : { code: -1000, msg: 'An unknown error occurred while processing the request.' },
      )
      return
    }
    const params = new URLSearchParams(url.search)
    if (body.length > 0) for (const [k, v] of new URLSearchParams(body)) params.append(k, v)
    try {
      const weight = this.#spendWeight(path, params)
      if (weight) {
        send(
          429,
          { code: -1003, msg: 'Too many requests; current limit of IP is exceeded.' },
          { 'retry-after': '1' },
        )
        return
      }
      const result = await this.#route(method, path, params, url.search.slice(1), body, req)
      if (se !== undefined) {
        send(se.status, { code: -1000, msg: 'An unknown error occurred while processing the request.' })
        return
      }
      send(200, result, path.includes('/order') && method === 'POST' ? this.#orderHeaders(path) : {})
    } catch (e) {
      if (e instanceof SimApiError) send(e.status, { code: e.code, msg: e.msg })
      else send(500, { code: -1000, msg: 'An unknown error occurred while processing the request.' })
    }
  }

  #weightHeaders(path: string): Record<string, string> {
    const used = String(this.#weight.used)
    return path.startsWith('/fapi')
      ? { 'X-MBX-USED-WEIGHT-1M': used }
      : { 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used }
  }

  #orderHeaders(path: string): Record<string, string> {
    if (path.startsWith('/fapi'))
      return {
        'X-MBX-ORDER-COUNT-10S': String(this.#orderCount.used10s),
        'X-MBX-ORDER-COUNT-1M': String(this.#orderCount.used10s),
      }
    return {
      'x-mbx-order-count-10s': String(this.#orderCount.used10s),
      'x-mbx-order-count-1d': String(this.#orderCount.usedDay),
    }
  }

  /** Adds the request's weight to the minute window; true when over the limit. */
  #spendWeight(path: string, params: URLSearchParams): boolean {
    const minute = Math.floor(this.#clock.now() / 60_000)
    if (minute !== this.#weight.minute) this.#weight = { minute, used: 0 }
    this.#weight.used += requestWeight(path, params)
    return this.#weight.used > this.#cfg.weightLimitPerMinute
  }

  #countOrder(): void {
    const now = this.#clock.now()
    const s10 = Math.floor(now / 10_000)
    const day = Math.floor(now / 86_400_000)
    if (s10 !== this.#orderCount.sec10) Object.assign(this.#orderCount, { sec10: s10, used10s: 0 })
    if (day !== this.#orderCount.day) Object.assign(this.#orderCount, { day, usedDay: 0 })
    this.#orderCount.used10s++
    this.#orderCount.usedDay++
  }

  /** Checks API key, timestamp/recvWindow and signature like Binance; returns the account. */
  #auth(req: IncomingMessage, params: URLSearchParams, rawQuery: string, rawBody: string): SimAccount {
    const apiKey = req.headers['x-mbx-apikey']
    const key = typeof apiKey === 'string' ? this.#keys.get(apiKey) : undefined
    if (key === undefined)
      throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
    const ts = Number(params.get('timestamp'))
    if (!Number.isFinite(ts))
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      )
    const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000
    if (!Number.isFinite(recvWindow) || recvWindow > 60_000)
      throw new SimApiError(400, -1131, 'recvWindow must be less than 60000')
    const now = this.now()
    if (ts > now + 1000 || now - ts > recvWindow)
      throw new SimApiError(400, -1021, 'Timestamp for this request is outside of the recvWindow.')
    const sig = params.get('signature')
    if (sig === null)
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      )
    const payload = stripSignature(rawQuery) + stripSignature(rawBody)
    if (!this.#verify(key, payload, sig))
      throw new SimApiError(400, -1022, 'Signature for this request is not valid.')
    return this.#engine.accounts.get(key.apiKey) as SimAccount
  }

  #verify(key: BinanceSimApiKey, payload: string, sig: string): boolean {
    if (key.secret !== undefined && /^[0-9a-fA-F]{64}$/.test(sig)) {
      const want = createHmac('sha256', key.secret).update(payload).digest()
      return timingSafeEqual(want, Buffer.from(sig, 'hex'))
    }
    if (key.ed25519PublicKey !== undefined) {
      try {
        return verifySignature(
          null,
          Buffer.from(payload),
          createPublicKey(key.ed25519PublicKey),
          Buffer.from(sig, 'base64'),
        )
      } catch {
        return false
      }
    }
    return false
  }

  #apiKeyOnly(req: IncomingMessage): SimAccount {
    const apiKey = req.headers['x-mbx-apikey']
    const acc = typeof apiKey === 'string' ? this.#engine.accounts.get(apiKey) : undefined
    if (acc === undefined)
      throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
    return acc
  }

  async #route(
    method: string,
    path: string,
    p: URLSearchParams,
    rawQuery: string,
    rawBody: string,
    req: IncomingMessage,
  ): Promise<unknown> {
    const market: SimMarket = path.startsWith('/fapi') ? 'usdm' : 'spot'
    const auth = () => this.#auth(req, p, rawQuery, rawBody)
    const sym = () => {
      const s = p.get('symbol')
      if (s === null || s === '')
        throw new SimApiError(
          400,
          -1102,
          "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        )
      return this.#engine.market(market, s)
    }
    const key = `${method} ${path.replace(/^\/(api\/v3|fapi\/v[123])/, '')}`
    switch (key) {
      case 'GET /ping':
        return {}
      case 'GET /time':
        return { serverTime: this.now() }
      case 'GET /exchangeInfo':
        return this.#exchangeInfo(market, p)
      case 'GET /depth': {
        const m = sym()
        const limit = Math.min(Number(p.get('limit') ?? 100), market === 'spot' ? 5000 : 1000)
        this.#publishBook(market, m, this.now())
        const snap = m.snapshot(limit)
        return market === 'usdm'
          ? {
              lastUpdateId: snap.lastUpdateId,
              E: this.now(),
              T: this.now(),
              bids: snap.bids,
              asks: snap.asks,
            }
          : snap
      }
      case 'GET /trades': {
        const m = sym()
        const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
        return m.trades.slice(-limit).map((t) => ({
          id: t.id,
          price: m.px(t.ticks),
          qty: m.qty(t.steps),
          quoteQty: (t.ticks * m.tick * t.steps * m.step).toFixed(8),
          time: t.time,
          isBuyerMaker: t.isBuyerMaker,
          ...(market === 'spot' ? { isBestMatch: true } : {}),
        }))
      }
      case 'GET /klines': {
        const m = sym()
        const iv = p.get('interval') ?? ''
        const list = m.candles.get(iv)
        if (list === undefined) throw new SimApiError(400, -1120, 'Invalid interval.')
        const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
        return list
          .slice(-limit)
          .map((c) => [
            c.openTime,
            m.px(Math.round(c.open / m.tick)),
            m.px(Math.round(c.high / m.tick)),
            m.px(Math.round(c.low / m.tick)),
            m.px(Math.round(c.close / m.tick)),
            m.qty(c.volume),
            c.closeTime,
            c.quoteVolume.toFixed(8),
            c.trades,
            '0',
            '0',
            '0',
          ])
      }
      case 'GET /ticker/price': {
        const list = p.has('symbol') ? [sym()] : [...this.#engine.markets[market].values()]
        const out = list.map((m) => ({
          symbol: m.spec.symbol,
          price: m.px(m.lastTradeTicks),
          ...(market === 'usdm' ? { time: this.now() } : {}),
        }))
        return p.has('symbol') ? out[0] : out
      }
      case 'GET /ticker/bookTicker': {
        const list = p.has('symbol') ? [sym()] : [...this.#engine.markets[market].values()]
        const out = list.map((m) => {
          const b = m.bestBid() ?? 0
          const a = m.bestAsk() ?? 0
          return {
            symbol: m.spec.symbol,
            bidPrice: m.px(b),
            bidQty: m.qty(m.bids.get(b) ?? 0),
            askPrice: m.px(a),
            askQty: m.qty(m.asks.get(a) ?? 0),
            ...(market === 'usdm' ? { time: this.now(), lastUpdateId: m.lastUpdateId } : {}),
          }
        })
        return p.has('symbol') ? out[0] : out
      }
      case 'GET /premiumIndex': {
        const list = p.has('symbol') ? [sym()] : [...this.#engine.markets.usdm.values()]
        const out = list.map((m) => this.#premium(m))
        return p.has('symbol') ? out[0] : out
      }
      case 'GET /leverageBracket': {
        auth()
        const list = p.has('symbol') ? [sym()] : [...this.#engine.markets.usdm.values()]
        const out = list.map((m) => ({
          symbol: m.spec.symbol,
          notionalCoef: 1.0,
          brackets: SIM_LEVERAGE_BRACKETS.map((b) => ({ ...b })),
        }))
        return p.has('symbol') ? out : out
      }
      case 'POST /leverage': {
        const acc = auth()
        const lev = Number(p.get('leverage'))
        return this.#engine.setLeverage(acc, sym().spec.symbol, lev)
      }
      case 'POST /order':
      case 'POST /order/test': {
        const acc = auth()
        const m = sym()
        const params = this.#orderParams(market, m, p)
        const test = key === 'POST /order/test'
        if (!test) this.#countOrder()
        const { order, fills } = this.#engine.placeOrder(market, acc, params, this.now(), test)
        this.#publishBook(market, m, this.now())
        if (test) return {}
        return market === 'spot' ? spotOrderJson(order, m, 'FULL', fills) : futuresOrderJson(order, m)
      }
      case 'DELETE /order': {
        const acc = auth()
        const m = sym()
        const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
        const cid = p.get('origClientOrderId') ?? undefined
        if (orderId === undefined && cid === undefined)
          throw new SimApiError(
            400,
            -1102,
            "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
          )
        const o = this.#engine.cancelOrder(market, acc, m.spec.symbol, orderId, cid, this.now())
        return market === 'spot'
          ? {
              ...spotOrderJson(o, m, 'RESULT', []),
              origClientOrderId: o.clientOrderId,
              clientOrderId: p.get('newClientOrderId') ?? `cancel-${o.orderId}`,
            }
          : futuresOrderJson(o, m)
      }
      case 'DELETE /openOrders':
      case 'DELETE /allOpenOrders': {
        const acc = auth()
        const m = sym()
        const open = this.#engine.openOrders(market, acc, m.spec.symbol)
        const out = open.map((o) =>
          this.#engine.cancelOrder(market, acc, m.spec.symbol, o.orderId, undefined, this.now()),
        )
        if (market === 'usdm') return { code: 200, msg: 'The operation of cancel all open order is done.' }
        if (out.length === 0) throw new SimApiError(400, -2011, 'Unknown order sent.')
        return out.map((o) => ({ ...spotOrderJson(o, m, 'RESULT', []), origClientOrderId: o.clientOrderId }))
      }
      case 'GET /order': {
        const acc = auth()
        const m = sym()
        const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
        const cid = p.get('origClientOrderId') ?? undefined
        const o = this.#engine.findOrder(market, acc.apiKey, m.spec.symbol, orderId, cid)
        if (o === undefined) throw new SimApiError(400, -2013, 'Order does not exist.')
        return market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)
      }
      case 'GET /myTrades':
      case 'GET /userTrades': {
        // Spot serves myTrades, USD-M userTrades: the account's fills of one symbol, optionally of one order.
        if ((market === 'spot') !== (key === 'GET /myTrades')) throw new SimApiError(404, -1000, 'Not found.')
        const acc = auth()
        const m = sym()
        const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
        const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
        return this.#engine.accountTrades
          .filter(
            (t) =>
              t.order.market === market &&
              t.order.account === acc.apiKey &&
              t.order.symbol === m.spec.symbol &&
              (orderId === undefined || t.order.orderId === orderId),
          )
          .slice(-limit)
          .map((t) => accountTradeJson(market, t.order, t.fill, t.time))
      }
      case 'GET /openOrders': {
        const acc = auth()
        const symbol = p.get('symbol')
        if (symbol !== null) this.#engine.market(market, symbol)
        return this.#engine.openOrders(market, acc, symbol ?? undefined).map((o) => {
          const m = this.#engine.market(market, o.symbol)
          return market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)
        })
      }
      case 'GET /account': {
        const acc = auth()
        if (market === 'spot') {
          return {
            makerCommission: 10,
            takerCommission: 10,
            buyerCommission: 0,
            sellerCommission: 0,
            commissionRates: {
              maker: '0.00100000',
              taker: '0.00100000',
              buyer: '0.00000000',
              seller: '0.00000000',
            },
            canTrade: true,
            canWithdraw: true,
            canDeposit: true,
            brokered: false,
            requireSelfTradePrevention: false,
            preventSor: false,
            updateTime: this.now(),
            accountType: 'SPOT',
            balances: [...acc.spot.entries()].map(([asset, b]) => ({
              asset,
              free: b.free.toFixed(8),
              locked: b.locked.toFixed(8),
            })),
            permissions: ['SPOT'],
            uid: 1,
          }
        }
        return this.#futuresAccount(acc)
      }
      case 'GET /balance': {
        const acc = auth()
        return [this.#futuresBalance(acc)]
      }
      case 'GET /positionRisk': {
        const acc = auth()
        const symbol = p.get('symbol')
        return [...this.#engine.markets.usdm.values()]
          .filter((m) => symbol === null || m.spec.symbol === symbol)
          .map((m) => this.#positionJson(acc, m))
      }
      case 'POST /listenKey':
      case 'PUT /listenKey': {
        const acc = this.#apiKeyOnly(req)
        let lk = [...this.#listenKeys.entries()].find(([, v]) => v.apiKey === acc.apiKey)?.[0]
        if (key === 'PUT /listenKey' && lk === undefined)
          throw new SimApiError(400, -1125, 'This listenKey does not exist.')
        lk ??= `simlk${randomBytes(32).toString('hex')}`.slice(0, 64)
        this.#listenKeys.set(lk, { apiKey: acc.apiKey, expiresAt: this.#clock.now() + 3_600_000 })
        return { listenKey: lk }
      }
      case 'DELETE /listenKey': {
        const acc = this.#apiKeyOnly(req)
        for (const [k, v] of this.#listenKeys) if (v.apiKey === acc.apiKey) this.#listenKeys.delete(k)
        return {}
      }
      case 'POST /algoOrder': {
        const acc = auth()
        const m = sym()
        if (p.get('algoType') !== 'CONDITIONAL') throw new SimApiError(400, -1116, 'Invalid algoType.')
        const type = p.get('type') ?? ''
        if (
          !['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT', 'TRAILING_STOP_MARKET'].includes(type)
        )
          throw new SimApiError(400, -1116, 'Invalid orderType.')
        const side = p.get('side')
        if (side !== 'BUY' && side !== 'SELL')
          throw new SimApiError(
            400,
            -1102,
            "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
          )
        const quantity = this.#dec(p, 'quantity', true) as Decimal
        this.#checkLot('usdm', m, quantity)
        const trigger = this.#dec(p, 'triggerPrice', type !== 'TRAILING_STOP_MARKET')
        if (trigger !== undefined) this.#checkPrice('usdm', m, trigger)
        const price = this.#dec(p, 'price', type === 'STOP' || type === 'TAKE_PROFIT')
        if (price !== undefined) this.#checkPrice('usdm', m, price)
        const callbackRate = this.#dec(p, 'callbackRate', type === 'TRAILING_STOP_MARKET')
        if (callbackRate !== undefined && (callbackRate.lt('0.1') || callbackRate.gt(10)))
          throw new SimApiError(400, -2007, 'Invalid callBack rate.')
        const activate = this.#dec(p, 'activatePrice', false) ?? this.#dec(p, 'activationPrice', false)
        const a = this.#engine.placeAlgo(
          acc,
          {
            clientAlgoId: p.get('clientAlgoId') ?? `sim${this.#clock.now()}`,
            symbol: m.spec.symbol,
            side,
            orderType: type,
            quantity,
            ...(price !== undefined ? { price } : {}),
            ...(trigger !== undefined ? { triggerPrice: trigger } : {}),
            ...(callbackRate !== undefined ? { callbackRate } : {}),
            ...(activate !== undefined ? { activatePrice: activate } : {}),
            workingType: p.get('workingType') === 'MARK_PRICE' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
            reduceOnly: p.get('reduceOnly') === 'true',
            timeInForce: p.get('timeInForce') ?? 'GTC',
          },
          this.now(),
        )
        return algoJson(a, m)
      }
      case 'DELETE /algoOrder': {
        const acc = auth()
        const algoId = p.has('algoId') ? Number(p.get('algoId')) : undefined
        const a = this.#engine.cancelAlgo(acc, algoId, p.get('clientAlgoId') ?? undefined, this.now())
        return { algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: '200', msg: 'success' }
      }
      case 'GET /openAlgoOrders': {
        const acc = auth()
        return this.#engine.algoOrders
          .filter(
            (a) =>
              a.account === acc.apiKey &&
              a.algoStatus === 'NEW' &&
              (!p.has('symbol') || a.symbol === p.get('symbol')),
          )
          .map((a) => algoJson(a, this.#engine.market('usdm', a.symbol)))
      }
      case 'GET /algoOrder': {
        const acc = auth()
        const algoId = p.has('algoId') ? Number(p.get('algoId')) : undefined
        const cid = p.get('clientAlgoId')
        const a = this.#engine.algoOrders.find(
          (x) =>
            x.account === acc.apiKey && (x.algoId === algoId || (cid !== null && x.clientAlgoId === cid)),
        )
        if (a === undefined) throw new SimApiError(400, -2013, 'Order does not exist.')
        return algoJson(a, this.#engine.market('usdm', a.symbol))
      }
      default:
        throw new SimApiError(404, -1000, `Unknown endpoint ${method} ${path}`)
    }
  }

  #dec(p: URLSearchParams, name: string, required: boolean): Decimal | undefined {
    const v = p.get(name)
    if (v === null || v === '') {
      if (required)
        throw new SimApiError(
          400,
          -1102,
          `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
        )
      return undefined
    }
    if (!/^\d+(\.\d+)?$/.test(v) || v.length > 40)
      throw new SimApiError(
        400,
        -1100,
        `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
      )
    const d = new Decimal(v)
    if (d.lte(0)) throw new SimApiError(400, -1013, `Invalid ${name}.`)
    return d
  }

  #checkPrice(market: SimMarket, m: SimSymbolMarket, price: Decimal): void {
    const s = m.spec
    if (price.decimalPlaces() > m.priceDp + 8)
      throw new SimApiError(400, -1111, 'Precision is over the maximum defined for this asset.')
    if (price.lt(s.minPrice) || price.gt(s.maxPrice))
      throw new SimApiError(400, -1013, 'Filter failure: PRICE_FILTER')
    const origin = market === 'usdm' ? new Decimal(s.minPrice) : new Decimal(0)
    if (!price.minus(origin).mod(s.tickSize).isZero())
      throw new SimApiError(400, -1013, 'Filter failure: PRICE_FILTER')
  }

  #checkLot(market: SimMarket, m: SimSymbolMarket, qty: Decimal): void {
    const s = m.spec
    if (qty.decimalPlaces() > m.qtyDp)
      throw new SimApiError(400, -1111, 'Precision is over the maximum defined for this asset.')
    if (qty.lt(s.minQty) || qty.gt(s.maxQty)) throw new SimApiError(400, -1013, 'Filter failure: LOT_SIZE')
    const origin = market === 'usdm' ? new Decimal(s.minQty) : new Decimal(0)
    if (!qty.minus(origin).mod(s.stepSize).isZero())
      throw new SimApiError(400, -1013, 'Filter failure: LOT_SIZE')
  }

  #orderParams(market: SimMarket, m: SimSymbolMarket, p: URLSearchParams): NewOrderParams {
    const side = p.get('side')
    if (side !== 'BUY' && side !== 'SELL')
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
      )
    const type = p.get('type') ?? ''
    const quantity = this.#dec(p, 'quantity', true) as Decimal
    this.#checkLot(market, m, quantity)
    const price = this.#dec(p, 'price', false)
    if (price !== undefined) this.#checkPrice(market, m, price)
    const ref = price ?? new Decimal(m.px(m.midTicks))
    if (ref.times(quantity).lt(m.spec.minNotional)) {
      if (market === 'usdm')
        throw new SimApiError(
          400,
          -4164,
          `Order's notional must be no smaller than ${m.spec.minNotional} (unless you choose reduce only).`,
        )
      throw new SimApiError(400, -1013, 'Filter failure: NOTIONAL')
    }
    const cid = p.get('newClientOrderId') ?? `sim${Math.random().toString(36).slice(2, 14)}`
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(cid))
      throw new SimApiError(
        400,
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
      )
    const tif = p.get('timeInForce')
    return {
      symbol: m.spec.symbol,
      side,
      type,
      ...(tif !== null ? { timeInForce: tif } : {}),
      quantity,
      ...(price !== undefined ? { price } : {}),
      clientOrderId: cid,
      reduceOnly: p.get('reduceOnly') === 'true',
    }
  }

  #exchangeInfo(market: SimMarket, p: URLSearchParams): unknown {
    const only = p.get('symbol')
    const symbols = [...this.#engine.markets[market].values()]
      .filter((m) => only === null || m.spec.symbol === only)
      .map((m) => {
        const s = m.spec
        if (market === 'spot') {
          return {
            symbol: s.symbol,
            status: 'TRADING',
            baseAsset: s.base,
            baseAssetPrecision: 8,
            quoteAsset: s.quote,
            quotePrecision: 8,
            quoteAssetPrecision: 8,
            orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
            icebergAllowed: true,
            ocoAllowed: true,
            isSpotTradingAllowed: true,
            isMarginTradingAllowed: false,
            filters: [
              {
                filterType: 'PRICE_FILTER',
                minPrice: s.minPrice,
                maxPrice: s.maxPrice,
                tickSize: s.tickSize,
              },
              { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
              { filterType: 'ICEBERG_PARTS', limit: 10 },
              {
                filterType: 'MARKET_LOT_SIZE',
                minQty: '0.00000000',
                maxQty: '100.00000000',
                stepSize: '0.00000000',
              },
              {
                filterType: 'TRAILING_DELTA',
                minTrailingAboveDelta: 10,
                maxTrailingAboveDelta: 2000,
                minTrailingBelowDelta: 10,
                maxTrailingBelowDelta: 2000,
              },
              {
                filterType: 'PERCENT_PRICE_BY_SIDE',
                bidMultiplierUp: '5',
                bidMultiplierDown: '0.2',
                askMultiplierUp: '5',
                askMultiplierDown: '0.2',
                avgPriceMins: 5,
              },
              {
                filterType: 'NOTIONAL',
                minNotional: s.minNotional,
                applyMinToMarket: true,
                maxNotional: '9000000.00000000',
                applyMaxToMarket: false,
                avgPriceMins: 5,
              },
              { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
              { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
            ],
            permissions: [],
            permissionSets: [['SPOT']],
            defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
            allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
          }
        }
        return {
          symbol: s.symbol,
          pair: s.symbol,
          contractType: 'PERPETUAL',
          deliveryDate: 4133404800000,
          onboardDate: 1569398400000,
          status: 'TRADING',
          maintMarginPercent: '2.5000',
          requiredMarginPercent: '5.0000',
          baseAsset: s.base,
          quoteAsset: s.quote,
          marginAsset: s.quote,
          pricePrecision: m.priceDp,
          quantityPrecision: m.qtyDp,
          baseAssetPrecision: 8,
          quotePrecision: 8,
          underlyingType: 'COIN',
          triggerProtect: '0.0500',
          liquidationFee: '0.012500',
          marketTakeBound: '0.05',
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: s.minPrice, maxPrice: s.maxPrice, tickSize: s.tickSize },
            { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
            { filterType: 'MARKET_LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
            { filterType: 'MAX_NUM_ORDERS', limit: 200 },
            { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
            { filterType: 'MIN_NOTIONAL', notional: s.minNotional },
            {
              filterType: 'PERCENT_PRICE',
              multiplierUp: '1.0500',
              multiplierDown: '0.9500',
              multiplierDecimal: '4',
            },
          ],
          orderTypes: [
            'LIMIT',
            'MARKET',
            'STOP',
            'STOP_MARKET',
            'TAKE_PROFIT',
            'TAKE_PROFIT_MARKET',
            'TRAILING_STOP_MARKET',
          ],
          timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
        }
      })
    const rateLimits = [
      {
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: this.#cfg.weightLimitPerMinute,
      },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ]
    return {
      timezone: 'UTC',
      serverTime: this.now(),
      rateLimits,
      exchangeFilters: [],
      symbols,
      ...(market === 'usdm' ? { assets: [{ asset: 'USDT', marginAvailable: true }] } : {}),
    }
  }

  #premium(m: SimSymbolMarket): unknown {
    const now = this.now()
    return {
      symbol: m.spec.symbol,
      markPrice: m.px(m.midTicks),
      indexPrice: m.px(m.midTicks),
      estimatedSettlePrice: m.px(m.midTicks),
      lastFundingRate: '0.00010000',
      interestRate: '0.00010000',
      nextFundingTime: Math.ceil((now + 1) / 28_800_000) * 28_800_000,
      time: now,
    }
  }

  #futuresBalance(acc: SimAccount): Record<string, unknown> {
    let upnl = new Decimal(0)
    for (const s of acc.positions.keys()) upnl = upnl.plus(this.#engine.unrealized(acc, s))
    const avail = this.#engine.availableBalance(acc)
    return {
      accountAlias: 'SimAcct',
      asset: 'USDT',
      balance: acc.futuresWallet.toFixed(8),
      crossWalletBalance: acc.futuresWallet.toFixed(8),
      crossUnPnl: upnl.toFixed(8),
      availableBalance: avail.toFixed(8),
      maxWithdrawAmount: Decimal.max(0, avail).toFixed(8),
      marginAvailable: true,
      updateTime: this.now(),
    }
  }

  #futuresAccount(acc: SimAccount): unknown {
    const b = this.#futuresBalance(acc)
    return {
      totalWalletBalance: b.balance,
      availableBalance: b.availableBalance,
      totalUnrealizedProfit: b.crossUnPnl,
      assets: [
        {
          asset: 'USDT',
          walletBalance: b.balance,
          unrealizedProfit: b.crossUnPnl,
          availableBalance: b.availableBalance,
          updateTime: this.now(),
        },
      ],
      positions: [...acc.positions.entries()]
        .filter(([, p]) => !p.qty.isZero())
        .map(([s]) => this.#positionJson(acc, this.#engine.market('usdm', s))),
    }
  }

  #positionJson(acc: SimAccount, m: SimSymbolMarket): Record<string, unknown> {
    const p = acc.positions.get(m.spec.symbol)
    const qty = p?.qty ?? new Decimal(0)
    const mark = new Decimal(m.px(m.midTicks))
    return {
      symbol: m.spec.symbol,
      positionAmt: qty.toFixed(m.qtyDp),
      entryPrice: (p?.entryPrice ?? new Decimal(0)).toFixed(8),
      breakEvenPrice: '0.0',
      markPrice: mark.toFixed(8),
      unRealizedProfit: this.#engine.unrealized(acc, m.spec.symbol).toFixed(8),
      liquidationPrice: '0',
      leverage: String(this.#engine.leverageOf(acc, m.spec.symbol)),
      maxNotionalValue: '50000',
      marginType: 'cross',
      isolatedMargin: '0.00000000',
      isAutoAddMargin: 'false',
      positionSide: 'BOTH',
      notional: qty.times(mark).toFixed(8),
      isolatedWallet: '0',
      updateTime: this.now(),
    }
  }

  // ---------------------------------------------------------------- WebSocket

  #onWs(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    ws.on('error', () => {})
    if (path === '/ws-api/v3') {
      const c: WsApiConn = { ws, subs: new Map(), nextSubId: 0 }
      this.#wsApiConns.add(c)
      ws.on('close', () => this.#wsApiConns.delete(c))
      ws.on('message', (data) => {
        void this.#onWsApi(c, String(data))
      })
      return
    }
    let rest = path
    let market: SimMarket = 'spot'
    let route: StreamConn['route'] = 'spot'
    if (rest.startsWith('/fstream')) {
      market = 'usdm'
      rest = rest.slice('/fstream'.length)
      route = 'legacy'
      for (const r of ['public', 'market', 'private'] as const) {
        if (rest.startsWith(`/${r}/`) || rest === `/${r}`) {
          rest = rest.slice(r.length + 1)
          if (r === 'private') {
            this.#onPrivate(ws, rest, url)
            return
          }
          route = r
        }
      }
    }
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
    const c: StreamConn = { ws, market, route, combined, streams, openedAt: this.#clock.now() }
    this.#streamConns.add(c)
    ws.on('close', () => this.#streamConns.delete(c))
    ws.on('message', (data) => this.#onStreamMessage(c, String(data)))
  }

  #onStreamMessage(c: StreamConn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown }
    try {
      msg = JSON.parse(text)
    } catch {
      this.#send(
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
          this.#send(
            c.ws,
            JSON.stringify({
              error: { code: 2, msg: `Invalid request: too many streams (max ${limit})` },
              id,
            }),
          )
          return
        }
        for (const s of params) c.streams.add(s)
        this.#send(c.ws, JSON.stringify({ result: null, id }))
        return
      case 'UNSUBSCRIBE':
        for (const s of params) c.streams.delete(s)
        this.#send(c.ws, JSON.stringify({ result: null, id }))
        return
      case 'LIST_SUBSCRIPTIONS':
        this.#send(c.ws, JSON.stringify({ result: [...c.streams], id }))
        return
      default:
        this.#send(c.ws, JSON.stringify({ error: { code: 2, msg: 'Invalid request: unknown method' }, id }))
    }
  }

  #onPrivate(ws: WebSocket, rest: string, url: URL): void {
    const lk = url.searchParams.get('listenKey') ?? rest.replace(/^\/ws\/?/, '')
    const entry = this.#listenKeys.get(lk)
    if (entry === undefined) {
      // Binance accepts the socket but never delivers for an unknown key.
      ws.on('message', () => {})
      return
    }
    const c: PrivateConn = { ws, listenKey: lk }
    this.#privateConns.add(c)
    ws.on('close', () => this.#privateConns.delete(c))
  }

  async #onWsApi(c: WsApiConn, text: string): Promise<void> {
    let msg: { id?: unknown; method?: unknown; params?: Record<string, unknown> }
    try {
      msg = JSON.parse(text)
    } catch {
      this.#send(c.ws, JSON.stringify({ id: null, status: 400, error: { code: -1000, msg: 'Invalid JSON' } }))
      return
    }
    const id = msg.id ?? null
    const reply = (result: unknown) =>
      this.#send(c.ws, JSON.stringify({ id, status: 200, result, rateLimits: [] }))
    const fail = (e: SimApiError) =>
      this.#send(c.ws, JSON.stringify({ id, status: e.status, error: { code: e.code, msg: e.msg } }))
    const params = msg.params ?? {}
    try {
      switch (msg.method) {
        case 'ping':
          reply({})
          return
        case 'time':
          reply({ serverTime: this.now() })
          return
        case 'session.logon': {
          const key = this.#wsApiAuth(params)
          if (key.ed25519PublicKey === undefined)
            throw new SimApiError(400, -4056, 'HMAC_SHA256 API key is not supported.')
          c.logonKey = key.apiKey
          reply({
            apiKey: key.apiKey,
            authorizedSince: this.now(),
            connectedSince: this.now(),
            returnRateLimits: false,
            serverTime: this.now(),
            userDataStream: c.subs.size > 0,
          })
          return
        }
        case 'userDataStream.subscribe': {
          if (c.logonKey === undefined)
            throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
          const sid = c.nextSubId++
          c.subs.set(sid, c.logonKey)
          reply({ subscriptionId: sid })
          return
        }
        case 'userDataStream.subscribe.signature': {
          const key = this.#wsApiAuth(params)
          for (const k of c.subs.values())
            if (k === key.apiKey) throw new SimApiError(400, -1000, 'Already subscribed to this account.')
          const sid = c.nextSubId++
          c.subs.set(sid, key.apiKey)
          reply({ subscriptionId: sid })
          return
        }
        case 'userDataStream.unsubscribe': {
          const sid = params.subscriptionId
          if (typeof sid === 'number') c.subs.delete(sid)
          else c.subs.clear()
          reply({})
          return
        }
        case 'session.subscriptions':
          reply([...c.subs.keys()].map((subscriptionId) => ({ subscriptionId })))
          return
        default:
          throw new SimApiError(400, -1000, `Unknown method "${String(msg.method)}"`)
      }
    } catch (e) {
      fail(
        e instanceof SimApiError
          ? e
          : new SimApiError(400, -1000, 'An unknown error occurred while processing the request.'),
      )
    }
  }

  /** WebSocket API signature: every param but `signature`, sorted by name, joined as a query string. */
  #wsApiAuth(params: Record<string, unknown>): BinanceSimApiKey {
    const key = typeof params.apiKey === 'string' ? this.#keys.get(params.apiKey) : undefined
    if (key === undefined)
      throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
    const ts = Number(params.timestamp)
    const recvWindow = params.recvWindow !== undefined ? Number(params.recvWindow) : 5000
    const now = this.now()
    if (!Number.isFinite(ts) || ts > now + 1000 || now - ts > recvWindow)
      throw new SimApiError(400, -1021, 'Timestamp for this request is outside of the recvWindow.')
    const sig = params.signature
    if (typeof sig !== 'string')
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      )
    const payload = Object.keys(params)
      .filter((k) => k !== 'signature')
      .sort()
      .map((k) => `${k}=${String(params[k])}`)
      .join('&')
    if (!this.#verify(key, payload, sig))
      throw new SimApiError(400, -1022, 'Signature for this request is not valid.')
    return key
  }

  #sendUser(ws: WebSocket, text: string): void {
    if (this.#dropUser > 0) {
      this.#dropUser--
      return
    }
    this.#send(ws, text)
  }

  #send(ws: WebSocket, text: string): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(text)
  }

  #ageConnections(): void {
    const now = this.#clock.now()
    for (const c of this.#streamConns) {
      if (now - c.openedAt >= this.#cfg.maxConnectionAgeMs) c.ws.close(1000, '24h limit')
    }
  }

  // ---------------------------------------------------------------- publication

  #delivers(c: StreamConn, market: SimMarket, stream: string): boolean {
    if (c.market !== market || !c.streams.has(stream)) return false
    if (market === 'spot') return true
    const route = usdmRouteOf(stream)
    // A connection without a routed path only receives /public data; a stream on the wrong route is silent.
    return c.route === 'legacy' ? route === 'public' : c.route === route
  }

  #publish(market: SimMarket, stream: string, payload: () => unknown): void {
    if (this.#clock.now() < this.#stallUntil) return
    let raw: string | undefined
    for (const c of this.#streamConns) {
      if (!this.#delivers(c, market, stream)) continue
      const bad = this.#takeFault(this.#faults.malformed, '')
      if (bad !== undefined) {
        this.#send(c.ws, hostile(bad.kind, stream, c.combined))
        continue
      }
      raw ??= JSON.stringify(payload())
      this.#send(c.ws, c.combined ? `{"stream":${JSON.stringify(stream)},"data":${raw}}` : raw)
    }
  }

  #hasSubscriber(market: SimMarket, prefix: string): boolean {
    for (const c of this.#streamConns) {
      if (c.market !== market) continue
      for (const s of c.streams) if (s.startsWith(prefix)) return true
    }
    return false
  }

  #publishBook(market: SimMarket, m: SimSymbolMarket, now: number): void {
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
          this.#publish(market, stream, () => {
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
          })
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

  /** A kline stream payload; `c` undefined means no trade in the period (all prices at the last trade). */
  #klineJson(
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

  #publishKlinesAndMarks(now: number): void {
    for (const market of ['spot', 'usdm'] as const) {
      for (const m of this.#engine.markets[market].values()) {
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
            this.#publish(market, stream, () => this.#klineJson(m, iv, prevOpen, done, prevLast, now, true))
          }
          this.#publish(market, stream, () => {
            const c = list[list.length - 1]
            const live = c !== undefined && c.openTime === openTime ? c : undefined
            return this.#klineJson(m, iv, openTime, live, m.px(m.lastTradeTicks), now, false)
          })
        }
        if (market === 'usdm') {
          const mark = () => {
            const p = this.#premium(m) as Record<string, unknown>
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

  #onTrade(
    market: SimMarket,
    m: SimSymbolMarket,
    id: number,
    ticks: number,
    steps: number,
    isBuyerMaker: boolean,
    now: number,
  ): void {
    const lower = m.spec.symbol.toLowerCase()
    this.#publish(market, `${lower}@trade`, () =>
      market === 'spot'
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
          },
    )
    this.#publish(market, `${lower}@aggTrade`, () => ({
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
    }))
  }

  #onOrderUpdate(o: SimOrder, x: string, fill: SimFill | undefined, now: number): void {
    const m = this.#engine.market(o.market, o.symbol)
    if (o.market === 'spot') {
      const event = {
        e: 'executionReport',
        E: now,
        s: o.symbol,
        c: o.clientOrderId,
        S: o.side,
        o: o.type,
        f: o.timeInForce,
        q: o.origQty.toFixed(m.qtyDp),
        p: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
        P: '0.00000000',
        F: '0.00000000',
        g: -1,
        C: x === 'CANCELED' ? o.clientOrderId : '',
        x,
        X: o.status,
        r: 'NONE',
        i: o.orderId,
        l: fill ? fill.qty.toFixed(m.qtyDp) : '0',
        z: o.executedQty.toFixed(m.qtyDp),
        L: fill ? fill.price.toFixed(m.priceDp) : '0',
        n: fill ? fill.commission.toFixed(8) : '0',
        N: fill ? fill.commissionAsset : null,
        T: now,
        t: fill ? fill.tradeId : -1,
        v: 0,
        I: 0,
        w: isOpen(o),
        m: fill?.isMaker ?? false,
        M: false,
        O: o.time,
        Z: o.cumQuote.toFixed(8),
        Y: fill ? fill.price.times(fill.qty).toFixed(8) : '0',
        Q: '0.00000000',
        W: o.time,
        V: 'EXPIRE_MAKER',
      }
      for (const c of this.#wsApiConns) {
        for (const [sid, key] of c.subs)
          if (key === o.account) this.#sendUser(c.ws, JSON.stringify({ subscriptionId: sid, event }))
      }
      return
    }
    const avg = o.executedQty.isZero() ? new Decimal(0) : o.cumQuote.div(o.executedQty)
    const event = {
      e: 'ORDER_TRADE_UPDATE',
      E: now,
      T: now,
      o: {
        s: o.symbol,
        c: o.clientOrderId,
        S: o.side,
        o: o.type,
        f: o.timeInForce,
        q: o.origQty.toFixed(m.qtyDp),
        p: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
        ap: avg.toFixed(8),
        sp: '0',
        x,
        X: o.status,
        i: o.orderId,
        l: fill ? fill.qty.toFixed(m.qtyDp) : '0',
        z: o.executedQty.toFixed(m.qtyDp),
        L: fill ? fill.price.toFixed(m.priceDp) : '0',
        N: fill ? fill.commissionAsset : 'USDT',
        n: fill ? fill.commission.toFixed(8) : '0',
        T: now,
        t: fill ? fill.tradeId : 0,
        b: '0',
        a: '0',
        m: fill?.isMaker ?? false,
        R: o.reduceOnly,
        wt: 'CONTRACT_PRICE',
        ot: o.type,
        ps: 'BOTH',
        cp: false,
        rp: fill ? fill.realizedPnl.toFixed(8) : '0',
        pP: false,
        si: 0,
        ss: 0,
        V: 'EXPIRE_MAKER',
        pm: 'NONE',
        gtd: 0,
      },
    }
    this.#sendPrivate(o.account, event)
  }

  #onAccountUpdate(
    acc: SimAccount,
    market: SimMarket,
    assets: readonly string[],
    symbols: readonly string[],
    reason: string,
    now: number,
  ): void {
    if (market === 'spot') {
      const event = {
        e: 'outboundAccountPosition',
        E: now,
        u: now,
        B: assets.map((a) => {
          const b = acc.spot.get(a)
          return { a, f: (b?.free ?? new Decimal(0)).toFixed(8), l: (b?.locked ?? new Decimal(0)).toFixed(8) }
        }),
      }
      for (const c of this.#wsApiConns) {
        for (const [sid, key] of c.subs)
          if (key === acc.apiKey) this.#sendUser(c.ws, JSON.stringify({ subscriptionId: sid, event }))
      }
      return
    }
    const event = {
      e: 'ACCOUNT_UPDATE',
      E: now,
      T: now,
      a: {
        m: reason,
        B: [{ a: 'USDT', wb: acc.futuresWallet.toFixed(8), cw: acc.futuresWallet.toFixed(8), bc: '0' }],
        P: symbols.map((s) => {
          const p = this.#engine.position(acc, s)
          const m = this.#engine.market('usdm', s)
          return {
            s,
            pa: p.qty.toFixed(m.qtyDp),
            ep: p.entryPrice.toFixed(8),
            bep: '0',
            cr: p.realizedPnl.toFixed(8),
            up: this.#engine.unrealized(acc, s).toFixed(8),
            mt: 'cross',
            iw: '0',
            ps: 'BOTH',
          }
        }),
      },
    }
    this.#sendPrivate(acc.apiKey, event)
  }

  #onAlgoUpdate(a: SimAlgoOrder, now: number): void {
    const m = this.#engine.market('usdm', a.symbol)
    this.#sendPrivate(a.account, {
      e: 'ALGO_UPDATE',
      T: now,
      E: now,
      o: {
        caid: a.clientAlgoId,
        aid: a.algoId,
        at: 'CONDITIONAL',
        o: a.orderType,
        s: a.symbol,
        S: a.side,
        ps: 'BOTH',
        f: a.timeInForce,
        q: a.quantity.toFixed(m.qtyDp),
        X: a.algoStatus,
        ai: a.actualOrderId !== undefined ? String(a.actualOrderId) : '',
        ap: '0.00000',
        aq: '0.00000',
        act: '0',
        tp: (a.triggerPrice ?? new Decimal(0)).toFixed(m.priceDp),
        p: (a.price ?? new Decimal(0)).toFixed(m.priceDp),
        V: 'EXPIRE_MAKER',
        wt: a.workingType,
        pm: 'NONE',
        cp: false,
        pP: false,
        R: a.reduceOnly,
        tt: a.triggerTime,
        gtd: 0,
        rm: '',
      },
    })
  }

  #sendPrivate(apiKey: string, event: unknown): void {
    const text = JSON.stringify(event)
    for (const c of this.#privateConns) {
      const entry = this.#listenKeys.get(c.listenKey)
      if (entry?.apiKey === apiKey) this.#sendUser(c.ws, text)
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > 1_000_000) reject(new Error('body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function stripSignature(raw: string): string {
  if (raw === '') return ''
  return raw
    .split('&')
    .filter((kv) => !kv.startsWith('signature='))
    .join('&')
}

/** One fill as `GET /api/v3/myTrades` (spot) or `GET /fapi/v1/userTrades` (USD-M) reports it. */
function accountTradeJson(market: SimMarket, o: SimOrder, f: SimFill, time: number): unknown {
  const quoteQty = f.price.times(f.qty).toFixed()
  if (market === 'spot') {
    return {
      symbol: o.symbol,
      id: f.tradeId,
      orderId: o.orderId,
      orderListId: -1,
      price: f.price.toFixed(),
      qty: f.qty.toFixed(),
      quoteQty,
      commission: f.commission.toFixed(8),
      commissionAsset: f.commissionAsset,
      time,
      isBuyer: o.side === 'BUY',
      isMaker: f.isMaker,
      isBestMatch: true,
    }
  }
  return {
    buyer: o.side === 'BUY',
    commission: f.commission.toFixed(8),
    commissionAsset: f.commissionAsset,
    id: f.tradeId,
    maker: f.isMaker,
    orderId: o.orderId,
    price: f.price.toFixed(),
    qty: f.qty.toFixed(),
    quoteQty,
    realizedPnl: f.realizedPnl.toFixed(8),
    side: o.side,
    positionSide: 'BOTH',
    symbol: o.symbol,
    time,
  }
}

/** Request weights by endpoint (Binance's published values, simplified). */
function requestWeight(path: string, p: URLSearchParams): number {
  const futures = path.startsWith('/fapi')
  const ep = path.replace(/^\/(api\/v3|fapi\/v[123])/, '')
  switch (ep) {
    case '/depth': {
      const limit = Number(p.get('limit') ?? 100)
      if (futures) return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250
    }
    case '/exchangeInfo':
      return futures ? 1 : 20
    case '/account':
      return futures ? 5 : 20
    case '/openOrders':
      return p.has('symbol') ? (futures ? 1 : 6) : futures ? 40 : 80
    case '/trades':
      return futures ? 5 : 25
    case '/myTrades':
      return p.has('orderId') ? 5 : 20
    case '/userTrades':
      return 5
    case '/klines':
      return 2
    case '/ticker/price':
    case '/ticker/bookTicker':
      return p.has('symbol') ? 2 : 4
    case '/order':
      return p.has('orderId') || p.has('origClientOrderId') ? (futures ? 1 : 4) : 1
    default:
      return 1
  }
}

function depthJson(market: SimMarket, m: SimSymbolMarket, d: SimDepthDiff, now: number): unknown {
  const b = d.bids.map(([t, s]) => [m.px(t), m.qty(s)])
  const a = d.asks.map(([t, s]) => [m.px(t), m.qty(s)])
  return market === 'spot'
    ? { e: 'depthUpdate', E: now, s: m.spec.symbol, U: d.U, u: d.u, b, a }
    : { e: 'depthUpdate', E: now, T: now, s: m.spec.symbol, U: d.U, u: d.u, pu: d.pu, b, a }
}

function hostile(kind: BinanceSimHostileKind, stream: string, combined: boolean): string {
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

function spotOrderJson(
  o: SimOrder,
  m: SimSymbolMarket,
  resp: 'FULL' | 'RESULT',
  fills: readonly SimFill[],
): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.updateTime,
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    origQty: o.origQty.toFixed(m.qtyDp),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    origQuoteOrderQty: '0.00000000',
    cummulativeQuoteQty: o.cumQuote.toFixed(8),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    ...(resp === 'FULL'
      ? {
          fills: fills.map((f) => ({
            price: f.price.toFixed(m.priceDp),
            qty: f.qty.toFixed(m.qtyDp),
            commission: f.commission.toFixed(8),
            commissionAsset: f.commissionAsset,
            tradeId: f.tradeId,
          })),
        }
      : {}),
  }
}

function spotQueryJson(o: SimOrder, m: SimSymbolMarket): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    origQty: o.origQty.toFixed(m.qtyDp),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    cummulativeQuoteQty: o.cumQuote.toFixed(8),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  }
}

function futuresOrderJson(o: SimOrder, m: SimSymbolMarket): Record<string, unknown> {
  const avg = o.executedQty.isZero() ? new Decimal(0) : o.cumQuote.div(o.executedQty)
  return {
    clientOrderId: o.clientOrderId,
    cumQty: o.executedQty.toFixed(m.qtyDp),
    cumQuote: o.cumQuote.toFixed(8),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    orderId: o.orderId,
    avgPrice: avg.toFixed(8),
    origQty: o.origQty.toFixed(m.qtyDp),
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    reduceOnly: o.reduceOnly,
    side: o.side,
    positionSide: 'BOTH',
    status: o.status,
    stopPrice: '0',
    closePosition: false,
    symbol: o.symbol,
    timeInForce: o.timeInForce,
    type: o.type,
    origType: o.type,
    updateTime: o.updateTime,
    time: o.time,
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
  }
}

function algoJson(a: SimAlgoOrder, m: SimSymbolMarket): Record<string, unknown> {
  return {
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: 'BOTH',
    timeInForce: a.timeInForce,
    quantity: a.quantity.toFixed(m.qtyDp),
    algoStatus: a.algoStatus,
    triggerPrice: (a.triggerPrice ?? new Decimal(0)).toFixed(m.priceDp),
    price: (a.price ?? new Decimal(0)).toFixed(m.priceDp),
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: a.workingType,
    priceMatch: 'NONE',
    closePosition: false,
    priceProtect: false,
    reduceOnly: a.reduceOnly,
    activatePrice: a.activatePrice?.toFixed() ?? '',
    callbackRate: a.callbackRate?.toFixed() ?? '',
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    goodTillDate: 0,
  }
}
