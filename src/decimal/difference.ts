import { lastResultOf } from './lastResultOf.js'
import { sumOf } from './words.js'

/**
 * `x.minus(y)`, the last difference computed again when it is asked for the same two Decimal objects (a closing
 * fill's `price − entry` is read by the position and by the strategy's share in turn).
 *
 * @example
 * ```ts
 * difference(price, entry) === difference(price, entry) // true: computed once
 * ```
 */
export const difference = lastResultOf((x, y) => sumOf(x, y, -1))
