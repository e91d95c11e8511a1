import { describe, expect, it } from 'vitest'
import { DepositWalletRequiredError, mapPolymarketError, polymarketErrorCode } from './errors.js'

describe('Polymarket error mapping', () => {
  it.each([
    [
      'order is invalid. Price breaks minimum tick size rules',
      'INVALID_ORDER_MIN_TICK_SIZE',
      'ORDER_REJECTED',
    ],
    ['order is invalid. Size (1) lower than the minimum: 5', 'INVALID_ORDER_MIN_SIZE', 'ORDER_REJECTED'],
    ['not enough balance / allowance', 'INVALID_ORDER_NOT_ENOUGH_BALANCE', 'INSUFFICIENT_FUNDS'],
    ['invalid signature', 'INVALID_SIGNATURE', 'ORDER_REJECTED'],
    ['order_version_mismatch', 'ORDER_VERSION_MISMATCH', 'ORDER_REJECTED'],
    ['invalid post-only order: order crosses book', 'INVALID_POST_ONLY_ORDER', 'ORDER_REJECTED'],
    [
      "order couldn't be fully filled, FOK orders are fully filled/killed",
      'FOK_ORDER_NOT_FILLED_ERROR',
      'ORDER_REJECTED',
    ],
    ['the market is not yet ready to process new orders', 'MARKET_NOT_READY', 'ORDER_REJECTED'],
    ['invalid expiration', 'INVALID_ORDER_EXPIRATION', 'ORDER_REJECTED'],
  ])('%s → %s', (message, venueCode, code) => {
    expect(polymarketErrorCode(message)).toBe(venueCode)
    expect(mapPolymarketError(400, message)).toMatchObject({ code, venueCode, status: 400 })
  })

  it('"maker address not allowed" (an insert errorMsg too) is a DepositWalletRequiredError naming signatureType 3', () => {
    const e = mapPolymarketError(400, 'maker address not allowed, please use the deposit wallet flow')
    expect(e).toBeInstanceOf(DepositWalletRequiredError)
    expect(e).toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: 'MAKER_ADDRESS_NOT_ALLOWED',
      venueMessage: 'maker address not allowed, please use the deposit wallet flow',
    })
    expect(e?.message).toMatch(/signatureType: 3/)
  })

  it('401 is an auth error, 429 and 5xx are left to the transport, unknown 4xx is a plain exchange error', () => {
    expect(mapPolymarketError(401, 'Unauthorized/Invalid api key')?.code).toBe('AUTH_FAILED')
    expect(mapPolymarketError(429, 'Too Many Requests')).toBeUndefined()
    expect(mapPolymarketError(503, 'upstream connect error')).toBeUndefined()
    // The venue's own 503s that say no order was taken (docs error-codes): a rejection, not an unknown outcome.
    expect(mapPolymarketError(503, 'Trading is currently disabled')).toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: 'TRADING_DISABLED',
    })
    expect(
      mapPolymarketError(
        503,
        'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.',
      ),
    ).toMatchObject({ code: 'ORDER_REJECTED', venueCode: 'TRADING_DISABLED' })
    expect(mapPolymarketError(404, 'No orderbook exists for the requested token id')?.code).toBe(
      'EXCHANGE_REJECTED',
    )
  })
})
