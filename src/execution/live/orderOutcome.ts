import { isTradekitError, type TradekitError } from '../../errors/index.js'

/**
 * Error codes that mean the order certainly was not placed: the venue answered and said no (rejection, funds,
 * auth, a 429 or 418, which Binance documents as not executed), or it was refused before being sent (validation,
 * our own circuit breaker or queue). Anything else leaves the outcome unknown.
 */
export const VENUE_SAID_NO = new Set([
  'EXCHANGE_REJECTED',
  'ORDER_REJECTED',
  'INSUFFICIENT_FUNDS',
  'AUTH_FAILED',
  'VALIDATION_FAILED',
  'CONFIG_INVALID',
  'INVALID_STATE',
  'RATE_LIMITED',
  'BANNED',
  'CIRCUIT_OPEN',
  'QUEUE_FULL',
])

/** Whether a refusal says the client order id is already taken (a resent order the venue already has). */
export function isDuplicate(e: TradekitError): boolean {
  return isTradekitError(e) && /duplicate/i.test(e.shortMessage)
}
