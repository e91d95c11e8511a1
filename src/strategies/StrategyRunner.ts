import { CandleSeriesOrder } from '../core/CandleSeriesOrder.js'
import type { Listenable } from '../core/events.js'
import { TypedEmitter } from '../core/events.js'
import { silentLogger } from '../core/logger.js'
import type { CancelAllResult, Signal } from '../core/ports.js'
import type { QuoteOptions, QuoteTargets } from '../core/quotes.js'
import type { BookSnapshot, Candle, Fill, Order, Trade } from '../core/types.js'
import { StateError, type TradekitError, toTradekitError } from '../errors/index.js'
import {
  requiresInstrument,
  type SignalOptions,
  type Strategy,
  type StrategyContext,
  type StrategyHost,
} from './Strategy.js'

/**
 * A closed candle the runner did not deliver because its open time is not after the last one delivered for its
 * venue, symbol and interval: a repeat (a venue resending a closed kline, a second feed, a replayed message; a repeat
 * with other values is not taken as a correction) or an older candle (a REST backfill overlapping the stream).
 */
export interface CandleIgnoredEvent {
  readonly type: 'candle.ignored'
  /** `repeated`: the same open time as the last delivered candle; `stale`: an earlier (or no valid) open time. */
  readonly reason: 'repeated' | 'stale'
  readonly candle: Candle
  /** Open time of the last candle delivered for the same venue, symbol and interval. */
  readonly lastOpenTime: number
  readonly tsEvent: number
}

/** Events of a {@link StrategyRunner}. */
export interface StrategyEvents {
  /** A signal the strategy emitted, ready for the RiskManager. */
  signal: [signal: Signal]
  /** A closed candle not delivered: it repeats or predates the last one delivered of its series. */
  'candle.ignored': [e: CandleIgnoredEvent]
  /** A quote set the strategy stated (`ctx.quote`), ready for the RiskManager and a QuoteManager. */
  'quote.stated': [targets: QuoteTargets]
  /** The strategy threw in a hook; the runner caught it and goes on. */
  error: [error: TradekitError]
}

/**
 * Runs one strategy: filters events to what it declared, delivers only closed candles (no look-ahead), each bar once
 * and in order (a closed candle whose open time is not after the last one delivered of its series is reported on
 * `candle.ignored`), builds its context, catches anything a hook throws (reported on `error`, the feed goes on) and
 * publishes its signals. The engine uses one runner per strategy; hand-wired apps use it directly.
 *
 * @example
 * ```ts
 * const runner = new StrategyRunner(new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }), host)
 * feed.events.on('candle', (c) => runner.candle(c))
 * runner.events.on('signal', (s) => { const r = risk.evaluate(s, portfolio.snapshot(), market); if (r.ok) exec.submit(r.value) })
 * runner.start()
 * ```
 */
export class StrategyRunner {
  readonly #bus = new TypedEmitter<StrategyEvents>()
  /** Signals and errors of this strategy. */
  readonly events: Listenable<StrategyEvents> = this.#bus
  readonly #strategy: Strategy
  readonly #host: StrategyHost
  readonly #ctx: StrategyContext
  #running = false
  #signals = 0
  /** The last candle delivered of each series. */
  readonly #bars = new CandleSeriesOrder()

