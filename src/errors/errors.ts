import { TradekitError, type TradekitErrorOptions } from './TradekitError.js'

/**
 * A configuration object failed validation; thrown at construction.
 *
 * @example
 * ```ts
 * try {
 *   new RiskManager({ maxDataAgeMs: -1 })
 * } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.issues) // ['maxDataAgeMs: Too small: expected number to be >=0']
 * }
 * ```
 */
export class ConfigError extends TradekitError {
  override name = 'ConfigError'
  /** One entry per schema issue: `path: message`. */
  readonly issues: readonly string[]
  constructor(message: string, issues: readonly string[], options: TradekitErrorOptions = {}) {
    super('CONFIG_INVALID', message, { ...options, details: { ...options.details, issues } })
    this.issues = issues
  }
}

/**
 * A value given to tradekit (a price string, an order field, an indicator input) is invalid.
 *
 * @example
 * ```ts
 * const r = parsePrice('-1')
 * if (!r.ok) console.log(r.error.code, r.error.field) // 'VALIDATION_FAILED' 'price'
 * ```
 */
export class ValidationError extends TradekitError {
  override name = 'ValidationError'
  /** Which field or argument was invalid. */
  readonly field: string | undefined
  constructor(message: string, options: TradekitErrorOptions & { field?: string } = {}) {
    super('VALIDATION_FAILED', message, { ...options, details: { ...options.details, field: options.field } })
    this.field = options.field
  }
}

/**
 * Programmer misuse or a broken internal invariant.
 *
 * @example
 * ```ts
 * if (position.qty.isNegative()) {
 *   throw new InvariantError('Spot holding went negative', { details: { symbol, qty: position.qty.toString() } })
 * }
 * ```
 */
export class InvariantError extends TradekitError {
  override name = 'InvariantError'
  constructor(message: string, options: TradekitErrorOptions = {}) {
    super('INVARIANT_VIOLATED', message, options)
  }
}

/**
 * An operation is not allowed in the current state (an illegal order transition, a closed client).
 *
 * @example
 * ```ts
 * await executor.shutdown()
 * await executor.submit(intent).catch((e) => console.log(e.code)) // 'INVALID_STATE': not accepting orders
 * ```
 */
export class StateError extends TradekitError {
  override name = 'StateError'
  constructor(message: string, options: TradekitErrorOptions = {}) {
    super('INVALID_STATE', message, options)
  }
}

/** Common fields of errors returned by a venue. */
export interface ExchangeErrorOptions extends TradekitErrorOptions {
  /** The venue's own error code (Binance `-2010`, Polymarket `INVALID_ORDER_MIN_SIZE`). */
  venueCode?: string | number
  /** The venue's own message. */
  venueMessage?: string
  /** HTTP status when the error came over REST. */
  status?: number
  /** The structured payload the venue sent with the error (Binance's `data`), for callers that act on it. */
  venueData?: unknown
}

/**
 * The venue answered and said no. Subclasses say what the caller should do next.
 *
 * @example
 * ```ts
 * try {
 *   await spot.placeOrder(req)
 * } catch (e) {
 *   if (e instanceof ExchangeError) console.log(e.venue, e.venueCode, e.venueMessage, e.status)
 * }
 * ```
 */
export class ExchangeError extends TradekitError {
  override name = 'ExchangeError'
  /** Which venue answered (`binance`, `polymarket`). */
  readonly venue: string
  /** The venue's own error code. */
  readonly venueCode: string | number | undefined
  /** The venue's own message. */
  readonly venueMessage: string | undefined
  /** HTTP status, when known. */
  readonly status: number | undefined
  /** The structured payload the venue sent with the error (Binance's `data`: e.g. each leg of a cancel-replace). */
  readonly venueData: unknown
  constructor(
    venue: string,
    message: string,
    options: ExchangeErrorOptions = {},
    code: TradekitError['code'] = 'EXCHANGE_REJECTED',
  ) {
    super(code, message, {
      ...options,
      details: {
        ...options.details,
        venue,
        venueCode: options.venueCode,
        venueMessage: options.venueMessage,
        status: options.status,
      },
    })
    this.venue = venue
    this.venueCode = options.venueCode
    this.venueMessage = options.venueMessage
    this.status = options.status
    this.venueData = options.venueData
  }
}

