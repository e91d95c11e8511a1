import { type Clock, SystemClock } from '../core/clock.js'
import type { Listenable } from '../core/events.js'
import { TypedEmitter } from '../core/events.js'
import { type Logger, redactingLogger, silentLogger } from '../core/logger.js'
import type {
  CancelAllResult,
  ExecutionClient,
  ExecutionEvents,
  MarketDataSource,
  MarketSnapshot,
  OrderFilter,
  OrderIntent,
  Signal,
} from '../core/ports.js'
import type { BookSnapshot, Candle, Fill, Instrument, Order, Trade } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { ConfigError, StateError, type TradekitError, toTradekitError } from '../errors/index.js'
import { OrderGroup, type OrderGroupOutcome, type Portfolio } from '../execution/index.js'
import { ATR } from '../indicators/index.js'
import type {
  BreakerTrippedEvent,
  EmergencyStopEvent,
  RiskManager,
  TradingStateChangedEvent,
} from '../risk/index.js'
import type { Strategy } from '../strategies/index.js'
import { StrategyRunner } from '../strategies/index.js'
import type { HttpClient } from '../transport/index.js'
import { MetricsRegistry } from './metrics.js'
import { type ClosedTrade, TradeLedger } from './TradeLedger.js'

/** A market-data feed the engine listens to, with what it needs to judge the feed's health. */
export interface FeedRegistration {
  /** Name used in health reports and metrics. */
  readonly name: string
  /** Venue id of the data. */
  readonly venue: string
  readonly source: MarketDataSource
  /** No data for this long means the feed is stale. Default: the engine's `feedHealth.staleAfterMs`. */
  readonly staleAfterMs?: number
  /**
   * Optional live status from the adapter: connection, book sync, venue heartbeat. A feed reporting
   * `healthy: false` is treated like a stale one.
   */
  readonly status?: () => FeedStatus
  /** Closes the feed's sockets on `stop()`. */
  readonly close?: () => Promise<void> | void
}

/** What an adapter reports about a feed (see {@link FeedRegistration.status}). */
export interface FeedStatus {
  readonly healthy: boolean
  /** Why not healthy (book resync, heartbeat lost, disconnected). */
  readonly reason?: string
  /** Websocket reconnects so far (for metrics). */
  readonly reconnects?: number
  /** Book resyncs so far (for metrics). */
  readonly bookResyncs?: number
}

/** A venue connection the engine watches for metrics and health (request latency, rate-limit headroom, heartbeat). */
export interface VenueRegistration {
  /** Venue id, as on instruments (`binance`, `polymarket`). */
  readonly venue: string
  /** The adapter's HTTP client (`spot.rest.http`, `clob.http`): latency, retries and rate-limit headroom. */
  readonly http?: HttpClient
  /**
   * The venue's dead-man's switch or session health (Polymarket order heartbeats). Unhealthy restricts every
   * instrument of the venue, like a stale feed.
   */
  readonly heartbeat?: () => { readonly healthy: boolean; readonly reason?: string }
}

/** Per-instrument trading restriction set by feed health. */
export const InstrumentState = { ACTIVE: 'ACTIVE', REDUCING: 'REDUCING', HALTED: 'HALTED' } as const
/** Union of {@link InstrumentState} values. */
export type InstrumentState = (typeof InstrumentState)[keyof typeof InstrumentState]

/** Options of {@link TradingEngine}. */
export interface TradingEngineConfig {
  readonly clock?: Clock
  /** pino-compatible logger; silent by default. Field objects are redacted. */
  readonly logger?: Logger
  readonly feeds: readonly FeedRegistration[]
  /** Venue connections to measure (latency, retries, rate-limit headroom) and whose heartbeat gates trading. */
  readonly venues?: readonly VenueRegistration[]
  readonly strategies: readonly Strategy[]
  readonly risk: RiskManager
  /** Execution clients; each signal goes to the one whose `venues` include the signal's venue. */
  readonly executors: readonly ExecutionClient[]
  readonly portfolio: Portfolio
  /** Instruments the strategies trade (their filters go into the risk check). */
  readonly instruments: readonly Instrument[]
  /** ATR kept per instrument for ATR-based stops. Default period 14, from the first candle interval seen. */
  readonly atr?: { readonly period?: number; readonly interval?: string }
  readonly feedHealth?: {
    /** Default 30 000 ms. */
    readonly staleAfterMs?: number
    /** What a stale or unhealthy feed does to its instruments. Default REDUCING. */
    readonly action?: 'REDUCING' | 'HALTED'
    /** How often feeds are checked. Default 1000 ms; 0 turns the periodic check off (backtests). */
    readonly checkIntervalMs?: number
  }
  /** Multi-leg groups (signals sharing a `groupId`). */
  readonly groups?: { readonly legTimeoutMs?: number; readonly maxUnwindSlippageBps?: number }
  readonly shutdown?: {
    /** Cancel open orders on stop. Default true. */
    readonly cancelOpenOrders?: boolean
    /** Bound on waiting for in-flight requests. Default 10 000 ms. */
    readonly timeoutMs?: number
  }
  /** Where strategy snapshots are saved on stop and loaded on start. */
  readonly stateStore?: StrategyStateStore
}

/** Saves and loads strategy snapshots (e.g. a JSON file). */
export interface StrategyStateStore {
  load(): Promise<Readonly<Record<string, unknown>> | undefined>
  save(state: Readonly<Record<string, unknown>>): Promise<void>
}

