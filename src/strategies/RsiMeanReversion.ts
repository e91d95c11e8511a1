import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { Candle } from '../core/types.js'
import { RSI } from '../indicators/index.js'
import { CandleStrategy, CandleStrategyConfigSchema, type CandleVerdict } from './CandleStrategy.js'

/** Parameters of {@link RsiMeanReversion}. */
export const RsiMeanReversionConfigSchema = /* @__PURE__ */ z
  .strictObject({
    ...CandleStrategyConfigSchema.shape,
    /** RSI period (Wilder). Default 14. */
    period: z._default(/* @__PURE__ */ z.int().check(z.minimum(2)), 14),
    /** Bullish when RSI crosses below this level. Default 30. */
    oversold: z._default(/* @__PURE__ */ z.number().check(z.gt(0), z.lt(100)), 30),
    /** Bearish when RSI crosses above this level. Default 70. */
    overbought: z._default(/* @__PURE__ */ z.number().check(z.gt(0), z.lt(100)), 70),
  })
  .check(
    z.refine((c) => c.oversold < c.overbought, {
      message: 'oversold must be below overbought',
      path: ['oversold'],
    }),
  )
/** Parameters of {@link RsiMeanReversion} (input form). */
export type RsiMeanReversionConfig = z.input<typeof RsiMeanReversionConfigSchema>

/**
 * Mean reversion: bullish when RSI falls through `oversold`, bearish when it rises through `overbought`.
 *
 * @example
 * ```ts
 * const s = new RsiMeanReversion({ venue: 'binance', symbol: 'ETHUSDT', interval: '5m', period: 14 })
 * ```
 */
export class RsiMeanReversion extends CandleStrategy {
  protected readonly historyLength: number
  readonly #rsi: RSI
  readonly #oversold: number
  readonly #overbought: number
  #prev: number | undefined

  constructor(config: RsiMeanReversionConfig) {
    const c = parseConfig(RsiMeanReversionConfigSchema, config, 'RsiMeanReversion')
    super('rsi-mean-reversion', c)
    this.#rsi = new RSI(c.period)
    this.#oversold = c.oversold
    this.#overbought = c.overbought
    this.historyLength = c.period * 20
  }

  protected evaluate(candle: Candle): CandleVerdict {
    const r = this.#rsi.update(candle.close)
    const prev = this.#prev
    if (r !== undefined) this.#prev = r
    if (r === undefined || prev === undefined) return undefined
    if (prev >= this.#oversold && r < this.#oversold) return 'BULLISH'
    if (prev <= this.#overbought && r > this.#overbought) return 'BEARISH'
    return undefined
  }

  protected resetIndicators(): void {
    this.#rsi.reset()
    this.#prev = undefined
  }
}