/**
 * Credentials were refused (bad key, bad signature, wrong permissions, timestamp outside the window).
 *
 * @example
 * ```ts
 * try {
 *   await spot.balances()
 * } catch (e) {
 *   if (isTradekitError(e) && e.code === 'AUTH_FAILED') console.error('check the API key, its permissions and IP list')
 * }
 * ```
 */
export class AuthError extends ExchangeError {
  override name = 'AuthError'
  constructor(venue: string, message: string, options: ExchangeErrorOptions = {}) {
    super(venue, message, options, 'AUTH_FAILED')
  }
}

/**
 * The venue rejected an order (filters, post-only would cross, unknown order, ...).
 *
 * @example
 * ```ts
 * try {
 *   await spot.placeOrder(req)
 * } catch (e) {
 *   if (e instanceof OrderRejectedError) console.log('rejected by', e.venue, e.venueCode, e.venueMessage)
 * }
 * ```
 */
export class OrderRejectedError extends ExchangeError {
  override name = 'OrderRejectedError'
  constructor(venue: string, message: string, options: ExchangeErrorOptions = {}) {
    super(venue, message, options, 'ORDER_REJECTED')
  }
}

/**
 * The venue rejected an order because the account lacks balance or margin.
 *
 * @example
 * ```ts
 * try {
 *   await spot.placeOrder(req)
 * } catch (e) {
 *   if (isTradekitError(e) && e.code === 'INSUFFICIENT_FUNDS') console.warn('not enough balance for', req.symbol)
 * }
 * ```
 */
export class InsufficientFundsError extends ExchangeError {
  override name = 'InsufficientFundsError'
  constructor(venue: string, message: string, options: ExchangeErrorOptions = {}) {
    super(venue, message, options, 'INSUFFICIENT_FUNDS')
  }
}

/**
 * A payload from a venue did not match its schema; it is dropped, counted and reported.
 *
 * @example
 * ```ts
 * stream.events.on('dataError', (e) => console.warn(e.venue, e.issues.join('; '), e.raw))
 * ```
 */
export class ExchangeDataError extends TradekitError {
  override name = 'ExchangeDataError'
  /** Which venue sent it. */
  readonly venue: string
  /** One entry per problem found: `path: message`. */
  readonly issues: readonly string[]
  /** The offending payload, truncated to 512 characters. */
  readonly raw: string
  constructor(
    venue: string,
    message: string,
    issues: readonly string[],
    raw: unknown,
    options: TradekitErrorOptions = {},
  ) {
    const rawText = truncate(typeof raw === 'string' ? raw : safeStringify(raw), 512)
    super('EXCHANGE_DATA_INVALID', message, { ...options, details: { ...options.details, venue, issues } })
    this.venue = venue
    this.issues = issues
    this.raw = rawText
  }
}

/** Fields shared by transport failures. */
export interface TransportErrorOptions extends TradekitErrorOptions {
  /** Request method and path (never the query string, which may hold a signature). */
  request?: string
  /** Venue request id header, when the venue returns one. */
  requestId?: string
}

/**
 * A request or socket failed below the venue's business logic.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ path: '/api/v3/time' })
 * } catch (e) {
 *   if (e instanceof TransportError && e.retryable) console.log('transient', e.code, e.details.request)
 * }
 * ```
 */
export class TransportError extends TradekitError {
  override name = 'TransportError'
  constructor(code: TradekitError['code'], message: string, options: TransportErrorOptions = {}) {
    super(code, message, {
      ...options,
      details: { ...options.details, request: options.request, requestId: options.requestId },
    })
  }
}

/**
 * The connection failed (DNS, refused, reset) before a response arrived. Retryable.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ path: '/api/v3/time' })
 * } catch (e) {
 *   if (isTradekitError(e) && e.code === 'NETWORK') console.warn('connection failed; safe to retry a read')
 * }
 * ```
 */
