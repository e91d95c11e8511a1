import {
  AuthError,
  ExchangeError,
  type ExchangeErrorOptions,
  InsufficientFundsError,
  OrderRejectedError,
  type TradekitError,
} from '../../errors/index.js'
import { POLYMARKET_VENUE } from './constants.js'

/** Polymarket error texts (from its error-code reference) and the code tradekit reports for each. */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/order_version_mismatch/i, 'ORDER_VERSION_MISMATCH'],
  [/invalid signature/i, 'INVALID_SIGNATURE'],
  [/breaks minimum tick size|invalid price \(/i, 'INVALID_ORDER_MIN_TICK_SIZE'],
  [/lower than the minimum/i, 'INVALID_ORDER_MIN_SIZE'],
  [/duplicated/i, 'INVALID_ORDER_DUPLICATED'],
  [/not enough balance|allowance/i, 'INVALID_ORDER_NOT_ENOUGH_BALANCE'],
  [/invalid expiration/i, 'INVALID_ORDER_EXPIRATION'],
  [/could not insert order/i, 'INVALID_ORDER_ERROR'],
  [/only GTC and GTD order types/i, 'INVALID_POST_ONLY_ORDER_TYPE'],
  [/post-only order: order crosses book/i, 'INVALID_POST_ONLY_ORDER'],
  [/could not run the execution/i, 'EXECUTION_ERROR'],
  [/FOK orders are fully filled/i, 'FOK_ORDER_NOT_FILLED_ERROR'],
  [/FAK orders are partially filled/i, 'FAK_ORDER_NOT_FILLED_ERROR'],
  [/market is not yet ready/i, 'MARKET_NOT_READY'],
  [/invalid amounts/i, 'INVALID_ORDER_AMOUNTS'],
  [/owner has to be the owner|signer address has to be/i, 'INVALID_ORDER_OWNER'],
  [/maker address not allowed|deposit wallet flow/i, 'MAKER_ADDRESS_NOT_ALLOWED'],
  [/Invalid order payload/i, 'INVALID_ORDER_PAYLOAD'],
  [/Invalid Heartbeat ID/i, 'INVALID_HEARTBEAT_ID'],
  [/cancel-only|Trading is currently disabled/i, 'TRADING_DISABLED'],
]

/**
 * Polymarket's code for an error text, when tradekit knows it.
 *
 * @example
 * ```ts
 * polymarketErrorCode('not enough balance / allowance') // 'INVALID_ORDER_NOT_ENOUGH_BALANCE'
 * polymarketErrorCode('something new')                  // undefined
 * ```
 */
export function polymarketErrorCode(message: string): string | undefined {
  for (const [re, code] of PATTERNS) if (re.test(message)) return code
  return undefined
}

/**
 * Polymarket refused the order's maker: "maker address not allowed, please use the deposit wallet flow", its answer
 * to new API users signing as an EOA (signature type 0) or a Safe (2). Trade from a deposit wallet instead:
 * `signatureType: 3` with `funder` = the wallet (docs/polymarket.md, "Wallets"). An {@link OrderRejectedError}.
 *
 * @example
 * ```ts
 * try {
 *   await adapter.placeOrder(req)
 * } catch (e) {
 *   if (e instanceof DepositWalletRequiredError) console.log('use { signatureType: 3, funder: depositWallet }')
 * }
 * ```
 */
export class DepositWalletRequiredError extends OrderRejectedError {
  override name = 'DepositWalletRequiredError'
  constructor(venueMessage: string, options: ExchangeErrorOptions = {}) {
    super(
      POLYMARKET_VENUE,
      'Polymarket refused the maker address: new API users must trade from a deposit wallet ' +
        '(signatureType: 3, funder = the deposit wallet; see docs/polymarket.md)',
      { ...options, venueCode: 'MAKER_ADDRESS_NOT_ALLOWED', venueMessage: venueMessage.slice(0, 300) },
    )
  }
}

/**
 * Maps a Polymarket error response (`{ "error": "…" }`, or an insert `errorMsg`) to a typed error: 401 →
 * {@link AuthError}; balance → {@link InsufficientFundsError}; order rules, signature and version mismatches →
 * {@link OrderRejectedError} with Polymarket's code in `venueCode`, as is a 503 "Trading is currently disabled" or
 * "cancel-only" (`TRADING_DISABLED`: no order was taken). Other 5xx and 429 are left to the transport.
 *
 * @example
 * ```ts
 * mapPolymarketError(400, 'invalid signature')?.code              // 'ORDER_REJECTED' (venueCode INVALID_SIGNATURE)
 * mapPolymarketError(400, 'not enough balance / allowance')?.code // 'INSUFFICIENT_FUNDS'
 * ```
 */
export function mapPolymarketError(status: number, message: string): TradekitError | undefined {
  const code = polymarketErrorCode(message)
  const opts = { venueCode: code ?? status, venueMessage: message.slice(0, 300), status }
  if (status === 401 || status === 403)
    return new AuthError(
      POLYMARKET_VENUE,
      `Polymarket refused the credentials: ${message.slice(0, 120)}`,
      opts,
    )
  // "Trading is currently disabled" / "cancel-only" (503): the venue took no order, a known outcome (error-codes page).
  if (status === 503 && code === 'TRADING_DISABLED') {
    return new OrderRejectedError(
      POLYMARKET_VENUE,
      `Polymarket is not taking orders: ${message.slice(0, 160)}`,
      opts,
    )
  }
  if (status === 429 || status >= 500) return undefined
  if (code === 'MAKER_ADDRESS_NOT_ALLOWED') return new DepositWalletRequiredError(message, opts)
  if (code === 'INVALID_ORDER_NOT_ENOUGH_BALANCE') {
    return new InsufficientFundsError(POLYMARKET_VENUE, 'Not enough balance / allowance', opts)
  }
  if (code !== undefined) {
    return new OrderRejectedError(
      POLYMARKET_VENUE,
      `Polymarket rejected the order: ${message.slice(0, 200)}`,
      opts,
    )
  }
  return new ExchangeError(POLYMARKET_VENUE, `Polymarket answered ${status}: ${message.slice(0, 200)}`, opts)
}

/**
 * The venue refused a heartbeat id (400 "Invalid Heartbeat ID") and named the session's current one, which
 * `PolymarketHeartbeat` adopts.
 */
export class HeartbeatIdRejectedError extends ExchangeError {
  override name = 'HeartbeatIdRejectedError'
  /** The heartbeat id the venue expects next. */
  readonly heartbeatId: string
  constructor(heartbeatId: string, message: string) {
    super(POLYMARKET_VENUE, `Polymarket refused the heartbeat id: ${message.slice(0, 120)}`, {
      venueMessage: message.slice(0, 300),
      status: 400,
    })
    this.heartbeatId = heartbeatId
  }
}
