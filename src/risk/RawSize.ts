import type { Decimal } from '../decimal/index.js'

/**
 * A size before caps as its sizing method computes it: `num ÷ den` (the method's one division: equity × risk ÷ stop
 * distance, notional ÷ price), divided only when the Decimal is read. Capping and rounding can often place the
 * quotient on the step grid with exact scaled integers instead (issue 20), so an approved entry may never divide.
 *
 * @example
 * ```ts
 * const raw = new RawSize(new Decimal(100), new Decimal(64000))
 * raw.value.toString() // '0.0015625', divided now, once
 * ```
 */
export class RawSize {
  /** The numerator (or the size itself when there is no `den`). */
  readonly num: Decimal
  /** The divisor; `undefined` when the size is `num` itself. */
  readonly den: Decimal | undefined
  #value: Decimal | undefined

  constructor(num: Decimal, den?: Decimal) {
    this.num = num
    this.den = den
    if (den === undefined) this.#value = num
  }

  /** `num.div(den)`: the size as the Decimal division gives it (computed on first read). */
  get value(): Decimal {
    this.#value ??= this.num.div(this.den as Decimal)
    return this.#value
  }
}