export class NetworkError extends TransportError {
  override name = 'NetworkError'
  constructor(message: string, options: TransportErrorOptions = {}) {
    super('NETWORK', message, { retryable: true, ...options })
  }
}

/**
 * No response within the allowed time. Retryable, but for an order the outcome is unknown.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ path: '/api/v3/depth', query: { symbol: 'BTCUSDT' }, timeoutMs: 2_000 })
 * } catch (e) {
 *   if (e instanceof TimeoutError) console.warn(`no answer within ${e.timeoutMs} ms`)
 * }
 * ```
 */
export class TimeoutError extends TransportError {
  override name = 'TimeoutError'
  /** The limit that was exceeded. */
  readonly timeoutMs: number
  constructor(message: string, timeoutMs: number, options: TransportErrorOptions = {}) {
    super('TIMEOUT', message, { retryable: true, ...options, details: { ...options.details, timeoutMs } })
    this.timeoutMs = timeoutMs
  }
}

/**
 * The server answered with an HTTP error status that no more specific error explains.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ path: '/api/v3/time' })
 * } catch (e) {
 *   if (e instanceof HttpError) console.warn(e.status, e.body)
 * }
 * ```
 */
export class HttpError extends TransportError {
  override name = 'HttpError'
  /** HTTP status code. */
  readonly status: number
  /** Response body, truncated to 512 characters. */
  readonly body: string
  constructor(status: number, body: string, options: TransportErrorOptions = {}) {
    super('HTTP_ERROR', `HTTP ${status}`, {
      retryable: status >= 500,
      ...options,
      details: { ...options.details, status },
    })
    this.status = status
    this.body = truncate(body, 512)
  }
}

/**
 * The venue or our own limiter refused the call for now; wait `retryAfterMs` before trying again.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ method: 'POST', path: '/api/v3/order', query })
 * } catch (e) {
 *   if (e instanceof RateLimitError) await sleep(clock, e.retryAfterMs)
 * }
 * ```
 */
export class RateLimitError extends TransportError {
  override name = 'RateLimitError'
  /** How long to wait before the next attempt. */
  readonly retryAfterMs: number
  constructor(message: string, retryAfterMs: number, options: TransportErrorOptions = {}) {
    super('RATE_LIMITED', message, {
      retryable: true,
      ...options,
      details: { ...options.details, retryAfterMs },
    })
    this.retryAfterMs = retryAfterMs
  }
}

/**
 * The venue banned this client (Binance HTTP 418); nothing may be sent before `untilMs`.
 *
 * @example
 * ```ts
 * try {
 *   await spot.openOrders()
 * } catch (e) {
 *   if (e instanceof BannedError) console.error('banned until', new Date(e.untilMs).toISOString())
 * }
 * ```
 */
export class BannedError extends TransportError {
  override name = 'BannedError'
  /** Epoch ms at which the ban ends. */
  readonly untilMs: number
  constructor(message: string, untilMs: number, options: TransportErrorOptions = {}) {
    super('BANNED', message, { retryable: false, ...options, details: { ...options.details, untilMs } })
    this.untilMs = untilMs
  }
}

/**
 * A socket closed while a message was waiting, or a send was attempted on a closed socket.
 *
 * @example
 * ```ts
 * await stream.close()
 * await stream.subscribe(['btcusdt@trade']).catch((e) => console.log(e.code)) // 'SOCKET_CLOSED'
 * ```
 */
export class SocketClosedError extends TransportError {
  override name = 'SocketClosedError'
  constructor(message: string, options: TransportErrorOptions = {}) {
    super('SOCKET_CLOSED', message, { retryable: true, ...options })
  }
}

/**
 * A bounded queue is full; the item was refused instead of growing memory.
 *
 * @example
 * ```ts
 * try {
 *   ws.send(JSON.stringify(message))
 * } catch (e) {
 *   if (e instanceof QueueFullError) console.warn(`send queue full (${e.capacity}); dropping`, message)
 * }
 * ```
 */
