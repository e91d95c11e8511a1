import { RateLimitError, type TransportErrorOptions } from '../errors/index.js'

/**
 * A new entry (an order in the `ORDER` lane) refused because the shared rate budget on Redis cannot be reached: the
 * request was **not sent** (it fails closed), so it is a `RATE_LIMITED` refusal, never an unknown outcome, and
 * nothing reconciles or re-sends it later. Its `cause` is the {@link SharedStateUnavailableError}; retry after
 * `retryAfterMs` or when the connection emits `redis.reconnected`. Cancels and exits go on meanwhile.
 *
 * @example
 * ```ts
 * try { await spot.placeOrder(entry) } catch (e) {
 *   if (e instanceof SharedBudgetUnavailableError) log.warn({ scope: e.details.scope }, 'redis down: entry not sent')
 * }
 * ```
 */
export class SharedBudgetUnavailableError extends RateLimitError {
  override name = 'SharedBudgetUnavailableError'
  constructor(message: string, retryAfterMs: number, options: TransportErrorOptions = {}) {
    super(message, retryAfterMs, options)
  }
}
