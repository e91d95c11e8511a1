import type { TradekitErrorCode } from './TradekitError.js'

/**
 * Codes of a refusal that is a verdict on the order itself: the venue rejected it (rules, funds, keys) or the
 * adapter's own filter check did (a quantity off the step, a price off the tick). The order was not placed.
 */
export const ORDER_VERDICTS: ReadonlySet<TradekitErrorCode> = new Set<TradekitErrorCode>([
  'EXCHANGE_REJECTED',
  'ORDER_REJECTED',
  'INSUFFICIENT_FUNDS',
  'AUTH_FAILED',
  'VALIDATION_FAILED',
])

/**
 * Codes of a request refused without a word on the order: throttled or banned (a 429 or 418, which Binance documents
 * as not executed), refused by our own circuit breaker or queue, or never sent (no credentials, a client shut down,
 * heartbeats down). The order was not placed.
 */
export const REQUEST_REFUSALS: ReadonlySet<TradekitErrorCode> = new Set<TradekitErrorCode>([
  'CONFIG_INVALID',
  'INVALID_STATE',
  'RATE_LIMITED',
  'BANNED',
  'CIRCUIT_OPEN',
  'QUEUE_FULL',
])