/** Emitted when feed health changes an instrument's trading restriction. */
export interface InstrumentStateChangedEvent {
  readonly type: 'engine.instrumentState'
  readonly venue: string
  readonly symbol: string
  readonly from: InstrumentState
  readonly to: InstrumentState
  readonly reason: string
  readonly tsEvent: number
}

/** Emitted when a multi-leg group finished. */
export interface GroupCompletedEvent {
  readonly type: 'engine.groupCompleted'
  readonly outcome: OrderGroupOutcome
  readonly tsEvent: number
}

/**
 * Emitted when a completed group was re-balanced because the venue reversed a fill of one leg (a failed Polymarket
 * settlement): the other legs were unwound down to what the reversed leg still holds (see `OrderGroup.rebalance`).
 */
export interface GroupRebalancedEvent {
  readonly type: 'engine.groupRebalanced'
  readonly outcome: OrderGroupOutcome
  /** The reversed fill. */
  readonly fill: Fill
  readonly tsEvent: number
}

/** A group the engine sent, followed for fill reversals after it completed (bounded, oldest dropped). */
interface SentGroup {
  readonly group: OrderGroup
  outcome: OrderGroupOutcome | undefined
  /** Reversals that arrived before `execute` resolved. */
  readonly early: Fill[]
  /** Rebalances of one group run one after the other. */
  chain: Promise<void>
}

/** Finished orders whose strategy the engine remembers, for late fills and reversals. */
const MAX_FINISHED_ORDERS = 10_000

/** Legs of sent groups the engine remembers, to re-balance them on a reversal. */
const MAX_GROUP_LEGS = 2_000

/** Everything the engine re-emits on its one typed stream. */
export interface TradingEngineEvents extends ExecutionEvents {
  candle: [c: Candle]
  trade: [t: Trade]
  book: [b: BookSnapshot]
  signal: [s: Signal]
  dataError: [e: TradekitError]
  'engine.instrumentState': [e: InstrumentStateChangedEvent]
  'engine.groupCompleted': [e: GroupCompletedEvent]
  'engine.groupRebalanced': [e: GroupRebalancedEvent]
  /** A round trip closed (flat → position → flat); its PnL fed the losing-streak breaker. */
  'trade.closed': [e: { type: 'trade.closed'; trade: ClosedTrade; tsEvent: number }]
  /** The RiskManager's trading state changed (a breaker, the kill switch, a resume). */
  'risk.stateChanged': [e: TradingStateChangedEvent]
  'risk.breakerTripped': [e: BreakerTrippedEvent]
  'risk.emergencyStop': [e: EmergencyStopEvent]
  'engine.started': [e: { type: 'engine.started'; tsEvent: number }]
  'engine.stopped': [e: { type: 'engine.stopped'; tsEvent: number }]
}

/** Health of one feed. */
export interface FeedHealth {
  readonly name: string
  readonly venue: string
  /** Time since the last event, ms (`null` before the first). */
  readonly lastDataAgeMs: number | null
  readonly healthy: boolean
  readonly reason?: string
}

/** What {@link TradingEngine.health} reports. */
export interface EngineHealth {
  readonly running: boolean
  readonly tradingState: string
  readonly feeds: readonly FeedHealth[]
  /** Venue heartbeats (Polymarket order heartbeats), when registered. */
  readonly venues: ReadonlyArray<{ venue: string; healthy: boolean; reason?: string }>
  readonly instruments: ReadonlyArray<{
    venue: string
    symbol: string
    state: InstrumentState
    reason?: string
  }>
  readonly openOrders: number
  readonly equity: string
  readonly drawdown: string
}

interface MarketState {
  /** Latest price as received (number); turned into a Decimal only when a signal needs it. */
  price?: number
  priceTs: number
  atr?: ATR
  atrInterval?: string
}

const key = (venue: string, symbol: string): string => `${venue}\u0000${symbol}`

/**
 * Wires feeds → strategies → RiskManager → execution clients → Portfolio through typed events, exactly as a host could
 * by hand, and nothing more. It keeps the latest price and ATR per instrument for risk, routes fills and order
 * updates back to the strategy that caused them, sends multi-leg signals through an `OrderGroup`, restricts
 * instruments whose feed goes silent or unhealthy, exposes `health()` and Prometheus `metrics()`, and shuts down
 * gracefully.
 *
 * @example
 * ```ts
 * const engine = new TradingEngine({ feeds: [{ name: 'binance', venue: 'binance', source: stream }],
 *   strategies: [new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })],
 *   risk, executors: [paper], portfolio: paper.portfolio, instruments: [btc] })
 * engine.events.on('order.filled', (e) => console.log(e.fill))
 * await engine.start()
 * process.once('SIGINT', () => void engine.stop())
 * ```
 */
export class TradingEngine {
  readonly #bus = new TypedEmitter<TradingEngineEvents>()
  /** Every module's events on one typed stream. */
  readonly events: Listenable<TradingEngineEvents> = this.#bus
  readonly #cfg: TradingEngineConfig
  readonly #clock: Clock
  readonly #log: Logger
  readonly #runners: StrategyRunner[]
  readonly #runnerById = new Map<string, StrategyRunner>()
  readonly #instruments = new Map<string, Instrument>()
  readonly #market = new Map<string, MarketState>()
  readonly #orderStrategy = new Map<string, string>()
  /** Strategies of recently finished orders (bounded): late fills and fill reversals still reach their strategy. */
  readonly #finishedStrategy = new Map<string, string>()
  readonly #feedLast = new Map<string, number>()
  readonly #feedInstruments = new Map<string, Set<string>>()
  readonly #restricted = new Map<string, { state: InstrumentState; reason: string }>()
  readonly #pendingGroups = new Map<string, Signal[]>()
  readonly #groupLegs = new Map<string, SentGroup>()
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #detach: Array<() => void> = []
  readonly #metrics = new MetricsRegistry()
  readonly #ledger = new TradeLedger()
  #lastRiskUpdate = Number.NEGATIVE_INFINITY
  #timer: ReturnType<Clock['setTimeout']> | undefined
  #running = false
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined

