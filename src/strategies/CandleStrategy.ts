import * as z from 'zod/mini'
import type { Candle, Side } from '../core/types.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

/** Parameters every built-in candle strategy takes. */
export const CandleStrategyConfigSchema = z.object({
  /** Strategy id; defaults to `<name>:<venue>:<symbol>:<interval>`. */
  id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  venue: /* @__PURE__ */ z.string().check(z.minLength(1)),
  symbol: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Candle interval the strategy reads (`1m`, `1h`). */
  interval: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Also open shorts on bearish signals (perpetuals). Default false: long-only, bearish signals only exit. */
  allowShort: z._default(z.boolean(), false),
})
/** Parameters every built-in candle strategy takes (input form). */
export type CandleStrategyConfig = z.input<typeof CandleStrategyConfigSchema>

/** What a candle strategy's rule says about one closed candle. */
export type CandleVerdict = 'BULLISH' | 'BEARISH' | undefined

/** Saved state of a {@link CandleStrategy}: the recent candles (replayed on restore) and its own flags. */
export interface CandleStrategyState {
  readonly candles: readonly Candle[]
  readonly extra: Record<string, unknown>
}

/**
 * Base of the built-in candle strategies: long-only by default (a bullish event enters when flat, a bearish one
 * exits a long), optional shorts, no duplicate entries while an entry order is open. Each bar is evaluated once: a
 * forming candle, or a closed one whose open time is not after the last evaluated (a repeat, even with other values,
 * or an older candle), is ignored. State is saved as the last `historyLength` closed candles and replayed through
 * fresh indicators on restore, without emitting signals.
 *
 * @example
 * ```ts
 * class SmaCross extends CandleStrategy {
 *   protected readonly historyLength = 500
 *   readonly #sma = new SMA(50)
 *   readonly #cross = new CrossDetector()
 *   constructor(config: CandleStrategyConfig) {
 *     super('sma-cross', parseConfig(CandleStrategyConfigSchema, config, 'SmaCross'))
 *   }
 *   protected evaluate(c: Candle): CandleVerdict {
 *     const avg = this.#sma.update(c.close)
 *     return avg === undefined ? undefined : this.#cross.update(c.close - avg)
 *   }
 *   protected resetIndicators(): void {
 *     this.#sma.reset()
 *     this.#cross.reset()
 *   }
 * }
 * ```
 */
export abstract class CandleStrategy implements Strategy<CandleStrategyState> {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly venue: string
  readonly symbol: string
  readonly interval: string
  readonly allowShort: boolean
  /** Number of closed candles kept for restore (a multiple of the warm-up). */
  protected abstract readonly historyLength: number
  /** The last `historyLength` closed candles, a ring: once full, the oldest sits at `#head`. */
  #history: Candle[] = []
  #head = 0
  #replaying = false
  /** Open time of the last candle evaluated (live or replayed). */
  #lastOpenTime = Number.NEGATIVE_INFINITY

  protected constructor(name: string, config: z.output<typeof CandleStrategyConfigSchema>) {
    this.venue = config.venue
    this.symbol = config.symbol
    this.interval = config.interval
    this.allowShort = config.allowShort
    this.id = config.id ?? `${name}:${config.venue}:${config.symbol}:${config.interval}`
    this.requirements = {
      instruments: [{ venue: config.venue, symbol: config.symbol }],
      candles: [config.interval],
    }
  }

  /** Feeds the candle to the rule's indicators and says whether it is a bullish or bearish event. */
  protected abstract evaluate(candle: Candle): CandleVerdict
  /** Forgets indicator state (before a replay). */
  protected abstract resetIndicators(): void
  /** Rule-specific flags to save. */
  protected saveExtra(): Record<string, unknown> {
    return {}
  }
  /** Restores rule-specific flags. */
  protected restoreExtra(_extra: Record<string, unknown>): void {}

