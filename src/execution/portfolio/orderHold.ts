import { isTerminalStatus } from '../../core/orderState.js'
import type { Instrument, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { minus } from '../../decimal/plusMinus.js'

const NO_FEE = new Decimal(0)

/**
 * What an open order holds of the quote currency while it rests (a paper order, or a live one a Portfolio follows): a
 * perpetual order its margin (remaining × price ÷ leverage), a spot or outcome buy its cost with the maker fee; nothing
 * for a sell of what is held, a reduce-only order (it can only close margin already held) or an order with no price
 * (a MARKET order) unless `marketPrice` values it.
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
  marketPrice?: Decimal,
): Decimal | undefined {
  const px = order.price ?? order.triggerPrice ?? marketPrice
  if (px === undefined || order.reduceOnly === true) return undefined
  const perpetual = inst.kind === 'perpetual'
  if (!perpetual && order.side !== 'BUY') return undefined
  const left = minus(order.qty, order.filledQty)
  return perpetual ? left.times(px).div(leverage) : left.times(px).times(makerRate.abs().plus(1))
}

/** Where {@link holdOpenOrder} holds: a Portfolio's holds and leverage. */
export interface OrderHolds {
  hold(id: string, asset: string, amount: Decimal): void
  release(id: string): void
  leverage(venue: string, symbol: string): number
}

/**
 * Holds in `account` what an open order of `inst` needs (see {@link orderHold}), replacing its hold of before; releases
 * it when the order needs nothing.
 *
 * @example
 * ```ts
 * holdOpenOrder(portfolio, restingBid, btcSpot, makerFeeRate) // portfolio.freeCash('USDT') drops by its cost
 * ```
 */
export function holdOpenOrder(account: OrderHolds, order: Order, inst: Instrument, makerRate: Decimal): void {
  const held = orderHold(order, inst, account.leverage(inst.venue, inst.symbol), makerRate)
  if (held === undefined) account.release(order.clientOrderId)
  else account.hold(order.clientOrderId, inst.quote, held)
}

/** What {@link unheldCommitments} reads of an account. */
export interface OrderTerms {
  /** Whether the account holds for the order of this client id already (a paper order resting). */
  isHeld(clientOrderId: string): boolean
  instrument(venue: string, symbol: string): Instrument | undefined
  /** The leverage an order on a perpetual commits margin at. */
  leverage(venue: string, symbol: string): number
  /** Value of one unit of `asset` in the account currency (`undefined`: not valued). */
  rate(asset: string): Decimal | undefined
  /** The instrument's latest mark (`undefined`: none yet): what a MARKET order is valued at. */
  mark(venue: string, symbol: string): Decimal | undefined
}

/** What open orders commit that the account holds nothing for (see {@link unheldCommitments}). */
export interface UnheldCommitments {
  /** Their sum in the account currency (`undefined`: none whose quote is valued). */
  readonly value: Decimal | undefined
  /**
   * Per quote asset, in that asset, what spot and outcome-token buys cost (a sale spends a position, not cash; a
   * perpetual order takes margin: neither is here).
   */
  readonly byAsset: ReadonlyMap<string, Decimal>
}

/**
 * What open orders commit that the account holds nothing for: for each order not terminal and not held, its
 * {@link orderHold} (no maker fee), in the account currency at the rate of its quote asset, and per asset what it spends
 * (see {@link UnheldCommitments.byAsset}); a
 * MARKET order (no price) at the instrument's mark, since it spends as soon as it fills (nothing while there is no
 * mark). A live order rests at the venue, which locks its cost or margin; the account following it holds nothing (only
 * a paper trader holds). Orders of an unknown instrument count nothing; of an unvalued quote, nothing in the account
 * currency. `undefined` when none commits anything.
 *
 * @example
 * ```ts
 * unheldCommitments(executor.openOrders(), terms)?.value // 2000 for a live bid of 20 at 100 on BTCUSDT
 * ```
 */
export function unheldCommitments(
  orders: readonly Order[],
  terms: OrderTerms,
): UnheldCommitments | undefined {
  let sum: Decimal | undefined
  let byAsset: Map<string, Decimal> | undefined
  for (const o of orders) {
    if (isTerminalStatus(o.status) || terms.isHeld(o.clientOrderId)) continue
    const inst = terms.instrument(o.venue, o.symbol)
    if (inst === undefined) continue
    // A trailing stop without an activation price is unpriced too, but rests: only a MARKET order spends at once.
    const mark = o.type === 'MARKET' && o.price === undefined ? terms.mark(o.venue, o.symbol) : undefined
    const held = orderHold(o, inst, terms.leverage(o.venue, o.symbol), NO_FEE, mark)
    if (held === undefined) continue
    if (inst.kind !== 'perpetual') byAsset = spend(byAsset, inst.quote, held)
    const rate = terms.rate(inst.quote)
    if (rate === undefined) continue
    const value = rate.eq(1) ? held : held.times(rate)
    sum = sum === undefined ? value : sum.plus(value)
  }
  return byAsset === undefined && sum === undefined ? undefined : { value: sum, byAsset: byAsset ?? NO_SPEND }
}

const NO_SPEND: ReadonlyMap<string, Decimal> = new Map()

/** `byAsset` with `amount` of `asset` added (made on first use). */
function spend(
  byAsset: Map<string, Decimal> | undefined,
  asset: string,
  amount: Decimal,
): Map<string, Decimal> {
  const m = byAsset ?? new Map<string, Decimal>()
  const before = m.get(asset)
  m.set(asset, before === undefined ? amount : before.plus(amount))
  return m
}
