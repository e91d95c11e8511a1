import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { Candle } from '../core/types.js'
import { EMA } from '../indicators/index.js'
import {
  CandleStrategy,
  CandleStrategyConfigSchema,
  type CandleVerdict,
  CrossDetector,
} from './CandleStrategy.js'

/** Parameters of {@link EmaCrossover}. */
export const EmaCrossoverConfigSchema = /* @__PURE__ */ z
  .strictObject({
    ...CandleStrategyConfigSchema.shape,
    /** Fast EMA period. Default 9. */
    fast: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 9),
    /** Slow EMA period. Default 21. */
    slow: z._default(/* @__PURE__ */ z.int().check(z.minimum(2)), 21),
  })
  .check(z.refine((c) => c.fast < c.slow, { message: 'fast must be shorter than slow', path: ['fast'] }))
/** Parameters of {@link EmaCrossover} (input form). */
export type EmaCrossoverConfig = z.input<typeof EmaCrossoverConfigSchema>

/**
 * Trend following: bullish when the fast EMA of closes crosses above the slow EMA, bearish when it crosses below.
 * The first crossing is only counted once both EMAs are warm (TA-Lib EMA seeding).
 *
 * Defaults: `fast` 9 and `slow` 21 closed candles, so the first signal needs at least 21 closed candles of
 * `interval` (21 minutes on `1m` in real time); `allowShort` false (long-only: a bearish crossing exits a long);
 * `id` `ema-crossover:<venue>:<symbol>:<interval>`. `venue`, `symbol` and `interval` are required. Only closed
 * candles (`isClosed`) are evaluated.
 *
 * @example
 * ```ts
 * const s = new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 9, slow: 21 })
 * ```
 */
export class EmaCrossover extends CandleStrategy {
  protected readonly historyLength: number
  readonly #fast: EMA
  readonly #slow: EMA
  readonly #cross = new CrossDetector()

  constructor(config: EmaCrossoverConfig) {
    const c = parseConfig(EmaCrossoverConfigSchema, config, 'EmaCrossover')
    super('ema-crossover', c)
    this.#fast = new EMA(c.fast)
    this.#slow = new EMA(c.slow)
    this.historyLength = c.slow * 10
  }

  protected evaluate(candle: Candle): CandleVerdict {
    const f = this.#fast.update(candle.close)
    const s = this.#slow.update(candle.close)
    if (f === undefined || s === undefined) return undefined
    return this.#cross.update(f - s)
  }

  protected resetIndicators(): void {
    this.#fast.reset()
    this.#slow.reset()
    this.#cross.reset()
  }
}
