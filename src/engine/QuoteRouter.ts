import * as z from 'zod/mini'
import type { Clock, TimerHandle } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { ExecutionClient } from '../core/ports.js'
import type { QuoteTargets } from '../core/quotes.js'
import { DurationMsSchema } from '../core/schemas.js'
import { type TradekitError, toTradekitError } from '../errors/index.js'
import { type Portfolio, QuoteManager } from '../execution/index.js'
import type { InstrumentStateChangedEvent, RiskManager, TradingStateChangedEvent } from '../risk/index.js'
import type { MarketCache } from './MarketCache.js'
import type { OrderStrategyMap } from './OrderStrategyMap.js'
import type { Subscriptions } from './Subscriptions.js'

/** How the engine's QuoteManagers refresh quotes (see `QuoteManagerConfigSchema` for each option). */
export const EngineQuotingConfigSchema = z.strictObject({
  /** Price drift tolerated before a quote is replaced, in ticks. Default 0. */
  toleranceTicks: z._default(/* @__PURE__ */ z.int().check(z.minimum(0)), 0),
  /** Price drift tolerated, in basis points of the target price. Default 0. */
  toleranceBps: z._default(/* @__PURE__ */ z.number().check(z.minimum(0)), 0),
  /** Relative size difference tolerated. Default 0.1. */
  sizeTolerance: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0.1),
  /** A quote younger than this is not replaced when its target drifts. Default 0. */
  minOrderAgeMs: z._default(DurationMsSchema, 0),
  /** Send quotes post-only. Default true. */
  postOnly: z._default(z.boolean(), true),
  /**
   * After an instrument comes back to ACTIVE from a restriction (a Polymarket heartbeat or a feed recovered), its
   * quotes wait this long before they rest again, so a flapping venue is not re-quoted at every blip; a new
   * restriction meanwhile starts the wait again at its recovery. Default 0 (re-quote at once).
   */
  healthyForMs: z._default(DurationMsSchema, 0),
})

/** What the `quoting` option of a TradingEngine config accepts. */
export type EngineQuotingConfig = z.input<typeof EngineQuotingConfigSchema>

/** What {@link QuoteRouter} needs from the engine. */
export interface QuoteRouterConfig {
  readonly clock: Clock
  readonly logger: Logger
  readonly quoting: z.output<typeof EngineQuotingConfigSchema>
  readonly executors: readonly ExecutionClient[]
  readonly risk: RiskManager
  /** The account quote sets are checked against (with every executor's open orders). */
  readonly portfolio: Portfolio
  readonly market: MarketCache
  readonly orders: OrderStrategyMap
  readonly onError: (e: TradekitError) => void
}

/**
 * The engine's quote path: a stated quote set goes to `RiskManager.evaluateQuotes` (one decision per set) and the
 * approved levels — none when denied — to the QuoteManager of the set's venue. It pulls every quote when the trading
 * state leaves ACTIVE (a breaker, a halt, the kill switch) and an instrument's quotes when that instrument leaves
 * ACTIVE (a stale feed, a lost venue heartbeat, a host restriction); quoting resumes when the state is ACTIVE again,
 * for a recovered instrument only once it stayed so for `healthyForMs`.
 *
 * @example
 * ```ts
 * const quotes = new QuoteRouter({ clock, logger, quoting, executors, risk, portfolio, market, orders, onError })
 * quotes.wire(subs)
 * runner.events.on('quote.stated', (t) => quotes.route(t))
 * ```
 */
export class QuoteRouter {
  readonly #cfg: QuoteRouterConfig
  readonly #managers = new Map<ExecutionClient, QuoteManager>()
  /** `venue:symbol` → time before which its quotes stay pulled (the healthy period after a recovery). */
  readonly #holdUntil = new Map<string, number>()
  /** The last set each strategy stated per venue, re-routed when a held instrument may quote again. */
  readonly #lastStated = new Map<string, QuoteTargets>()
  readonly #timers = new Set<TimerHandle>()
  /** Set by `stop`: nothing is routed, resumed or re-quoted any more. */
  #stopped = false
  /** Set by `open` (the engine runs): until then a stated set is only remembered (a strategy's `onStart`). */
  #open = false

  constructor(config: QuoteRouterConfig) {
    this.#cfg = config
  }

