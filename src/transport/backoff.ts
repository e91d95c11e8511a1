/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** 1 for the first retry, 2 for the second, ... */
  readonly attempt: number
  /** Ceiling of the first delay, in ms. */
  readonly baseMs: number
  /** Largest ceiling any delay may have, in ms. */
  readonly maxMs: number
  /** Source of randomness in [0, 1); defaults to `Math.random`. */
  readonly random?: () => number
}

/**
 * Exponential backoff with full jitter (AWS style): a uniformly random delay in `[0, min(maxMs, baseMs·2^(attempt-1))]`.
 * Full jitter spreads the reconnects of many clients after a venue outage instead of synchronising them.
 *
 * @example
 * ```ts
 * backoffDelay({ attempt: 3, baseMs: 500, maxMs: 30_000 }) // somewhere in [0, 2000]
 * ```
 */
export function backoffDelay(params: BackoffOptions): number {
  const attempt = Math.max(1, Math.floor(params.attempt))
  // 2 ** 60 is far above any maxMs; capping the exponent keeps the math finite.
  const ceiling = Math.min(params.maxMs, params.baseMs * 2 ** Math.min(attempt - 1, 60))
  const r = (params.random ?? Math.random)()
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5
  return Math.round(ceiling * unit)
}

/**
 * Backoff ceiling (the jitter-free maximum) of a given attempt; useful to document and to test growth.
 *
 * @example
 * ```ts
 * backoffCeiling({ attempt: 1, baseMs: 500, maxMs: 30_000 }) // 500
 * backoffCeiling({ attempt: 4, baseMs: 500, maxMs: 30_000 }) // 4000
 * backoffCeiling({ attempt: 9, baseMs: 500, maxMs: 30_000 }) // 30000 (capped)
 * ```
 */
export function backoffCeiling(params: Omit<BackoffOptions, 'random'>): number {
  const attempt = Math.max(1, Math.floor(params.attempt))
  return Math.min(params.maxMs, params.baseMs * 2 ** Math.min(attempt - 1, 60))
}