  constructor(strategy: Strategy, host: StrategyHost) {
    this.#strategy = strategy
    this.#host = host
    const id = strategy.id
    this.#ctx = {
      strategyId: id,
      clock: host.clock,
      logger: host.logger ?? silentLogger,
      signal: (p) => this.#emitSignal(p),
      quote: (q) => this.#emitQuote(q),
      cancelOrders: (f): Promise<CancelAllResult> =>
        host.cancelOrders({
          strategyId: id,
          ...(f !== undefined ? { venue: f.venue, symbol: f.symbol } : {}),
        }),
      position: (venue, symbol) => host.positions().find((p) => p.venue === venue && p.symbol === symbol),
      positions: () => host.positions(),
      openOrders: () => host.openOrders(id),
      booksShowOwnOrders: (venue) => host.booksShowOwnOrders?.(venue) ?? true,
    }
  }

  /** The strategy this runner drives. */
  get strategy(): Strategy {
    return this.#strategy
  }
  /** Whether {@link StrategyRunner.start} was called and {@link StrategyRunner.stop} not yet. */
  get isRunning(): boolean {
    return this.#running
  }
  /** Number of signals emitted so far. */
  get signalCount(): number {
    return this.#signals
  }

  /** Starts delivering events; calls `onStart`. Idempotent. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#guard('onStart', () => this.#strategy.onStart?.(this.#ctx))
  }

  /** Stops delivering events; calls `onStop`. Idempotent. */
  stop(): void {
    if (!this.#running) return
    this.#guard('onStop', () => this.#strategy.onStop?.(this.#ctx))
    this.#running = false
  }

  /**
   * Delivers a candle if it is closed, of a required instrument and interval, and opens after the last one delivered
   * of its series (otherwise it emits `candle.ignored`).
   */
  candle(c: Candle): void {
    const req = this.#strategy.requirements
    if (!this.#running || !c.isClosed || this.#strategy.onCandle === undefined) return
    if (!requiresInstrument(req, c.venue, c.symbol) || !(req.candles ?? []).includes(c.interval)) return
    if (!this.#isNewBar(c)) return
    this.#guard('onCandle', () => this.#strategy.onCandle?.(c, this.#ctx))
  }

  /** Delivers a book snapshot of a required instrument. */
  book(b: BookSnapshot): void {
    const req = this.#strategy.requirements
    if (!this.#running || req.books !== true || !requiresInstrument(req, b.venue, b.symbol)) return
    this.#guard('onBook', () => this.#strategy.onBook?.(b, this.#ctx))
  }

  /** Delivers a public trade of a required instrument. */
  trade(t: Trade): void {
    const req = this.#strategy.requirements
    if (!this.#running || req.trades !== true || !requiresInstrument(req, t.venue, t.symbol)) return
    this.#guard('onTrade', () => this.#strategy.onTrade?.(t, this.#ctx))
  }

  /** Delivers a fill of one of this strategy's orders (the caller routes by strategy id). */
  fill(f: Fill): void {
    if (!this.#running) return
    this.#guard('onFill', () => this.#strategy.onFill?.(f, this.#ctx))
  }

  /** Delivers the reversal of a fill of one of this strategy's orders (the caller routes by strategy id). */
  fillReversed(f: Fill): void {
    if (!this.#running) return
    this.#guard('onFillReversed', () => this.#strategy.onFillReversed?.(f, this.#ctx))
  }

  /** Delivers an order update of one of this strategy's orders. */
  orderUpdate(o: Order): void {
    if (!this.#running) return
    this.#guard('onOrderUpdate', () => this.#strategy.onOrderUpdate?.(o, this.#ctx))
  }

  /** The strategy's state, tagged with its id, or `undefined` when it keeps none. */
  snapshot(): { readonly strategyId: string; readonly state: unknown } | undefined {
    if (this.#strategy.snapshot === undefined) return undefined
    return { strategyId: this.#strategy.id, state: this.#strategy.snapshot() }
  }

  /** Restores state saved by {@link StrategyRunner.snapshot}; refuses state of another strategy. */
  restore(saved: { readonly strategyId: string; readonly state: unknown }): void {
    if (saved.strategyId !== this.#strategy.id) {
      throw new StateError(`Snapshot of "${saved.strategyId}" cannot restore strategy "${this.#strategy.id}"`)
    }
    this.#strategy.restore?.(saved.state)
  }

  /** True when `c` opens after the last candle delivered of its series (then recorded); else reports it. */
  #isNewBar(c: Candle): boolean {
    const last = this.#bars.advance(c)
    if (last === undefined) return true
    const e: CandleIgnoredEvent = Object.freeze({
      type: 'candle.ignored',
      reason: c.openTime === last ? 'repeated' : 'stale',
      candle: c,
      lastOpenTime: last,
      tsEvent: this.#host.clock.now(),
    })
    this.#bus.emit('candle.ignored', e)
    return false
  }

  #emitSignal(p: SignalOptions): Signal {
    // Object.assign, not `{ ...p, strategyId }`: V8 adds keys after a leading spread on a slow path (≈ 1 µs).
    const signal: Signal = Object.freeze(
      Object.assign({}, p, { strategyId: this.#strategy.id, tsEvent: p.tsEvent ?? this.#host.clock.now() }),
    )
    this.#signals++
    this.#bus.emit('signal', signal)
    return signal
  }

  #emitQuote(q: QuoteOptions): QuoteTargets {
    const symbols = new Set(q.symbols ?? [])
    for (const l of q.levels) symbols.add(l.symbol)
    const targets: QuoteTargets = Object.freeze(
      Object.assign({}, q, {
        levels: Object.freeze([...q.levels]),
        symbols: Object.freeze([...symbols]),
        strategyId: this.#strategy.id,
        tsEvent: q.tsEvent ?? this.#host.clock.now(),
      }),
    )
    this.#bus.emit('quote.stated', targets)
    return targets
  }

  #guard(hook: string, fn: () => void): void {
    try {
      fn()
    } catch (e) {
      const error = toTradekitError(e)
      this.#bus.emit('error', error)
      this.#host.logger?.error(
        { strategyId: this.#strategy.id, hook, err: error.message },
        'strategy hook threw',
      )
    }
  }
}
