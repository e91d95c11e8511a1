import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { Candle } from '../core/types.js'
import { BollingerBands } from '../indicators/index.js'
import { CandleStrategy, CandleStrategyConfigSchema, type CandleVerdict } from './CandleStrategy.js'

/** Parameters of {@link BollingerBreakout}. */
export const BollingerBreakoutConfigSchema = z.strictObject({
  ...CandleStrategyConfigSchema.shape,
  /** Bands period. Default 20. */
  period: z._default(/* @__PURE__ */ z.int().check(z.minimum(2)), 20),
  /** Band width in population standard deviations. Default 2. */
  stdDev: z._default(/* @__PURE__ */ z.number().check(z.positive()), 2),
})
/** Parameters of {@link BollingerBreakout} (input form). */
export type BollingerBreakoutConfig = z.input<typeof BollingerBreakoutConfigSchema>

/**
 * Breakout: bullish when a close breaks above the upper band (the previous close was at or below it), bearish when
 * a close falls back below the middle band (the previous close was at or above it).
 *
 * @example
 * ```ts
 * const s = new BollingerBreakout({ venue: 'binance', symbol: 'BTCUSDT', interval: '15m', period: 20, stdDev: 2 })
 * ```
 */
export class BollingerBreakout extends CandleStrategy {
  protected readonly historyLength: number
  readonly #bb: BollingerBands
  #prevAboveUpper: boolean | undefined
  #prevAboveMiddle: boolean | undefined

  constructor(config: BollingerBreakoutConfig) {
    const c = parseConfig(BollingerBreakoutConfigSchema, config, 'BollingerBreakout')
    super('bollinger-breakout', c)
    this.#bb = new BollingerBands({ period: c.period, stdDev: c.stdDev })
    this.historyLength = c.period * 2
  }

  protected evaluate(candle: Candle): CandleVerdict {
    const b = this.#bb.update(candle.close)
    if (b === undefined) return undefined
    const aboveUpper = candle.close > b.upper
    const aboveMiddle = candle.close >= b.middle
    const wasAboveUpper = this.#prevAboveUpper
    const wasAboveMiddle = this.#prevAboveMiddle
    this.#prevAboveUpper = aboveUpper
    this.#prevAboveMiddle = aboveMiddle
    if (wasAboveUpper === false && aboveUpper) return 'BULLISH'
    if (wasAboveMiddle === true && !aboveMiddle) return 'BEARISH'
    return undefined
  }

  protected resetIndicators(): void {
    this.#bb.reset()
    this.#prevAboveUpper = undefined
    this.#prevAboveMiddle = undefined
  }
}
