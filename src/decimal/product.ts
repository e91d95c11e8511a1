import type { Decimal } from './Decimal.js'

// The last product computed, by the identity of its operands (Decimals are immutable: the same two objects always
// have the same product).
let lastX: Decimal | undefined
let lastY: Decimal | undefined
let lastProduct: Decimal | undefined

/**
 * `x.times(y)`, the last product computed again when it is asked for the same two Decimal objects (a fill's
 * `price × qty` is read by the balance check, the fee and the cash booking in turn).
 *
 * @example
 * ```ts
 * product(price, qty) === product(price, qty) // true: computed once
 * ```
 */
export function product(x: Decimal, y: Decimal): Decimal {
  if (x === lastX && y === lastY && lastProduct !== undefined) return lastProduct
  const p = x.times(y)
  lastX = x
  lastY = y
  lastProduct = p
  return p
}
