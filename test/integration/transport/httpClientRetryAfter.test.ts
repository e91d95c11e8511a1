import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { ManualClock } from '../../../src/core/clock.js'
import { isTradekitError } from '../../../src/errors/index.js'
import {
  HttpClient,
  type HttpClientConfig,
  RateLimiter,
  type RequestRetryingEvent,
} from '../../../src/transport/index.js'
import { json, startHttpServer, type TestHttpServer } from './servers.js'

let server: TestHttpServer

beforeEach(async () => {
  server = await startHttpServer()
})
afterEach(async () => {
  await server.close()
})

const Ok = z.object({ ok: z.literal(true) })

function client(config: Partial<HttpClientConfig>): HttpClient {
  const c = new HttpClient({ baseUrl: server.url, timeoutMs: 5_000, circuitBreaker: false, ...config })
  c.events.on('error', () => {})
  return c
}

function nextRetry(http: HttpClient): Promise<RequestRetryingEvent> {
  return new Promise((resolve) => http.events.once('request.retryScheduled', resolve))
}

describe('HttpClient: a 429 whose Retry-After lies between maxWaitMs and maxRetryAfterMs', () => {
  it('waits out the Retry-After (longer than the limiter maxWaitMs), sends nothing before it, then retries', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    let n = 0
    server.handle = (_req, res) => {
      n++
      if (n === 1) json(res, 429, { code: -1003, msg: 'Too many requests' }, { 'Retry-After': '30' })
      else json(res, 200, { ok: true })
    }
    // The limiter would let a request wait 1 s for budget; the client accepts a Retry-After up to 60 s.
    const limiter = new RateLimiter({ clock, maxWaitMs: 1_000 })
    const http = client({ clock, rateLimiter: limiter, maxRetryAfterMs: 60_000 })
    const retried = nextRetry(http)
    const call = http.request({ path: '/api/v3/depth', schema: Ok })
    const settled = { done: false }
    call.then(
      () => {
        settled.done = true
      },
      () => {
        settled.done = true
      },
    )
    const retry = await retried
    expect(retry.error.code).toBe('RATE_LIMITED')
    expect(retry.delayMs).toBe(30_000)
    expect(limiter.snapshot().pausedUntilMs).toBe(clock.now() + 30_000)
    // One ms before Retry-After: still waiting, nothing more sent.
    await clock.advanceAsync(29_999)
    expect(settled.done).toBe(false)
    expect(server.requests).toHaveLength(1)
    await clock.advanceAsync(1)
    const r = await call
    expect(r.status).toBe(200)
    expect(r.attempts).toBe(2)
    expect(server.requests).toHaveLength(2)
  })

  it('a caller abort during the Retry-After wait rejects with its reason and sends nothing more', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    server.handle = (_req, res) => json(res, 429, {}, { 'Retry-After': '30' })
    const http = client({ clock, rateLimiter: new RateLimiter({ clock, maxWaitMs: 1_000 }) })
    const ctl = new AbortController()
    const retried = nextRetry(http)
    const call = http.request({ path: '/api/v3/depth', schema: Ok, signal: ctl.signal })
    await retried
    const reason = new Error('stop')
    ctl.abort(reason)
    await expect(call).rejects.toBe(reason)
    await clock.advanceAsync(30_000)
    expect(server.requests).toHaveLength(1)
  })

  it('still fails at once when Retry-After is over maxRetryAfterMs', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    server.handle = (_req, res) => json(res, 429, {}, { 'Retry-After': '61' })
    const http = client({ clock, rateLimiter: new RateLimiter({ clock }), maxRetryAfterMs: 60_000 })
    const e = await http.request({ path: '/api/v3/depth', schema: Ok }).catch((x: unknown) => x)
    expect(isTradekitError(e) && e.code).toBe('RATE_LIMITED')
    expect(server.requests).toHaveLength(1)
  })
})
