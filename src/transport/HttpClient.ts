import * as z from 'zod/mini'
import { type Clock, SystemClock, sleep } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import {
  type BannedError,
  type ExchangeDataError,
  type HttpError,
  NetworkError,
  type RateLimitError,
  TimeoutError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import { backoffDelay } from './backoff.js'
import { CircuitBreaker, CircuitBreakerOptionSchema, CircuitState } from './CircuitBreaker.js'
import { classifyHttpFailure } from './http/classifyHttpFailure.js'
import { decodeResponse, tryJson } from './http/decodeResponse.js'
import { type FetchResult, fetchWithTimeout } from './http/fetchWithTimeout.js'
import { observeUsageHeaders } from './http/observeUsageHeaders.js'
import {
  buildUrl,
  encodeBody,
  findHeader,
  lowerKeys,
  pathOnly,
  type QueryValue,
  toSearchParams,
} from './http/requestParts.js'
import { Priority, RateLimiter, type RequestCost } from './RateLimiter.js'

export { parseRetryAfter } from './http/parseRetryAfter.js'
export type { QueryValue } from './http/requestParts.js'

/** HTTP methods {@link HttpClient} sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE'])

/**
 * A request being built, handed to the {@link SignHook} before **every** attempt (a retry is signed again, so a
 * timestamp stays fresh). The hook may add query parameters, headers or replace the body.
 */
export interface HttpRequestDraft {
  readonly method: HttpMethod
  /** Path as given in the call (without the base URL and query). */
  readonly path: string
  /** Query parameters in insertion order; append `timestamp` and `signature` here. */
  readonly query: URLSearchParams
  /** Request headers, names in lower case. */
  readonly headers: Record<string, string>
  /** Body as it will be sent (JSON text, form text, or `undefined`). */
  body: string | undefined
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number
  /** Free-form context from {@link HttpRequestOptions.meta} (e.g. which auth level a venue needs). */
  readonly meta: Readonly<Record<string, unknown>>
}

/** Signs a request (may be async, e.g. WebCrypto HMAC). Called only for requests sent with `signed: true`. */
export type SignHook = (draft: HttpRequestDraft) => void | Promise<void>

/** What the {@link ErrorMapper} sees of a non-2xx response. Never includes the query string. */
export interface HttpErrorContext {
  readonly venue: string
  readonly status: number
  readonly headers: Headers
  /** Body text, possibly empty. */
  readonly bodyText: string
  /** Body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown
  /** `METHOD /path`, never the query string. */
  readonly request: string
  readonly requestId: string | undefined
  readonly meta: Readonly<Record<string, unknown>>
}

/**
 * Turns a venue's error body into the venue's typed error (`ExchangeError`, `AuthError`, `OrderRejectedError`...).
 * Return `undefined` to fall back to `HttpError`. For 429 and bans the mapped error becomes the `cause`.
 */
export type ErrorMapper = (ctx: HttpErrorContext) => TradekitError | undefined

/** What the `onResponse` hook and the `response` event see of every response. */
export interface HttpResponseInfo {
  readonly status: number
  readonly headers: Headers
  /** `METHOD /path`, never the query string. */
  readonly request: string
  readonly requestId: string | undefined
  readonly attempt: number
  readonly durationMs: number
  readonly meta: Readonly<Record<string, unknown>>
}

/** Observes every response (server time, custom usage headers). Exceptions are reported on `error`. */
export type ResponseHook = (info: HttpResponseInfo) => void

const isFn = (v: unknown): boolean => typeof v === 'function'
/** Duck-typed instance check, so a limiter or breaker from another copy of the package is accepted. */
const hasMethods = (v: unknown, names: readonly string[]): boolean =>
  typeof v === 'object' &&
  v !== null &&
  names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function')

/** Schema of {@link HttpClientConfig}; defaults are applied here. */
export const HttpClientConfigSchema = z.strictObject({
  /** Base URL every path is appended to, e.g. `https://api.binance.com`. */
  baseUrl: z.url(),
  /** Venue name put on errors. Default `"http"`. */
  venue: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'http'),
  /** Per-attempt timeout (headers and body), ms. Default 10 s. */
  timeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** Attempts in total, the first included. Default 3. */
  maxAttempts: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(20)), 3),
  /** Ceiling of the first retry delay (full jitter), ms. Default 250. */
  retryBaseMs: z._default(DurationMsSchema, 250),
  /** Largest retry delay ceiling, ms. Default 5 s. */
  retryMaxMs: z._default(DurationMsSchema, 5_000),
  /**
   * Longest Retry-After a 429 makes this call wait before its retry, even past the limiter's `maxWaitMs`; a 429 asking
   * for longer fails at once. Default 60 s.
   */
  maxRetryAfterMs: z._default(DurationMsSchema, 60_000),
  /** Ban length assumed when a ban response carries no Retry-After, ms. Default 2 min. */
  defaultBanMs: z._default(PositiveDurationMsSchema, 120_000),
  /**
   * Longest wait a Retry-After may impose, ms: a ban (or a 429's pause) asking for longer, or for an absurd time, lasts
   * this long. Default 3 days, the longest IP ban Binance documents.
   */
  maxBanMs: z._default(PositiveDurationMsSchema, 259_200_000),
  /** Statuses that mean "banned" (Binance: 418). Default `[418]`. */
  banStatuses: z._default(z.array(z.int()), [418]),
  /** Headers sent with every request. Default none. */
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** Maps a response header to a limiter window fed with its value (`{ 'x-mbx-used-weight-1m': 'REQUEST_WEIGHT' }`). */
  usageHeaders: z._default(z.record(z.string(), z.string()), {}),
  /** Headers holding the venue's request id, first found wins. */
  requestIdHeaders: z._default(z.array(z.string()), [
    'x-request-id',
    'x-mbx-uuid',
    'x-amzn-requestid',
    'cf-ray',
  ]),
  /** Largest response body read, bytes. Default 32 MiB. */
  maxResponseBytes: z._default(/* @__PURE__ */ z.int().check(z.positive()), 32 * 1024 * 1024),
  /** Shared rate limiter; default a private limiter with no windows (still enforces pauses and bans). */
  rateLimiter: z.optional(
    z.custom<RateLimiter>(
      (v) => hasMethods(v, ['acquire', 'observeUsage', 'ban', 'pause', 'now']),
      'must be a RateLimiter',
    ),
  ),
  /** Circuit breaker; `false` disables it. Default a new `CircuitBreaker` with its defaults. */
  circuitBreaker: z.optional(CircuitBreakerOptionSchema),
  /** Signs requests sent with `signed: true`. */
  sign: z.optional(z.custom<SignHook>(isFn, 'must be a function')),
  /** Maps venue error bodies to typed errors. */
  mapError: z.optional(z.custom<ErrorMapper>(isFn, 'must be a function')),
  /** Observes every response. */
  onResponse: z.optional(z.custom<ResponseHook>(isFn, 'must be a function')),
  /** `fetch` implementation; default the global one. */
  fetch: z.optional(z.custom<typeof fetch>(isFn, 'must be a function')),
  /** Time source; default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** Randomness for jitter, in [0, 1). Default `Math.random`. */
  random: z.optional(z.custom<() => number>(isFn, 'must be a function')),
  /** Receives errors emitted while nobody listens to `error`. */
  onUnhandledError: z.optional(z.custom<(e: TradekitError) => void>(isFn, 'must be a function')),
})

