import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { Candle } from '../core/types.js'
import { MACD } from '../indicators/index.js'
import {
  CandleStrategy,
  CandleStrategyConfigSchema,
  type CandleVerdict,
  CrossDetector,
} from './CandleStrategy.js'

/** Parameters of {@link MacdTrend}. */
export const MacdTrendConfigSchema = /* @__PURE__ */ z
  .strictObject({
    ...CandleStrategyConfigSchema.shape,
    fast: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 12),
    slow: z._default(/* @__PURE__ */ z.int().check(z.minimum(2)), 26),
    signal: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 9),
  })
  .check(z.refine((c) => c.fast < c.slow, { message: 'fast must be shorter than slow', path: ['fast'] }))
/** Parameters of {@link MacdTrend} (input form). */
export type MacdTrendConfig = z.input<typeof MacdTrendConfigSchema>

/**
 * Trend following on MACD (TA-Lib seeding): bullish when the histogram turns positive (MACD crosses above its
 * signal line), bearish when it turns negative.
 *
 * @example
 * ```ts
 * const s = new MacdTrend({ venue: 'binance', symbol: 'BTCUSDT', interval: '1h', fast: 12, slow: 26, signal: 9 })
 * ```
 */
export class MacdTrend extends CandleStrategy {
  protected readonly historyLength: number
  readonly #macd: MACD
  readonly #cross = new CrossDetector()

  constructor(config: MacdTrendConfig) {
    const c = parseConfig(MacdTrendConfigSchema, config, 'MacdTrend')
    super('macd-trend', c)
    this.#macd = new MACD({ fast: c.fast, slow: c.slow, signal: c.signal })
    this.historyLength = (c.slow + c.signal) * 10
  }

  protected evaluate(candle: Candle): CandleVerdict {
    const m = this.#macd.update(candle.close)
    if (m === undefined) return undefined
    return this.#cross.update(m.histogram)
  }

  protected resetIndicators(): void {
    this.#macd.reset()
    this.#cross.reset()
  }
}
