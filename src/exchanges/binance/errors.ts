import {
  AuthError,
  BannedError,
  ExchangeError,
  HttpError,
  InsufficientFundsError,
  OrderRejectedError,
  RateLimitError,
  type TradekitError,
} from '../../errors/index.js'

/** Binance error codes tradekit maps to specific error classes (see Binance's "Error codes" page). */
export const BinanceErrorCode = {
  /** Too many requests; IP rate limit exceeded. */
  TOO_MANY_REQUESTS: -1003,
  /** An unexpected response from the message bus (`UNEXPECTED_RESP`): execution status unknown. */
  UNEXPECTED_RESP: -1006,
  /** Timeout waiting for the matching engine: outcome unknown. */
  TIMEOUT: -1007,
  /** Invalid message, usually a filter failure (`Filter failure: PRICE_FILTER`). */
  INVALID_MESSAGE: -1013,
  /** Timestamp outside recvWindow or ahead of the server. */
  INVALID_TIMESTAMP: -1021,
  /** Signature not valid. */
  INVALID_SIGNATURE: -1022,
  /** Too many decimals for the symbol's precision. */
  BAD_PRECISION: -1111,
  /** Invalid symbol. */
  BAD_SYMBOL: -1121,
  /** New order rejected (insufficient balance, would match, ...). */
  NEW_ORDER_REJECTED: -2010,
  /** Cancel rejected (unknown order). */
  CANCEL_REJECTED: -2011,
  /** Order does not exist. */
  NO_SUCH_ORDER: -2013,
  /** API-key format invalid. */
  BAD_API_KEY_FMT: -2014,
  /** Invalid API-key, IP, or permissions. */
  REJECTED_MBX_KEY: -2015,
  /** Futures: margin is insufficient. */
  MARGIN_INSUFFICIENT: -2019,
  /** Futures: notional below the minimum. */
  MIN_NOTIONAL: -4164,
} as const

/** Context used to build a typed error from a Binance error response. */
export interface BinanceErrorContext {
  /** Venue id reported on the error (`binance`, `binance-usdm`). */
  venue: string
  /** HTTP status. */
  status: number
  /** Binance `code`, when the body had one. */
  code?: number
  /** Binance `msg`. */
  msg?: string
  /** Retry-After header in seconds, when present. */
  retryAfterSec?: number
  /** `METHOD /path` (never the query: it holds the signature). */
  request?: string
  /** Current time, for ban expiry. */
  nowMs: number
  /** The body's `data`, when the venue sent one (cancel-replace failures carry each leg's result there). */
  data?: unknown
}

/**
 * Maps a Binance error (HTTP status + `{code,msg}` body) to the tradekit error class that tells the caller what
 * to do next: rate limit and ban, auth/timestamp, insufficient funds, order rejection, or a generic exchange error.
 *
 * @example
 * ```ts
 * const e = mapBinanceError({
 *   venue: 'binance', status: 400, code: -2010, msg: 'Account has insufficient balance for requested action.', nowMs: Date.now(),
 * })
 * e.code // 'INSUFFICIENT_FUNDS'
 * ```
 */
export function mapBinanceError(ctx: BinanceErrorContext): TradekitError {
  const { venue, status, code, msg } = ctx
  const message = `Binance ${code ?? status}: ${msg ?? 'HTTP error'}`
  const common = {
    venueCode: code,
    venueMessage: msg,
    status,
    ...(ctx.data !== undefined ? { venueData: ctx.data } : {}),
    details: {
      ...(ctx.request !== undefined ? { request: ctx.request } : {}),
      ...(ctx.data !== undefined ? { data: ctx.data } : {}),
    },
  }
  const retryAfterMs = Math.max(0, (ctx.retryAfterSec ?? 0) * 1000)
  if (status === 418) {
    return new BannedError(message, ctx.nowMs + (retryAfterMs > 0 ? retryAfterMs : 120_000), {
      ...(ctx.request !== undefined ? { request: ctx.request } : {}),
      details: { venueCode: code, venueMessage: msg },
    })
  }
  if (status === 429 || code === BinanceErrorCode.TOO_MANY_REQUESTS) {
    return new RateLimitError(message, retryAfterMs > 0 ? retryAfterMs : 1000, {
      ...(ctx.request !== undefined ? { request: ctx.request } : {}),
      details: { venueCode: code, venueMessage: msg },
    })
  }
  switch (code) {
    case BinanceErrorCode.INVALID_TIMESTAMP:
      return new AuthError(venue, message, { ...common, retryable: true })
    case BinanceErrorCode.INVALID_SIGNATURE:
    case BinanceErrorCode.BAD_API_KEY_FMT:
    case BinanceErrorCode.REJECTED_MBX_KEY:
      return new AuthError(venue, message, common)
    case BinanceErrorCode.MARGIN_INSUFFICIENT:
      return new InsufficientFundsError(venue, message, common)
    case BinanceErrorCode.NEW_ORDER_REJECTED:
      if (/insufficient/i.test(msg ?? '')) return new InsufficientFundsError(venue, message, common)
      return new OrderRejectedError(venue, message, common)
    case BinanceErrorCode.INVALID_MESSAGE:
    case BinanceErrorCode.BAD_PRECISION:
    case BinanceErrorCode.CANCEL_REJECTED:
    case BinanceErrorCode.NO_SUCH_ORDER:
    case BinanceErrorCode.MIN_NOTIONAL:
      return new OrderRejectedError(venue, message, common)
    case BinanceErrorCode.BAD_SYMBOL:
      return new ExchangeError(venue, message, common)
    default:
      break
  }
  if (code === undefined && status >= 500)
    return new HttpError(status, msg ?? '', ctx.request !== undefined ? { request: ctx.request } : {})
  if (code === -2018) return new InsufficientFundsError(venue, message, common)
  // -20xx order rejections (auth codes handled above), -4xxx and -5xxx futures order/parameter rejections.
  if (code !== undefined && ((code <= -2000 && code > -3000) || (code <= -4000 && code > -6000))) {
    return new OrderRejectedError(venue, message, common)
  }
  return new ExchangeError(venue, message, { ...common, retryable: status >= 500 })
}