/** What {@link HttpClient} takes (defaults documented on {@link HttpClientConfigSchema}). */
export type HttpClientConfig = z.input<typeof HttpClientConfigSchema>

/** Parameters of one {@link HttpClient.request}. */
export interface HttpRequestOptions {
  /** Default `GET`. */
  readonly method?: HttpMethod
  /** Path appended to the base URL, e.g. `/api/v3/order`. */
  readonly path: string
  /** Query parameters, kept in order. */
  readonly query?: Readonly<Record<string, QueryValue>> | URLSearchParams
  /** A string or `URLSearchParams` is sent as is (form), anything else as JSON. */
  readonly body?: unknown
  /** Extra headers for this request. */
  readonly headers?: Readonly<Record<string, string>>
  /** zod schema the JSON response must match; the parsed output becomes `data`. */
  readonly schema?: z.ZodMiniType
  /** Rate limit cost; default each window's `defaultCost` (1 unless configured). */
  readonly cost?: RequestCost
  /** Lane; default `MARKET_DATA` for GET/HEAD, `ORDER` otherwise. */
  readonly priority?: Priority
  /**
   * Allows retrying a non-idempotent request (POST, PATCH): set it only when the venue deduplicates, e.g. an
   * order carrying a client order id. Default false.
   */
  readonly retrySafe?: boolean
  /** Run the client's `sign` hook. Default false. */
  readonly signed?: boolean
  /** Overrides the client's per-attempt timeout. */
  readonly timeoutMs?: number
  /** Overrides the limiter's longest wait for budget. */
  readonly maxWaitMs?: number
  /** Cancels the call (waits, retries and the request in flight); rejects with the signal's reason. */
  readonly signal?: AbortSignal
  /** Free-form context passed to hooks. */
  readonly meta?: Readonly<Record<string, unknown>>
}

