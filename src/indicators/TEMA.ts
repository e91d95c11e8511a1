import { EmaBlend } from './EmaBlend.js'

/**
 * Triple exponential moving average (TA-Lib `TEMA`): `3 * e1 - 3 * e2 + e3` with `e1 = EMA(x)`, `e2 = EMA(e1)`,
 * `e3 = EMA(e2)` (TA-Lib EMAs, each starting on the first value of the previous one).
 * Warm-up (lookback): `3 * (period - 1)` inputs.
 *
 * @example
 * ```ts
 * const tema = new TEMA(20)
 * for (const x of closes) tema.update(x)
 * ```
 */
export class TEMA extends EmaBlend {
  constructor(period: number) {
    super('TEMA', period, [3, -3, 1])
  }
}
