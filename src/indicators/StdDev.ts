import type { PriceInput } from './types.js'
import { readPrice } from './validate.js'
import { WindowIndicator } from './WindowIndicator.js'

/**
 * Population standard deviation of the last `period` inputs (TA-Lib `STDDEV` with `nbDev = 1`).
 *
 * Running sums as TA-Lib: `variance = mean(x²) - mean(x)²`. σ is 0 for a flat window (every input equal) and when
 * rounding leaves the variance at or below 0; unlike TA-Lib there is no fixed 1e-8 cut-off, which zeroed the σ of
 * low-priced instruments (0.1 / 0.1001 alternating has σ 5e-5, variance 2.5e-9). Warm-up (lookback): `period - 1`
 * inputs. O(1).
 *
 * @example
 * ```ts
 * const sd = new StdDev(20)
 * for (const c of closes) sd.update(c)
 * ```
 */
export class StdDev extends WindowIndicator<PriceInput> {
  constructor(period: number) {
    super('StdDev', period, { squares: true })
  }

  /** @internal */
  protected read(input: PriceInput): number {
    return readPrice('StdDev', input)
  }

  /** @internal */
  protected compute(): number {
    const p = this.period
    const w = this.window
    const mean = w.sum / p
    const meanSq = w.sumSq / p
    w.dropOldest()
    const variance = meanSq - mean * mean
    return w.isFlat || !(variance > 0) ? 0 : Math.sqrt(variance)
  }
}