/** A decoded response. */
export interface HttpResponse<T> {
  readonly status: number
  readonly headers: Headers
  /** Parsed (and, with a schema, validated) JSON body; `undefined` for an empty body. */
  readonly data: T
  readonly requestId: string | undefined
  /** Attempts made, 1 when the first one succeeded. */
  readonly attempts: number
}

/** Payload of `request.retryScheduled`. */
export interface RequestRetryingEvent {
  readonly type: 'request.retryScheduled'
  /** `METHOD /path`. */
  readonly request: string
  /** The attempt that failed. */
  readonly attempt: number
  readonly delayMs: number
  /** The failure that caused the retry. */
  readonly error: TradekitError
  readonly tsEvent: number
}

/** Payload of `response`. */
export interface ResponseEvent extends HttpResponseInfo {
  readonly type: 'response'
  readonly tsEvent: number
}

/** Events of an {@link HttpClient}. */
export interface HttpClientEvents {
  'request.retryScheduled': [e: RequestRetryingEvent]
  response: [e: ResponseEvent]
  error: [error: TradekitError]
}

/**
 * The errors {@link HttpClient.request} may reject with: transport failures, venue errors from the mapper,
 * decoding failures, or the caller's own abort reason.
 */
export type HttpRequestErrorType =
  | NetworkError
  | TimeoutError
  | HttpError
  | RateLimitError
  | BannedError
  | ExchangeDataError
  | TradekitError

type Outcome =
  | { readonly kind: 'ok'; readonly response: HttpResponse<unknown> }
  | { readonly kind: 'retry'; readonly error: TradekitError; readonly delayMs?: number }
  | { readonly kind: 'fail'; readonly error: unknown }

/**
 * An HTTP client on `fetch` for venue REST APIs: per-attempt timeouts, retries with jittered backoff (idempotent
 * or retry-safe requests only), Retry-After, a shared multi-window rate limiter with priority lanes, ban handling,
 * a circuit breaker, a signing hook, venue error mapping and zod decoding.
 *
 * @example
 * ```ts
 * const http = new HttpClient({
 *   baseUrl: 'https://api.binance.com',
 *   venue: 'binance',
 *   rateLimiter: limiter,
 *   usageHeaders: { 'x-mbx-used-weight-1m': 'REQUEST_WEIGHT' },
 *   sign: async (req) => { req.query.set('signature', await hmac(req.query.toString())) },
 * })
 * const { data } = await http.request({ path: '/api/v3/time', schema: z.object({ serverTime: z.number() }) })
 * ```
 */
