import { expectTypeOf, test } from 'vitest'
import {
  type ExchangeDataError,
  type HttpError,
  isTradekitError,
  type RateLimitError,
  type TradekitError,
  type TradekitErrorByCode,
  type TradekitErrorCode,
} from './index.js'

test('isTradekitError(e, code) narrows to the class of that code', () => {
  const e: unknown = undefined
  if (isTradekitError(e, 'HTTP_ERROR')) {
    expectTypeOf(e).toEqualTypeOf<HttpError>()
    expectTypeOf(e.status).toEqualTypeOf<number>()
  }
  if (isTradekitError(e, 'RATE_LIMITED')) expectTypeOf(e.retryAfterMs).toEqualTypeOf<number>()
  if (isTradekitError(e, 'EXCHANGE_DATA_INVALID')) expectTypeOf(e).toEqualTypeOf<ExchangeDataError>()
  if (isTradekitError(e)) expectTypeOf(e).toEqualTypeOf<TradekitError>()
  expectTypeOf<TradekitErrorByCode['RATE_LIMITED']>().toEqualTypeOf<RateLimitError>()
})

test('every code has a class', () => {
  expectTypeOf<keyof TradekitErrorByCode>().toEqualTypeOf<TradekitErrorCode>()
})
