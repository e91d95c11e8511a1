import { describe, expect, it } from 'vitest'
import { ExchangeError } from '../../errors/index.js'
import { classifyHttpFailure, type HttpFailure, type HttpFailurePolicy } from './classifyHttpFailure.js'

const policy: HttpFailurePolicy = {
  venue: 'v',
  banStatuses: [418],
  defaultBanMs: 120_000,
  maxBanMs: 3 * 86_400_000,
  retryBaseMs: 250,
  retryMaxMs: 5_000,
  maxRetryAfterMs: 60_000,
  random: () => 0.5,
}
const failure = (status: number, headers: Record<string, string> = {}): HttpFailure => ({
  status,
  headers: new Headers(headers),
  bodyText: '{"msg":"x"}',
  mapped: undefined,
  label: 'GET /x',
  requestId: 'r1',
  attempt: 1,
  now: 1_000,
})

describe('classifyHttpFailure', () => {
  it('bans on a ban status, with Retry-After or the default length', () => {
    const d = classifyHttpFailure(failure(418, { 'retry-after': '5' }), policy)
    expect(d).toMatchObject({ kind: 'fail', breaker: 'success', banUntil: 6_000 })
    expect(d.error.code).toBe('BANNED')
    expect(classifyHttpFailure(failure(418), policy).banUntil).toBe(121_000)
  })

  it('holds a huge Retry-After on a ban to maxBanMs, and builds its message without throwing', () => {
    // 99999999999999 s put the ban past the last time a Date holds: toISOString() threw a RangeError.
    for (const header of ['99999999999999', '9'.repeat(400)]) {
      const d = classifyHttpFailure(failure(418, { 'retry-after': header }), policy)
      expect(d).toMatchObject({ kind: 'fail', breaker: 'success', banUntil: 1_000 + policy.maxBanMs })
      expect(d.error).toMatchObject({ name: 'BannedError', untilMs: 1_000 + policy.maxBanMs })
      expect(d.error.message).toBe(`Banned by v until ${new Date(1_000 + policy.maxBanMs).toISOString()}`)
    }
  })

  it('holds a huge Retry-After on a 429 to maxBanMs: the limiter pauses that long, the call fails', () => {
    const d = classifyHttpFailure(failure(429, { 'retry-after': '99999999999999' }), policy)
    expect(d).toMatchObject({ kind: 'fail', pauseUntil: 1_000 + policy.maxBanMs })
    expect(d.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: policy.maxBanMs })
  })

  it('retries a 429 after Retry-After and pauses the limiter, or backs off without one', () => {
    const d = classifyHttpFailure(failure(429, { 'retry-after': '2' }), policy)
    expect(d).toMatchObject({ kind: 'retry', breaker: 'success', delayMs: 2_000, pauseUntil: 3_000 })
    expect(d.error.code).toBe('RATE_LIMITED')
    const b = classifyHttpFailure(failure(429), policy)
    expect(b).toMatchObject({ kind: 'retry', delayMs: 125 })
    expect(b.pauseUntil).toBeUndefined()
  })

  it('fails a 429 whose wait is over maxRetryAfterMs, and still pauses the limiter until Retry-After', () => {
    // The venue said "nothing for 61 s": this call fails at once, and no other request may go before then either
    // (Binance bans an IP that keeps sending after a 429).
    const d = classifyHttpFailure(failure(429, { 'retry-after': '61' }), policy)
    expect(d).toMatchObject({ kind: 'fail', breaker: 'success', pauseUntil: 62_000 })
    expect(d.error.code).toBe('RATE_LIMITED')
    const date = new Date(1_000 + 120_000).toUTCString()
    expect(classifyHttpFailure(failure(429, { 'retry-after': date }), policy).pauseUntil).toBe(121_000)
  })

  it('retries a 5xx counting a breaker failure; fails other statuses with the mapped error', () => {
    const d = classifyHttpFailure(failure(503), policy)
    expect(d).toMatchObject({ kind: 'retry', breaker: 'failure' })
    expect(d.error.code).toBe('HTTP_ERROR')
    const mapped = new ExchangeError('v', 'bad symbol', { venueCode: -1121 })
    const m = classifyHttpFailure({ ...failure(400), mapped }, policy)
    expect(m).toMatchObject({ kind: 'fail', breaker: 'success' })
    expect(m.error).toBe(mapped)
  })
})