  constructor(config: TradingEngineConfig) {
    if (config.executors.length === 0)
      throw new ConfigError('TradingEngine needs at least one executor', ['executors: empty'])
    const ids = new Set<string>()
    for (const s of config.strategies) {
      if (ids.has(s.id))
        throw new ConfigError(`Duplicate strategy id "${s.id}"`, [`strategies: duplicate id ${s.id}`])
      ids.add(s.id)
    }
    this.#cfg = config
    this.#clock = config.clock ?? new SystemClock()
    this.#log = config.logger === undefined ? silentLogger : redactingLogger(config.logger)
    for (const i of config.instruments) {
      this.#instruments.set(key(i.venue, i.symbol), i)
      if (config.portfolio.instrument(i.venue, i.symbol) === undefined) config.portfolio.addInstrument(i)
    }
    const host = {
      clock: this.#clock,
      logger: this.#log,
      positions: () => config.portfolio.positions(),
      openOrders: (strategyId: string) => this.#openOrders({ strategyId }),
      cancelOrders: (f: OrderFilter) => this.#cancelAll(f),
    }
    this.#runners = config.strategies.map((s) => {
      const r = new StrategyRunner(s, host)
      this.#runnerById.set(s.id, r)
      r.events.on('signal', (sig) => this.#onSignal(sig))
      r.events.on('error', (e) => this.#bus.emit('error', e))
      return r
    })
  }

  /** Whether the engine is running. */
  get isRunning(): boolean {
    return this.#running
  }

  /** The trading restriction feed health put on an instrument. */
  instrumentState(venue: string, symbol: string): InstrumentState {
    return this.#restricted.get(key(venue, symbol))?.state ?? InstrumentState.ACTIVE
  }

