/**
 * An OHLCV candle as indicators read it. tradekit's core `Candle` has these fields (and more), so it can be passed
 * directly. Rejected by every indicator when a field is not finite, `high < low`, `open`/`close` lie outside
 * `[low, high]`, or `volume < 0`.
 */
export interface CandleInput {
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/** A candle with its open time (epoch ms), needed by the session {@link VWAP}. */
export interface TimedCandleInput extends CandleInput {
  /** Open time, epoch ms. */
  readonly openTime: number
}

/** Input of single-series indicators: a number, or a candle (its `close` is used). */
export type PriceInput = number | CandleInput

/**
 * The contract every streaming indicator implements (O(1) memory; O(1) time per update unless its docs say
 * otherwise).
 *
 * - `update(input)` adds a new input and returns the current value, or `undefined` while warming up.
 * - `replace(input)` revises the latest input (an in-progress candle) without advancing the window; before the
 *   first `update` it behaves like `update`.
 * - Invalid input throws a `ValidationError` and leaves the state exactly as it was.
 */
export interface Indicator<In, Out> {
  /** Adds `input` and returns the new value, or `undefined` while warming up. */
  update(input: In): Out | undefined
  /** Replaces the most recent input with `input` and returns the revised value. */
  replace(input: In): Out | undefined
  /** Forgets everything, as if just constructed. */
  reset(): void
  /** The latest value, or `undefined` while warming up. */
  readonly value: Out | undefined
  /** True once the warm-up is over (a value is available). */
  readonly isReady: boolean
  /** Number of inputs accepted since construction or the last `reset()`. */
  readonly count: number
  /** Inputs consumed before the first value (TA-Lib's lookback): the first value comes with input `lookback + 1`. */
  readonly lookback: number
}
