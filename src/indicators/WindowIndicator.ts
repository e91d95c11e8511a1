import { RollingWindow } from './RollingWindow.js'
import type { Indicator } from './types.js'
import { checkPeriod } from './validate.js'

/**
 * An indicator of one number per input over a {@link RollingWindow} of the last `period` of them: the
 * update, replace (an undo of the window and the same step again), reset and warm-up of SMA, StdDev and CCI.
 * Warm-up (lookback): `period - 1` inputs.
 */
export abstract class WindowIndicator<In> implements Indicator<In, number> {
  /** Window length. */
  readonly period: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  /** @internal The last `period` inputs (as {@link WindowIndicator.read} gives them). */
  protected readonly window: RollingWindow
  #value = Number.NaN
  #pValue = Number.NaN

  protected constructor(
    name: string,
    period: number,
    options: { minPeriod?: number; squares?: boolean } = {},
  ) {
    this.period = checkPeriod(name, 'period', period, options.minPeriod)
    this.lookback = period - 1
    this.window = new RollingWindow(period, { squares: options.squares === true })
  }

  /** Adds an input and returns the indicator, or `undefined` while warming up. */
  update(input: In): number | undefined {
    const x = this.read(input)
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: In): number | undefined {
    if (this.window.count === 0) return this.update(input)
    const x = this.read(input)
    this.window.undo()
    this.#value = this.#pValue
    return this.#step(x)
  }

  /** @internal The number an input puts in the window; throws a ValidationError for a bad input. */
  protected abstract read(input: In): number

  /** @internal The indicator over the full window, `x` its newest number. */
  protected abstract compute(x: number): number

  #step(x: number): number | undefined {
    if (!this.window.push(x)) return undefined
    const v = this.compute(x)
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.window.reset()
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest value, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.window.count > this.lookback ? this.#value : undefined
  }
  /** True once `period` inputs were seen. */
  get isReady(): boolean {
    return this.window.count > this.lookback
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.window.count
  }
}
