import type { Instrument } from '../core/index.js'
import { equalDecimals, withinPrecision } from '../decimal/compareDecimals.js'
import { Decimal } from '../decimal/index.js'
import { product } from '../decimal/product.js'
import { type Scaled, toScaled } from '../decimal/scaled.js'
import { readDecimal } from './sizing.js'

const ONE = new Decimal(1)

/** An instrument's sizing filters, read and validated once. */
export interface SizingFilters {
  /** `minQty`, finite and ≥ 0. */
  readonly minQty: Decimal
  /** `maxQty`, finite and > 0 (`undefined`: the instrument has none). */
  readonly maxQty: Decimal | undefined
  /** `minNotional`, finite and ≥ 0 (`undefined`: the instrument has none). */
  readonly minNotional: Decimal | undefined
  /**
   * `k` when the step is exactly 10^-k (k ≥ 0) and `minQty` a multiple of it: rounding down to the step from `minQty`
   * is then truncating to `k` decimal places, exactly (no 40-digit division).
   */
  readonly stepPlaces: number | undefined
  /** The step, `minQty`, `maxQty` and `minNotional` as exact scaled integers (for `capChecked`'s comparisons). */
  readonly scaled: {
    readonly step: Scaled | undefined
    readonly minQty: Scaled | undefined
    readonly maxQty: Scaled | undefined
    readonly minNotional: Scaled | undefined
  }
}

interface Entry extends SizingFilters {
  readonly minQtySource: unknown
  readonly maxQtySource: unknown
  readonly minNotionalSource: unknown
  readonly step: Decimal
}

/**
 * What the RiskManager's sizing reads again and again, computed once: each instrument's `minQty` and `maxQty` (kept
 * while the instrument object carries the same values; Decimals are immutable), and the last position and margin caps
 * (an account snapshot that did not change gives the same equity and free margin objects).
 *
 * @example
 * ```ts
 * const cache = new SizingCache()
 * const f = cache.filters(instrument, step) // undefined when minQty, maxQty or minNotional is malformed
 * ```
 */
export class SizingCache {
  readonly #filters = new WeakMap<object, Entry>()
  #equity: Decimal | undefined
  #fraction: Decimal | undefined
  #positionCap: Decimal | undefined
  #margin: Decimal | undefined
  #leverage: Decimal | undefined
  #safety: Decimal | undefined
  #marginCap: Decimal | undefined

  /**
   * The instrument's filters (`step`: its validated step); `undefined` when one is malformed: `minQty` not a finite
   * decimal ≥ 0, `maxQty` given but not one > 0, `minNotional` given but not one ≥ 0 (`capQuantity` then says which).
   */
  filters(inst: Instrument, step: Decimal): SizingFilters | undefined {
    const hit = this.#filters.get(inst)
    if (
      hit !== undefined &&
      hit.minQtySource === inst.minQty &&
      hit.maxQtySource === inst.maxQty &&
      hit.minNotionalSource === inst.minNotional &&
      hit.step === step
    ) {
      return hit
    }
    const minQty = readDecimal(inst.minQty)
    if (minQty === undefined || minQty.isNegative()) return undefined
    // A malformed limit is no limit it could silently drop: capQuantity's path rejects it (INVALID_INPUT).
    const maxQty = inst.maxQty === undefined ? undefined : readDecimal(inst.maxQty)
    if (inst.maxQty !== undefined && (maxQty === undefined || maxQty.isZero() || maxQty.isNegative()))
      return undefined
    const minNotional = inst.minNotional === undefined ? undefined : readDecimal(inst.minNotional)
    if (inst.minNotional !== undefined && (minNotional === undefined || minNotional.isNegative()))
      return undefined
    const k = step.decimalPlaces()
    const entry: Entry = {
      minQty,
      maxQty,
      minNotional,
      stepPlaces: step.eq(new Decimal(`1e-${k}`)) && minQty.decimalPlaces() <= k ? k : undefined,
      scaled: {
        step: toScaled(step),
        minQty: toScaled(minQty),
        maxQty: maxQty === undefined ? undefined : toScaled(maxQty),
        minNotional: minNotional === undefined ? undefined : toScaled(minNotional),
      },
      minQtySource: inst.minQty,
      maxQtySource: inst.maxQty,
      minNotionalSource: inst.minNotional,
      step,
    }
    this.#filters.set(inst, entry)
    return entry
  }

  /** `equity × maxPositionFraction`. */
  positionCap(equity: Decimal, fraction: Decimal): Decimal {
    if (equity !== this.#equity || fraction !== this.#fraction || this.#positionCap === undefined) {
      // × 1 leaves a value within the precision as it is (a longer one is rounded to 40 digits by times()).
      const unit = equalDecimals(fraction, ONE) && withinPrecision(equity)
      this.#positionCap = unit ? equity : product(equity, fraction)
      this.#equity = equity
      this.#fraction = fraction
    }
    return this.#positionCap
  }

  /** `freeMargin × leverage × marginSafetyFactor` (the buying power an order may use). */
  marginCap(freeMargin: Decimal, leverage: Decimal, safety: Decimal): Decimal {
    if (
      freeMargin !== this.#margin ||
      leverage !== this.#leverage ||
      safety !== this.#safety ||
      this.#marginCap === undefined
    ) {
      const buyingPower = leverage.eq(1) ? freeMargin : product(freeMargin, leverage)
      this.#marginCap = product(buyingPower, safety)
      this.#margin = freeMargin
      this.#leverage = leverage
      this.#safety = safety
    }
    return this.#marginCap
  }
}
