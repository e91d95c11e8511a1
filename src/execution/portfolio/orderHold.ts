import { isTerminalStatus } from '../../core/orderState.js'
import type { Instrument, Order } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import { minus } from '../../decimal/plusMinus.js'

/**
 * What an open order holds of the quote currency while it rests (a paper order, or a live one a Portfolio follows): a
 * perpetual order its margin (remaining × price ÷ leverage), a spot or outcome buy its cost with the maker fee; nothing
 * for a sell of what is held, a reduce-only order (it can only close margin already held) or an order with no price
 * yet.
 *
 * @example
 * ```ts
 * orderHold(bidFor2At100, btcSpot, 1, new Decimal('0.001')) // 200.2
 * ```
 */
export function orderHold(
  order: Order,
  inst: Instrument,
  leverage: number,
  makerRate: Decimal,
): Decimal | undefined {
  const px = order.price ?? order.triggerPrice
  if (px === undefined || order.reduceOnly === true) return undefined
  const left = minus(order.qty, order.filledQty)
  if (inst.kind === 'perpetual') return left.times(px).div(leverage)
  return order.side === 'BUY' ? left.times(px).times(makerRate.abs().plus(1)) : undefined
}

/** Where {@link holdOpenOrder} holds: a Portfolio's holds and leverage. */
export interface OrderHolds {
  hold(id: string, asset: string, amount: Decimal): void
  release(id: string): void
  leverage(venue: string, symbol: string): number
}

/**
 * Holds in `account` what an open order of `inst` needs (see {@link orderHold}), replacing its hold of before; releases
 * it when the order needs nothing, has ended, or its instrument is unknown.
 *
 * @example
 * ```ts
 * holdOpenOrder(portfolio, restingBid, btcSpot, makerFeeRate) // portfolio.freeCash('USDT') drops by its cost
 * ```
 */
export function holdOpenOrder(
  account: OrderHolds,
  order: Order,
  inst: Instrument | undefined,
  makerRate: Decimal,
): void {
  const held =
    inst === undefined || isTerminalStatus(order.status)
      ? undefined
      : orderHold(order, inst, account.leverage(inst.venue, inst.symbol), makerRate)
  if (held === undefined || inst === undefined) account.release(order.clientOrderId)
  else account.hold(order.clientOrderId, inst.quote, held)
}
