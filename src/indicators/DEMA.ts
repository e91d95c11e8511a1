import { EmaBlend } from './EmaBlend.js'

/**
 * Double exponential moving average (TA-Lib `DEMA`): `2 * EMA(x) - EMA(EMA(x))`, both TA-Lib EMAs (SMA-seeded);
 * the second EMA starts on the first value of the first. Warm-up (lookback): `2 * (period - 1)` inputs.
 *
 * @example
 * ```ts
 * const dema = new DEMA(20)
 * for (const x of closes) dema.update(x)
 * ```
 */
export class DEMA extends EmaBlend {
  constructor(period: number) {
    super('DEMA', period, [2, -1])
  }
}
