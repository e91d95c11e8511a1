import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod } from './validate.js'

/**
 * Money flow index (TA-Lib `MFI`): `100 × positiveFlow / (positiveFlow + negativeFlow)` over the last `period`
 * money flows, where a flow is TP × volume (TP = (high + low + close) / 3), positive when TP rose and negative when
 * it fell (an unchanged TP adds nothing).
 *
 * Running sums as TA-Lib, including its current handling of empty windows: a window with no money flow gives 0
 * (checked on the total itself, not against TA-Lib 0.4's fixed `< 1` threshold that zeroed low-priced
 * instruments), the sums are reset exactly once a whole window of empty flows has passed, and the result is
 * clamped to [0, 100]. Warm-up (lookback): `period` candles. O(1).
 *
 * @example
 * ```ts
 * const mfi = new MFI(14)
 * for (const c of candles) mfi.update(c)
 * ```
 */
export class MFI implements Indicator<CandleInput, number> {
  /** Window length (at least 2). */
  readonly period: number
  /** TA-Lib lookback: `period`. */
  readonly lookback: number
  readonly #pos: Float64Array
  readonly #neg: Float64Array
  #idx = 0
  #posSum = 0
  #negSum = 0
  #prevTP = 0
  #nullRun = 0
  #count = 0
  #value = Number.NaN
  #pPosSum = 0
  #pNegSum = 0
  #pPrevTP = 0
  #pNullRun = 0
  #pOldPos = 0
  #pOldNeg = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('MFI', 'period', period, 2)
    this.lookback = period
    this.#pos = new Float64Array(period)
    this.#neg = new Float64Array(period)
  }

  /** Adds a candle and returns the MFI in [0, 100], or `undefined` while warming up. */
  update(input: CandleInput): number | undefined {
    const c = checkCandle('MFI', input)
    this.#pPosSum = this.#posSum
    this.#pNegSum = this.#negSum
    this.#pPrevTP = this.#prevTP
    this.#pNullRun = this.#nullRun
    this.#pOldPos = this.#pos[this.#idx]!
    this.#pOldNeg = this.#neg[this.#idx]!
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('MFI', input)
    this.#posSum = this.#pPosSum
    this.#negSum = this.#pNegSum
    this.#prevTP = this.#pPrevTP
    this.#nullRun = this.#pNullRun
    this.#value = this.#pValue
    if (this.#count > 1) {
      this.#idx = this.#idx === 0 ? this.period - 1 : this.#idx - 1
      this.#pos[this.#idx] = this.#pOldPos
      this.#neg[this.#idx] = this.#pOldNeg
    }
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): number | undefined {
    const tp = (c.high + c.low + c.close) / 3
    if (++this.#count === 1) {
      this.#prevTP = tp
      return undefined
    }
    const p = this.period
    const idx = this.#idx
    let posSum = this.#posSum - this.#pos[idx]!
    let negSum = this.#negSum - this.#neg[idx]!
    const d = tp - this.#prevTP
    this.#prevTP = tp
    const flow = d === 0 ? 0 : tp * c.volume
    const posFlow = d < 0 ? 0 : flow
    const negFlow = d < 0 ? flow : 0
    this.#pos[idx] = posFlow
    this.#neg[idx] = negFlow
    posSum += posFlow
    negSum += negFlow
    this.#nullRun = flow === 0 ? this.#nullRun + 1 : 0
    if (this.#nullRun >= p) {
      this.#nullRun = p
      posSum = 0
      negSum = 0
    }
    this.#posSum = posSum
    this.#negSum = negSum
    this.#idx = idx + 1 === p ? 0 : idx + 1
    if (this.#count <= p) return undefined
    const total = posSum + negSum
    const v = total <= 0 ? 0 : 100 * ((posSum < 0 ? 0 : posSum > total ? total : posSum) / total)
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#pos.fill(0)
    this.#neg.fill(0)
    this.#idx = 0
    this.#posSum = 0
    this.#negSum = 0
    this.#prevTP = 0
    this.#nullRun = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest MFI, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `period + 1` candles were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
