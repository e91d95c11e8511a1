import type { Clock } from '../core/clock.js'
import type { TypedEmitter } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { AccountSnapshot, ExecutionClient, MarketSnapshot, OrderIntent, Signal } from '../core/ports.js'
import type { Fill } from '../core/types.js'
import { StateError, toTradekitError } from '../errors/index.js'
import type { RiskManager } from '../risk/index.js'
import { GroupRouter, type GroupUnwindSettings } from './GroupRouter.js'
import type { MarketCache } from './MarketCache.js'
import type { OrderStrategyMap } from './OrderStrategyMap.js'
import { SignalGate } from './SignalGate.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

/** What {@link SignalRouter} takes: where signals go, what they are checked against, and where outcomes go. */
export interface SignalRouterConfig {
  readonly clock: Clock
  readonly logger: Logger
  /** Per-leg timeout, unwind bound and its retries of multi-leg groups. */
  readonly groups?: GroupUnwindSettings
  readonly executors: readonly ExecutionClient[]
  /**
   * Decides every signal; it also denies signals on restricted instruments (`risk.setInstrumentState`, which a group
   * left with exposure sets HALTED).
   */
  readonly risk: Pick<RiskManager, 'evaluate' | 'evaluateGroup' | 'setInstrumentState'>
  /** The account at decision time (portfolio and open orders; with the strategy's own positions when given its id). */
  readonly account: (strategyId?: string) => AccountSnapshot
  readonly market: MarketCache
  /** Order → strategy routing; every intent sent is recorded there. */
  readonly orders: OrderStrategyMap
  /** Counts a denial (metrics). */
  readonly denied: (venue: string) => void
  /** Keeps a promise in the set `stop()` waits for. */
  readonly track: (p: Promise<unknown>) => void
  /** Where `order.denied`, group events and errors go. */
  readonly bus: Pick<TypedEmitter<TradingEngineEvents>, 'emit'>
}

/**
 * Takes a strategy's signal to an executor: picks the executor of its venue (`NO_EXECUTOR`), needs market data
 * (`NO_MARKET_DATA`), asks the RiskManager (which also denies restricted instruments, e.g. `FEED_UNHEALTHY`), then
 * submits the sized intent. Multi-leg signals (with a `groupId`) go through its {@link GroupRouter}. Every refusal is `order.denied`.
 * Signals {@link SignalRouter.offer}ed before the engine runs (a strategy's `onStart`) wait for {@link SignalRouter.open};
 * once {@link SignalRouter.close}d (a stop began) nothing new is sent: signals are denied `ENGINE_STOPPING`.
 */
export class SignalRouter {
  readonly #cfg: SignalRouterConfig
  readonly #groups: GroupRouter
  readonly #startGate: SignalGate

  constructor(config: SignalRouterConfig) {
    this.#cfg = config
    this.#startGate = new SignalGate({
      route: (s) => this.route(s),
      deny: (s, code, why) => this.#deny(s, code, why),
    })
    const { bus, risk } = config
    this.#groups = new GroupRouter({
      clock: config.clock,
      logger: config.logger,
      ...(config.groups !== undefined ? { groups: config.groups } : {}),
      executorFor: (venue) => this.#executorFor(venue),
      instrument: (venue, symbol) => config.market.instrument(venue, symbol),
      gate: (s) => this.#gate(s),
      evaluateGroup: (legs) => risk.evaluateGroup(legs, config.account(legs[0]?.signal.strategyId)),
      deny: (s, code, reason) => this.#deny(s, code, reason),
      sending: (i) => config.orders.set(i.clientOrderId, i.strategyId),
      track: config.track,
      onCompleted: (e) => bus.emit('engine.groupCompleted', e),
      onRebalanced: (e) => bus.emit('engine.groupRebalanced', e),
      onEscalated: (e) => bus.emit('engine.groupEscalated', e),
      restrict: (venue, symbol, reason) =>
        risk.setInstrumentState(venue, symbol, 'HALTED', { code: 'GROUP_ESCALATED', reason }),
      onError: (e) => bus.emit('error', e),
    })
  }

  /** A strategy's signal: routed when the engine runs, held while it starts, denied (`ENGINE_STOPPING`) once stopping. */
  offer(s: Signal): void {
    this.#startGate.offer(s)
  }

  /** The engine runs: routes the signals held since the start began (a strategy's `onStart`), in order. */
  open(): void {
    this.#startGate.open()
  }

  /**
   * A stop began: held and later signals are denied, and groups send nothing new (see {@link GroupRouter.close}).
   * Final: a stopped engine never routes again.
   */
  close(): void {
    this.#startGate.close()
    this.#groups.close()
  }

  /** Routes one signal now, whatever the engine's phase (a group leg waits for its group, see {@link GroupRouter.add}). */
  route(s: Signal): void {
    if (s.groupId !== undefined) {
      // Legs of one group are emitted together: collect them and execute after the current event.
      this.#groups.add(s, s.groupId)
      return
    }
    const ex = this.#executorFor(s.venue)
    if (ex === undefined) {
      this.#deny(s, 'NO_EXECUTOR', `No executor trades on venue "${s.venue}"`)
      return
    }
    const intent = this.#approve(s)
    if (intent === undefined) return
    const { orders } = this.#cfg
    orders.set(intent.clientOrderId, s.strategyId)
    this.#cfg.track(
      ex.submit(intent).catch((e: unknown) => {
        orders.delete(intent.clientOrderId)
        this.#cfg.bus.emit('error', toTradekitError(e))
      }),
    )
  }

  /** A fill was reversed by the venue: re-balances the group it belonged to, if any. */
  onFillReversed(fill: Fill): void {
    this.#groups.onFillReversed(fill)
  }

  /** Runs the market-data gate and the RiskManager; emits `order.denied` on refusal. */
  #approve(s: Signal): OrderIntent | undefined {
    const market = this.#gate(s)
    if (market === undefined) return undefined
    const r = this.#cfg.risk.evaluate(s, this.#cfg.account(s.strategyId), market)
    if (r.ok) return r.value
    this.#deny(s, r.error.code, r.error.message)
    return undefined
  }

  /** The market data a decision needs; `undefined` (and `order.denied`) when there is none. */
  #gate(s: Signal): MarketSnapshot | undefined {
    const market = this.#cfg.market.snapshot(s.venue, s.symbol)
    if (market === undefined) {
      this.#deny(s, 'NO_MARKET_DATA', `No instrument or price for "${s.venue}:${s.symbol}"`)
      return undefined
    }
    return market
  }

  #deny(s: Signal, code: string, reason: string): void {
    this.#cfg.denied(s.venue)
    const tsEvent = this.#cfg.clock.now()
    this.#cfg.bus.emit('order.denied', { type: 'order.denied', signal: s, code, reason, tsEvent })
  }

  #executorFor(venue: string): ExecutionClient | undefined {
    const ex = this.#cfg.executors.find((e) => e.venues.includes(venue))
    if (ex === undefined)
      this.#cfg.bus.emit('error', new StateError(`No executor trades on venue "${venue}"`))
    return ex
  }
}
