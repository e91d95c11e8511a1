import type { Clock } from '../core/clock.js'
import type { Decimal } from '../decimal/index.js'
import type { RiskManager } from '../risk/RiskManager.js'
import { TradingState } from '../risk/types.js'
import type {
  FeedHealth,
  FeedHealthMonitor,
  FeedRegistration,
  VenueHealth,
  VenueRegistration,
} from './FeedHealthMonitor.js'
import type { MarketCache } from './MarketCache.js'
import { MetricsRegistry } from './metrics.js'
import type { Subscriptions } from './Subscriptions.js'

/** What {@link TradingEngine.health} reports. */
export interface EngineHealth {
  readonly running: boolean
  readonly tradingState: string
  readonly feeds: readonly FeedHealth[]
  /** Venue heartbeats (Polymarket order heartbeats), when registered. */
  readonly venues: readonly VenueHealth[]
  readonly instruments: ReadonlyArray<{
    venue: string
    symbol: string
    state: TradingState
    /** Why feed health restricted it (absent when ACTIVE, or restricted by someone else). */
    reason?: string
  }>
  readonly openOrders: number
  /**
   * Closed candles not evaluated since the engine was built: each repeated, or was older than, the last closed candle
   * of its venue, symbol and interval (each one is also a `candle.ignored` event).
   */
  readonly ignoredCandles: number
  /** Late trades, books and candles since the engine was built that did not move the price (older than the one held). */
  readonly stalePrices: number
  readonly equity: string
  readonly drawdown: string
}

/** A RiskManager's decisions so far (its `decisions`). */
export interface RiskDecisionCounts {
  readonly approved: number
  readonly denied: number
}

/** A RiskManager whose decisions are counted: how to read them, and the counts last added to the counter. */
interface WatchedRisk {
  readonly read: () => RiskDecisionCounts
  last: RiskDecisionCounts
}

/** Where {@link EngineMetrics} reads the state it reports. */
export interface EngineMetricsConfig {
  readonly clock: Clock
  readonly feeds: readonly FeedRegistration[]
  readonly venues: readonly VenueRegistration[]
  /** The engine's market cache: the instruments it knows, the closed candles and the late prices it ignored. */
  readonly market: Pick<MarketCache, 'instruments' | 'ignoredCandles' | 'stalePrices'>
  readonly monitor: FeedHealthMonitor
  /** The RiskManager: the trading state, and each instrument's (`instrumentState`). */
  readonly risk: Pick<RiskManager, 'state' | 'instrumentState'>
  readonly account: { equity(): Decimal; drawdown(): Decimal }
  readonly openOrders: () => number
}

/**
 * The engine's metrics and health report: counters the engine increments as events pass, gauges read at render
 * time (feed age and health, rate-limit headroom, heartbeats, equity, drawdown, open orders, trading state), and the
 * {@link EngineHealth} snapshot.
 */
export class EngineMetrics {
  readonly registry = new MetricsRegistry()
  readonly #cfg: EngineMetricsConfig
  /** Counters of the per-order events, looked up once (a lookup checks the name with a regex). */
  readonly #orders: ReturnType<MetricsRegistry['counter']>
  /** The order counter of each venue and outcome, bound once. */
  readonly #orderCounts = new Map<string, Map<string, { inc(): void }>>()
  /** Risk managers whose decisions are counted: their counts as last added to the counter. */
  readonly #risk = new Set<WatchedRisk>()
  /** Per counter fed from a running total (ignored candles, stale prices): the total already added to it. */
  readonly #counted = new Map<string, number>()

  constructor(config: EngineMetricsConfig) {
    this.#cfg = config
    this.#orders = this.registry.counter('tradekit_orders', 'Order events by outcome')
  }

  /**
   * Counts a RiskManager's decisions from now until `subs` is cleared (`tradekit_risk_decisions_total{decision}`),
   * read from its `decisions` when rendered: no listener on its decision events, whose payloads cost more than the
   * decisions. Declares the risk families (shown at zero before the first decision).
   */
  watchRisk(decisions: () => RiskDecisionCounts, subs: Subscriptions): void {
    this.#decisionCounter()
    this.registry.counter('tradekit_breaker_trips', 'Circuit breaker trips by breaker')
    const source = { read: decisions, last: copyCounts(decisions()) }
    this.#risk.add(source)
    subs.add(() => {
      this.#countDecisions(source)
      this.#risk.delete(source)
    })
  }

