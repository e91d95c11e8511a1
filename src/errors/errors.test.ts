import { describe, expect, it } from 'vitest'
import {
  AuthError,
  ConfigError,
  ExchangeDataError,
  ExchangeError,
  HttpError,
  InsufficientFundsError,
  InvariantError,
  isTradekitError,
  ListenerError,
  NetworkError,
  OrderRejectedError,
  RateLimitError,
  REDACTED,
  redact,
  SocketClosedError,
  StateError,
  TRADEKIT_ERROR,
  TradekitError,
  toTradekitError,
  ValidationError,
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

describe('isTradekitError(e, code)', () => {
  it('is true only for a tradekit error with that code, and its typed fields are read directly', () => {
    const e: unknown = new HttpError(503, 'busy')
    expect(isTradekitError(e, 'HTTP_ERROR')).toBe(true)
    expect(isTradekitError(e, 'TIMEOUT')).toBe(false)
    expect(isTradekitError(new Error('x'), 'HTTP_ERROR')).toBe(false)
    expect(isTradekitError(null, 'HTTP_ERROR')).toBe(false)
    if (isTradekitError(e, 'HTTP_ERROR')) expect(e.status).toBe(503)
  })

  it('each error class carries the code it is listed under', () => {
    const samples: TradekitError[] = [
      new ConfigError('c', []),
      new ValidationError('v'),
      new InvariantError('i'),
      new StateError('s'),
      new ExchangeError('binance', 'x'),
      new OrderRejectedError('binance', 'x'),
      new InsufficientFundsError('binance', 'x'),
      new AuthError('binance', 'x'),
      new ExchangeDataError('binance', 'x', [], ''),
      new RateLimitError('r', 1000),
      new NetworkError('n'),
      new HttpError(500, ''),
      new SocketClosedError('s'),
      new ListenerError('candle', new Error('x')),
    ]
    for (const s of samples) expect(s.name).not.toBe('TradekitError')
    expect(samples.map((s) => s.code)).toEqual([
      'CONFIG_INVALID',
      'VALIDATION_FAILED',
      'INVARIANT_VIOLATED',
      'INVALID_STATE',
      'EXCHANGE_REJECTED',
      'ORDER_REJECTED',
      'INSUFFICIENT_FUNDS',
      'AUTH_FAILED',
      'EXCHANGE_DATA_INVALID',
      'RATE_LIMITED',
      'NETWORK',
      'HTTP_ERROR',
      'SOCKET_CLOSED',
      'LISTENER_FAILED',
    ])
  })
})
