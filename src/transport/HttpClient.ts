import { z } from 'zod'
import { type Clock, SystemClock, sleep, type TimerHandle } from '../core/clock.js'
import { formatIssues, parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import {
  BannedError,
  ExchangeDataError,
  HttpError,
  isTradekitError,
  NetworkError,
  RateLimitError,
  TimeoutError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../errors/index.js'
import { backoffDelay } from './backoff.js'
import { CircuitBreaker, CircuitState } from './CircuitBreaker.js'
import { Priority, RateLimiter, type RequestCost } from './RateLimiter.js'

/** HTTP methods {@link HttpClient} sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A query parameter value; `undefined` and `null` are left out. */
export type QueryValue = string | number | boolean | bigint | undefined | null

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
  /** Free-form context from {@link HttpRequestParams.meta} (e.g. which auth level a venue needs). */
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
export const HttpClientConfigSchema = z
  .object({
    /** Base URL every path is appended to, e.g. `https://api.binance.com`. */
    baseUrl: z.url(),
    /** Venue name put on errors. Default `"http"`. */
    venue: z.string().min(1).default('http'),
    /** Per-attempt timeout (headers and body), ms. Default 10 s. */
    timeoutMs: PositiveDurationMsSchema.default(10_000),
    /** Attempts in total, the first included. Default 3. */
    maxAttempts: z.number().int().positive().max(20).default(3),
    /** Ceiling of the first retry delay (full jitter), ms. Default 250. */
    retryBaseMs: DurationMsSchema.default(250),
    /** Largest retry delay ceiling, ms. Default 5 s. */
    retryMaxMs: DurationMsSchema.default(5_000),
    /** A 429 whose Retry-After exceeds this fails at once instead of waiting. Default 60 s. */
    maxRetryAfterMs: DurationMsSchema.default(60_000),
    /** Ban length assumed when a ban response carries no Retry-After, ms. Default 2 min. */
    defaultBanMs: PositiveDurationMsSchema.default(120_000),
    /** Statuses that mean "banned" (Binance: 418). Default `[418]`. */
    banStatuses: z.array(z.number().int()).default([418]),
    /** Headers sent with every request. Default none. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Maps a response header to a limiter window fed with its value (`{ 'x-mbx-used-weight-1m': 'REQUEST_WEIGHT' }`). */
    usageHeaders: z.record(z.string(), z.string()).default({}),
    /** Headers holding the venue's request id, first found wins. */
    requestIdHeaders: z
      .array(z.string())
      .default(['x-request-id', 'x-mbx-uuid', 'x-amzn-requestid', 'cf-ray']),
    /** Largest response body read, bytes. Default 32 MiB. */
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024),
    /** Shared rate limiter; default a private limiter with no windows (still enforces pauses and bans). */
    rateLimiter: z
      .custom<RateLimiter>(
        (v) => hasMethods(v, ['acquire', 'observeUsage', 'ban', 'pause', 'now']),
        'must be a RateLimiter',
      )
      .optional(),
    /** Circuit breaker; `false` disables it. Default a new `CircuitBreaker` with its defaults. */
    circuitBreaker: z
      .union([
        z.custom<CircuitBreaker>(
          (v) => hasMethods(v, ['acquire', 'onSuccess', 'onFailure', 'release']),
          'must be a CircuitBreaker',
        ),
        z.literal(false),
      ])
      .optional(),
    /** Signs requests sent with `signed: true`. */
    sign: z.custom<SignHook>(isFn, 'must be a function').optional(),
    /** Maps venue error bodies to typed errors. */
    mapError: z.custom<ErrorMapper>(isFn, 'must be a function').optional(),
    /** Observes every response. */
    onResponse: z.custom<ResponseHook>(isFn, 'must be a function').optional(),
    /** `fetch` implementation; default the global one. */
    fetch: z.custom<typeof fetch>(isFn, 'must be a function').optional(),
    /** Time source; default `SystemClock`. */
    clock: ClockSchema.optional(),
    /** Randomness for jitter, in [0, 1). Default `Math.random`. */
    random: z.custom<() => number>(isFn, 'must be a function').optional(),
    /** Receives errors emitted while nobody listens to `error`. */
    onUnhandledError: z.custom<(e: TradekitError) => void>(isFn, 'must be a function').optional(),
  })
  .strict()

/** What {@link HttpClient} takes (defaults documented on {@link HttpClientConfigSchema}). */
export type HttpClientConfig = z.input<typeof HttpClientConfigSchema>

/** Parameters of one {@link HttpClient.request}. */
export interface HttpRequestParams {
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
  readonly schema?: z.ZodType
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

/** Payload of `request.retrying`. */
export interface RequestRetryingEvent {
  readonly type: 'request.retrying'
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
  'request.retrying': [e: RequestRetryingEvent]
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
  /** Subscribe to `request.retrying`, `response` and `error`. */
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
  request<S extends z.ZodType>(params: HttpRequestParams & { schema: S }): Promise<HttpResponse<z.output<S>>>
  request(params: HttpRequestParams): Promise<HttpResponse<unknown>>
  async request(params: HttpRequestParams): Promise<HttpResponse<unknown>> {
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
      this.#bus.emit('request.retrying', {
        type: 'request.retrying',
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
  async get<S extends z.ZodType>(
    path: string,
    params: Omit<HttpRequestParams, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'GET' })).data
  }

  /** POSTs to `path` and returns the decoded body. Not retried unless `retrySafe`. */
  async post<S extends z.ZodType>(
    path: string,
    params: Omit<HttpRequestParams, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'POST' })).data
  }

  /** DELETEs `path` and returns the decoded body. */
  async delete<S extends z.ZodType>(
    path: string,
    params: Omit<HttpRequestParams, 'path' | 'method' | 'schema'> & { schema: S },
  ): Promise<z.output<S>> {
    return (await this.request({ ...params, path, method: 'DELETE' })).data
  }

  async #attempt(
    params: HttpRequestParams,
    method: HttpMethod,
    label: string,
    attempt: number,
  ): Promise<Outcome> {
    const cfg = this.#cfg
    const meta = params.meta ?? {}
    const signal = params.signal
    // Build the request afresh for every attempt, so a signature's timestamp is fresh.
    const draft: HttpRequestDraft = {
      method,
      path: params.path,
      query: toSearchParams(params.query),
      headers: lowerKeys(cfg.headers, params.headers),
      body: undefined,
      attempt,
      meta,
    }
    try {
      draft.body = encodeBody(params.body, draft.headers)
      if (params.signed === true) {
        if (cfg.sign === undefined)
          throw new ValidationError(`Request "${label}" is signed but no sign hook is set`)
        await this.#bounded(cfg.sign(draft), params.timeoutMs ?? cfg.timeoutMs, label)
      }
    } catch (e) {
      return { kind: 'fail', error: toTradekitError(e) }
    }
    if (signal?.aborted) return { kind: 'fail', error: signal.reason }

    const breaker = this.circuitBreaker
    try {
      breaker?.acquire()
    } catch (e) {
      return { kind: 'fail', error: e }
    }

    const qs = draft.query.toString()
    const url = `${this.#base}${params.path}${qs.length > 0 ? (params.path.includes('?') ? '&' : '?') + qs : ''}`
    const timeoutMs = params.timeoutMs ?? cfg.timeoutMs
    const controller = new AbortController()
    let timedOut = false
    const timer: TimerHandle = this.#clock.setTimeout(() => {
      timedOut = true
      controller.abort(
        new TimeoutError(`Request "${label}" timed out after ${timeoutMs} ms`, timeoutMs, { request: label }),
      )
    }, timeoutMs)
    const onAbort = (): void => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const started = this.#clock.now()
    const sentAt = this.rateLimiter.now()

    let status: number
    let headers: Headers
    let bodyText: string
    try {
      const res = await this.#fetch(url, {
        method,
        headers: draft.headers,
        ...(draft.body !== undefined ? { body: draft.body } : {}),
        signal: controller.signal,
        // A redirect is answered as the 3xx it is (an HttpError), never followed with signed parameters.
        redirect: 'manual',
      })
      status = res.status
      headers = res.headers
      bodyText = await readBody(res, cfg.maxResponseBytes, label, cfg.venue)
    } catch (e) {
      if (timedOut) {
        breaker?.onFailure()
        return {
          kind: 'retry',
          error: new TimeoutError(`Request "${label}" timed out after ${timeoutMs} ms`, timeoutMs, {
            request: label,
            details: { attempt },
          }),
        }
      }
      if (signal?.aborted) {
        breaker?.release()
        return { kind: 'fail', error: signal.reason }
      }
      if (isTradekitError(e)) {
        // Body too large: the server answered, so it is up.
        breaker?.onSuccess()
        return { kind: 'fail', error: e }
      }
      breaker?.onFailure()
      return {
        kind: 'retry',
        error: new NetworkError(`Request "${label}" failed: ${describeCause(e)}`, {
          request: label,
          cause: safeCause(e),
          details: { attempt },
        }),
      }
    } finally {
      this.#clock.clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }

    const now = this.#clock.now()
    const requestId = findHeader(headers, cfg.requestIdHeaders)
    for (const [header, windowId] of this.#usage) {
      const v = headers.get(header)
      if (v !== null && /^\d+(\.\d+)?$/.test(v.trim()))
        this.rateLimiter.observeUsage(windowId, Number(v), sentAt)
    }
    const info: HttpResponseInfo = {
      status,
      headers,
      request: label,
      requestId,
      attempt,
      durationMs: now - started,
      meta,
    }
    if (cfg.onResponse !== undefined) {
      try {
        cfg.onResponse(info)
      } catch (e) {
        this.#bus.emit('error', toTradekitError(e))
      }
    }
    this.#bus.emit('response', { type: 'response', ...info, tsEvent: now })

    if (status >= 200 && status < 300) {
      breaker?.onSuccess()
      const decoded = decode(bodyText, params.schema, label, cfg.venue, { status, requestId })
      if (!decoded.ok) return { kind: 'fail', error: decoded.error }
      return { kind: 'ok', response: { status, headers, data: decoded.value, requestId, attempts: attempt } }
    }

    const ctx: HttpErrorContext = {
      venue: cfg.venue,
      status,
      headers,
      bodyText,
      json: tryJson(bodyText),
      request: label,
      requestId,
      meta,
    }
    let mapped: TradekitError | undefined
    try {
      mapped = cfg.mapError?.(ctx)
    } catch (e) {
      this.#bus.emit('error', toTradekitError(e))
    }
    const base = { request: label, ...(requestId !== undefined ? { requestId } : {}) }

    if (cfg.banStatuses.includes(status)) {
      breaker?.onSuccess()
      const retryAfter = parseRetryAfter(headers.get('retry-after'), now)
      const until = now + (retryAfter ?? cfg.defaultBanMs)
      this.rateLimiter.ban(until)
      return {
        kind: 'fail',
        error: new BannedError(`Banned by ${cfg.venue} until ${new Date(until).toISOString()}`, until, {
          ...base,
          ...(mapped !== undefined ? { cause: mapped } : {}),
          details: { status, ...venueDetails(mapped) },
        }),
      }
    }
    if (status === 429) {
      breaker?.onSuccess()
      const retryAfter = parseRetryAfter(headers.get('retry-after'), now)
      const waitMs =
        retryAfter ??
        backoffDelay({
          attempt,
          baseMs: Math.max(cfg.retryBaseMs, 1),
          maxMs: cfg.retryMaxMs,
          ...(cfg.random ? { random: cfg.random } : {}),
        })
      const error = new RateLimitError(`Rate limited by ${cfg.venue} on "${label}"`, waitMs, {
        ...base,
        ...(mapped !== undefined ? { cause: mapped } : {}),
        details: { status, ...venueDetails(mapped) },
      })
      if (waitMs > cfg.maxRetryAfterMs) return { kind: 'fail', error }
      // Every request on this limiter holds back until the venue's window reopens.
      if (retryAfter !== undefined) this.rateLimiter.pause(now + retryAfter)
      return { kind: 'retry', error, delayMs: retryAfter !== undefined ? 0 : waitMs }
    }
    if (status >= 500) {
      breaker?.onFailure()
      return {
        kind: 'retry',
        error: mapped ?? new HttpError(status, bodyText, { ...base, details: { attempt } }),
      }
    }
    breaker?.onSuccess()
    return { kind: 'fail', error: mapped ?? new HttpError(status, bodyText, base) }
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

function pathOnly(path: string): string {
  const q = path.indexOf('?')
  return q < 0 ? path : path.slice(0, q)
}

function toSearchParams(query: HttpRequestParams['query']): URLSearchParams {
  if (query === undefined) return new URLSearchParams()
  if (query instanceof URLSearchParams) return new URLSearchParams(query)
  const out = new URLSearchParams()
  for (const k in query) {
    const v = query[k]
    if (v !== undefined && v !== null) out.append(k, String(v))
  }
  return out
}

function lowerKeys(...sources: Array<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const s of sources) {
    if (s === undefined) continue
    for (const k in s) out[k.toLowerCase()] = s[k] as string
  }
  return out
}

