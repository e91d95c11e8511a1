import type { Decimal } from '../decimal/index.js'
import { productOf } from '../decimal/words.js'

/**
 * `a × b` for the last pair of Decimals it was asked, by identity (Decimals are immutable): sizing multiplies the
 * same config values and the same account values signal after signal, and a decimal.js product costs more than a
 * check. One per call site, so sites do not evict each other.
 *
 * @example
 * ```ts
 * const equityTimesRisk = new LastProduct()
 * equityTimesRisk.of(equity, riskFraction) // equity.times(riskFraction), computed again only for other operands
 * ```
 */
export class LastProduct {
  #a: Decimal | undefined
  #b: Decimal | undefined
  #product: Decimal | undefined

  /** `a.times(b)`, the very Decimal computed last time when `a` and `b` are the same objects as then. */
  of(a: Decimal, b: Decimal): Decimal {
    if (a !== this.#a || b !== this.#b || this.#product === undefined) {
      this.#product = productOf(a, b)
      this.#a = a
      this.#b = b
    }
    return this.#product
  }
}
