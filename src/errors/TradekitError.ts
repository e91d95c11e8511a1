import type { TradekitErrorByCode } from './errors.js'
import { redact } from './redact.js'

/** Brand that marks every tradekit error; a `Symbol.for` key survives duplicated bundles. */
export const TRADEKIT_ERROR: unique symbol = Symbol.for('tradekit.error') as never

/** Every machine-readable error code a {@link TradekitError} can carry. */
export const TradekitErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVARIANT_VIOLATED: 'INVARIANT_VIOLATED',
  INVALID_STATE: 'INVALID_STATE',
  EXCHANGE_REJECTED: 'EXCHANGE_REJECTED',
  ORDER_REJECTED: 'ORDER_REJECTED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  AUTH_FAILED: 'AUTH_FAILED',
  EXCHANGE_DATA_INVALID: 'EXCHANGE_DATA_INVALID',
  RATE_LIMITED: 'RATE_LIMITED',
  BANNED: 'BANNED',
  NETWORK: 'NETWORK',
  TIMEOUT: 'TIMEOUT',
  HTTP_ERROR: 'HTTP_ERROR',
  SOCKET_CLOSED: 'SOCKET_CLOSED',
  QUEUE_FULL: 'QUEUE_FULL',
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  ORDER_OUTCOME_UNKNOWN: 'ORDER_OUTCOME_UNKNOWN',
  LISTENER_FAILED: 'LISTENER_FAILED',
} as const
/** Union of the {@link TradekitErrorCode} values. */
export type TradekitErrorCode = (typeof TradekitErrorCode)[keyof typeof TradekitErrorCode]

/** Options every tradekit error accepts. `details` is redacted: keys that look like secrets are masked. */
export interface TradekitErrorOptions {
  /** Underlying error, kept for debugging. */
  cause?: unknown
  /** Structured, secret-free context (values, ids, limits). */
  details?: Record<string, unknown>
  /** Whether trying the same operation again may succeed. */
  retryable?: boolean
}

/**
 * Base class of every error tradekit throws, rejects with or emits.
 *
 * @example
 * ```ts
 * try { await client.placeOrder(req) } catch (e) {
 *   if (isTradekitError(e, 'RATE_LIMITED')) console.log('retry in', e.retryAfterMs)
 * }
 * ```
 */
export class TradekitError extends Error {
  override name = 'TradekitError'
  /** Machine-readable code; branch on this, never on the message. */
  readonly code: TradekitErrorCode
  /** Whether the same call may succeed if tried again. */
  readonly retryable: boolean
  /** The message without the details suffix. */
  readonly shortMessage: string
  /** Secret-free structured context. */
  readonly details: Readonly<Record<string, unknown>>
  /** Brand checked by {@link isTradekitError}. */
  readonly [TRADEKIT_ERROR] = true as const

  constructor(code: TradekitErrorCode, message: string, options: TradekitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = message
    this.retryable = options.retryable ?? false
    this.details = Object.freeze(redact(options.details ?? {}) as Record<string, unknown>)
  }
}

/**
 * True when `e` is a tradekit error, even when it comes from another copy of the package. Given a `code`, it also
 * checks the code and narrows to that code's class, so its typed fields are read directly (`e.status`,
 * `e.retryAfterMs`); `details` is only for logging.
 *
 * @example
 * ```ts
 * try {
 *   await executor.submit(intent)
 * } catch (e) {
 *   if (isTradekitError(e, 'RATE_LIMITED')) console.log('retry in', e.retryAfterMs)
 *   else if (isTradekitError(e) && e.retryable) console.log('may retry:', e.code)
 *   else throw e
 * }
 * ```
 */
export function isTradekitError<C extends TradekitErrorCode>(e: unknown, code: C): e is TradekitErrorByCode[C]
export function isTradekitError(e: unknown): e is TradekitError
export function isTradekitError(e: unknown, code?: TradekitErrorCode): boolean {
  if (typeof e !== 'object' || e === null) return false
  if ((e as { [TRADEKIT_ERROR]?: unknown })[TRADEKIT_ERROR] !== true) return false
  return code === undefined || (e as TradekitError).code === code
}

/** Codes {@link toTradekitError} may give a wrapped value: those whose error class has no fields of its own. */
export type WrapCode = 'INVARIANT_VIOLATED' | 'INVALID_STATE' | 'NETWORK' | 'SOCKET_CLOSED'

/**
 * Wraps any thrown value into a {@link TradekitError}, keeping tradekit errors as they are.
 *
 * @example
 * ```ts
 * somePromise.catch((e: unknown) => emitter.emit('error', toTradekitError(e)))
 * ```
 */
export function toTradekitError(e: unknown, code: WrapCode = 'INVARIANT_VIOLATED'): TradekitError {
  if (isTradekitError(e)) return e
  const message = e instanceof Error ? e.message : `Non-error value thrown: ${String(e)}`
  return new TradekitError(code, message, {
    cause: e,
    retryable: code === 'NETWORK' || code === 'SOCKET_CLOSED',
  })
}
