import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import type * as z from 'zod/mini'
import { type Clock, parseConfig, SystemClock, type TimerHandle } from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import { FaultQueue } from '../shared/FaultQueue.js'
import { requestUrl } from '../shared/http.js'
import { LoopbackServer, type RequestLogEntry } from '../shared/LoopbackServer.js'
import { BinanceAuth } from './BinanceAuth.js'
import { BinanceHttp, type BinanceHttpFaults } from './BinanceHttp.js'
import { BinanceStreams, type StreamRoute } from './BinanceStreams.js'
import { BinanceUserStreams, type WsApiFault } from './BinanceUserStreams.js'
import { wsApiOrderMethods } from './BinanceWsApiOrders.js'
import { CancelCountdowns } from './CancelCountdowns.js'
import { type SimAccount, SimEngine, type SimMarket } from './engine.js'
import { IpBans, marketOfPath } from './IpBans.js'
import { RequestLimits } from './RequestLimits.js'
import { binanceRoutes } from './routes/binanceRoutes.js'
import { resolveSpec } from './specs.js'
import { applySimTransfer, type BinanceSimTransferOptions } from './transfers.js'
import {
  type BinanceSimApiKey,
  type BinanceSimConfig,
  BinanceSimConfigSchema,
  type BinanceSimFaults,
  type BinanceSimHostileKind,
  type BinanceSimLedger,
  type BinanceSimUrls,
} from './types.js'

