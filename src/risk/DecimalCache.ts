import { Decimal } from '../decimal/index.js'
import { LastProduct } from './LastProduct.js'

/**
 * Numeric config values as Decimals, converted once per value (decimal.js conversions cost on the sizing hot path).
 * Keys are the values themselves, or an owner object plus a field name; both grow only with distinct config values.
 */
export class DecimalCache {
  readonly #byOwner = new WeakMap<object, Map<string, Decimal>>()
  readonly #byNumber = new Map<number, Decimal>()
  #lastNumber: number | undefined
  #lastDecimal: Decimal | undefined
  /** Entry sizing's products, one per site: correlation × confidence scale, equity × scale, equity × risk fraction. */
  readonly scale = new LastProduct()
  readonly scaledEquity = new LastProduct()
  readonly riskBudget = new LastProduct()

  /** `value` as a Decimal, remembered under `owner`'s `field` (a config object keeps its Decimals while it lives). */
  field(owner: object, field: string, value: number): Decimal {
    let m = this.#byOwner.get(owner)
    if (m === undefined) {
      m = new Map()
      this.#byOwner.set(owner, m)
    }
    let d = m.get(field)
    if (d === undefined) {
      d = new Decimal(value)
      m.set(field, d)
    }
    return d
  }

  /** `value` as a Decimal, remembering only the last one (for values that repeat but are not a small set). */
  last(value: number): Decimal {
    if (value !== this.#lastNumber || this.#lastDecimal === undefined) {
      this.#lastDecimal = new Decimal(value)
      this.#lastNumber = value
    }
    return this.#lastDecimal
  }

  /** `value` as a Decimal, remembered by value (for small sets of values such as leverages). */
  number(value: number): Decimal {
    let d = this.#byNumber.get(value)
    if (d === undefined) {
      d = new Decimal(value)
      this.#byNumber.set(value, d)
    }
    return d
  }
}
