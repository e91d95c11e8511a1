import { NetworkError, type TransportErrorOptions } from '../errors/index.js'

/**
 * Redis (the shared budget, risk state or event streams) did not answer in time or is unreachable. Retryable: the
 * connection recovers on its own. New entries fail closed with it; cancels and exits go on under a local budget.
 *
 * @example
 * ```ts
 * try { await limiter.acquire({ priority: 'ORDER' }) } catch (e) {
 *   if (e instanceof SharedStateUnavailableError) console.log('redis down, not opening', e.details)
 * }
 * ```
 */
export class SharedStateUnavailableError extends NetworkError {
  override name = 'SharedStateUnavailableError'
  constructor(message: string, options: TransportErrorOptions = {}) {
    super(message, { retryable: true, ...options })
  }
}
