import type { Decimal } from './Decimal.js'

// The last difference computed, by the identity of its operands (Decimals are immutable: the same two objects always
// have the same difference).
let lastX: Decimal | undefined
let lastY: Decimal | undefined
let lastDifference: Decimal | undefined

/**
 * `x.minus(y)`, the last difference computed again when it is asked for the same two Decimal objects (a closing
 * fill's `price − entry` is read by the position and by the strategy's share in turn).
 *
 * @example
 * ```ts
 * difference(price, entry) === difference(price, entry) // true: computed once
 * ```
 */
export function difference(x: Decimal, y: Decimal): Decimal {
  if (x === lastX && y === lastY && lastDifference !== undefined) return lastDifference
  const d = x.minus(y)
  lastX = x
  lastY = y
  lastDifference = d
  return d
}
