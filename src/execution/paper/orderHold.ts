import type { Instrument, Order } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import { remaining } from './remaining.js'

/**
 * What a resting paper order holds of the quote currency while it rests: a perpetual order its margin (remaining ×
 * price ÷ leverage), a spot or outcome buy its cost with the maker fee; nothing for a sell of what is held, or an order
 * with no price yet.
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
  if (px === undefined) return undefined
  if (inst.kind === 'perpetual') return remaining(order).times(px).div(leverage)
  return order.side === 'BUY' ? remaining(order).times(px).times(makerRate.abs().plus(1)) : undefined
}
