import { describe, expect, it } from 'vitest'
import {
  AuthError,
  ExchangeDataError,
  isTradekitError,
  RateLimitError,
  REDACTED,
  redact,
  TRADEKIT_ERROR,
  TradekitError,
  toTradekitError,
} from './index.js'

describe('TradekitError', () => {
  it('carries code, cause, retryable and a brand that survives duplicated bundles', () => {
    const cause = new Error('socket hang up')
    const e = new RateLimitError('slow down', 1500, { cause })
    expect(e.code).toBe('RATE_LIMITED')
    expect(e.retryAfterMs).toBe(1500)
    expect(e.retryable).toBe(true)
    expect(e.cause).toBe(cause)
    expect(isTradekitError(e)).toBe(true)
    expect(isTradekitError({ [Symbol.for('tradekit.error')]: true })).toBe(true)
    expect(e[TRADEKIT_ERROR]).toBe(true)
    expect(isTradekitError(new Error('x'))).toBe(false)
    expect(isTradekitError(null)).toBe(false)
  })

  it('never keeps secrets in details', () => {
    const e = new AuthError('binance', 'bad key', {
      venueCode: -2015,
      details: {
        apiKey: 'abc',
        secret: 's3cr3t',
        nested: { passphrase: 'p', signature: 'sig', privateKey: '0x1' },
        symbol: 'BTCUSDT',
        tokenId: '123',
      },
    })
    const json = JSON.stringify(e.details)
    for (const s of ['abc', 's3cr3t', '"p"', 'sig"', '0x1']) expect(json).not.toContain(s)
    expect(e.details.symbol).toBe('BTCUSDT')
    expect(e.details.tokenId).toBe('123')
    expect(e.details.venueCode).toBe(-2015)
    expect(redact({ API_KEY: 'x' })).toEqual({ API_KEY: REDACTED })
  })

  it('truncates raw payloads on data errors', () => {
    const e = new ExchangeDataError('binance', 'bad frame', ['p: not a number'], 'x'.repeat(2000))
    expect(e.raw.length).toBeLessThan(600)
    expect(e.issues).toEqual(['p: not a number'])
  })

  it('describes any raw payload without throwing (BigInt, broken toString, null prototype)', () => {
    const hostile = [
      { a: 1n, toString: 0 },
      Object.assign(Object.create(null), { a: 1n }),
      (() => {
        const o: Record<string, unknown> = {}
        o.self = o
        return o
      })(),
    ]
    for (const raw of hostile) {
      const e = new ExchangeDataError('binance', 'bad', ['x'], raw)
      expect(typeof e.raw).toBe('string')
    }
  })

  it('wraps foreign throws', () => {
    const e = toTradekitError('boom')
    expect(e).toBeInstanceOf(TradekitError)
    expect(e.message).toContain('boom')
    const same = new TradekitError('TIMEOUT', 't')
    expect(toTradekitError(same)).toBe(same)
  })
})
