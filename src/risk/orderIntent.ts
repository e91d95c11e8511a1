import type { OrderIntent, Side, Signal } from '../core/index.js'
import type { Decimal } from '../decimal/index.js'

/** The fields of an approved {@link OrderIntent}; the optional ones are left out when `undefined`. */
export interface IntentFields {
  readonly clientOrderId: string
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  readonly type: 'MARKET' | 'LIMIT'
  readonly qty: Decimal
  /** A LIMIT's price (with `timeInForce: 'GTC'`). */
  readonly price: Decimal | undefined
  readonly reduceOnly: boolean
  readonly stopPrice: Decimal | undefined
  readonly takeProfitPrice: Decimal | undefined
  readonly signal: Signal
}

/**
 * The RiskManager's intent, with the keys in the order its object spreads gave them (clientOrderId … qty, price and
 * timeInForce, reduceOnly, strategyId, stopPrice, takeProfitPrice, signal, groupId), set one by one: a literal with
 * conditional spreads takes V8's slow path, about three times the cost.
 *
 * @example
 * ```ts
 * const intent = orderIntent({ clientOrderId, venue, symbol, side: 'BUY', type: 'MARKET', qty, price: undefined,
 *   reduceOnly: false, stopPrice: stop, takeProfitPrice: undefined, signal })
 * ```
 */
export function orderIntent(f: IntentFields): OrderIntent {
  const o: { -readonly [K in keyof OrderIntent]?: OrderIntent[K] } = {
    clientOrderId: f.clientOrderId,
    venue: f.venue,
    symbol: f.symbol,
    side: f.side,
    type: f.type,
    qty: f.qty,
  }
  if (f.price !== undefined) {
    o.price = f.price
    o.timeInForce = 'GTC'
  }
  o.reduceOnly = f.reduceOnly
  o.strategyId = f.signal.strategyId
  if (f.stopPrice !== undefined) o.stopPrice = f.stopPrice
  if (f.takeProfitPrice !== undefined) o.takeProfitPrice = f.takeProfitPrice
  o.signal = f.signal
  if (f.signal.groupId !== undefined) o.groupId = f.signal.groupId
  return o as OrderIntent
}
