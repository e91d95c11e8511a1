import { NetworkError, type TransportErrorOptions } from '../errors/index.js'

/**
 * Redis (the shared budget, risk state or event streams) did not answer in time or is unreachable. Retryable: the
 * connection recovers on its own. A new entry refused by the shared rate budget meanwhile fails closed with a
 * {@link SharedBudgetUnavailableError} (caused by this one); cancels and exits go on under a local budget.
 *
 * @example
 * ```ts
 * try { await store.save(state) } catch (e) {
 *   if (e instanceof SharedStateUnavailableError) console.log('redis down, state kept in memory', e.details)
 * }
 * ```
 */
export class SharedStateUnavailableError extends NetworkError {
  override name = 'SharedStateUnavailableError'
  constructor(message: string, options: TransportErrorOptions = {}) {
    super(message, { retryable: true, ...options })
  }
}
