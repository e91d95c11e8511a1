// The named export, not the default one: under node16/nodenext ESM a default import of this CommonJS-typed package
// is the module object, which left `Decimal` typed `any` for consumers.
import { Decimal as DecimalJs } from 'decimal.js'

/**
 * `ctor`, given fast properties in V8. decimal.js gives each constructor some forty static properties (`precision`,
 * `ROUND_UP`, `abs`, …), which leaves it a slow dictionary-mode object: every `new Decimal`, every `instanceof` check
 * and every arithmetic method (each reads `Ctor.precision` and `Ctor.rounding` and builds its result with `new Ctor`)
 * then pays hash lookups, about half of the cost of a `plus` or `times`. V8 turns an object into a fast one when it
 * becomes the prototype of an object that gets a property; nothing else about the constructor changes (other engines
 * ignore it).
 */
function withFastProperties<T extends object>(ctor: T): T {
  const heir: { fast?: true } = Object.create(ctor)
  heir.fast = true
  return ctor
}

// decimal.js checks `instanceof` against its own first constructor (`isDecimalInstance`) whatever clone it builds.
withFastProperties(DecimalJs)

/**
 * tradekit's own decimal.js constructor: 40 significant digits, ROUND_HALF_EVEN, and never an exponent in
 * `toString()`. It is a `clone()`, so the host app's global `Decimal.set` is never touched and never affects us.
 */
export const Decimal = /* @__PURE__ */ withFastProperties(
  DecimalJs.clone({
    precision: 40,
    rounding: DecimalJs.ROUND_HALF_EVEN,
    toExpNeg: -9e15,
    toExpPos: 9e15,
  }),
)
/** A decimal.js value created by tradekit's {@link Decimal} constructor. */
export type Decimal = DecimalJs

/** Anything tradekit accepts where a decimal is expected: a Decimal, a finite number or a decimal string. */
export type DecimalLike = Decimal | number | string

/**
 * True when `v` is a decimal.js value (from any copy or clone of decimal.js).
 *
 * @example
 * ```ts
 * isDecimal(new Decimal('1.5')) // true
 * isDecimal('1.5')              // false
 * ```
 */
export function isDecimal(v: unknown): v is Decimal {
  return DecimalJs.isDecimal(v)
}
