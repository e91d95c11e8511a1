import { lastResultOf } from './lastResultOf.js'
import { productOf } from './words.js'

/**
 * `x.times(y)`, the last product computed again when it is asked for the same two Decimal objects (a fill's
 * `price × qty` is read by the balance check, the fee and the cash booking in turn).
 *
 * @example
 * ```ts
 * product(price, qty) === product(price, qty) // true: computed once
 * ```
 */
export const product = lastResultOf(productOf)
