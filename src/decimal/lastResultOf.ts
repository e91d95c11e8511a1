import type { Decimal } from './Decimal.js'

/**
 * Wraps an operation on two Decimals so that it returns its last result again when asked for the same two objects
 * (Decimals are immutable: the same two objects always give the same result). One result is kept: a fill reads the
 * same product or difference several times in a row, then moves on.
 *
 * @example
 * ```ts
 * const product = lastResultOf((x, y) => x.times(y))
 * product(price, qty) === product(price, qty) // true: computed once
 * ```
 */
export function lastResultOf(op: (x: Decimal, y: Decimal) => Decimal): (x: Decimal, y: Decimal) => Decimal {
  let lastX: Decimal | undefined
  let lastY: Decimal | undefined
  let last: Decimal | undefined
  return (x, y) => {
    if (x === lastX && y === lastY && last !== undefined) return last
    const r = op(x, y)
    lastX = x
    lastY = y
    last = r
    return r
  }
}