/** Books and klines are also published at every whole minute of the timer-driven market. */
const MINUTE_MS = 60_000
/** The timer-driven market's step grid starts at the last whole 10 s of the clock when the simulator starts. */
const GRID_START_MS = 10_000
/** Most market steps one timer run takes; beyond, the market skips ahead (the process stalled). */
const MAX_STEPS_PER_TICK = 3_000

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
  readonly #server: LoopbackServer
  readonly #engine: SimEngine
  readonly #clock: Clock
  readonly #keys: Map<string, BinanceSimApiKey>
  readonly #cfg: z.output<typeof BinanceSimConfigSchema>
  readonly #streams: BinanceStreams
  readonly #user: BinanceUserStreams
  readonly #httpFaults: BinanceHttpFaults = {
    rateLimit: new FaultQueue(),
    ban: new FaultQueue(),
    serverError: new FaultQueue(),
    slow: new FaultQueue(),
  }
  readonly #malformed = new FaultQueue<{ kind: BinanceSimHostileKind }>()
  readonly #bans = new IpBans()
  readonly #wsApiFaults = new FaultQueue<{ kind: 'drop' | 'malformed' | 'silent'; afterExecute: boolean }>()
  /** `wsApiAnswer` faults naming a method other than `order.*` (e.g. `userDataStream.subscribe.signature`). */
  readonly #wsApiMethodFaults = new FaultQueue<{
    kind: 'drop' | 'malformed' | 'silent'
    afterExecute: boolean
  }>()
  readonly #limits: RequestLimits
  /** USD-M auto-cancel countdowns (`POST /fapi/v1/countdownCancelAll`). */
  readonly #countdowns: CancelCountdowns
  #timer: ReturnType<typeof setInterval> | undefined
  #closed = false
  #skewMs = 0
  /** Clock time of the last timer-driven market step (see `#advance`). */
  #lastStepAt: number | undefined
  /** The whole minute (clock ms / 60 000) the timer-driven market last published. */
  #minute: number | undefined
  /** The clock timer that runs the market at the next whole minute (see `#armMinute`). */
  #minuteTimer: TimerHandle | undefined
  /** Requests served, by `METHOD /path` (for assertions). */
  readonly requestLog: Array<{ method: string; path: string; status: number }>

  /** Fault injection controls. */
  readonly faults: BinanceSimFaults
  /** The ledger of orders, balances and positions held by the simulator. */
  readonly ledger: BinanceSimLedger

  private constructor(config: BinanceSimConfig) {
    this.#cfg = parseConfig(BinanceSimConfigSchema, config, 'BinanceSim')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    const keys = this.#cfg.apiKeys
    this.#keys = new Map(keys.map((k) => [k.apiKey, k]))
    this.#engine = new SimEngine({
      orderUpdate: (o, x, f, now) => this.#user.orderUpdate(o, x, f, now),
      accountUpdate: (acc, market, assets, symbols, reason, now) =>
        this.#user.accountUpdate(acc, market, assets, symbols, reason, now),
      algoUpdate: (a, now) => this.#user.algoUpdate(a, now),
      trade: (market, m, id, ticks, steps, isBuyerMaker, now) =>
        this.#streams.publishTrade(market, m, id, ticks, steps, isBuyerMaker, now),
    })
    const symbols = this.#cfg.symbols
    symbols.forEach((s, i) => {
      this.#engine.addSymbol('spot', resolveSpec(s, 'spot'), this.#cfg.seed * 1000 + i * 2 + 1)
      this.#engine.addSymbol('usdm', resolveSpec(s, 'usdm'), this.#cfg.seed * 1000 + i * 2 + 2)
    })
    const balances = this.#cfg.spotBalances
    for (const k of keys) this.#engine.addAccount(k.apiKey, { ...balances }, this.#cfg.futuresBalance)
    const now = () => this.now()
    const auth = new BinanceAuth(this.#keys, this.#engine, now)
    this.#streams = new BinanceStreams({
      engine: this.#engine,
      clock: this.#clock,
      now,
      maxConnectionAgeMs: this.#cfg.maxConnectionAgeMs,
      malformed: this.#malformed,
    })
    this.#limits = new RequestLimits(this.#cfg.weightLimitPerMinute, () => this.#clock.now())
    this.#countdowns = new CancelCountdowns(this.#engine, this.#clock, now)
    const limits = this.#limits
    this.#user = new BinanceUserStreams({
      engine: this.#engine,
      auth,
      now,
      orderMethods: wsApiOrderMethods({
        engine: this.#engine,
        auth,
        now,
        publishBook: (market, m) => this.#streams.publishBook(market, m, this.now()),
        countOrder: () => limits.countOrder(),
        spendWeight: (w) => limits.spend(w),
      }),
      rateLimits: (market, method) => limits.wsApiRateLimits(market === 'usdm', method.startsWith('order.')),
      takeFault: (path) => this.#wsApiFault(path),
    })
    const http = this.#makeHttp(auth)
    this.#server = new LoopbackServer({
      onRequest: (req, res) => void http.handle(req, res),
      onSocket: (ws, req) => this.#onWs(ws, req),
      logRequests: true,
    })
    this.requestLog = this.#server.requestLog satisfies RequestLogEntry[]
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
    await sim.#server.listen(0)
    if (sim.#cfg.tickMs > 0) {
      sim.#tick() // the step grid starts at the last whole 10 s: catch up to now before anyone reads the market
      sim.#timer = setInterval(() => sim.#tick(), sim.#cfg.tickMs)
      sim.#timer.unref?.()
      sim.#armMinute()
    }
    return sim
  }

  /** The HTTP base URL (`http://127.0.0.1:<port>`). */
  get restUrl(): string {
    return this.#server.restUrl
  }
  /** The WebSocket base URL (`ws://127.0.0.1:<port>`). */
  get wsUrl(): string {
    return this.#server.wsUrl
  }
  /** URLs to pass to `BinanceSpot` / `BinanceUsdm` (`restUrl`, `streamUrl`, `wsApiUrl`). */
  get urls(): BinanceSimUrls {
    return {
      spot: { restUrl: this.restUrl, streamUrl: this.wsUrl, wsApiUrl: `${this.wsUrl}/ws-api/v3` },
      usdm: {
        restUrl: this.restUrl,
        streamUrl: `${this.wsUrl}/fstream`,
        wsApiUrl: `${this.wsUrl}/ws-fapi/v1`,
      },
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
    return { streams: this.#streams.size, ...this.#user.counts }
  }
  /** How many USD-M auto-cancel countdowns ran out (each cancelled its symbol's open orders). */
  get countdownsExpired(): number {
    return this.#countdowns.expired
  }
  /** The WebSocket API methods this sim answers (the rest get "Unknown method"), e.g. for a coverage table. */
  get wsApiMethods(): readonly string[] {
    return this.#user.methodNames
  }
  /** WebSocket API requests received (market and method, oldest first, the last 1000), for assertions. */
  get wsApiRequests(): ReadonlyArray<{ readonly market: SimMarket; readonly method: string }> {
    return this.#user.wsApiRequests
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

  /**
   * Charges funding on every open USD-M position on `symbol` at its mark (the mid), as Binance does at a funding time:
   * a long pays `qty × mark × rate` (a short receives it; a negative rate the reverse), rounded to 8 decimals, booked
   * to the futures wallet and pushed on the user stream as an `ACCOUNT_UPDATE` with reason `FUNDING_FEE` (cross
   * margin: the USDT balance with `bc` = the amount, no position). Returns the amount booked per API key.
   *
   * @example
   * ```ts
   * const charged = sim.applyFunding('BTCUSDT', '0.0001') // Map { apiKey => '-0.0123' }
   * ```
   */
  applyFunding(symbol: string, rate: string): Map<string, string> {
    const m = this.#engine.market('usdm', symbol)
    const mark = new Decimal(m.px(m.midTicks))
    const now = this.now()
    const charged = new Map<string, string>()
    for (const acc of this.#engine.accounts.values()) {
      const p = acc.positions.get(symbol)
      if (p === undefined || p.qty.isZero()) continue
      const amount = p.qty.times(mark).times(new Decimal(rate)).neg().toDecimalPlaces(8)
      acc.futuresWallet = acc.futuresWallet.plus(amount)
      this.#user.accountUpdate(acc, 'usdm', ['USDT'], [], 'FUNDING_FEE', now, amount)
      charged.set(acc.apiKey, amount.toFixed())
    }
    return charged
  }

  /**
   * A deposit (positive `amount`) or withdrawal (negative) into an account's spot balance or USD-M futures wallet, with
   * the user-data events Binance sends: spot a `balanceUpdate` (`d` = the delta) and an `outboundAccountPosition` with
   * the new balance; USD-M an `ACCOUNT_UPDATE` with reason `DEPOSIT` / `WITHDRAW` (or `opts.reason`), the new `wb`/`cw`
   * and `bc` = the amount. Returns the new balance (spot: free). Throws, moving nothing, on a withdrawal beyond it.
   *
   * @example
   * ```ts
   * sim.transfer('USDT', '2500')                          // spot deposit
   * sim.transfer('USDT', '-1000', { market: 'usdm' })     // futures withdrawal
   * ```
   */
  transfer(asset: string, amount: string, opts: BinanceSimTransferOptions = {}): string {
    const acc = this.#engine.accounts.get(opts.apiKey ?? this.apiKey)
    if (acc === undefined) throw new Error(`Unknown sim account "${opts.apiKey}"`)
    return applySimTransfer(acc, this.#user, asset, amount, opts, this.now())
  }

  /** Advances the simulated market by `n` steps (prices move, resting orders fill, events are published). */
  step(n = 1): void {
    for (let i = 0; i < n && !this.#closed; i++) {
      const now = this.now()
      this.#engine.step(now)
      this.#publish(now)
    }
  }

  /** Errors thrown by timer-driven steps (a bug in the simulator, never a client's fault); kept, never thrown. */
  readonly stepErrors: unknown[] = []

  #tick(): void {
    try {
      this.#advance()
    } catch (e) {
      if (this.stepErrors.length < 100) this.stepErrors.push(e)
    }
  }

  /**
   * Timer-driven market: takes one step per `stepMs` of clock time since the last one, on a grid that starts at the
   * last whole 10 s of the clock at start, so the path depends on the seed and the clock's start only (not on the
   * speed or timer jitter). When the clock passes a whole minute, books and klines are published as the market stood
   * at that minute (before any later step), so a client sees each minute's final kline right after the book as it
   * stood at the minute's end. Past {@link MAX_STEPS_PER_TICK} steps (the process stalled), the market skips ahead.
   */
  #advance(): void {
    const stepMs = this.#stepMs
    const now = this.#clock.now()
    let last = this.#lastStepAt ?? Math.floor(now / GRID_START_MS) * GRID_START_MS - stepMs
    this.#minute ??= Math.floor(now / MINUTE_MS)
    let due = Math.floor((now - last) / stepMs)
    if (due > MAX_STEPS_PER_TICK) {
      last += (due - MAX_STEPS_PER_TICK) * stepMs
      due = MAX_STEPS_PER_TICK
    }
    // Volatility is given per `tickMs` of simulated time: a longer step moves the price by √(stepMs / tickMs) more.
    const scale = Math.sqrt(stepMs / this.#cfg.tickMs)
    for (let i = 0; i < due && !this.#closed; i++) {
      const t = last + stepMs
      this.#publishMinute(Math.floor(t / MINUTE_MS))
      last = t
      this.#engine.step(t + this.#skewMs, scale)
    }
    this.#lastStepAt = last
    // As of the market's time, not the clock's: a clock read now may already be past a minute whose last step has not
    // run yet (the process stalled), and would close that minute's kline early.
    if (!this.#closed) this.#publish(last + this.#skewMs)
  }

  /** Publishes books and klines at the start of `minute` when the market has just reached it. */
  #publishMinute(minute: number): void {
    if (this.#closed || this.#minute === undefined || minute <= this.#minute) return
    this.#minute = minute
    this.#publish(minute * MINUTE_MS + this.#skewMs)
  }

  /**
   * Simulated ms per timer-driven step: `stepMs`, else `tickMs` times the clock's speed (1 unless a ScaledClock),
   * at most 1 s when sped up (a candle keeps 60 steps per minute, a timer run a few steps).
   */
  get #stepMs(): number {
    if (this.#cfg.stepMs !== undefined) return this.#cfg.stepMs
    const speed = (this.#clock as { speed?: unknown }).speed
    const perRun = this.#cfg.tickMs * (typeof speed === 'number' && speed > 0 ? speed : 1)
    return Math.min(perRun, Math.max(this.#cfg.tickMs, 1_000))
  }

  /**
   * Runs the market again right at the next whole minute of the clock (a clock timer, so it follows a `ScaledClock`),
   * so the minute's final kline goes out when the minute ends, not up to `tickMs × speed` later.
   */
  #armMinute(): void {
    if (this.#closed || this.#timer === undefined) return
    const now = this.#clock.now()
    const next = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS
    this.#minuteTimer = this.#clock.setTimeout(() => {
      this.#minuteTimer = undefined
      this.#tick()
      this.#armMinute()
    }, next - now)
  }

  /** Publishes every book and kline (and USD-M marks) as of `now`; ages stream connections. */
  #publish(now: number): void {
    for (const market of ['spot', 'usdm'] as const) {
      for (const m of this.#engine.markets[market].values()) this.#streams.publishBook(market, m, now)
    }
    this.#streams.publishKlinesAndMarks(now)
    this.#streams.publishTickers(now)
    this.#streams.ageConnections()
  }

  /** Stops the market timer (the market then moves only with {@link BinanceSim.step}); connections stay open. */
  pause(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.#clock.clearTimeout(this.#minuteTimer)
    this.#minuteTimer = undefined
  }

  /** Restarts the market timer after {@link BinanceSim.pause} (no-op when `tickMs` is 0 or already running). */
  resume(): void {
    if (this.#closed || this.#timer !== undefined || this.#cfg.tickMs <= 0) return
    // No catch-up for the paused time: the market resumes from where it stopped, on the same step grid.
    const stepMs = this.#stepMs
    if (this.#lastStepAt !== undefined) {
      const now = this.#clock.now()
      this.#lastStepAt += Math.max(0, Math.floor((now - this.#lastStepAt) / stepMs) - 1) * stepMs
    }
    this.#timer = setInterval(() => this.#tick(), this.#cfg.tickMs)
    this.#timer.unref?.()
    this.#armMinute()
  }

  /** Stops the timer, closes every connection and the server. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#clock.clearTimeout(this.#minuteTimer)
    this.#countdowns.clear()
    await this.#server.close()
  }

  /**
   * A fault for a WebSocket API request: the market's IP ban (every method), or for an order request one from the
   * REST 429 / 418 queues (a 418 starts the ban) or the WebSocket API queue.
   */
  #wsApiFault(path: string): WsApiFault | undefined {
    const market = marketOfPath(path)
    const clockNow = this.#clock.now() // bans last real time; `retryAfter` is reported in server time
    const f = this.#httpFaults
    const ban = / order\./.test(path) ? f.ban.take(path) : undefined
    if (ban !== undefined) this.#bans.ban(market, clockNow + ban.retryAfterSec * 1000)
    const until = this.#bans.untilMs(market, clockNow)
    if (until !== undefined) return { kind: 'ban', untilMs: this.now() + until - clockNow }
    if (!/ order\./.test(path)) return this.#wsApiMethodFaults.take(path)
    const rl = f.rateLimit.take(path)
    if (rl !== undefined) return { kind: 'rateLimit', retryAfterSec: rl.retryAfterSec }
    return this.#wsApiFaults.take(path)
  }

  #makeHttp(auth: BinanceAuth): BinanceHttp {
    const limits = this.#limits
    return new BinanceHttp({
      log: (method, path, status) => this.#server.log(method, path, status),
      isClosed: () => this.#closed,
      routes: binanceRoutes(),
      auth,
      limits,
      faults: this.#httpFaults,
      bans: this.#bans,
      venue: {
        engine: this.#engine,
        listenKeys: this.#user.listenKeys,
        weightLimitPerMinute: this.#cfg.weightLimitPerMinute,
        hedgeMode: this.#cfg.hedgeMode,
        now: () => this.now(),
        clockNow: () => this.#clock.now(),
        publishBook: (market, m) => this.#streams.publishBook(market, m, this.now()),
        countOrder: (tenSeconds, minute) => limits.countOrder(tenSeconds, minute),
        countdowns: this.#countdowns,
      },
    })
  }

  #makeFaults(): BinanceSimFaults {
    const f = this.#httpFaults
    return {
      rateLimit: (o = {}) => f.rateLimit.add({ retryAfterSec: o.retryAfterSec ?? 1 }, o),
      ban: (o = {}) => f.ban.add({ retryAfterSec: o.retryAfterSec ?? 2 }, o),
      serverError: (o = {}) =>
        f.serverError.add({ status: o.status ?? 503, afterExecute: o.afterExecute ?? false }, o),
      slow: (o) => f.slow.add({ delayMs: o.delayMs }, o),
      clockSkew: (ms) => {
        this.#skewMs = ms
      },
      closeStreams: (o = {}) => this.#server.dropSockets(o.mode === 'abrupt' ? 'abrupt' : 'clean', o.code),
      stall: (ms) => this.#streams.stall(ms),
      depthGap: (o = {}) => this.#streams.depthGap(o),
      malformed: (o = {}) => this.#malformed.add({ kind: o.kind ?? 'nan' }, { count: o.count ?? 1 }),
      serverShutdown: () => this.#streams.serverShutdown(),
      expireListenKeys: () => this.#user.expireListenKeys(),
      dropUserEvents: (count = 1) => this.#user.dropEvents(count),
      terminateUserStreams: () => this.#user.terminate(),
      wsApiAnswer: (o) =>
        (o.method === undefined || o.method.startsWith('order.')
          ? this.#wsApiFaults
          : this.#wsApiMethodFaults
        ).add(
          { kind: o.kind, afterExecute: o.afterExecute ?? true },
          { count: o.count ?? 1, ...(o.method !== undefined ? { path: o.method } : {}) },
        ),
      reset: () => {
        for (const q of Object.values(f)) q.clear()
        this.#malformed.clear()
        this.#wsApiFaults.clear()
        this.#wsApiMethodFaults.clear()
        this.#bans.clear()
        this.#streams.reset()
        this.#user.reset()
        this.#skewMs = 0
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

  /** Sends a socket to its handler by path: ws-api, USD-M private, or a market stream. */
  #onWs(ws: WebSocket, req: IncomingMessage): void {
    const url = requestUrl(req)
    const path = url.pathname
    ws.on('error', () => {})
    if (path === '/ws-api/v3' || path === '/ws-fapi/v1') {
      this.#user.openWsApi(ws, path === '/ws-api/v3' ? 'spot' : 'usdm')
      return
    }
    let rest = path
    let market: SimMarket = 'spot'
    let route: StreamRoute = 'spot'
    if (rest.startsWith('/fstream')) {
      market = 'usdm'
      rest = rest.slice('/fstream'.length)
      route = 'legacy'
      for (const r of ['public', 'market', 'private'] as const) {
        if (rest.startsWith(`/${r}/`) || rest === `/${r}`) {
          rest = rest.slice(r.length + 1)
          if (r === 'private') {
            this.#user.openPrivate(ws, rest, url)
            return
          }
          route = r
        }
      }
    }
    this.#streams.open(ws, market, route, rest, url)
  }
}