export class HttpClient {
  readonly #bus: TypedEmitter<HttpClientEvents>
  /** Subscribe to `request.retryScheduled`, `response` and `error`. */
  readonly events: Listenable<HttpClientEvents>
  /** The limiter this client spends (shared or private). */
  readonly rateLimiter: RateLimiter
  /** The circuit breaker, or `undefined` when disabled. */
  readonly circuitBreaker: CircuitBreaker | undefined
  readonly #cfg: z.output<typeof HttpClientConfigSchema>
  readonly #clock: Clock
  readonly #fetch: typeof fetch
  readonly #base: string
  readonly #usage: ReadonlyArray<readonly [string, string]>

  constructor(config: HttpClientConfig) {
    const cfg = parseConfig(HttpClientConfigSchema, config, 'HttpClient')
    this.#cfg = cfg
    this.#clock = cfg.clock ?? new SystemClock()
    this.#bus = new TypedEmitter<HttpClientEvents>(
      cfg.onUnhandledError ? { onUnhandledError: cfg.onUnhandledError } : {},
    )
    this.events = this.#bus
    this.rateLimiter = cfg.rateLimiter ?? new RateLimiter({ clock: this.#clock })
    this.circuitBreaker =
      cfg.circuitBreaker === false
        ? undefined
        : (cfg.circuitBreaker ?? new CircuitBreaker({ clock: this.#clock }))
    const f = cfg.fetch ?? globalThis.fetch
    this.#fetch = (input, init) => f(input, init)
    this.#base = cfg.baseUrl.replace(/\/+$/, '')
    this.#usage = Object.entries(cfg.usageHeaders).map(([h, w]) => [h.toLowerCase(), w] as const)
  }

  /**
   * Sends a request and decodes its JSON response (validated by `schema` when given).
   *
   * @throws {HttpRequestErrorType}
   */
  request<S extends z.ZodMiniType>(
    params: HttpRequestOptions & { schema: S },
  ): Promise<HttpResponse<z.output<S>>>
  request(params: HttpRequestOptions): Promise<HttpResponse<unknown>>
  async request(params: HttpRequestOptions): Promise<HttpResponse<unknown>> {
    const method = params.method ?? 'GET'
    const label = `${method} ${pathOnly(params.path)}`
    const retryable = IDEMPOTENT.has(method) || params.retrySafe === true
    const priority =
      params.priority ?? (method === 'GET' || method === 'HEAD' ? Priority.MARKET_DATA : Priority.ORDER)
    const signal = params.signal
    for (let attempt = 1; ; attempt++) {
      const breaker = this.circuitBreaker
      if (breaker !== undefined && breaker.state === CircuitState.OPEN) breaker.acquire() // throws CircuitOpenError
      await this.rateLimiter.acquire({
        ...(params.cost !== undefined ? { cost: params.cost } : {}),
        priority,
        ...(signal !== undefined ? { signal } : {}),
        ...(params.maxWaitMs !== undefined ? { maxWaitMs: params.maxWaitMs } : {}),
      })
      const outcome = await this.#attempt(params, method, label, attempt)
      if (outcome.kind === 'ok') return outcome.response
      if (outcome.kind === 'fail') throw outcome.error
      const error = outcome.error
      if (!retryable || attempt >= this.#cfg.maxAttempts) throw error
      const delayMs =
        outcome.delayMs ??
        backoffDelay({
          attempt,
          baseMs: this.#cfg.retryBaseMs,
          maxMs: this.#cfg.retryMaxMs,
          ...(this.#cfg.random ? { random: this.#cfg.random } : {}),
        })
      this.#bus.emit('request.retryScheduled', {
        type: 'request.retryScheduled',
        request: label,
        attempt,
        delayMs,
        error,
        tsEvent: this.#clock.now(),
      })
      if (delayMs > 0) await sleep(this.#clock, delayMs, signal)
    }
  }

  /** GETs `path` and returns the decoded body. */
  async get<S extends z.ZodMiniType>(
    path: string,
    params: Omit<HttpRequestOptions, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'GET' })).data
  }

  /** POSTs to `path` and returns the decoded body. Not retried unless `retrySafe`. */
  async post<S extends z.ZodMiniType>(
    path: string,
    params: Omit<HttpRequestOptions, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'POST' })).data
  }

  /** DELETEs `path` and returns the decoded body. */
  async delete<S extends z.ZodMiniType>(
    path: string,
    params: Omit<HttpRequestOptions, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'DELETE' })).data
  }

  /** One attempt: build and sign the request, send it, then classify the response into an {@link Outcome}. */
  async #attempt(
    params: HttpRequestOptions,
    method: HttpMethod,
    label: string,
    attempt: number,
  ): Promise<Outcome> {
    const built = await this.#buildDraft(params, method, label, attempt)
    if (!built.ok) return { kind: 'fail', error: built.error }
    const draft = built.value
    if (params.signal?.aborted) return { kind: 'fail', error: params.signal.reason }
    try {
      this.circuitBreaker?.acquire()
    } catch (e) {
      return { kind: 'fail', error: e }
    }
    const started = this.#clock.now()
    const sentAt = this.rateLimiter.now()
    const sent = await this.#send(params, draft, label)
    if (sent.kind !== 'response') return this.#noResponse(sent, params, label, attempt)
    const now = this.#clock.now()
    const requestId = findHeader(sent.headers, this.#cfg.requestIdHeaders)
    observeUsageHeaders(sent.headers, this.#usage, this.rateLimiter, sentAt)
    this.#observeResponse(
      {
        status: sent.status,
        headers: sent.headers,
        request: label,
        requestId,
        attempt,
        durationMs: now - started,
        meta: draft.meta,
      },
      now,
    )
    if (sent.status >= 200 && sent.status < 300) return this.#success(sent, params, label, requestId, attempt)
    return this.#failure(sent, draft.meta, label, requestId, attempt, now)
  }

  /** Builds the request afresh for every attempt (so a signature's timestamp is fresh) and signs it. */
  async #buildDraft(
    params: HttpRequestOptions,
    method: HttpMethod,
    label: string,
    attempt: number,
  ): Promise<Result<HttpRequestDraft, TradekitError>> {
    const cfg = this.#cfg
    const draft: HttpRequestDraft = {
      method,
      path: params.path,
      query: toSearchParams(params.query),
      headers: lowerKeys(cfg.headers, params.headers),
      body: undefined,
      attempt,
      meta: params.meta ?? {},
    }
    try {
      draft.body = encodeBody(params.body, draft.headers)
      if (params.signed === true) {
        if (cfg.sign === undefined)
          throw new ValidationError(`Request "${label}" is signed but no sign hook is set`)
        await this.#bounded(cfg.sign(draft), params.timeoutMs ?? cfg.timeoutMs, label)
      }
    } catch (e) {
      return err(toTradekitError(e))
    }
    return ok(draft)
  }

  #send(params: HttpRequestOptions, draft: HttpRequestDraft, label: string): Promise<FetchResult> {
    return fetchWithTimeout(this.#fetch, this.#clock, buildUrl(this.#base, params.path, draft.query), {
      method: draft.method,
      headers: draft.headers,
      body: draft.body,
      timeoutMs: params.timeoutMs ?? this.#cfg.timeoutMs,
      label,
      maxResponseBytes: this.#cfg.maxResponseBytes,
      venue: this.#cfg.venue,
      signal: params.signal,
    })
  }

  /** A request that got no usable response: timeouts and network errors are retried, an abort is not. */
  #noResponse(
    sent: Exclude<FetchResult, { kind: 'response' }>,
    params: HttpRequestOptions,
    label: string,
    attempt: number,
  ): Outcome {
    const breaker = this.circuitBreaker
    switch (sent.kind) {
      case 'timeout': {
        breaker?.onFailure()
        const timeoutMs = params.timeoutMs ?? this.#cfg.timeoutMs
        const message = `Request "${label}" timed out after ${timeoutMs} ms`
        return {
          kind: 'retry',
          error: new TimeoutError(message, timeoutMs, { request: label, details: { attempt } }),
        }
      }
      case 'aborted':
        breaker?.release()
        return { kind: 'fail', error: params.signal?.reason }
      case 'refused':
        // Body too large: the server answered, so it is up.
        breaker?.onSuccess()
        return { kind: 'fail', error: sent.error }
      case 'network':
        breaker?.onFailure()
        return {
          kind: 'retry',
          error: new NetworkError(`Request "${label}" failed: ${describeCause(sent.cause)}`, {
            request: label,
            cause: safeCause(sent.cause),
            details: { attempt },
          }),
        }
    }
  }

  /** Runs the `onResponse` hook (reporting its exceptions) and emits `response`. */
  #observeResponse(info: HttpResponseInfo, now: number): void {
    const hook = this.#cfg.onResponse
    if (hook !== undefined) {
      try {
        hook(info)
      } catch (e) {
        this.#bus.emit('error', toTradekitError(e))
      }
    }
    this.#bus.emit('response', { type: 'response', ...info, tsEvent: now })
  }

  #success(
    res: { status: number; headers: Headers; bodyText: string },
    params: HttpRequestOptions,
    label: string,
    requestId: string | undefined,
    attempt: number,
  ): Outcome {
    this.circuitBreaker?.onSuccess()
    const { status, headers } = res
    const decoded = decodeResponse(res.bodyText, params.schema, label, this.#cfg.venue, { status, requestId })
    if (!decoded.ok) return { kind: 'fail', error: decoded.error }
    return { kind: 'ok', response: { status, headers, data: decoded.value, requestId, attempts: attempt } }
  }

  /** Maps a non-2xx response through the venue's error mapper, classifies it and applies the decision. */
  #failure(
    res: { status: number; headers: Headers; bodyText: string },
    meta: Readonly<Record<string, unknown>>,
    label: string,
    requestId: string | undefined,
    attempt: number,
    now: number,
  ): Outcome {
    const cfg = this.#cfg
    const { status, headers, bodyText } = res
    let mapped: TradekitError | undefined
    try {
      const json = tryJson(bodyText)
      mapped = cfg.mapError?.({
        venue: cfg.venue,
        status,
        headers,
        bodyText,
        json,
        request: label,
        requestId,
        meta,
      })
    } catch (e) {
      this.#bus.emit('error', toTradekitError(e))
    }
    const failure = { status, headers, bodyText, mapped, label, requestId, attempt, now }
    const decision = classifyHttpFailure(failure, cfg)
    if (decision.breaker === 'success') this.circuitBreaker?.onSuccess()
    else this.circuitBreaker?.onFailure()
    if (decision.banUntil !== undefined) this.rateLimiter.ban(decision.banUntil)
    if (decision.pauseUntil !== undefined) this.rateLimiter.pause(decision.pauseUntil)
    if (decision.kind === 'fail') return { kind: 'fail', error: decision.error }
    return {
      kind: 'retry',
      error: decision.error,
      ...(decision.delayMs !== undefined ? { delayMs: decision.delayMs } : {}),
    }
  }

  /** Awaits a hook's result for at most `timeoutMs` (a remote signer that hangs must not stall the call). */
  #bounded(value: void | Promise<void>, timeoutMs: number, label: string): Promise<void> | undefined {
    if (!(value instanceof Promise)) return undefined
    return new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(
        () =>
          reject(
            new TimeoutError(`Signing "${label}" took more than ${timeoutMs} ms`, timeoutMs, {
              request: label,
            }),
          ),
        timeoutMs,
      )
      value.then(
        () => {
          this.#clock.clearTimeout(timer)
          resolve()
        },
        (e: unknown) => {
          this.#clock.clearTimeout(timer)
          reject(e)
        },
      )
    })
  }
}

/** Keeps a fetch error as `cause` only when its text cannot hold the URL (and so a signed query string). */
function safeCause(e: unknown): unknown {
  const texts = [e, (e as { cause?: unknown })?.cause].map((x) =>
    x instanceof Error ? x.message : String(x ?? ''),
  )
  return texts.some((t) => t.includes('://') || t.includes('?')) ? undefined : e
}

function describeCause(e: unknown): string {
  // undici wraps the socket error in `cause`; its code (ECONNREFUSED, ECONNRESET) is the useful part.
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  if (code !== undefined) return code
  return e instanceof Error ? e.name : 'unknown error'
}
