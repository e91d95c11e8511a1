import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { ManualClock } from '../../../src/core/clock.js'
import { ExchangeError, isTradekitError, type TradekitError } from '../../../src/errors/index.js'
import {
  CircuitBreaker,
  HttpClient,
  type HttpClientConfig,
  RateLimiter,
  type RequestRetryingEvent,
} from '../../../src/transport/index.js'
import { json, startHttpServer, type TestHttpServer } from './servers.js'

let server: TestHttpServer
const clients: HttpClient[] = []

beforeEach(async () => {
  server = await startHttpServer()
})
afterEach(async () => {
  clients.length = 0
  await server.close()
})

function client(config: Partial<HttpClientConfig> = {}): HttpClient {
  const c = new HttpClient({
    baseUrl: server.url,
    retryBaseMs: 5,
    retryMaxMs: 20,
    timeoutMs: 5_000,
    ...config,
  })
  c.events.on('error', () => {})
  clients.push(c)
  return c
}

const Ok = z.object({ ok: z.literal(true) })

async function failure(p: Promise<unknown>): Promise<TradekitError> {
  try {
    await p
  } catch (e) {
    if (isTradekitError(e)) return e
    throw e
  }
  throw new Error('expected a rejection')
}

describe('HttpClient against a loopback server', () => {
  it('decodes JSON with a schema and sends query, headers and body', async () => {
    server.handle = (req, res) => json(res, 200, { ok: true, echo: req.body })
    const http = client({ headers: { 'X-Default': 'd' } })
    const r = await http.request({
      method: 'POST',
      path: '/api/echo',
      query: { symbol: 'BTCUSDT', skip: undefined, n: 3 },
      body: { a: 1 },
      schema: z.object({ ok: z.literal(true), echo: z.string() }),
    })
    expect(r.status).toBe(200)
    expect(r.data.echo).toBe('{"a":1}')
    expect(r.attempts).toBe(1)
    const seen = server.requests[0]
    expect(seen?.url).toBe('/api/echo?symbol=BTCUSDT&n=3')
    expect(seen?.headers['x-default']).toBe('d')
    expect(seen?.headers['content-type']).toBe('application/json')
  })

  it('429 with Retry-After: pauses the shared limiter, waits and succeeds', async () => {
    let n = 0
    server.handle = (_req, res) => {
      n++
      if (n === 1) json(res, 429, { code: -1003, msg: 'Too many requests' }, { 'Retry-After': '1' })
      else json(res, 200, { ok: true })
    }
    const limiter = new RateLimiter()
    const paused: number[] = []
    limiter.events.on('limiter.paused', (e) => paused.push(e.untilMs - e.tsEvent))
    const http = client({ rateLimiter: limiter })
    const retries: RequestRetryingEvent[] = []
    http.events.on('request.retryScheduled', (e) => retries.push(e))
    const r = await http.request({ path: '/api/v3/depth', schema: Ok })
    expect(r.attempts).toBe(2)
    expect(server.requests).toHaveLength(2)
    expect(paused).toHaveLength(1)
    expect(paused[0]).toBeGreaterThan(500)
    expect(paused[0]).toBeLessThanOrEqual(1000)
    expect(retries[0]?.error.code).toBe('RATE_LIMITED')
    // The call itself sleeps the Retry-After (within maxRetryAfterMs), then acquires as any request does.
    expect(retries[0]?.delayMs).toBe(1000)
  })

  it('429 asking for longer than maxRetryAfterMs: this call fails, and nothing else is sent before Retry-After', async () => {
    server.handle = (_req, res) =>
      json(res, 429, { code: -1003, msg: 'Too many requests' }, { 'Retry-After': '120' })
    const limiter = new RateLimiter({ maxWaitMs: 1_000 })
    const http = client({ rateLimiter: limiter, maxRetryAfterMs: 60_000 })
    const e = await failure(http.request({ path: '/api/v3/depth', schema: Ok }))
    expect(e.code).toBe('RATE_LIMITED')
    expect(limiter.snapshot().pausedUntilMs).toBeGreaterThan(Date.now() + 110_000)
    // Another request on the same limiter is held back (here: fails at once, its max wait is shorter), never sent.
    const next = await failure(http.request({ path: '/api/v3/ticker', schema: Ok }))
    expect(next.code).toBe('RATE_LIMITED')
    expect(server.requests).toHaveLength(1)
  })

  it('429 on a non-idempotent request is not retried and says how long to wait', async () => {
    server.handle = (_req, res) => json(res, 429, {}, { 'Retry-After': '3' })
    const http = client()
    const e = await failure(http.request({ method: 'POST', path: '/api/v3/order', schema: Ok }))
    expect(e.code).toBe('RATE_LIMITED')
    expect((e as unknown as { retryAfterMs: number }).retryAfterMs).toBe(3000)
    expect(server.requests).toHaveLength(1)
  })

  it('418: halts every request until the ban ends, failing fast with the end time', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    let banned = true
    server.handle = (_req, res) =>
      banned
        ? json(res, 418, { code: -1003, msg: 'IP banned' }, { 'Retry-After': '120' })
        : json(res, 200, { ok: true })
    const limiter = new RateLimiter({ clock })
    const a = client({ clock, rateLimiter: limiter })
    const b = client({ clock, rateLimiter: limiter }) // another bot on the same IP
    const e = await failure(a.request({ path: '/api/v3/ticker', schema: Ok }))
    expect(e.code).toBe('BANNED')
    expect((e as unknown as { untilMs: number }).untilMs).toBe(clock.now() + 120_000)
    expect(server.requests).toHaveLength(1)
    const again = await failure(
      b.request({ method: 'DELETE', path: '/api/v3/order', priority: 'CANCEL', schema: Ok }),
    )
    expect(again.code).toBe('BANNED')
    expect(server.requests).toHaveLength(1) // nothing was sent
    expect(limiter.snapshot().bannedUntilMs).toBe(clock.now() + 120_000)
    banned = false
    clock.advance(120_000)
    await expect(b.request({ path: '/api/v3/ticker', schema: Ok })).resolves.toMatchObject({ status: 200 })
  })

  it('418 with a huge Retry-After: fails with BannedError and bans the limiter (the ban end built no RangeError)', async () => {
    server.handle = (_req, res) => json(res, 418, { code: -1003 }, { 'Retry-After': '99999999999999' })
    const clock = new ManualClock(1_700_000_000_000)
    const limiter = new RateLimiter({ clock })
    const http = client({ clock, rateLimiter: limiter })
    const e = await http.request({ path: '/api/v3/ticker', schema: Ok }).catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'BannedError', code: 'BANNED' })
    // Held to maxBanMs (3 days by default, Binance's longest IP ban).
    expect(limiter.bannedUntilMs).toBe(clock.now() + 3 * 86_400_000)
    expect(server.requests).toHaveLength(1)
  })

  it("a half-open circuit's trial meeting a 418 with a huge Retry-After frees its slot (the circuit closes)", async () => {
    const clock = new ManualClock(1_700_000_000_000)
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, clock })
    server.handle = (_req, res) => json(res, 500, 'down')
    const banned = client({ clock, circuitBreaker: breaker, maxAttempts: 1 })
    // Another client on the same breaker, with a limiter of its own (another IP): the ban does not hold it back.
    const other = client({ clock, circuitBreaker: breaker, maxAttempts: 1 })
    expect((await failure(banned.request({ path: '/a' }))).code).toBe('HTTP_ERROR')
    clock.advance(1_000)
    expect(breaker.state).toBe('HALF_OPEN')
    server.handle = (_req, res) => json(res, 418, { code: -1003 }, { 'Retry-After': '99999999999999' })
    const trial = await banned.request({ path: '/a', schema: Ok }).catch((x: unknown) => x)
    expect(trial).toMatchObject({ name: 'BannedError' })
    clock.advance(60_000)
    server.handle = (_req, res) => json(res, 200, { ok: true })
    await expect(other.request({ path: '/b', schema: Ok })).resolves.toMatchObject({ status: 200 })
    expect(server.requests.map((r) => r.url)).toEqual(['/a', '/a', '/b'])
  })

  it('5xx twice then 200 succeeds for idempotent requests', async () => {
    let n = 0
    server.handle = (_req, res) => (++n <= 2 ? json(res, 503, 'busy') : json(res, 200, { ok: true }))
    const http = client()
    const r = await http.request({ path: '/x', schema: Ok })
    expect(r.attempts).toBe(3)
    expect(server.requests).toHaveLength(3)
  })

  it('retries a POST only when the caller marks it retry-safe', async () => {
    server.handle = (_req, res) => json(res, 502, 'bad gateway')
    const http = client()
    const e = await failure(http.request({ method: 'POST', path: '/order', body: { id: 'c1' } }))
    expect(e.code).toBe('HTTP_ERROR')
    expect((e as unknown as { status: number }).status).toBe(502)
    expect(server.requests).toHaveLength(1)
    let n = 0
    server.handle = (_req, res) => (++n === 1 ? json(res, 502, 'x') : json(res, 200, { ok: true }))
    const r = await http.request({
      method: 'POST',
      path: '/order',
      body: { id: 'c1' },
      retrySafe: true,
      schema: Ok,
    })
    expect(r.attempts).toBe(2)
  })

  it('times out each attempt and gives up after maxAttempts with a TimeoutError', async () => {
    server.handle = () => {} // never answers
    const http = client({ timeoutMs: 150, maxAttempts: 2, circuitBreaker: false })
    const e = await failure(http.request({ path: '/slow' }))
    expect(e.code).toBe('TIMEOUT')
    expect(e.retryable).toBe(true)
    expect((e as unknown as { timeoutMs: number }).timeoutMs).toBe(150)
    expect(server.requests).toHaveLength(2)
  })

  it('never re-sends a timed-out POST that is not retry-safe (its outcome is unknown)', async () => {
    server.handle = () => {}
    const http = client({ timeoutMs: 100, maxAttempts: 3 })
    const e = await failure(http.request({ method: 'POST', path: '/api/v3/order', body: 'symbol=BTCUSDT' }))
    expect(e.code).toBe('TIMEOUT')
    expect(server.requests).toHaveLength(1)
  })

  it('a per-request timeout overrides the client default', async () => {
    server.handle = () => {}
    const http = client({ timeoutMs: 60_000, maxAttempts: 1 })
    const e = await failure(http.request({ method: 'POST', path: '/order', timeoutMs: 100 }))
    expect(e.code).toBe('TIMEOUT')
  })

  it('malformed JSON and schema mismatches become ExchangeDataError, not retried', async () => {
    server.handle = (_req, res) => json(res, 200, '{"ok": tru')
    const http = client({ venue: 'binance' })
    const e = await failure(http.request({ path: '/bad', schema: Ok }))
    expect(e.code).toBe('EXCHANGE_DATA_INVALID')
    expect(e.details.venue).toBe('binance')
    expect(server.requests).toHaveLength(1)
    server.handle = (_req, res) => json(res, 200, { ok: 'yes' })
    const s = await failure(http.request({ path: '/shape', schema: Ok }))
    expect(s.code).toBe('EXCHANGE_DATA_INVALID')
    expect((s as unknown as { issues: string[] }).issues[0]).toMatch(/^ok:/)
  })

  it('maps venue error bodies to typed errors through the mapper', async () => {
    server.handle = (_req, res) =>
      json(res, 400, { code: -1121, msg: 'Invalid symbol.' }, { 'x-mbx-uuid': 'req-123' })
    const http = client({
      venue: 'binance',
      mapError: (ctx) => {
        const body = ctx.json as { code?: number; msg?: string } | undefined
        if (typeof body?.code !== 'number') return undefined
        return new ExchangeError(ctx.venue, `Binance error ${body.code}`, {
          venueCode: body.code,
          ...(body.msg !== undefined ? { venueMessage: body.msg } : {}),
          status: ctx.status,
          details: { request: ctx.request, requestId: ctx.requestId },
        })
      },
    })
    const e = await failure(http.request({ path: '/api/v3/ticker', query: { symbol: 'NOPE' } }))
    expect(e).toBeInstanceOf(ExchangeError)
    expect(e.details.venueCode).toBe(-1121)
    expect(e.details.requestId).toBe('req-123')
    expect(e.details.request).toBe('GET /api/v3/ticker')
    expect(server.requests).toHaveLength(1)
  })

  it('falls back to HttpError with status and request id', async () => {
    server.handle = (_req, res) => json(res, 404, 'not here', { 'x-request-id': 'abc' })
    const e = await failure(client().request({ path: '/missing' }))
    expect(e.code).toBe('HTTP_ERROR')
    expect(e.details).toMatchObject({ status: 404, requestId: 'abc', request: 'GET /missing' })
  })

  it('opens the circuit after consecutive failures, then half-opens and closes', async () => {
    const clock = new ManualClock(0)
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2, cooldownMs: 1000 })
    const states: string[] = []
    breaker.events.on('state.changed', (e) => states.push(e.to))
    server.handle = (_req, res) => json(res, 500, 'down')
    const http = client({ circuitBreaker: breaker, maxAttempts: 1 })
    expect((await failure(http.request({ path: '/a' }))).code).toBe('HTTP_ERROR')
    expect((await failure(http.request({ path: '/a' }))).code).toBe('HTTP_ERROR')
    const open = await failure(http.request({ path: '/a' }))
    expect(open.code).toBe('CIRCUIT_OPEN')
    expect(server.requests).toHaveLength(2) // failed fast, nothing sent
    clock.advance(1000)
    expect(breaker.state).toBe('HALF_OPEN')
    server.handle = (_req, res) => json(res, 200, { ok: true })
    await expect(http.request({ path: '/a', schema: Ok })).resolves.toMatchObject({ status: 200 })
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED'])
  })

  it('network errors are retried and typed, and never leak the query string or headers', async () => {
    const port = server.port
    await server.close()
    const http = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, retryBaseMs: 1, retryMaxMs: 2 })
    http.events.on('error', () => {})
    const retries: number[] = []
    http.events.on('request.retryScheduled', (e) => retries.push(e.attempt))
    const e = await failure(
      http.request({
        path: '/api/v3/account',
        query: { timestamp: 1, signature: 'deadbeefsig' },
        headers: { 'X-MBX-APIKEY': 'topsecretkey' },
      }),
    )
    expect(e.code).toBe('NETWORK')
    expect(retries).toEqual([1, 2])
    const text = `${e.message} ${JSON.stringify(e.details)}`
    expect(text).toContain('GET /api/v3/account')
    expect(text).not.toContain('deadbeefsig')
    expect(text).not.toContain('topsecretkey')
    expect(text).not.toContain('timestamp')
    const causes = `${String(e.cause)} ${String((e.cause as { cause?: unknown } | undefined)?.cause)}`
    expect(causes).not.toContain('deadbeefsig')
    server = await startHttpServer() // for afterEach
  })

  it('signs every attempt afresh with an async hook', async () => {
    let n = 0
    server.handle = (_req, res) => (++n === 1 ? json(res, 500, 'x') : json(res, 200, { ok: true }))
    const attempts: number[] = []
    const http = client({
      sign: async (draft) => {
        const sig = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(draft.query.toString()))
        attempts.push(draft.attempt)
        draft.query.set('timestamp', String(1000 + draft.attempt))
        draft.query.set('signature', Buffer.from(sig).toString('hex').slice(0, 16))
        draft.headers['x-mbx-apikey'] = 'key'
      },
    })
    await http.request({ path: '/api/v3/openOrders', query: { symbol: 'BTCUSDT' }, signed: true, schema: Ok })
    expect(attempts).toEqual([1, 2])
    expect(server.requests[0]?.url).toMatch(
      /^\/api\/v3\/openOrders\?symbol=BTCUSDT&timestamp=1001&signature=[0-9a-f]{16}$/,
    )
    expect(server.requests[1]?.url).toContain('timestamp=1002')
    expect(server.requests[1]?.headers['x-mbx-apikey']).toBe('key')
    // Unsigned requests skip the hook.
    server.handle = (_req, res) => json(res, 200, { ok: true })
    await http.request({ path: '/api/v3/time', schema: Ok })
    expect(server.requests.at(-1)?.url).toBe('/api/v3/time')
  })

  it('bounds a sign hook that never settles by the request timeout', async () => {
    const http = client({ timeoutMs: 100, sign: () => new Promise<void>(() => {}) })
    const e = await failure(http.request({ path: '/signed', signed: true }))
    expect(e.code).toBe('TIMEOUT')
    expect(server.requests).toHaveLength(0)
  })

  it('feeds usage headers into the limiter and charges per-request costs', async () => {
    server.handle = (_req, res) => json(res, 200, { ok: true }, { 'X-MBX-USED-WEIGHT-1M': '1000' })
    const limiter = new RateLimiter({
      clock: new ManualClock(0), // no window boundary can pass during the test
      windows: [
        { id: 'REQUEST_WEIGHT', limit: 1200, intervalMs: 60_000 },
        { id: 'ORDERS_10S', limit: 50, intervalMs: 10_000 },
      ],
    })
    const http = client({ rateLimiter: limiter, usageHeaders: { 'X-MBX-USED-WEIGHT-1M': 'REQUEST_WEIGHT' } })
    await http.request({ path: '/api/v3/depth', cost: { REQUEST_WEIGHT: 5 }, schema: Ok })
    await http.request({
      method: 'POST',
      path: '/api/v3/order',
      cost: { REQUEST_WEIGHT: 1, ORDERS_10S: 1 },
      priority: 'ORDER',
      schema: Ok,
    })
    const [weight, orders] = limiter.snapshot().windows
    expect(weight?.remaining).toBe(199) // the server's 1000, plus our order not yet in its count
    expect(orders?.remaining).toBe(49)
    // 50 more would eat into the 20% kept for orders and cancels: a data request must wait; with a short bound it fails.
    const e = await failure(
      http.request({ path: '/api/v3/depth', cost: { REQUEST_WEIGHT: 50 }, maxWaitMs: 10 }),
    )
    expect(e.code).toBe('RATE_LIMITED')
  })

  it('rejects with the caller abort reason and sends nothing more', async () => {
    server.handle = () => {}
    const http = client()
    const ac = new AbortController()
    const p = http.request({ path: '/slow', signal: ac.signal })
    setTimeout(() => ac.abort(new Error('caller gave up')), 50)
    await expect(p).rejects.toThrow('caller gave up')
    expect(http.circuitBreaker?.state).toBe('CLOSED')
  })

  it('does not follow redirects (a signed query must not travel elsewhere)', async () => {
    server.handle = (_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' })
      res.end()
    }
    const e = await failure(client().request({ path: '/moved', query: { signature: 's' } }))
    expect(e.code).toBe('HTTP_ERROR')
    expect(e.details.status).toBe(302)
    expect(server.requests).toHaveLength(1)
  })

  it('refuses oversized bodies', async () => {
    server.handle = (_req, res) => json(res, 200, { ok: true, pad: 'x'.repeat(5000) })
    const e = await failure(client({ maxResponseBytes: 1024 }).request({ path: '/big' }))
    expect(e.code).toBe('EXCHANGE_DATA_INVALID')
    expect(e.message).toContain('larger than 1024 bytes')
  })

  it('validates its config', () => {
    expect(() => new HttpClient({ baseUrl: 'not a url' })).toThrow(/baseUrl/)
    expect(() => new HttpClient({ baseUrl: server.url, timeoutMs: -1 })).toThrow(/timeoutMs/)
    expect(() => new HttpClient({ baseUrl: server.url, nope: 1 } as never)).toThrow()
  })
})
