import type { AccountSnapshot } from '../../core/ports.js'
import type { QuoteLevel, QuoteTargets } from '../../core/quotes.js'
import { Decimal } from '../../decimal/index.js'
import { ok, type Result } from '../../errors/result.js'
import { unfilledQty } from '../pendingEntries.js'
import type { RiskRejection } from '../types.js'

/** What may still fill on one instrument, per side, base units. */
export interface SideQty {
  buy: Decimal
  sell: Decimal
}

/** What {@link othersExposure} reads besides the set. */
export interface OthersExposureInputs {
  readonly account: AccountSnapshot
  /**
   * Whose quote an open order is (a strategy id; `undefined`: not a quote). Without it the open orders are not
   * counted: the set's own quotes could not be told apart.
   */
  readonly quoteOwner?: ((clientOrderId: string) => string | undefined) | undefined
  /** Each strategy's last approved levels on a symbol of the set's venue, by strategy id. */
  readonly reserved?: ((symbol: string) => ReadonlyMap<string, readonly QuoteLevel[]> | undefined) | undefined
  /** The symbols of the set's venue `reserved` has levels on (the bids of all of them spend cash the set may need). */
  readonly reservedSymbols?: (() => Iterable<string>) | undefined
}

/**
 * What may fill on each of `symbols` (instruments of the set's venue) besides the set itself, per side, if everything
 * fills: the open orders that add on that side (quantity less filled; reduce-only and finished orders add nothing),
 * except the quotes of the set's own strategy on the set's own `symbols`, which the set replaces (its quotes on a pair
 * token the set does not cover stay and count); for every other strategy's quotes, the larger of what it has open
 * there and the levels of its last approved set (approved a moment ago, they may not rest yet).
 * An open order on these instruments whose status, side or quantities cannot be read is `INVALID_INPUT`, never
 * counted as nothing.
 *
 * @example
 * ```ts
 * const others = othersExposure(targets, targets.symbols, { account, quoteOwner, reserved })
 * if (others.ok) others.value.get('BTCUSDT')?.buy // what other orders may still buy
 * ```
 */
export function othersExposure(
  t: QuoteTargets,
  symbols: Iterable<string>,
  inp: OthersExposureInputs,
): Result<Map<string, SideQty>, RiskRejection> {
  const out = new Map<string, SideQty>()
  /** symbol → strategy id → what its quotes may fill there. */
  const quotes = new Map<string, Map<string, SideQty>>()
  for (const symbol of symbols) {
    out.set(symbol, { buy: new Decimal(0), sell: new Decimal(0) })
    quotes.set(symbol, new Map())
  }
  const owner = inp.quoteOwner
  const orders = owner === undefined ? [] : inp.account.openOrders
  for (const o of orders) {
    const total = out.get(o.symbol)
    const bySid = quotes.get(o.symbol)
    if (o.reduceOnly === true || o.venue !== t.venue || total === undefined || bySid === undefined) continue
    const sid = owner?.(o.clientOrderId)
    if (sid === t.strategyId && t.symbols.includes(o.symbol)) continue // replaced by the set
    const left = unfilledQty(o)
    if (!left.ok) return left
    if (left.value === undefined) continue
    add(sid === undefined ? total : sideQty(bySid, sid), o.side === 'BUY', left.value)
  }
  for (const [symbol, bySid] of quotes) {
    const covered = t.symbols.includes(symbol)
    for (const [sid, levels] of inp.reserved?.(symbol) ?? []) {
      if (sid === t.strategyId && covered) continue // superseded by the set
      const open = sideQty(bySid, sid)
      const approved = { buy: new Decimal(0), sell: new Decimal(0) }
      for (const l of levels) add(approved, l.side === 'BUY', l.qty)
      open.buy = Decimal.max(open.buy, approved.buy)
      open.sell = Decimal.max(open.sell, approved.sell)
    }
    const total = out.get(symbol) as SideQty
    for (const q of bySid.values()) {
      add(total, true, q.buy)
      add(total, false, q.sell)
    }
  }
  return ok(out)
}

/** A strategy's entry of `m`, created at zero. */
function sideQty(m: Map<string, SideQty>, sid: string): SideQty {
  let q = m.get(sid)
  if (q === undefined) {
    q = { buy: new Decimal(0), sell: new Decimal(0) }
    m.set(sid, q)
  }
  return q
}

/** Adds `qty` to one side of `q`. */
function add(q: SideQty, isBuy: boolean, qty: Decimal): void {
  if (isBuy) q.buy = q.buy.plus(qty)
  else q.sell = q.sell.plus(qty)
}