  /** Loads risk and strategy state, connects every feed and executor, starts strategies. Safe to call twice. */
  start(): Promise<void> {
    if (this.#stopping !== undefined) return Promise.reject(new StateError('TradingEngine was stopped'))
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start(): Promise<void> {
    const { risk, portfolio } = this.#cfg
    await risk.start()
    const saved = await this.#cfg.stateStore?.load()
    for (const r of this.#runners) {
      const s = saved?.[r.strategy.id]
      if (s !== undefined) r.restore(s as { strategyId: string; state: unknown })
    }
    for (const ex of this.#cfg.executors) this.#wireExecutor(ex, portfolio)
    for (const f of this.#cfg.feeds) this.#wireFeed(f)
    for (const v of this.#cfg.venues ?? []) this.#wireVenue(v)
    this.#detach.push(this.#wireRisk(risk))
    this.#detach.push(this.#wirePortfolio(portfolio, risk))
    for (const r of this.#runners) r.start()
    this.#running = true
    this.#scheduleHealthCheck()
    this.#bus.emit('engine.started', { type: 'engine.started', tsEvent: this.#clock.now() })
    this.#log.info({ strategies: this.#runners.length, feeds: this.#cfg.feeds.length }, 'engine started')
  }

  /**
   * Graceful shutdown: stops strategies (no new signals), cancels or keeps open orders, waits for in-flight
   * requests up to the configured bound, closes feeds, saves strategy and risk state. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    await this.#starting?.catch(() => undefined)
    const cancel = this.#cfg.shutdown?.cancelOpenOrders ?? true
    const timeoutMs = this.#cfg.shutdown?.timeoutMs ?? 10_000
    this.#running = false
    this.#clock.clearTimeout(this.#timer)
    for (const r of this.#runners) r.stop()
    await this.#settle([...this.#inflight], timeoutMs)
    await this.#settle(
      this.#cfg.executors.map((ex) => ex.shutdown({ cancelOpenOrders: cancel, timeoutMs })),
      timeoutMs,
    )
    await this.#settle(
      this.#cfg.feeds.map((f) => Promise.resolve(f.close?.())),
      timeoutMs,
    )
    for (const d of this.#detach.splice(0)) d()
    const state: Record<string, unknown> = {}
    for (const r of this.#runners) {
      const s = r.snapshot()
      if (s !== undefined) state[r.strategy.id] = s
    }
    if (this.#cfg.stateStore !== undefined) {
      await this.#cfg.stateStore
        .save(state)
        .catch((e: unknown) => this.#bus.emit('error', toTradekitError(e)))
    }
    await this.#cfg.risk.flush().catch((e: unknown) => this.#bus.emit('error', toTradekitError(e)))
    this.#bus.emit('engine.stopped', { type: 'engine.stopped', tsEvent: this.#clock.now() })
    this.#log.info({}, 'engine stopped')
  }

  /** Connections, data age per feed, instrument restrictions, trading state, open orders, equity. */
  health(): EngineHealth {
    const now = this.#clock.now()
    return {
      running: this.#running,
      tradingState: this.#cfg.risk.state,
      feeds: this.#cfg.feeds.map((f) => this.#feedHealth(f, now)),
      venues: (this.#cfg.venues ?? []).flatMap((v) => {
        const h = v.heartbeat?.()
        if (h === undefined) return []
        return [
          { venue: v.venue, healthy: h.healthy, ...(h.reason !== undefined ? { reason: h.reason } : {}) },
        ]
      }),
      instruments: [...this.#instruments.values()].map((i) => {
        const r = this.#restricted.get(key(i.venue, i.symbol))
        return {
          venue: i.venue,
          symbol: i.symbol,
          state: r?.state ?? InstrumentState.ACTIVE,
          ...(r !== undefined ? { reason: r.reason } : {}),
        }
      }),
      openOrders: this.#openOrders().length,
      equity: this.#cfg.portfolio.equity().toFixed(),
      drawdown: this.#cfg.portfolio.drawdown().toFixed(),
    }
  }

  /** The Prometheus / OpenMetrics text exposition of the engine's metrics. */
  metrics(): string {
    const m = this.#metrics
    const now = this.#clock.now()
    const age = m.gauge('tradekit_feed_last_data_age_seconds', 'Seconds since the feed last delivered data')
    const healthy = m.gauge('tradekit_feed_healthy', '1 when the feed is healthy')
    const reconnects = m.gauge('tradekit_ws_reconnects', 'WebSocket reconnects reported by the feed')
    const resyncs = m.gauge('tradekit_book_resyncs', 'Order book resyncs reported by the feed')
    for (const f of this.#cfg.feeds) {
      const h = this.#feedHealth(f, now)
      const labels = { feed: f.name, venue: f.venue }
      if (h.lastDataAgeMs !== null) age.set(h.lastDataAgeMs / 1000, labels)
      healthy.set(h.healthy ? 1 : 0, labels)
      const st = f.status?.()
      if (st?.reconnects !== undefined) reconnects.set(st.reconnects, labels)
      if (st?.bookResyncs !== undefined) resyncs.set(st.bookResyncs, labels)
    }
    const remaining = m.gauge('tradekit_rate_limit_remaining', 'Rate-limit budget left per window')
    const waits = m.gauge(
      'tradekit_rate_limit_waits',
      'Requests that waited for rate-limit budget (cumulative)',
    )
    const waitedMs = m.gauge(
      'tradekit_rate_limit_waited_seconds',
      'Time spent waiting for budget (cumulative)',
    )
    const banned = m.gauge('tradekit_rate_limit_banned', '1 while the venue bans this client')
    for (const v of this.#cfg.venues ?? []) {
      const snap = v.http?.rateLimiter.snapshot()
      if (snap === undefined) continue
      for (const w of snap.windows) remaining.set(w.remaining, { venue: v.venue, window: w.id })
      waits.set(snap.waited, { venue: v.venue })
      waitedMs.set(snap.waitedMs / 1000, { venue: v.venue })
      banned.set(snap.bannedUntilMs !== undefined && snap.bannedUntilMs > now ? 1 : 0, { venue: v.venue })
    }
    const hb = m.gauge('tradekit_venue_heartbeat_healthy', '1 when the venue heartbeat is healthy')
    for (const v of this.#cfg.venues ?? []) {
      const h = v.heartbeat?.()
      if (h !== undefined) hb.set(h.healthy ? 1 : 0, { venue: v.venue })
    }
    const p = this.#cfg.portfolio
    m.gauge('tradekit_equity', 'Mark-to-market equity in the account currency').set(p.equity().toNumber())
    m.gauge('tradekit_drawdown_ratio', 'Drawdown from peak equity (0..1)').set(p.drawdown().toNumber())
    m.gauge('tradekit_open_orders', 'Open orders across executors').set(this.#openOrders().length)
    const state = this.#cfg.risk.state
    const g = m.gauge('tradekit_trading_state', '1 for the current trading state')
    for (const s of ['ACTIVE', 'REDUCING', 'HALTED']) g.set(s === state ? 1 : 0, { state: s })
    return m.render()
  }

  /** The registry behind {@link TradingEngine.metrics}, for adding your own metrics (e.g. HTTP latency). */
  get metricsRegistry(): MetricsRegistry {
    return this.#metrics
  }

  #feedHealth(f: FeedRegistration, now: number): FeedHealth {
    const last = this.#feedLast.get(f.name)
    const staleAfter = f.staleAfterMs ?? this.#cfg.feedHealth?.staleAfterMs ?? 30_000
    const st = f.status?.()
    const age = last === undefined ? null : now - last
    let reason: string | undefined
    if (st !== undefined && !st.healthy) reason = st.reason ?? 'feed reports unhealthy'
    else if (age !== null && age > staleAfter) reason = `no data for ${age} ms`
    return {
      name: f.name,
      venue: f.venue,
      lastDataAgeMs: age,
      healthy: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
    }
  }

  #wireFeed(f: FeedRegistration): void {
    const ev = f.source.events
    const seen = (venue: string, symbol: string): void => {
      this.#feedLast.set(f.name, this.#clock.now())
      let set = this.#feedInstruments.get(f.name)
      if (set === undefined) {
        set = new Set()
        this.#feedInstruments.set(f.name, set)
      }
      set.add(key(venue, symbol))
    }
    const onCandle = (c: Candle): void => {
      seen(c.venue, c.symbol)
      this.#forPaper((p) => p.onCandle?.(c))
      this.#cfg.portfolio.onCandle(c)
      this.#updateMarket(c.venue, c.symbol, c.close, c.closeTime)
      if (c.isClosed) this.#updateAtr(c)
      this.#updateRisk(c.isClosed)
      this.#bus.emit('candle', c)
      for (const r of this.#runners) r.candle(c)
    }
    const onTrade = (t: Trade): void => {
      seen(t.venue, t.symbol)
      this.#forPaper((p) => p.onTrade?.(t))
      this.#cfg.portfolio.onTrade(t)
      this.#updateMarket(t.venue, t.symbol, t.price, t.tsEvent)
      this.#updateRisk(false)
      this.#bus.emit('trade', t)
      for (const r of this.#runners) r.trade(t)
    }
    const onBook = (b: BookSnapshot): void => {
      seen(b.venue, b.symbol)
      this.#forPaper((p) => p.onBook?.(b))
      this.#cfg.portfolio.onBook(b)
      const bid = b.bids[0]?.[0]
      const ask = b.asks[0]?.[0]
      if (bid !== undefined && ask !== undefined)
        this.#updateMarket(b.venue, b.symbol, (bid + ask) / 2, b.tsEvent)
      this.#bus.emit('book', b)
      for (const r of this.#runners) r.book(b)
    }
    const onDataError = (e: TradekitError): void => {
      this.#metrics
        .counter('tradekit_data_errors', 'Venue payloads rejected by decoders')
        .inc({ feed: f.name })
      this.#bus.emit('dataError', e)
    }
    const onError = (e: TradekitError): void => {
      this.#bus.emit('error', e)
    }
    ev.on('candle', onCandle)
    ev.on('trade', onTrade)
    ev.on('book', onBook)
    ev.on('dataError', onDataError)
    ev.on('error', onError)
    this.#detach.push(() => {
      ev.off('candle', onCandle)
      ev.off('trade', onTrade)
      ev.off('book', onBook)
      ev.off('dataError', onDataError)
      ev.off('error', onError)
    })
  }

  #wireVenue(v: VenueRegistration): void {
    const http = v.http
    if (http === undefined) return
    const latency = this.#metrics.histogram(
      'tradekit_http_request_duration_seconds',
      'Venue REST latency per attempt',
    )
    const retries = this.#metrics.counter('tradekit_http_retries', 'Venue REST retries')
    const onResponse = (e: { status: number; durationMs: number }): void => {
      latency.observe(e.durationMs / 1000, { venue: v.venue, status: `${Math.floor(e.status / 100)}xx` })
    }
    const onRetry = (): void => retries.inc({ venue: v.venue })
    http.events.on('response', onResponse)
    http.events.on('request.retrying', onRetry)
    this.#detach.push(() => {
      http.events.off('response', onResponse)
      http.events.off('request.retrying', onRetry)
    })
  }

