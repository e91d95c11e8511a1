import { SimApiError } from './SimApiError.js'

/**
 * USD-M `MAX_NUM_ORDERS`, as the sim publishes and enforces it: the orders an account may have open on a symbol,
 * "both algo orders and normal orders" counted (Binance USD-M common definition, filters).
 */
export const USDM_MAX_NUM_ORDERS = 200

/** USD-M `MAX_NUM_ALGO_ORDERS`: the algo (conditional) orders an account may have open on a symbol. */
export const USDM_MAX_NUM_ALGO_ORDERS = 10

/**
 * Refuses one more USD-M order on a symbol with `open` orders already there, as Binance does: -4045 past
 * `MAX_NUM_ALGO_ORDERS` (an algo order), -2025 past `MAX_NUM_ORDERS` (regular and algo orders together).
 */
export function checkUsdmOpenOrderCaps(open: { regular: number; algo: number }, isAlgo: boolean): void {
  if (isAlgo && open.algo >= USDM_MAX_NUM_ALGO_ORDERS)
    throw new SimApiError(400, -4045, 'Reach max stop order limit.')
  if (open.regular + open.algo >= USDM_MAX_NUM_ORDERS)
    throw new SimApiError(400, -2025, 'Reach max open order limit.')
}
