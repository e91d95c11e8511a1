import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { Indicator, PriceInput } from './types.js'
import { MAX_PERIOD, readPrice } from './validate.js'

const period = /* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD))

/** Schema of {@link MACDConfig}: `fast` 12, `slow` 26, `signal` 9 by default; `fast <= slow`. */
export const MACDConfigSchema = /* @__PURE__ */ z
  .strictObject({ fast: z._default(period, 12), slow: z._default(period, 26), signal: z._default(period, 9) })
  .check(z.refine((c) => c.fast <= c.slow, { message: 'fast must not exceed slow', path: ['fast'] }))

/** Options of {@link MACD}. */
export type MACDConfig = z.input<typeof MACDConfigSchema>

/** One MACD output. */
export interface MACDValue {
  /** Fast EMA minus slow EMA. */
  readonly macd: number
  /** EMA of `macd` over `signal` periods. */
  readonly signal: number
  /** `macd - signal`. */
  readonly histogram: number
}

/**
 * Moving average convergence/divergence (TA-Lib `MACD`).
 *
 * TA-Lib's seeding: both EMAs start on the same input (index `slow - 1`). The slow EMA is seeded with the SMA of
 * the first `slow` inputs, the fast EMA with the SMA of the `fast` inputs ending at that same index (not of the
 * first `fast` inputs). The signal line is an EMA of the MACD line seeded with the SMA of its first `signal`
 * values. Warm-up (lookback): `slow + signal - 2` inputs (33 for 12/26/9). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const macd = new MACD({ fast: 12, slow: 26, signal: 9 })
 * const v = macd.update(close)
 * if (v && v.histogram > 0) console.log('bullish momentum')
 * ```
 */
export class MACD implements Indicator<PriceInput, MACDValue> {
  /** Fast EMA period. */
  readonly fast: number
  /** Slow EMA period. */
  readonly slow: number
  /** Signal EMA period. */
  readonly signal: number
  /** TA-Lib lookback: `slow + signal - 2`. */
  readonly lookback: number
  readonly #kf: number
  readonly #ks: number
  readonly #kg: number
  #fastSum = 0
  #slowSum = 0
  #fastEma = 0
  #slowEma = 0
  #sigSum = 0
  #sig = 0
  #count = 0
  #value: MACDValue | undefined = undefined
  #pFastSum = 0
  #pSlowSum = 0
  #pFastEma = 0
  #pSlowEma = 0
  #pSigSum = 0
  #pSig = 0
  #pValue: MACDValue | undefined = undefined

  constructor(config: MACDConfig = {}) {
    const c = parseConfig(MACDConfigSchema, config, 'MACD')
    this.fast = c.fast
    this.slow = c.slow
    this.signal = c.signal
    this.lookback = c.slow - 1 + (c.signal - 1)
    this.#kf = 2 / (c.fast + 1)
    this.#ks = 2 / (c.slow + 1)
    this.#kg = 2 / (c.signal + 1)
  }

  /** Adds a price (or a candle's close) and returns `{ macd, signal, histogram }`, or `undefined` while warming up. */
  update(input: PriceInput): MACDValue | undefined {
    const x = readPrice('MACD', input)
    this.#pFastSum = this.#fastSum
    this.#pSlowSum = this.#slowSum
    this.#pFastEma = this.#fastEma
    this.#pSlowEma = this.#slowEma
    this.#pSigSum = this.#sigSum
    this.#pSig = this.#sig
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): MACDValue | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('MACD', input)
    this.#fastSum = this.#pFastSum
    this.#slowSum = this.#pSlowSum
    this.#fastEma = this.#pFastEma
    this.#slowEma = this.#pSlowEma
    this.#sigSum = this.#pSigSum
    this.#sig = this.#pSig
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): MACDValue | undefined {
    const n = ++this.#count
    const slow = this.slow
    let f: number
    let s: number
    if (n > slow) {
      f = (x - this.#fastEma) * this.#kf + this.#fastEma
      s = (x - this.#slowEma) * this.#ks + this.#slowEma
    } else {
      this.#slowSum += x
      if (n > slow - this.fast) this.#fastSum += x
      if (n < slow) return undefined
      f = this.#fastSum / this.fast
      s = this.#slowSum / slow
    }
    this.#fastEma = f
    this.#slowEma = s
    const m = f - s
    const j = n - slow + 1
    const sp = this.signal
    let g: number
    if (j > sp) {
      g = (m - this.#sig) * this.#kg + this.#sig
    } else {
      this.#sigSum += m
      if (j < sp) return undefined
      g = this.#sigSum / sp
    }
    this.#sig = g
    const v: MACDValue = { macd: m, signal: g, histogram: m - g }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#fastSum = 0
    this.#slowSum = 0
    this.#fastEma = 0
    this.#slowEma = 0
    this.#sigSum = 0
    this.#sig = 0
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest value, or `undefined` while warming up. */
  get value(): MACDValue | undefined {
    return this.#value
  }
  /** True once `lookback + 1` inputs were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#count
  }
}