function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return body.toString()
  }
  headers['content-type'] ??= 'application/json'
  return JSON.stringify(body)
}

async function readBody(res: Response, max: number, label: string, venue: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN)
  const tooLarge = (): ExchangeDataError =>
    new ExchangeDataError(
      venue,
      `Response to "${label}" is larger than ${max} bytes`,
      [`body: over ${max} bytes`],
      '',
    )
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let total = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}

function tryJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function decode(
  text: string,
  schema: z.ZodType | undefined,
  label: string,
  venue: string,
  ctx: { status: number; requestId: string | undefined },
): { ok: true; value: unknown } | { ok: false; error: ExchangeDataError } {
  let json: unknown
  if (text.trim().length > 0) {
    try {
      json = JSON.parse(text)
    } catch (e) {
      return {
        ok: false,
        error: new ExchangeDataError(
          venue,
          `Malformed JSON in response to "${label}"`,
          ['(root): invalid JSON'],
          text,
          {
            cause: e,
            details: { request: label, ...ctx },
          },
        ),
      }
    }
  }
  if (schema === undefined) return { ok: true, value: json }
  const r = schema.safeParse(json)
  if (r.success) return { ok: true, value: r.data }
  const issues = formatIssues(r.error)
  return {
    ok: false,
    error: new ExchangeDataError(
      venue,
      `Unexpected response to "${label}": ${issues.slice(0, 3).join('; ')}`,
      issues,
      text,
      {
        details: { request: label, ...ctx },
      },
    ),
  }
}

function findHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = headers.get(n)
    if (v !== null && v.length > 0) return v.slice(0, 128)
  }
  return undefined
}

function venueDetails(mapped: TradekitError | undefined): Record<string, unknown> {
  if (mapped === undefined) return {}
  const d = mapped.details
  return {
    ...(d.venueCode !== undefined ? { venueCode: d.venueCode } : {}),
    ...(d.venueMessage !== undefined ? { venueMessage: d.venueMessage } : {}),
  }
}

/**
 * Parses a Retry-After header (seconds or an HTTP date) into ms from `now`.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now())                               // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.now())   // ms until that date
 * parseRetryAfter(null, Date.now())                              // undefined
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
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