  #decisionCounter(): ReturnType<MetricsRegistry['counter']> {
    return this.registry.counter('tradekit_risk_decisions', 'Risk decisions')
  }

  /** Adds the decisions `source` made since it was last read. */
  #countDecisions(source: WatchedRisk): void {
    const now = source.read()
    const counter = this.#decisionCounter()
    const approved = now.approved - source.last.approved
    const denied = now.denied - source.last.denied
    if (approved > 0) counter.inc({ decision: 'approved' }, approved)
    if (denied > 0) counter.inc({ decision: 'denied' }, denied)
    source.last = copyCounts(now)
  }

  /** Measures a venue's REST client (latency per attempt, retries) until `subs` is cleared. */
  watchHttp(v: VenueRegistration, subs: Subscriptions): void {
    const http = v.http
    if (http === undefined) return
    const latency = this.registry.histogram(
      'tradekit_http_request_duration_seconds',
      'Venue REST latency per attempt',
    )
    const retries = this.registry.counter('tradekit_http_retries', 'Venue REST retries')
    subs.on(http.events, 'response', (e: { status: number; durationMs: number }) => {
      latency.observe(e.durationMs / 1000, { venue: v.venue, status: `${Math.floor(e.status / 100)}xx` })
    })
    subs.on(http.events, 'request.retryScheduled', () => retries.inc({ venue: v.venue }))
  }

  /** Counts one order event (`tradekit_orders_total{venue,outcome}`). */
  order(venue: string, outcome: string): void {
    let byOutcome = this.#orderCounts.get(venue)
    if (byOutcome === undefined) {
      byOutcome = new Map()
      this.#orderCounts.set(venue, byOutcome)
    }
    let count = byOutcome.get(outcome)
    if (count === undefined) {
      count = this.#orders.bind({ venue, outcome })
      byOutcome.set(outcome, count)
    }
    count.inc()
  }

  /** Counts a payload a feed's decoder rejected. */
  dataError(feed: string): void {
    this.registry.counter('tradekit_data_errors', 'Venue payloads rejected by decoders').inc({ feed })
  }

  /** Counts a breaker trip. */
  breakerTrip(breaker: string): void {
    this.registry.counter('tradekit_breaker_trips', 'Circuit breaker trips by breaker').inc({ breaker })
  }

  /** Connections, data age per feed, instrument restrictions, trading state, open orders, equity. */
  health(running: boolean): EngineHealth {
    const c = this.#cfg
    const now = c.clock.now()
    return {
      running,
      tradingState: c.risk.state,
      feeds: c.feeds.map((f) => c.monitor.feedHealth(f, now)),
      venues: c.monitor.venueHealth(),
      instruments: [...c.market.instruments()].map((i) => {
        const state = c.risk.instrumentState(i.venue, i.symbol)
        const reason =
          state === TradingState.ACTIVE ? undefined : c.monitor.restriction(i.venue, i.symbol)?.reason
        return { venue: i.venue, symbol: i.symbol, state, ...(reason !== undefined ? { reason } : {}) }
      }),
      openOrders: c.openOrders(),
      ignoredCandles: c.market.ignoredCandles,
      stalePrices: c.market.stalePrices,
      equity: c.account.equity().toFixed(),
      drawdown: c.account.drawdown().toFixed(),
    }
  }

  /** The Prometheus / OpenMetrics text exposition of every metric. */
  render(): string {
    const now = this.#cfg.clock.now()
    this.#feedGauges(now)
    this.#venueGauges(now)
    for (const source of this.#risk) this.#countDecisions(source)
    const m = this.registry
    const c = this.#cfg
    m.gauge('tradekit_equity', 'Mark-to-market equity in the account currency').set(
      c.account.equity().toNumber(),
    )
    m.gauge('tradekit_drawdown_ratio', 'Drawdown from peak equity (0..1)').set(
      c.account.drawdown().toNumber(),
    )
    m.gauge('tradekit_open_orders', 'Open orders across executors').set(c.openOrders())
    const ignored = 'Closed candles not evaluated (repeated, or older than the last)'
    this.#countUp('tradekit_candles_ignored', ignored, c.market.ignoredCandles)
    const stale = 'Trades, books and candles older than the price held (the price did not move back)'
    this.#countUp('tradekit_prices_stale', stale, c.market.stalePrices)
    const state = c.risk.state
    const g = m.gauge('tradekit_trading_state', '1 for the current trading state')
    for (const s of ['ACTIVE', 'REDUCING', 'HALTED']) g.set(s === state ? 1 : 0, { state: s })
    return m.render()
  }

  /** Adds to counter `name` what the running `total` gained since the last exposition. */
  #countUp(name: string, help: string, total: number): void {
    this.registry.counter(name, help).inc({}, total - (this.#counted.get(name) ?? 0))
    this.#counted.set(name, total)
  }

  #feedGauges(now: number): void {
    const m = this.registry
    const age = m.gauge('tradekit_feed_last_data_age_seconds', 'Seconds since the feed last delivered data')
    const healthy = m.gauge('tradekit_feed_healthy', '1 when the feed is healthy')
    const reconnects = m.gauge('tradekit_ws_reconnects', 'WebSocket reconnects reported by the feed')
    const resyncs = m.gauge('tradekit_book_resyncs', 'Order book resyncs reported by the feed')
    for (const f of this.#cfg.feeds) {
      const h = this.#cfg.monitor.feedHealth(f, now)
      const labels = { feed: f.name, venue: f.venue }
      if (h.lastDataAgeMs !== null) age.set(h.lastDataAgeMs / 1000, labels)
      healthy.set(h.healthy ? 1 : 0, labels)
      const st = f.status?.()
      if (st?.reconnects !== undefined) reconnects.set(st.reconnects, labels)
      if (st?.bookResyncs !== undefined) resyncs.set(st.bookResyncs, labels)
    }
  }

  #venueGauges(now: number): void {
    const m = this.registry
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
    for (const v of this.#cfg.venues) {
      const snap = v.http?.rateLimiter.snapshot()
      if (snap === undefined) continue
      for (const w of snap.windows) remaining.set(w.remaining, { venue: v.venue, window: w.id })
      waits.set(snap.waited, { venue: v.venue })
      waitedMs.set(snap.waitedMs / 1000, { venue: v.venue })
      banned.set(snap.bannedUntilMs !== undefined && snap.bannedUntilMs > now ? 1 : 0, { venue: v.venue })
    }
    const hb = m.gauge('tradekit_venue_heartbeat_healthy', '1 when the venue heartbeat is healthy')
    for (const v of this.#cfg.venues) {
      const h = v.heartbeat?.()
      if (h !== undefined) hb.set(h.healthy ? 1 : 0, { venue: v.venue })
    }
  }
}

/** The counts as they are now (a source may hand out one object it keeps counting in). */
function copyCounts(c: RiskDecisionCounts): RiskDecisionCounts {
  return { approved: c.approved, denied: c.denied }
}