  /**
   * Evaluates a closed candle of its instrument and interval that opens after the last one evaluated; ignores
   * anything else (forming candles, other series, repeats and older candles: see the class docs).
   */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.venue !== this.venue || candle.symbol !== this.symbol || candle.interval !== this.interval)
      return
    if (candle.isClosed !== true) return
    if (!(candle.openTime > this.#lastOpenTime)) {
      ctx.logger.debug(
        { strategyId: this.id, openTime: candle.openTime, lastOpenTime: this.#lastOpenTime },
        'candle not after the last evaluated one: ignored',
      )
      return
    }
    const verdict = this.#step(candle)
    if (verdict === undefined || this.#replaying) return
    const qty = ctx.position(this.venue, this.symbol)?.qty
    const isLong = qty?.gt(0) === true
    const isShort = qty?.lt(0) === true
    const pending = (side: Side) =>
      ctx.openOrders().some((o) => o.venue === this.venue && o.symbol === this.symbol && o.side === side)
    const t = candle.closeTime
    if (verdict === 'BULLISH') {
      if (isShort) this.#signal(ctx, t, 'BUY', 'EXIT', `${this.id}: bullish, exit short`)
      if (!isLong && !pending('BUY')) this.#signal(ctx, t, 'BUY', 'ENTRY', `${this.id}: bullish`)
    } else {
      if (isLong) this.#signal(ctx, t, 'SELL', 'EXIT', `${this.id}: bearish, exit long`)
      if (this.allowShort && !isShort && !pending('SELL')) {
        this.#signal(ctx, t, 'SELL', 'ENTRY', `${this.id}: bearish`)
      }
    }
  }

  /** One signal as a plain literal (a `{ ...base, side }` spread is built on V8's slow path, ≈ 1 µs). */
  #signal(ctx: StrategyContext, tsEvent: number, side: Side, intent: 'ENTRY' | 'EXIT', reason: string): void {
    ctx.signal({ venue: this.venue, symbol: this.symbol, tsEvent, side, intent, reason })
  }

  snapshot(): CandleStrategyState {
    const h = this.#history
    return { candles: [...h.slice(this.#head), ...h.slice(0, this.#head)], extra: this.saveExtra() }
  }

  restore(state: CandleStrategyState): void {
    this.resetIndicators()
    this.#history = []
    this.#head = 0
    this.#lastOpenTime = Number.NEGATIVE_INFINITY
    this.#replaying = true
    try {
      for (const c of state.candles) if (c.openTime > this.#lastOpenTime) this.#step(c) // each bar once, in order
    } finally {
      this.#replaying = false
    }
    this.restoreExtra(state.extra)
  }

  /** Remembers and evaluates one bar, the newest. */
  #step(c: Candle): CandleVerdict {
    this.#lastOpenTime = c.openTime
    this.#remember(c)
    return this.evaluate(c)
  }

  /** Keeps `c` as the newest of the last `historyLength` candles (overwriting the oldest: no array shift). */
  #remember(c: Candle): void {
    const h = this.#history
    const cap = this.historyLength
    if (h.length < cap) h.push(c)
    else if (cap > 0) {
      h[this.#head] = c
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1
    }
  }
}

/**
 * Tracks the sign of a difference and reports when it flips (a crossover).
 *
 * @example
 * ```ts
 * const cross = new CrossDetector()
 * cross.update(-1) // undefined (first sign)
 * cross.update(2)  // 'BULLISH': a - b turned positive
 * cross.update(3)  // undefined
 * cross.update(-1) // 'BEARISH'
 * ```
 */
export class CrossDetector {
  #prev: number | undefined

  /** Feeds `a - b`; returns BULLISH when it turns positive, BEARISH when it turns negative. */
  update(diff: number): CandleVerdict {
    const sign = diff > 0 ? 1 : diff < 0 ? -1 : 0
    const prev = this.#prev
    if (sign !== 0) this.#prev = sign
    if (prev === undefined || sign === 0 || sign === prev) return undefined
    return sign > 0 ? 'BULLISH' : 'BEARISH'
  }
  /** Forgets the last sign. */
  reset(): void {
    this.#prev = undefined
  }
}
