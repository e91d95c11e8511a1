import * as z from 'zod/mini'
import type { Clock } from '../core/clock.js'
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
 * ACTIVE (a stale feed, a lost venue heartbeat, a host restriction); quoting resumes when the state is ACTIVE again.
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
      m = new QuoteManager({
        client,
        clock,
        instrument: (v, s) => market.instrument(v, s),
        onSubmit: (cid, sid) => orders.set(cid, sid),
        ...quoting,
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

  /** Decides on a stated set and applies what the RiskManager approved (nothing when it denied the set). */
  route(t: QuoteTargets): Promise<void> {
    const m = this.manager(t.venue)
    if (m === undefined) {
      this.#cfg.logger.warn({ strategyId: t.strategyId, venue: t.venue }, 'no executor for quotes')
      return Promise.resolve()
    }
    const { executors, portfolio, risk, market } = this.#cfg
    const account = portfolio.snapshot(executors.flatMap((e) => [...e.openOrders()]))
    const r = risk.evaluateQuotes(t, account, (s) => market.snapshot(t.venue, s))
    return m
      .apply(r.ok ? r.value : { ...t, levels: [] })
      .then(() => undefined)
      .catch((e: unknown) => this.#cfg.onError(toTradekitError(e)))
  }

  /** Subscribes to the RiskManager's state changes (pull on a halt or restriction, resume on ACTIVE). */
  wire(subs: Subscriptions): void {
    const { risk } = this.#cfg
    subs.on(risk.events, 'risk.stateChanged', (e: TradingStateChangedEvent) => {
      for (const m of this.#managers.values()) {
        if (e.to === 'ACTIVE') m.resume()
        else void m.pullAll(`trading is ${e.to}: ${e.reason}`)
      }
    })
    subs.on(risk.events, 'risk.instrumentStateChanged', (e: InstrumentStateChangedEvent) => {
      if (e.to === 'ACTIVE') return
      void this.manager(e.venue)?.pull(e.venue, e.symbol, `${e.code}: ${e.reason}`)
    })
  }

  /** Pulls every quote (engine stop). */
  async stop(): Promise<void> {
    await Promise.all(this.managers().map((m) => m.pullAll('engine stopped')))
  }
}
