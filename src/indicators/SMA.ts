import type { PriceInput } from './types.js'
import { readPrice } from './validate.js'
import { WindowIndicator } from './WindowIndicator.js'

/**
 * Simple moving average: the mean of the last `period` inputs (TA-Lib `SMA`).
 *
 * Running sum, exactly as TA-Lib: add the new input, divide by `period`, then subtract the oldest input.
 * Warm-up (lookback): `period - 1` inputs. O(1) time and memory per update.
 *
 * @example
 * ```ts
 * const sma = new SMA(20)
 * for (const c of candles) sma.update(c) // numbers or candles (close)
 * if (sma.isReady) console.log(sma.value)
 * ```
 */
export class SMA extends WindowIndicator<PriceInput> {
  constructor(period: number) {
    super('SMA', period)
  }

  /** @internal */
  protected read(input: PriceInput): number {
    return readPrice('SMA', input)
  }

  /** @internal */
  protected compute(): number {
    const v = this.window.sum / this.period
    this.window.dropOldest()
    return v
  }
}
