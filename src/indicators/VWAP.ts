import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { PositiveDurationMsSchema } from '../core/timeSchemas.js'
import { ValidationError } from '../errors/index.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, MAX_PERIOD } from './validate.js'

/**
 * Schema of {@link VWAPConfig}. With `period`, a rolling VWAP over the last `period` candles; without it, a session
 * VWAP that restarts at every `sessionMs` boundary (default one UTC day) shifted by `sessionOffsetMs`.
 */
export const VWAPConfigSchema = z.strictObject({
  period: z.optional(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD))),
  sessionMs: z._default(PositiveDurationMsSchema, 86_400_000),
  sessionOffsetMs: z._default(z.int(), 0),
})

/** Options of {@link VWAP}. */
export type VWAPConfig = z.input<typeof VWAPConfigSchema>

/** Input of {@link VWAP}: a candle; the session mode also needs its `openTime` (epoch ms). */
export type VWAPInput = CandleInput & { readonly openTime?: number }

/**
 * Volume-weighted average price of the typical price TP = (high + low + close) / 3: Σ(TP × volume) / Σvolume.
 *
 * - Session (default): cumulative since the session start; a candle whose `openTime` falls in a later session
 *   (`floor((openTime - sessionOffsetMs) / sessionMs)`) starts a new one. Candles need `openTime`; an `openTime`
 *   earlier than the previous candle's is rejected. Lookback 0.
 * - Rolling (`period`): over the last `period` candles (running sums). Lookback `period - 1`.
 *
 * While the window (or session) has no volume at all, the value is the latest TP. Not a TA-Lib function. O(1).
 *
 * @example
 * ```ts
 * const session = new VWAP()               // resets at 00:00 UTC
 * session.update(candle)                   // candle.openTime is required
 * const rolling = new VWAP({ period: 20 }) // last 20 candles
 * ```
 */
export class VWAP implements Indicator<VWAPInput, number> {
  /** Rolling window length, or `undefined` for a session VWAP. */
  readonly period: number | undefined
  /** Session length in ms (session mode). */
  readonly sessionMs: number
  /** Session boundary offset from the UTC epoch grid, in ms. */
  readonly sessionOffsetMs: number
  /** Lookback: `period - 1` (rolling) or 0 (session). */
  readonly lookback: number
  readonly #pvBuf: Float64Array | undefined
  readonly #vBuf: Float64Array | undefined
  #idx = 0
  #pv = 0
  #v = 0
  #zeroRun = 0
  #session = Number.NEGATIVE_INFINITY
  #lastTime = Number.NEGATIVE_INFINITY
  #count = 0
  #value = Number.NaN
  readonly #saved = new Float64Array(8)
  #pValue = Number.NaN

  constructor(config: VWAPConfig = {}) {
    const c = parseConfig(VWAPConfigSchema, config, 'VWAP')
    this.period = c.period
    this.sessionMs = c.sessionMs
    this.sessionOffsetMs = c.sessionOffsetMs
    this.lookback = c.period === undefined ? 0 : c.period - 1
    this.#pvBuf = c.period === undefined ? undefined : new Float64Array(c.period)
    this.#vBuf = c.period === undefined ? undefined : new Float64Array(c.period)
  }

  #check(input: VWAPInput): void {
    checkCandle('VWAP', input)
    if (this.period !== undefined) return
    const t = input.openTime
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new ValidationError(`VWAP: session mode needs a finite candle openTime, got "${String(t)}"`, {
        field: 'openTime',
      })
  }

  /** Adds a candle and returns the VWAP, or `undefined` while warming up. */
  update(input: VWAPInput): number | undefined {
    this.#check(input)
    if (this.period === undefined && (input.openTime as number) < this.#lastTime)
      throw new ValidationError(
        `VWAP: candle openTime "${input.openTime}" is before the previous one "${this.#lastTime}"`,
        { field: 'openTime' },
      )
    const s = this.#saved
    s[0] = this.#idx
    s[1] = this.#pv
    s[2] = this.#v
    s[3] = this.#zeroRun
    s[4] = this.#session
    s[5] = this.#lastTime
    s[6] = this.#pvBuf?.[this.#idx] ?? 0
    s[7] = this.#vBuf?.[this.#idx] ?? 0
    this.#pValue = this.#value
    return this.#step(input)
  }

  /** Revises the latest candle (in session mode its `openTime` may not precede the candle before it). */
  replace(input: VWAPInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    this.#check(input)
    const s = this.#saved
    if (this.period === undefined && (input.openTime as number) < s[5]!)
      throw new ValidationError(
        `VWAP: candle openTime "${input.openTime}" is before the previous one "${s[5]}"`,
        {
          field: 'openTime',
        },
      )
    this.#idx = s[0]!
    this.#pv = s[1]!
    this.#v = s[2]!
    this.#zeroRun = s[3]!
    this.#session = s[4]!
    this.#lastTime = s[5]!
    if (this.#pvBuf !== undefined && this.#vBuf !== undefined) {
      this.#pvBuf[this.#idx] = s[6]!
      this.#vBuf[this.#idx] = s[7]!
    }
    this.#value = this.#pValue
    this.#count--
    return this.#step(input)
  }

  #step(c: VWAPInput): number | undefined {
    this.#count++
    const tp = (c.high + c.low + c.close) / 3
    const vol = c.volume
    const pvBuf = this.#pvBuf
    const vBuf = this.#vBuf
    if (pvBuf === undefined || vBuf === undefined) {
      const t = c.openTime as number
      const session = Math.floor((t - this.sessionOffsetMs) / this.sessionMs)
      this.#lastTime = t
      if (session !== this.#session) {
        this.#session = session
        this.#pv = 0
        this.#v = 0
      }
      this.#pv += tp * vol
      this.#v += vol
      const v = this.#v > 0 ? this.#pv / this.#v : tp
      this.#value = v
      return v
    }
    const p = pvBuf.length
    const idx = this.#idx
    pvBuf[idx] = tp * vol
    vBuf[idx] = vol
    this.#pv += tp * vol
    this.#v += vol
    this.#zeroRun = vol === 0 ? this.#zeroRun + 1 : 0
    const next = idx + 1 === p ? 0 : idx + 1
    this.#idx = next
    if (this.#count < p) return undefined
    const v = this.#zeroRun >= p ? tp : this.#pv / this.#v
    this.#pv -= pvBuf[next]!
    this.#v -= vBuf[next]!
    if (this.#zeroRun >= p - 1) {
      // the window that remains holds no volume: drop the rounding residue of the running sums
      this.#pv = 0
      this.#v = 0
    }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#pvBuf?.fill(0)
    this.#vBuf?.fill(0)
    this.#idx = 0
    this.#pv = 0
    this.#v = 0
    this.#zeroRun = 0
    this.#session = Number.NEGATIVE_INFINITY
    this.#lastTime = Number.NEGATIVE_INFINITY
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest VWAP, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `lookback + 1` candles were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