export class QueueFullError extends TradekitError {
  override name = 'QueueFullError'
  /** The queue's capacity. */
  readonly capacity: number
  constructor(message: string, capacity: number, options: TradekitErrorOptions = {}) {
    super('QUEUE_FULL', message, { ...options, details: { ...options.details, capacity } })
    this.capacity = capacity
  }
}

/**
 * A circuit breaker is open; calls fail fast until `retryAtMs`.
 *
 * @example
 * ```ts
 * try {
 *   await http.request({ path: '/api/v3/time' })
 * } catch (e) {
 *   if (e instanceof CircuitOpenError) console.warn('venue failing; next trial at', new Date(e.retryAtMs))
 * }
 * ```
 */
export class CircuitOpenError extends TradekitError {
  override name = 'CircuitOpenError'
  /** Epoch ms at which a trial call will be allowed. */
  readonly retryAtMs: number
  constructor(message: string, retryAtMs: number, options: TradekitErrorOptions = {}) {
    super('CIRCUIT_OPEN', message, { ...options, details: { ...options.details, retryAtMs } })
    this.retryAtMs = retryAtMs
  }
}

/**
 * An order was sent but its outcome is unknown (timeout, 5xx); reconcile by client order id before acting.
 *
 * @example
 * ```ts
 * try {
 *   await spot.placeOrder(req)
 * } catch (e) {
 *   // never resend with a new id: look the order up by the id that was sent
 *   if (e instanceof OrderOutcomeUnknownError) console.log(await spot.queryOrder(req.symbol, e.clientOrderId))
 * }
 * ```
 */
export class OrderOutcomeUnknownError extends TradekitError {
  override name = 'OrderOutcomeUnknownError'
  /** The client order id to reconcile by. */
  readonly clientOrderId: string
  constructor(clientOrderId: string, message: string, options: TradekitErrorOptions = {}) {
    super('ORDER_OUTCOME_UNKNOWN', message, {
      retryable: false,
      ...options,
      details: { ...options.details, clientOrderId },
    })
    this.clientOrderId = clientOrderId
  }
}

/**
 * An event listener threw; the error is isolated and reported on the emitter's `error` event.
 *
 * @example
 * ```ts
 * engine.events.on('error', (e) => {
 *   if (e instanceof ListenerError) console.error(`a listener of "${e.event}" threw`, e.cause)
 * })
 * ```
 */
export class ListenerError extends TradekitError {
  override name = 'ListenerError'
  /** The event whose listener threw. */
  readonly event: string
  constructor(event: string, cause: unknown) {
    super('LISTENER_FAILED', `A listener for "${event}" threw`, { cause, details: { event } })
    this.event = event
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    // BigInts, cycles, or objects whose toString is broken: never let describing bad data throw.
    try {
      return String(v)
    } catch {
      return Object.prototype.toString.call(v)
    }
  }
}

/**
 * The error class behind each {@link TradekitErrorCode}: what `isTradekitError(e, code)` narrows to, so typed fields
 * are read directly (`e.status`, `e.retryAfterMs`, `e.venueCode`) instead of through `details`.
 */
export interface TradekitErrorByCode {
  CONFIG_INVALID: ConfigError
  VALIDATION_FAILED: ValidationError
  INVARIANT_VIOLATED: InvariantError
  INVALID_STATE: StateError
  EXCHANGE_REJECTED: ExchangeError
  ORDER_REJECTED: OrderRejectedError
  INSUFFICIENT_FUNDS: InsufficientFundsError
  AUTH_FAILED: AuthError
  EXCHANGE_DATA_INVALID: ExchangeDataError
  RATE_LIMITED: RateLimitError
  BANNED: BannedError
  NETWORK: NetworkError
  TIMEOUT: TimeoutError
  HTTP_ERROR: HttpError
  SOCKET_CLOSED: SocketClosedError
  QUEUE_FULL: QueueFullError
  CIRCUIT_OPEN: CircuitOpenError
  ORDER_OUTCOME_UNKNOWN: OrderOutcomeUnknownError
  LISTENER_FAILED: ListenerError
}
