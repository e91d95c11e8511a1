import type * as z from 'zod/mini'
import { type Clock, SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import type { Listenable } from '../core/events.js'
import { TypedEmitter } from '../core/events.js'
import { type Logger, redactingLogger, silentLogger } from '../core/logger.js'
import type { CancelAllResult, ExecutionClient, OrderFilter, Signal } from '../core/ports.js'
import type { BookSnapshot, Candle, Order, Trade } from '../core/types.js'
import { StateError, type TradekitError, toTradekitError } from '../errors/index.js'
import type { FillApplied, QuoteManager } from '../execution/index.js'
import type { TradingState } from '../risk/index.js'
import { StrategyRunner } from '../strategies/index.js'
import { relayTransfers } from './bookTransfer.js'
import { type EngineHealth, EngineMetrics } from './EngineMetrics.js'
import { EngineStartup } from './EngineStartup.js'
import { applyFeedHealth, FeedHealthMonitor, type FeedRegistration } from './FeedHealthMonitor.js'
import { journalEngine } from './journalEngine.js'
import { MarketCache } from './MarketCache.js'
import { MarketDataFanout } from './MarketDataFanout.js'
import type { MetricsRegistry } from './metrics.js'
import { OrderStrategyMap } from './OrderStrategyMap.js'
import { QuoteRouter } from './QuoteRouter.js'
import { relayExecutorEvents } from './relayExecutorEvents.js'
import { relayRiskEvents } from './relayRiskEvents.js'
import { repeatEvery } from './repeatEvery.js'
import { SignalRouter } from './SignalRouter.js'
import { restoreStrategies, snapshotStrategies } from './StrategyStateStore.js'
import { Subscriptions } from './Subscriptions.js'
import { stopWaits } from './stopWaits.js'
import { TradeLedger } from './TradeLedger.js'
import { type TradingEngineConfig, TradingEngineConfigSchema } from './TradingEngineConfig.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

/**
 * Wires feeds → strategies → RiskManager → execution clients → Portfolio through typed events, exactly as a host could
 * by hand, and nothing more. Each job is a unit of its own: `MarketCache` (price and ATR per instrument,
 * written once per event), `FeedHealthMonitor` (a silent or unhealthy feed restricts its instruments in the
 * RiskManager, which owns the per-instrument trading state and denies), `GroupRouter` (multi-leg signals through an `OrderGroup`), `OrderStrategyMap` (fills back to their
 * strategy) and `EngineMetrics` (`health()`, Prometheus `metrics()`). The engine marks its Portfolio once per market
 * event and forwards the event to each executor's declared `marketData` port.
 *
 * @example
 * ```ts
 * const engine = new TradingEngine({ feeds: [{ name: 'binance', venue: 'binance', source: stream }],
 *   strategies: [new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })],
 *   risk, executors: [paper], portfolio: paper.portfolio, instruments: [btc] })
 * engine.events.on('order.filled', (e) => console.log(e.order.status, e.fills))
 * await engine.start()
 * process.once('SIGINT', () => void engine.stop())
 * ```
 */
export class TradingEngine {
  readonly #bus = new TypedEmitter<TradingEngineEvents>()
  /** Every module's events on one typed stream. */
  readonly events: Listenable<TradingEngineEvents> = this.#bus
  readonly #cfg: z.output<typeof TradingEngineConfigSchema>
  readonly #clock: Clock
  readonly #log: Logger
  readonly #runners: StrategyRunner[]
  readonly #runnerById = new Map<string, StrategyRunner>()
  readonly #market: MarketCache
  readonly #fanout: MarketDataFanout
  readonly #orders: OrderStrategyMap
  readonly #monitor: FeedHealthMonitor
  readonly #signals: SignalRouter
  readonly #quotes: QuoteRouter
  readonly #metrics: EngineMetrics
  readonly #ledger = new TradeLedger()
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #subs = new Subscriptions()
  #lastRiskUpdate = Number.NEGATIVE_INFINITY
  /** The portfolio version of the last snapshot the RiskManager got (see #updateRisk). */
  #riskVersion = -1
  /** Stops the feed-health checks (armed once running). */
  #stopHealthChecks: () => void = () => {}
  #running = false
  #startup: EngineStartup | undefined
  #stopping: Promise<void> | undefined

  constructor(config: TradingEngineConfig) {
    const cfg = parseConfig(TradingEngineConfigSchema, config, 'TradingEngine')
    this.#cfg = cfg
    const clock = cfg.clock ?? new SystemClock()
    this.#clock = clock
    this.#log = cfg.logger === undefined ? silentLogger : redactingLogger(cfg.logger)
    this.#orders = new OrderStrategyMap(undefined, (cid, sid) => cfg.portfolio.attribute(cid, sid))
    for (const i of cfg.instruments) {
      if (cfg.portfolio.instrument(i.venue, i.symbol) === undefined) cfg.portfolio.addInstrument(i)
      cfg.risk.addInstrument(i) // the kill switch can round a flatten of any instrument the engine trades
    }
    this.#market = new MarketCache({
      instruments: cfg.instruments,
      atr: cfg.atr,
      onDataError: (e) => this.#bus.emit('dataError', toTradekitError(e)),
      onCandleIgnored: (e) => this.#bus.emit('candle.ignored', e),
      now: () => clock.now(),
    })
    this.#fanout = new MarketDataFanout(cfg.portfolio, this.#market)
    for (const ex of cfg.executors) this.#fanout.addExecutor(ex) // fed only by the feeds a start wires
    this.#monitor = new FeedHealthMonitor({
      clock,
      feeds: cfg.feeds,
      venues: cfg.venues,
      instruments: cfg.instruments,
      staleAfterMs: cfg.feedHealth.staleAfterMs,
      action: cfg.feedHealth.action,
      onError: (e) => this.#bus.emit('error', e),
    })
    this.#metrics = new EngineMetrics({
      clock,
      feeds: cfg.feeds,
      venues: cfg.venues,
      market: this.#market,
      monitor: this.#monitor,
      risk: cfg.risk,
      account: cfg.portfolio,
      openOrders: () => this.#openOrders().length,
    })
    this.#signals = new SignalRouter({
      clock,
      logger: this.#log,
      ...(cfg.groups !== undefined ? { groups: cfg.groups } : {}),
      executors: cfg.executors,
      risk: cfg.risk,
      account: (strategyId) =>
        cfg.portfolio.snapshot(this.#openOrders(), strategyId === undefined ? undefined : { strategyId }),
      market: this.#market,
      orders: this.#orders,
      denied: (venue) => this.#metrics.order(venue, 'denied'),
      track: (p) => this.#track(p),
      bus: this.#bus,
    })
    const onError = (e: TradekitError): void => void this.#bus.emit('error', e)
    const deps = { clock, logger: this.#log, market: this.#market, orders: this.#orders, onError }
    this.#quotes = new QuoteRouter({ ...cfg, ...deps })
    this.#runners = cfg.strategies.map((s) => this.#runner(s))
  }

  /** The QuoteManager keeping `venue`'s quotes (for metrics and manual pulls); `undefined` without an executor. */
  quoteManager(venue: string): QuoteManager | undefined {
    return this.#quotes.manager(venue)
  }

  /** Whether the engine is running. */
  get isRunning(): boolean {
    return this.#running
  }

  /** Submissions, cancels and group executions still in flight (a backtest waits for them before the next candle). */
  get inFlight(): number {
    return this.#inflight.size
  }

  /** An instrument's trading state, as the RiskManager holds it (feed health writes it there): `ACTIVE` unless restricted. */
  instrumentState(venue: string, symbol: string): TradingState {
    return this.#cfg.risk.instrumentState(venue, symbol)
  }

  /**
   * Loads risk and strategy state, connects every feed and executor, starts strategies. Safe to call twice. A start
   * that fails is undone (nothing stays wired) and may be retried; one a `stop()` cut short rejects with a StateError.
   */
  start(): Promise<void> {
    if (this.#stopping !== undefined) return Promise.reject(new StateError('TradingEngine was stopped'))
    // A failed start was undone: another one begins.
    if (this.#startup === undefined || this.#startup.failed)
      this.#startup = new EngineStartup(
        (alive) => this.#start(alive),
        () => this.#subs.clear(),
      )
    return this.#startup.done
  }

  /** The start's steps; `alive()` after each wait ends one a stop gave up on (its wiring is then undone). */
  async #start(alive: () => void): Promise<void> {
    await this.#cfg.risk.start()
    alive()
    const saved = await this.#cfg.stateStore?.load()
    alive()
    restoreStrategies(this.#runners, saved)
    for (const ex of this.#cfg.executors) this.#wireExecutor(ex)
    for (const f of this.#cfg.feeds) this.#wireFeed(f)
    for (const v of this.#cfg.venues) this.#metrics.watchHttp(v, this.#subs)
    relayRiskEvents(this.#cfg.risk, this.#subs, { bus: this.#bus, log: this.#log, metrics: this.#metrics })
    this.#quotes.wire(this.#subs)
    this.#wirePortfolio()
    if (this.#cfg.journal !== undefined) {
      const [clock, subs, bus, orders] = [this.#clock, this.#subs, this.#bus, this.#orders]
      const cancelAll = (f: OrderFilter) => this.#cancelAll(f)
      const host = { ...this.#cfg, clock, subs, bus, orders, cancelAll, alive }
      subs.add(await journalEngine(this.#cfg.journal, host))
      alive()
    }
    for (const r of this.#runners) r.start()
    this.#running = true
    const onError = (e: unknown): void => void this.#bus.emit('error', toTradekitError(e))
    const every = this.#cfg.feedHealth.checkIntervalMs
    this.#stopHealthChecks = repeatEvery(this.#clock, every, () => this.checkFeedHealth(), onError)
    this.#bus.emit('engine.started', { type: 'engine.started', tsEvent: this.#clock.now() })
    this.#log.info({ strategies: this.#runners.length, feeds: this.#cfg.feeds.length }, 'engine started')
    this.#signals.open() // the signals and quotes strategies emitted in onStart, held until now
    if (this.#stopping === undefined) this.#track(this.#quotes.open())
  }

  /**
   * Graceful shutdown: from its call no new signal or group is sent (denied `ENGINE_STOPPING`); waits for a start still
   * running (at most `shutdown.timeoutMs`), stops strategies, cancels or keeps open orders, waits for in-flight requests
   * up to the configured bound, closes feeds, saves strategy state (only when the engine ran: a start cut short never
   * overwrites it) and risk state. A wait that fails or outlasts its bound is reported on `error`. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    const { timeoutMs } = this.#cfg.shutdown
    const onError = (e: unknown): void => void this.#bus.emit('error', toTradekitError(e))
    this.#signals.close() // nothing new is sent once stopping (a signal is denied ENGINE_STOPPING)
    await this.#startup?.settle(this.#clock, timeoutMs, onError)
    const ran = this.#running
    this.#running = false
    this.#stopHealthChecks()
    for (const r of this.#runners) r.stop()
    const host = { ...this.#cfg, ...this.#cfg.shutdown, clock: this.#clock, onError } // each wait reported when late
    await stopWaits({ ...host, inflight: this.#inflight, stopQuotes: () => this.#quotes.stop() })
    this.#subs.clear()
    if (ran) await this.#cfg.stateStore?.save(snapshotStrategies(this.#runners)).catch(onError)
    await this.#cfg.risk.flush().catch(onError)
    await this.#cfg.journal?.flush().catch(onError)
    this.#bus.emit('engine.stopped', { type: 'engine.stopped', tsEvent: this.#clock.now() })
    this.#log.info({}, 'engine stopped')
  }

  /** Connections, data age per feed, instrument restrictions, trading state, open orders, equity. */
  health(): EngineHealth {
    return this.#metrics.health(this.#running)
  }

  /** The Prometheus / OpenMetrics text exposition of the engine's metrics. */
  metrics(): string {
    return this.#metrics.render()
  }

  /** The registry behind {@link TradingEngine.metrics}, for adding your own metrics (e.g. HTTP latency). */
  get metricsRegistry(): MetricsRegistry {
    return this.#metrics.registry
  }

  /**
   * Re-evaluates every feed now (the engine also does it every `checkIntervalMs`): a stale or unhealthy feed moves
   * its instruments to REDUCING (or HALTED) in the RiskManager (`FEED_UNHEALTHY`); a healthy one moves them back to
   * ACTIVE. Each change is a `risk.instrumentStateChanged` event, re-emitted on {@link TradingEngine.events}.
   * A stricter state someone else set since (a host's `HALTED`) is left alone: feed health never loosens it.
   */
  checkFeedHealth(): void {
    applyFeedHealth(this.#cfg.risk, this.#monitor.check())
  }

  #runner(s: TradingEngineConfig['strategies'][number]): StrategyRunner {
    const r = new StrategyRunner(s, {
      clock: this.#clock,
      logger: this.#log,
      positions: () => this.#cfg.portfolio.positions(),
      openOrders: (strategyId: string) => this.#openOrders({ strategyId }),
      cancelOrders: (f: OrderFilter) => this.#cancelAll(f),
      booksShowOwnOrders: (venue: string) => this.#fanout.booksShowOwnOrders(venue),
    })
    this.#runnerById.set(s.id, r)
    r.events.on('signal', (sig) => this.#onSignal(sig))
    // Held by the router until the engine runs (onStart); ignored once a stop began (onStop).
    r.events.on('quote.stated', (q) => void (this.#stopping ?? this.#track(this.#quotes.route(q))))
    r.events.on('error', (e) => this.#bus.emit('error', e))
    return r
  }

  /**
   * One market event, in one order: the fan-out marks the portfolio (once), lets paper executors fill and writes the
   * market cache; then risk sees equity, then the host and the strategies get it.
   */
  #wireFeed(f: FeedRegistration): void {
    const ev = f.source.events
    this.#subs.on(ev, 'candle', (c: Candle) => {
      this.#monitor.seen(f.name, c.venue, c.symbol)
      this.#fanout.onCandle(c)
      this.#updateRisk(c.isClosed)
      this.#bus.emit('candle', c)
      for (const r of this.#runners) r.candle(c)
    })
    this.#subs.on(ev, 'trade', (t: Trade) => {
      this.#monitor.seen(f.name, t.venue, t.symbol)
      this.#fanout.onTrade(t)
      this.#updateRisk(false)
      this.#bus.emit('trade', t)
      for (const r of this.#runners) r.trade(t)
    })
    this.#subs.on(ev, 'book', (b: BookSnapshot) => {
      this.#monitor.seen(f.name, b.venue, b.symbol)
      this.#fanout.onBook(b)
      this.#updateRisk(false) // a book marks the portfolio too (a market maker's feed may be books alone)
      this.#bus.emit('book', b)
      for (const r of this.#runners) r.book(b)
    })
    this.#subs.on(ev, 'dataError', (e: TradekitError) => {
      this.#metrics.dataError(f.name)
      this.#bus.emit('dataError', e)
    })
    this.#subs.on(ev, 'error', (e: TradekitError) => void this.#bus.emit('error', e))
  }

  #wireExecutor(ex: ExecutionClient): void {
    const { portfolio } = this.#cfg
    // A client that books its own fills into the portfolio (PaperTrader) is not attached; anything else (live) is.
    if (ex.booksFillsInto?.(portfolio) !== true) this.#subs.add(portfolio.attach(ex))
    this.#subs.add(this.#cfg.risk.registerExecutor(ex))
    const moved = (): void => this.#updateRisk(true) // a deposit or withdrawal booked in both: breakers see it now
    relayTransfers(ex, this.#subs, { portfolio, risk: this.#cfg.risk, log: this.#log, bus: this.#bus, moved })
    relayExecutorEvents(ex, this.#subs, {
      bus: this.#bus,
      order: (order, outcome) => {
        if (outcome !== undefined) this.#metrics.order(order.venue, outcome)
        this.#routeOrderUpdate(order, true)
      },
      filled: (e) => {
        const sid = this.#orders.strategyOf(e.order.clientOrderId)
        for (const fill of e.fills) {
          this.#metrics.order(e.order.venue, 'fill')
          if (sid !== undefined) this.#runnerById.get(sid)?.fill(fill)
        }
        this.#routeOrderUpdate(e.order, false)
      },
      fillReversed: (e) => {
        const sid = this.#orders.strategyOf(e.fill.clientOrderId)
        if (sid !== undefined) this.#runnerById.get(sid)?.fillReversed(e.fill)
        this.#signals.onFillReversed(e.fill)
      },
    })
  }

  #wirePortfolio(): void {
    const { portfolio, risk } = this.#cfg
    this.#subs.on(portfolio.events, 'fill.applied', (e: { applied: FillApplied; tsEvent: number }) => {
      const trade = this.#ledger.apply(e.applied)
      this.#updateRisk(true)
      if (trade === undefined) return
      risk.recordTradeResult(trade.pnl)
      this.#bus.emit('trade.closed', { type: 'trade.closed', trade, tsEvent: e.tsEvent })
    })
    this.#subs.on(portfolio.events, 'fill.reversed', (e: { applied: FillApplied; tsEvent: number }) => {
      const trade = this.#ledger.reverse(e.applied) // a trade the fill closed is open again (see trade.reopened)
      this.#updateRisk(true)
      if (trade === undefined) return
      const reopened = { trade, streakRestored: risk.guard.undoTradeResult(trade.pnl), tsEvent: e.tsEvent }
      this.#bus.emit('trade.reopened', { type: 'trade.reopened', ...reopened })
    })
    this.#subs.on(portfolio.events, 'error', (e: TradekitError) => void this.#bus.emit('error', e))
  }

  /** Feeds mark-to-market equity to the breakers: after every fill and closed candle, else at most once a second. */
  #updateRisk(force: boolean): void {
    const now = this.#clock.now()
    if (!force && now - this.#lastRiskUpdate < 1000) return
    this.#lastRiskUpdate = now
    const { portfolio, risk } = this.#cfg
    // Only marks moved while the version stands: the breakers need the equity alone (one object until it changes).
    if (portfolio.version === this.#riskVersion) risk.guard.updateEquity(portfolio.equity())
    else {
      this.#riskVersion = portfolio.version
      risk.update(portfolio.snapshot(this.#openOrders()))
    }
  }

  #routeOrderUpdate(order: Order, notify: boolean): void {
    const sid = this.#orders.update(order)
    if (sid !== undefined && notify) this.#runnerById.get(sid)?.orderUpdate(order)
  }

  #onSignal(s: Signal): void {
    this.#bus.emit('signal', s)
    this.#signals.offer(s) // held while starting (onStart), denied once stopping
  }

  #openOrders(filter?: OrderFilter): readonly Order[] {
    const ex = this.#cfg.executors
    // One executor (a backtest, most bots): its own list, not a copy.
    return ex.length === 1
      ? (ex[0] as ExecutionClient).openOrders(filter)
      : ex.flatMap((e) => e.openOrders(filter))
  }

  async #cancelAll(filter: OrderFilter): Promise<CancelAllResult> {
    const results = await Promise.all(this.#cfg.executors.map((e) => e.cancelAll(filter)))
    return { canceled: results.flatMap((r) => r.canceled), failed: results.flatMap((r) => r.failed) }
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p)
    void p.finally(() => this.#inflight.delete(p))
  }
}
