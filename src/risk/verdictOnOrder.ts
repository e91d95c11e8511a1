import type { TradekitErrorCode } from '../errors/index.js'
import { REQUEST_REFUSALS } from '../errors/orderRefusals.js'

/**
 * Whether an `order.rejected` with this `code` is a verdict on the order (the venue's, or a filter check's), which
 * the rejection-rate breaker counts; no code is a venue's REJECTED order update. A refused request
 * (`REQUEST_REFUSALS`: throttled, banned, never sent) is not, nor a request whose answer was lost and that the venue
 * does not know (`ORDER_OUTCOME_UNKNOWN`): a venue outage or a ban must not latch a halt that outlives it (the
 * transport's own breakers handle it).
 *
 * @example
 * ```ts
 * isVerdictOnOrder('INSUFFICIENT_FUNDS') // true
 * isVerdictOnOrder('BANNED') // false
 * ```
 */
export function isVerdictOnOrder(code: TradekitErrorCode | undefined): boolean {
  return code === undefined || !(REQUEST_REFUSALS.has(code) || code === 'ORDER_OUTCOME_UNKNOWN')
}
