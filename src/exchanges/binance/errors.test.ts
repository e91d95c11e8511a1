import { describe, expect, it } from 'vitest'
import { mapBinanceError } from './errors.js'

const base = { venue: 'binance', status: 400, nowMs: 1_000 }

describe('mapBinanceError', () => {
  it.each([
    [-1003, 429, 'RATE_LIMITED'],
    [-1013, 400, 'ORDER_REJECTED'],
    [-1021, 400, 'AUTH_FAILED'],
    [-1022, 400, 'AUTH_FAILED'],
    [-2015, 401, 'AUTH_FAILED'],
    [-2011, 400, 'ORDER_REJECTED'],
    [-2013, 400, 'ORDER_REJECTED'],
    [-1111, 400, 'ORDER_REJECTED'],
    [-1121, 400, 'EXCHANGE_REJECTED'],
    [-4164, 400, 'ORDER_REJECTED'],
    [-2019, 400, 'INSUFFICIENT_FUNDS'],
  ])('code %i (HTTP %i) -> %s', (code, status, expected) => {
    const e = mapBinanceError({ ...base, status, code, msg: 'm' })
    expect(e.code).toBe(expected)
    if (expected !== 'RATE_LIMITED') expect(e.details.venueCode).toBe(code)
  })

  it('-2010 is insufficient funds when Binance says so, an order rejection otherwise', () => {
    expect(
      mapBinanceError({ ...base, code: -2010, msg: 'Account has insufficient balance for requested action.' })
        .code,
    ).toBe('INSUFFICIENT_FUNDS')
    expect(
      mapBinanceError({ ...base, code: -2010, msg: 'Order would immediately match and take.' }).code,
    ).toBe('ORDER_REJECTED')
  })

  it('-1021 is retryable (re-sync the clock), -1022 is not', () => {
    expect(mapBinanceError({ ...base, code: -1021 }).retryable).toBe(true)
    expect(mapBinanceError({ ...base, code: -1022 }).retryable).toBe(false)
  })

  it('429 carries Retry-After; 418 is a ban until now + Retry-After', () => {
    const rl = mapBinanceError({ ...base, status: 429, code: -1003, retryAfterSec: 7 })
    expect(rl.code).toBe('RATE_LIMITED')
    expect(rl.details.retryAfterMs).toBe(7000)
    const ban = mapBinanceError({ ...base, status: 418, code: -1003, retryAfterSec: 60 })
    expect(ban.code).toBe('BANNED')
    expect(ban.details.untilMs).toBe(61_000)
  })

  it('a 5xx without a Binance body is an HttpError (retryable)', () => {
    const e = mapBinanceError({ ...base, status: 503 })
    expect(e.code).toBe('HTTP_ERROR')
    expect(e.retryable).toBe(true)
  })
})
