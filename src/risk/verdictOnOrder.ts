/**
 * Refusals that say nothing of the order itself: the request was throttled, the IP banned, our circuit breaker or
 * queue refused it, the client could not send (shut down, heartbeats down, no credentials configured), or a request
 * whose answer was lost never reached the venue (`ORDER_OUTCOME_UNKNOWN`: not found by its client id).
 */
const NOT_A_VERDICT: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'BANNED',
  'CIRCUIT_OPEN',
  'QUEUE_FULL',
  'INVALID_STATE',
  'CONFIG_INVALID',
  'ORDER_OUTCOME_UNKNOWN',
])

/**
 * Whether an `order.rejected` with this `code` is a verdict on the order (the venue's, or a filter check's), which
 * the rejection-rate breaker counts; no code is a venue's REJECTED order update. A refusal of the request is not: a
 * venue outage or a ban must not latch a halt that outlives it (the transport's own breakers handle it).
 *
 * @example
 * ```ts
 * isVerdictOnOrder('INSUFFICIENT_FUNDS') // true
 * isVerdictOnOrder('BANNED') // false
 * ```
 */
export function isVerdictOnOrder(code: string | undefined): boolean {
  return code === undefined || !NOT_A_VERDICT.has(code)
}