  /** Paper executors consume market data to fill; live executors don't have these hooks. */
  #forPaper(
    fn: (p: { onCandle?(c: Candle): void; onTrade?(t: Trade): void; onBook?(b: BookSnapshot): void }) => void,
  ): void {
    for (const ex of this.#cfg.executors) {
      const p = ex as unknown as {
        onCandle?(c: Candle): void
        onTrade?(t: Trade): void
        onBook?(b: BookSnapshot): void
      }
      if (
        typeof p.onCandle === 'function' ||
        typeof p.onTrade === 'function' ||
        typeof p.onBook === 'function'
      )
        fn(p)
    }
  }

  #wireExecutor(ex: ExecutionClient, portfolio: Portfolio): void {
    // A PaperTrader books its own fills into its portfolio; anything else (live) is followed here.
    const owned = (ex as { portfolio?: unknown }).portfolio === portfolio
    if (!owned) this.#detach.push(portfolio.attach(ex))
    this.#detach.push(this.#cfg.risk.registerExecutor(ex))
    const orders = this.#metrics.counter('tradekit_orders', 'Order events by outcome')
    const venueLabel = (o: Order) => ({ venue: o.venue })
    const relay = <K extends keyof ExecutionEvents & string>(name: K, outcome?: string) => {
      const fn = ((...args: ExecutionEvents[K]) => {
        const e = args[0] as { order?: Order }
        if (outcome !== undefined && e.order !== undefined) orders.inc({ ...venueLabel(e.order), outcome })
        if (e.order !== undefined) this.#routeOrderUpdate(e.order)
        this.#bus.emit(name, ...(args as unknown as TradingEngineEvents[K]))
      }) as (...args: ExecutionEvents[K]) => void
      ex.events.on(name, fn as never)
      this.#detach.push(() => ex.events.off(name, fn as never))
    }
    relay('order.submitted', 'submitted')
    relay('order.accepted', 'accepted')
    relay('order.canceled', 'canceled')
    relay('order.rejected', 'rejected')
    relay('order.expired', 'expired')
    relay('order.denied')
    relay('order.fillReversed', 'fill_reversed')
    relay('order.invalidTransition', 'invalid_transition')
    relay('error')
    const onFill = (e: ExecutionEvents['order.filled'][0]): void => {
      orders.inc({ venue: e.order.venue, outcome: 'fill' })
      const sid = this.#strategyOf(e.order.clientOrderId)
      if (sid !== undefined) this.#runnerById.get(sid)?.fill(e.fill)
      this.#routeOrderUpdate(e.order, false)
      this.#bus.emit('order.filled', e)
    }
    ex.events.on('order.filled', onFill)
    this.#detach.push(() => ex.events.off('order.filled', onFill))
    const onReversed = (e: ExecutionEvents['order.fillReversed'][0]): void => {
      const sid = this.#strategyOf(e.fill.clientOrderId)
      if (sid !== undefined) this.#runnerById.get(sid)?.fillReversed(e.fill)
      this.#onFillReversed(e.fill)
    }
    ex.events.on('order.fillReversed', onReversed)
    this.#detach.push(() => ex.events.off('order.fillReversed', onReversed))
  }

  #wirePortfolio(portfolio: Portfolio, risk: RiskManager): () => void {
    const onApplied = (e: { applied: Parameters<TradeLedger['apply']>[0]; tsEvent: number }): void => {
      const trade = this.#ledger.apply(e.applied)
      this.#updateRisk(true)
      if (trade === undefined) return
      risk.recordTradeResult(trade.pnl)
      this.#bus.emit('trade.closed', { type: 'trade.closed', trade, tsEvent: e.tsEvent })
    }
    // A reversed fill leaves the ledger's round trip as if it had never happened; it closes no trade of its own.
    const onReversed = (e: { applied: Parameters<TradeLedger['apply']>[0] }): void => {
      const { fill } = e.applied
      this.#ledger.apply({ ...e.applied, fill: { ...fill, fee: fill.fee.neg() } })
      this.#updateRisk(true)
    }
    const onError = (e: TradekitError): void => {
      this.#bus.emit('error', e)
    }
    portfolio.events.on('fill.applied', onApplied)
    portfolio.events.on('fill.reversed', onReversed)
    portfolio.events.on('error', onError)
    return () => {
      portfolio.events.off('fill.applied', onApplied)
      portfolio.events.off('fill.reversed', onReversed)
      portfolio.events.off('error', onError)
    }
  }

  /** Feeds mark-to-market equity to the breakers: after every fill and candle, at most once a second otherwise. */
  #updateRisk(force: boolean): void {
    const now = this.#clock.now()
    if (!force && now - this.#lastRiskUpdate < 1000) return
    this.#lastRiskUpdate = now
    this.#cfg.risk.update(this.#cfg.portfolio.snapshot(this.#openOrders()))
  }

  #wireRisk(risk: RiskManager): () => void {
    const decisions = this.#metrics.counter('tradekit_risk_decisions', 'Risk decisions')
    const trips = this.#metrics.counter('tradekit_breaker_trips', 'Circuit breaker trips by breaker')
    const onDenied = (): void => decisions.inc({ decision: 'denied' })
    const onApproved = (): void => decisions.inc({ decision: 'approved' })
    const onState = (e: TradingStateChangedEvent): void => {
      this.#log.warn({ from: e.from, to: e.to, reason: e.reason }, 'trading state changed')
      this.#bus.emit('risk.stateChanged', e)
    }
    const onTrip = (e: BreakerTrippedEvent): void => {
      trips.inc({ breaker: e.breaker })
      this.#bus.emit('risk.breakerTripped', e)
    }
    const onStop = (e: EmergencyStopEvent): void => {
      this.#bus.emit('risk.emergencyStop', e)
    }
    const onError = (e: TradekitError): void => {
      this.#bus.emit('error', e)
    }
    risk.events.on('risk.denied', onDenied)
    risk.events.on('risk.approved', onApproved)
    risk.events.on('risk.stateChanged', onState)
    risk.events.on('risk.breakerTripped', onTrip)
    risk.events.on('risk.emergencyStop', onStop)
    risk.events.on('error', onError)
    return () => {
      risk.events.off('risk.denied', onDenied)
      risk.events.off('risk.approved', onApproved)
      risk.events.off('risk.stateChanged', onState)
      risk.events.off('risk.breakerTripped', onTrip)
      risk.events.off('risk.emergencyStop', onStop)
      risk.events.off('error', onError)
    }
  }

  #routeOrderUpdate(order: Order, notify = true): void {
    const sid = this.#strategyOf(order.clientOrderId)
    if (sid === undefined) return
    if (notify) this.#runnerById.get(sid)?.orderUpdate(order)
    if (
      order.status === 'FILLED' ||
      order.status === 'CANCELED' ||
      order.status === 'REJECTED' ||
      order.status === 'EXPIRED'
    ) {
      // Keep the live mapping small; a finished order can still get a late fill or a reversal for a while.
      this.#orderStrategy.delete(order.clientOrderId)
      this.#finishedStrategy.set(order.clientOrderId, sid)
      if (this.#finishedStrategy.size > MAX_FINISHED_ORDERS) {
        const oldest = this.#finishedStrategy.keys().next().value
        if (oldest !== undefined) this.#finishedStrategy.delete(oldest)
      }
    }
  }

  /** The strategy that sent an order, live or recently finished. */
  #strategyOf(clientOrderId: string): string | undefined {
    return this.#orderStrategy.get(clientOrderId) ?? this.#finishedStrategy.get(clientOrderId)
  }

  #updateMarket(venue: string, symbol: string, price: number, ts: number): void {
    if (!(price > 0) || !Number.isFinite(price)) return
    const k = key(venue, symbol)
    let m = this.#market.get(k)
    if (m === undefined) {
      m = { priceTs: ts }
      this.#market.set(k, m)
    }
    m.price = price
    m.priceTs = ts
  }

  #updateAtr(c: Candle): void {
    const k = key(c.venue, c.symbol)
    const m = this.#market.get(k)
    if (m === undefined) return
    const wanted = this.#cfg.atr?.interval
    if (m.atrInterval === undefined) {
      if (wanted !== undefined && wanted !== c.interval) return
      m.atrInterval = c.interval
      m.atr = new ATR(this.#cfg.atr?.period ?? 14)
    }
    if (m.atrInterval !== c.interval) return
    try {
      m.atr?.update(c)
    } catch (e) {
      this.#bus.emit('dataError', toTradekitError(e))
    }
  }

  #marketSnapshot(s: Signal): MarketSnapshot | undefined {
    const inst = this.#instruments.get(key(s.venue, s.symbol))
    const m = this.#market.get(key(s.venue, s.symbol))
    if (inst === undefined || m?.price === undefined) return undefined
    const atr = m.atr?.value
    return {
      instrument: inst,
      price: new Decimal(m.price),
      priceTs: m.priceTs,
      ...(atr !== undefined ? { atr } : {}),
    }
  }

  #onSignal(s: Signal): void {
    this.#bus.emit('signal', s)
    if (!this.#running) return
    if (s.groupId !== undefined) {
      // Legs of one group are emitted together: collect them and execute after the current event.
      let legs = this.#pendingGroups.get(s.groupId)
      if (legs === undefined) {
        legs = []
        this.#pendingGroups.set(s.groupId, legs)
        const id = s.groupId
        queueMicrotask(() => this.#flushGroup(id))
      }
      legs.push(s)
      return
    }
    const ex = this.#executorFor(s.venue)
    if (ex === undefined) {
      this.#deny(s, 'NO_EXECUTOR', `No executor trades on venue "${s.venue}"`)
      return
    }
    const intent = this.#approve(s)
    if (intent === undefined) return
    this.#orderStrategy.set(intent.clientOrderId, s.strategyId)
    this.#track(
      ex.submit(intent).catch((e: unknown) => {
        this.#orderStrategy.delete(intent.clientOrderId)
        this.#bus.emit('error', toTradekitError(e))
      }),
    )
  }

  #flushGroup(groupId: string): void {
    const legs = this.#pendingGroups.get(groupId) ?? []
    this.#pendingGroups.delete(groupId)
    if (legs.length === 0) return
    // One OrderGroup drives one executor: legs on several venues cannot be sent as a group.
    const venues = new Set(legs.map((l) => l.venue))
    const ex = venues.size === 1 ? this.#executorFor(legs[0]?.venue as string) : undefined
    if (ex === undefined) {
      const why =
        venues.size === 1
          ? `No executor trades on venue "${legs[0]?.venue}"`
          : `Group "${groupId}" spans several venues`
      for (const l of legs) this.#deny(l, venues.size === 1 ? 'NO_EXECUTOR' : 'GROUP_UNROUTABLE', why)
      return
    }
    // All or none: a leg refused by the feed gate or the RiskManager drops the group, and nothing is sent or counted.
    const gated: Array<{ signal: Signal; market: MarketSnapshot }> = []
    for (const signal of legs) {
      const market = this.#gate(signal)
      if (market === undefined) {
        for (const other of legs) {
          if (other !== signal)
            this.#deny(other, 'GROUP_DENIED', `Another leg of group "${groupId}" was refused`)
        }
        return
      }
      gated.push({ signal, market })
    }
    const decided = this.#cfg.risk.evaluateGroup(gated, this.#cfg.portfolio.snapshot(this.#openOrders()))
    if (!decided.ok) {
      for (const [i, r] of decided.error.entries()) this.#deny(legs[i] as Signal, r.code, r.message)
      return
    }
    const intents = decided.value
    // Every leg gets the smallest approved quantity so the group stays balanced.
    const qty = Decimal.min(...intents.map((i) => i.qty))
    const balanced = intents.map((i) => ({ ...i, qty }))
    for (const i of balanced) this.#orderStrategy.set(i.clientOrderId, i.strategyId)
    const group = new OrderGroup({
      client: ex,
      clock: this.#clock,
      instruments: balanced.flatMap((i) => {
        const inst = this.#instruments.get(key(i.venue, i.symbol))
        return inst === undefined ? [] : [inst]
      }),
      ...(this.#cfg.groups?.legTimeoutMs !== undefined
        ? { legTimeoutMs: this.#cfg.groups.legTimeoutMs }
        : {}),
      ...(this.#cfg.groups?.maxUnwindSlippageBps !== undefined
        ? { maxUnwindSlippageBps: this.#cfg.groups.maxUnwindSlippageBps }
        : {}),
    })
    const sent: SentGroup = { group, outcome: undefined, early: [], chain: Promise.resolve() }
    for (const i of balanced) this.#groupLegs.set(i.clientOrderId, sent)
    while (this.#groupLegs.size > MAX_GROUP_LEGS) {
      const oldest = this.#groupLegs.keys().next().value
      if (oldest === undefined) break
      this.#groupLegs.delete(oldest)
    }
    this.#track(
      group.execute(balanced, groupId).then(
        (outcome) => {
          this.#bus.emit('engine.groupCompleted', {
            type: 'engine.groupCompleted',
            outcome,
            tsEvent: this.#clock.now(),
          })
          sent.outcome = outcome
          if (outcome.status !== 'COMPLETED') {
            // Failed groups were unwound by the group itself; nothing is left to re-balance.
            for (const l of outcome.legs) this.#groupLegs.delete(l.intent.clientOrderId)
            return
          }
          for (const f of sent.early.splice(0)) this.#rebalance(sent, f)
        },
        (e: unknown) => this.#bus.emit('error', toTradekitError(e)),
      ),
    )
  }

  /** A fill of a group leg was reversed: re-balance the group (after `execute` resolved, one at a time). */
  #onFillReversed(fill: Fill): void {
    const sent = this.#groupLegs.get(fill.clientOrderId)
    if (sent === undefined) return
    if (sent.outcome === undefined) sent.early.push(fill)
    else this.#rebalance(sent, fill)
  }

  #rebalance(sent: SentGroup, fill: Fill): void {
    const run = sent.chain.then(async () => {
      const before = sent.outcome as OrderGroupOutcome
      this.#log.warn(
        { groupId: before.groupId, clientOrderId: fill.clientOrderId, qty: fill.qty.toString() },
        'group leg reversed by the venue: re-balancing the other legs',
      )
      const outcome = await sent.group.rebalance(before, fill)
      sent.outcome = outcome
      this.#bus.emit('engine.groupRebalanced', {
        type: 'engine.groupRebalanced',
        outcome,
        fill,
        tsEvent: this.#clock.now(),
      })
    })
    sent.chain = run.catch((e: unknown) => {
      this.#bus.emit('error', toTradekitError(e))
    })
    this.#track(sent.chain)
  }

  /** Runs the feed-health gate and the RiskManager; emits `order.denied` on refusal. */
  #approve(s: Signal): OrderIntent | undefined {
    const market = this.#gate(s)
    if (market === undefined) return undefined
    const account = this.#cfg.portfolio.snapshot(this.#openOrders())
    const r = this.#cfg.risk.evaluate(s, account, market)
    if (r.ok) return r.value
    this.#deny(s, r.error.code, r.error.message)
    return undefined
  }

  /** The feed-health gate and the market data a decision needs; `undefined` (and `order.denied`) when refused. */
  #gate(s: Signal): MarketSnapshot | undefined {
    const restriction = this.#restricted.get(key(s.venue, s.symbol))
    if (restriction !== undefined && (restriction.state === 'HALTED' || s.intent === 'ENTRY')) {
      this.#deny(s, 'FEED_UNHEALTHY', restriction.reason)
      return undefined
    }
    const market = this.#marketSnapshot(s)
    if (market === undefined) {
      this.#deny(s, 'NO_MARKET_DATA', `No instrument or price for "${s.venue}:${s.symbol}"`)
      return undefined
    }
    return market
  }

  #deny(s: Signal, code: string, reason: string): void {
    this.#metrics
      .counter('tradekit_orders', 'Order events by outcome')
      .inc({ venue: s.venue, outcome: 'denied' })
    this.#bus.emit('order.denied', {
      type: 'order.denied',
      signal: s,
      code,
      reason,
      tsEvent: this.#clock.now(),
    })
  }

  #executorFor(venue: string): ExecutionClient | undefined {
    const ex = this.#cfg.executors.find((e) => e.venues.includes(venue))
    if (ex === undefined) this.#bus.emit('error', new StateError(`No executor trades on venue "${venue}"`))
    return ex
  }

  #openOrders(filter?: OrderFilter): Order[] {
    return this.#cfg.executors.flatMap((e) => [...e.openOrders(filter)])
  }

  async #cancelAll(filter: OrderFilter): Promise<CancelAllResult> {
    const results = await Promise.all(this.#cfg.executors.map((e) => e.cancelAll(filter)))
    return { canceled: results.flatMap((r) => r.canceled), failed: results.flatMap((r) => r.failed) }
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p)
    void p.finally(() => this.#inflight.delete(p))
  }

  async #settle(ps: Promise<unknown>[], timeoutMs: number): Promise<void> {
    if (ps.length === 0) return
    let timer: ReturnType<Clock['setTimeout']> | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = this.#clock.setTimeout(resolve, timeoutMs)
    })
    await Promise.race([Promise.allSettled(ps), timeout])
    this.#clock.clearTimeout(timer)
  }

  #scheduleHealthCheck(): void {
    if (!this.#running) return
    const every = this.#cfg.feedHealth?.checkIntervalMs ?? 1000
    if (every <= 0) return
    this.#timer = this.#clock.setTimeout(() => {
      this.checkFeedHealth()
      this.#scheduleHealthCheck()
    }, every)
  }

  /**
   * Re-evaluates every feed now (the engine also does it every `checkIntervalMs`): a stale or unhealthy feed moves
   * its instruments to REDUCING (or HALTED); a healthy one moves them back to ACTIVE. Each change is an event.
   */
  checkFeedHealth(): void {
    const now = this.#clock.now()
    const action: InstrumentState = this.#cfg.feedHealth?.action ?? 'REDUCING'
    const desired = new Map<string, { state: InstrumentState; reason: string }>()
    for (const f of this.#cfg.feeds) {
      const h = this.#feedHealth(f, now)
      if (h.healthy) continue
      for (const k of this.#feedInstruments.get(f.name) ?? []) {
        desired.set(k, { state: action, reason: `feed "${f.name}": ${h.reason ?? 'unhealthy'}` })
      }
    }
    for (const v of this.#cfg.venues ?? []) {
      const h = v.heartbeat?.()
      if (h === undefined || h.healthy) continue
      for (const i of this.#instruments.values()) {
        if (i.venue !== v.venue) continue
        desired.set(key(i.venue, i.symbol), {
          state: action,
          reason: `venue "${v.venue}" heartbeat: ${h.reason ?? 'unhealthy'}`,
        })
      }
    }
    for (const [k, d] of desired) {
      const cur = this.#restricted.get(k)
      if (cur?.state !== d.state) this.#setRestriction(k, d.state, d.reason, cur?.state ?? 'ACTIVE')
    }
    for (const [k, cur] of [...this.#restricted]) {
      if (!desired.has(k)) this.#setRestriction(k, 'ACTIVE', 'feed healthy again', cur.state)
    }
  }

  #setRestriction(k: string, to: InstrumentState, reason: string, from: InstrumentState): void {
    if (to === 'ACTIVE') this.#restricted.delete(k)
    else this.#restricted.set(k, { state: to, reason })
    const [venue = '', symbol = ''] = k.split('\u0000')
    this.#log.warn({ venue, symbol, from, to, reason }, 'instrument trading state changed')
    this.#bus.emit('engine.instrumentState', {
      type: 'engine.instrumentState',
      venue,
      symbol,
      from,
      to,
      reason,
      tsEvent: this.#clock.now(),
    })
  }
}