  /** The QuoteManager of a venue's executor (created on first use), or `undefined` when no executor trades it. */
  manager(venue: string): QuoteManager | undefined {
    const client = this.#cfg.executors.find((e) => e.venues.includes(venue))
    if (client === undefined) return undefined
    let m = this.#managers.get(client)
    if (m === undefined) {
      const { clock, market, orders, quoting } = this.#cfg
      const { healthyForMs: _h, ...options } = quoting
      m = new QuoteManager({
        client,
        clock,
        instrument: (v, s) => market.instrument(v, s),
        onSubmit: (cid, sid) => orders.set(cid, sid),
        ...options,
      })
      m.events.on('error', (e) => this.#cfg.onError(e))
      if (this.#cfg.risk.state !== 'ACTIVE') void m.pullAll(`trading is ${this.#cfg.risk.state}`)
      this.#managers.set(client, m)
    }
    return m
  }

  /** Every QuoteManager created so far. */
  managers(): QuoteManager[] {
    return [...this.#managers.values()]
  }

  /**
   * Decides on a stated set and applies what the RiskManager approved (nothing when it denied the set). Before
   * {@link QuoteRouter.open} the set is only remembered; after `stop` it is ignored.
   */
  route(t: QuoteTargets): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    this.#lastStated.set(`${t.strategyId}\u0000${t.venue}`, t)
    if (!this.#open) return Promise.resolve() // held: `open` routes the last set of each strategy and venue
    const m = this.manager(t.venue)
    if (m === undefined) {
      this.#cfg.logger.warn({ strategyId: t.strategyId, venue: t.venue }, 'no executor for quotes')
      return Promise.resolve()
    }
    const { executors, portfolio, risk, market, orders } = this.#cfg
    // Net of what the open orders commit: a spot maker's bids are bounded by the quote asset's free cash.
    const account = portfolio.snapshot(executors.flatMap((e) => [...e.openOrders()]))
    // Whose quote an open order is: the set's own strategy's are replaced, the others' count against its room.
    const quotes = new Set(m.openQuotes({ venue: t.venue }).map((o) => o.clientOrderId))
    const owner = (cid: string) => (quotes.has(cid) ? orders.strategyOf(cid) : undefined)
    const r = risk.evaluateQuotes(t, account, (s) => market.snapshot(t.venue, s), owner)
    const approved = r.ok ? r.value : { ...t, levels: [] }
    const levels = approved.levels.filter((l) => !this.#held(t.venue, l.symbol))
    return m
      .apply(levels.length === approved.levels.length ? approved : { ...approved, levels })
      .then(() => undefined)
      .catch((e: unknown) => this.#cfg.onError(toTradekitError(e)))
  }

  /**
   * The engine runs: routes the last set each strategy stated per venue before (in its `onStart`), as any other.
   * Resolves when they were applied; a no-op once open or stopped.
   */
  open(): Promise<void> {
    if (this.#open || this.#stopped) return Promise.resolve()
    this.#open = true
    return Promise.all([...this.#lastStated.values()].map((t) => this.route(t))).then(() => undefined)
  }

  /** Subscribes to the RiskManager's state changes (pull on a halt or restriction, resume on ACTIVE). */
  wire(subs: Subscriptions): void {
    const { risk } = this.#cfg
    subs.on(risk.events, 'risk.stateChanged', (e: TradingStateChangedEvent) => {
      // Once stopping, everything is pulled already: a state going ACTIVE must not resume quoting.
      if (this.#stopped) return
      for (const m of this.#managers.values()) {
        if (e.to === 'ACTIVE') m.resume()
        else void m.pullAll(`trading is ${e.to}: ${e.reason}`)
      }
    })
    subs.on(risk.events, 'risk.instrumentStateChanged', (e: InstrumentStateChangedEvent) => {
      if (this.#stopped) return
      if (e.to === 'ACTIVE') {
        this.#recovered(e.venue, e.symbol)
        return
      }
      void this.manager(e.venue)?.pull(e.venue, e.symbol, `${e.code}: ${e.reason}`)
    })
  }

  /**
   * An instrument is ACTIVE again: after `healthyForMs` (at once when 0) the last sets stated for it are routed again,
   * so it is re-quoted even when its strategies state nothing new meanwhile (a quiet book). The timer ends the hold
   * itself rather than asking the clock: a timer may fire a millisecond before the clock says the period is over (Node
   * counts a timer from the start of the event-loop turn), and a re-route skipped then would never come.
   */
  #recovered(venue: string, symbol: string): void {
    const { clock, quoting } = this.#cfg
    const k = `${venue}:${symbol}`
    const until = clock.now() + quoting.healthyForMs
    if (quoting.healthyForMs > 0) this.#holdUntil.set(k, until)
    const h = clock.setTimeout(() => {
      this.#timers.delete(h)
      if (this.#stopped) return
      // A later recovery (the instrument flapped) holds it longer; its own timer re-routes.
      if ((this.#holdUntil.get(k) ?? until) > until) return
      this.#holdUntil.delete(k)
      for (const t of [...this.#lastStated.values()]) {
        if (t.venue === venue && t.symbols.includes(symbol)) void this.route(t)
      }
    }, quoting.healthyForMs)
    this.#timers.add(h)
  }

  /** Whether a symbol's quotes still wait out the healthy period after a recovery. */
  #held(venue: string, symbol: string): boolean {
    const k = `${venue}:${symbol}`
    const until = this.#holdUntil.get(k)
    if (until === undefined) return false
    if (this.#cfg.clock.now() < until) return true
    this.#holdUntil.delete(k)
    return false
  }

  /**
   * Engine stop: pulls every quote, then stops each QuoteManager (a last cancel of what is left, no retry timer
   * after it), so nothing reaches an executor once it shuts down; quotes that may still rest are logged.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const h of this.#timers) this.#cfg.clock.clearTimeout(h)
    this.#timers.clear()
    const managers = this.managers()
    await Promise.all(managers.map((m) => m.pullAll('engine stopped')))
    const reports = await Promise.all(managers.map((m) => m.stop('engine stopped')))
    const resting = reports.flatMap((r) => r.resting)
    if (resting.length > 0)
      this.#cfg.logger.warn({ resting }, 'quotes may still rest after the engine stopped')
  }
}
