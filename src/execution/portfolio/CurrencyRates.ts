import type { AccountValuation } from '../../core/ports.js'
import { Decimal, type DecimalLike, toDecimal } from '../../decimal/index.js'
import { plusProduct } from '../../decimal/plusProduct.js'
import { ValidationError } from '../../errors/index.js'

const ONE = new Decimal(1)

/**
 * Multi-currency valuation for the Portfolio: the value of one unit of each cash asset in the account currency (whose
 * own rate is always 1). An asset without a rate is accounted but not valued.
 *
 * @example
 * ```ts
 * const rates = new CurrencyRates('USDT', { pUSD: 1 })
 * rates.value(new Decimal(5), 'pUSD') // 5 (USDT)
 * rates.value(new Decimal(5), 'EUR')  // undefined: no rate
 * ```
 */
export class CurrencyRates {
  readonly #accountCurrency: string
  readonly #rates = new Map<string, Decimal>()
  /** {@link CurrencyRates.valuation}'s answer until a rate changes. */
  #valuation: AccountValuation | undefined

  /** `initial`: rates of other assets, e.g. `{ pUSD: 1 }` (validated as by {@link CurrencyRates.set}). */
  constructor(accountCurrency: string, initial: Readonly<Record<string, DecimalLike>> = {}) {
    this.#accountCurrency = accountCurrency
    for (const [asset, rate] of Object.entries(initial)) this.set(asset, rate)
    this.#rates.set(accountCurrency, ONE)
  }

  /** Sets the rate of `asset`; throws a ValidationError for the account currency or a rate that is not > 0. */
  set(asset: string, rate: DecimalLike): void {
    if (asset === this.#accountCurrency) {
      throw new ValidationError(`"${asset}" is the account currency: its rate is 1`, { field: 'asset' })
    }
    const r = toDecimal(rate, { field: `currencies.${asset}` })
    if (!r.isFinite() || r.lte(0)) {
      throw new ValidationError(`The rate of "${asset}" must be a finite number > 0`, { field: 'rate' })
    }
    this.#rates.set(asset, r)
    this.#valuation = undefined
  }

  /**
   * The account currency and every other rate, frozen (the same object until a rate changes): what an account snapshot
   * carries for its readers to value other quote currencies.
   */
  valuation(): AccountValuation {
    if (this.#valuation !== undefined) return this.#valuation
    const rates: Record<string, Decimal> = {}
    for (const [asset, rate] of this.#rates) if (asset !== this.#accountCurrency) rates[asset] = rate
    this.#valuation = Object.freeze({ currency: this.#accountCurrency, rates: Object.freeze(rates) })
    return this.#valuation
  }

  /** The rate of `asset`, or `undefined` when it has none. */
  get(asset: string | undefined): Decimal | undefined {
    return asset === undefined ? undefined : this.#rates.get(asset)
  }

  /** `amount` of `asset` in the account currency, or `undefined` when the asset has no rate. */
  value(amount: Decimal, asset: string | undefined): Decimal | undefined {
    const r = this.get(asset)
    if (r === undefined) return undefined
    return r === ONE ? amount : amount.times(r)
  }

  /** Every rated asset with its rate. */
  entries(): IterableIterator<[string, Decimal]> {
    return this.#rates.entries()
  }
}

/**
 * `amount` times `rate`, skipping the multiplication for the account currency's rate of exactly 1.
 *
 * @example
 * ```ts
 * valueAt(cash, rates.get('pUSD') as Decimal)
 * ```
 */
export function valueAt(amount: Decimal, rate: Decimal): Decimal {
  return rate === ONE ? amount : amount.times(rate)
}

/**
 * `sum` plus the value of `qty` units at `price` (quoted in an asset of `rate`), as `sum.plus(valueAt(qty.times(price),
 * rate))` computes it; for the account currency's own rate without decimal.js's per-operation copies (a holding's
 * mark-to-market on every candle, see {@link plusProduct}).
 *
 * @example
 * ```ts
 * equity = plusValueAt(equity, position.qty, mark, rates.get('USDT') as Decimal)
 * ```
 */
export function plusValueAt(sum: Decimal, qty: Decimal, price: Decimal, rate: Decimal): Decimal {
  return rate === ONE ? plusProduct(sum, qty, price) : sum.plus(valueAt(qty.times(price), rate))
}
