import { createHmac } from 'node:crypto'
import { Decimal } from '../../decimal/index.js'
import { SimRejection } from './SimExchange.js'

/**
 * Polymarket's protocol facts as the simulator enforces them. They are written out here, not imported from
 * tradekit/polymarket, on purpose: the simulator plays the exchange and checks tradekit's client independently.
 */
export const SIM_CTF_EXCHANGE = '0xE111180000d2663C0091e4f400237545B87B996B'
/** V2 Neg Risk CTF Exchange. */
export const SIM_NEG_RISK_EXCHANGE = '0xe2222d279d744050d28e00520010520000310F59'

/** ExchangeV3 (Protocol V2 markets, standard and neg-risk alike), domain version "3". */
export const SIM_EXCHANGE_V3 = '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa'

/** V2 order struct (ExchangeV3 signs the same). */
export const SIM_ORDER_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
}

/** L1 ClobAuth struct. */
export const SIM_CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
}

/** The message every L1 signature attests. */
export const SIM_CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet'

/** Decimals allowed per tick size: price, size (shares) and amount (pUSD). */
const RULES: Record<string, { price: number; size: number; amount: number }> = {
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
}

/** The HMAC Polymarket expects in POLY_SIGNATURE (URL-safe base64, padding kept). */
export function l2Signature(
  secret: string,
  timestamp: string,
  method: string,
  path: string,
  body: string,
): string {
  return createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(`${timestamp}${method}${path}${body}`)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}

/** Shares and price an order's amounts encode. */
export interface DecodedAmounts {
  readonly price: Decimal
  readonly size: Decimal
}

/**
 * Checks an order's amounts the way the CLOB does and returns the price and size they encode. Limit orders
 * (GTC/GTD): shares ≤ 2 decimals, pUSD ≤ the tick's amount decimals, price on the tick. Market orders (FOK/FAK):
 * maker ≤ 2 decimals, taker ≤ 4 decimals. Throws {@link SimRejection} otherwise.
 */
export function checkAmounts(
  side: 'BUY' | 'SELL',
  makerAmount: string,
  takerAmount: string,
  orderType: string,
  tickSize: string,
): DecodedAmounts {
  const maker = new Decimal(makerAmount).div(1e6)
  const taker = new Decimal(takerAmount).div(1e6)
  if (maker.lte(0) || taker.lte(0)) {
    throw new SimRejection(
      'INVALID_ORDER_ERROR',
      'invalid amounts, maker and taker amounts must be greater than 0',
    )
  }
  const rule = RULES[tickSize] ?? { price: 2, size: 2, amount: 4 }
  const tick = new Decimal(tickSize)
  const size = side === 'BUY' ? taker : maker
  const cash = side === 'BUY' ? maker : taker
  const price = cash.div(size)
  const isMarket = orderType === 'FOK' || orderType === 'FAK'
  const side_ = side.toLowerCase()
  if (isMarket) {
    if (maker.decimalPlaces() > 2 || taker.decimalPlaces() > 4) {
      throw new SimRejection(
        'INVALID_ORDER_ERROR',
        `invalid amounts, the market ${side_} orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals`,
      )
    }
  } else {
    const [makerMax, takerMax] = side === 'BUY' ? [rule.amount, rule.size] : [rule.size, rule.amount]
    if (maker.decimalPlaces() > makerMax || taker.decimalPlaces() > takerMax) {
      throw new SimRejection(
        'INVALID_ORDER_ERROR',
        `invalid amounts, the ${side_} orders maker amount supports a max accuracy of ${makerMax} decimals, taker amount a max of ${takerMax} decimals`,
      )
    }
    if (!price.mod(tick).isZero() || price.decimalPlaces() > rule.price) {
      throw new SimRejection(
        'INVALID_ORDER_MIN_TICK_SIZE',
        'order is invalid. Price breaks minimum tick size rules',
      )
    }
  }
  if (price.lt(tick) || price.gt(new Decimal(1).minus(tick))) {
    throw new SimRejection(
      'INVALID_ORDER_MIN_TICK_SIZE',
      `invalid price (${price.toSignificantDigits(8).toFixed()}), min: ${tick.toFixed()} - max: ${new Decimal(1).minus(tick).toFixed()}`,
    )
  }
  return { price, size }
}
