import { BoundedMap } from '../../core/BoundedMap.js'
// The Portfolio's key of an instrument, `venue` NUL `symbol` (the last one kept: no new string per fill).
import { instrumentKey as key } from '../../core/instrumentKey.js'
import type { Fill, Instrument, Position } from '../../core/types.js'
import { fillKey } from '../../core/types.js'
import {
  equalDecimals,
  greaterThan,
  lessThan,
  productFits,
  withinPrecision,
} from '../../decimal/compareDecimals.js'
import { difference } from '../../decimal/difference.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'
import { type EntryEffect, reversedEntry } from './FillUndoLog.js'

const ZERO = new Decimal(0)

/** Whether `qty` of the instrument at key `k` (`instrumentKey`) is more than dust (an order could close it: `isDust`). */
export type Tradable = (k: string, qty: Decimal) => boolean
/** Every quantity is tradable: nothing is left out as dust. */
const ANY_SIZE: Tradable = () => true

/** One strategy's share of one instrument. */
export interface Share {
  qty: Decimal
  entry: Decimal | undefined
  realized: Decimal
}

/**
 * A spot or outcome-token venue position as one fill moved it: its quantity and entry before the fill, and the
 * position after it (the Portfolio's, committed).
 */
export interface VenueMove {
  readonly qtyBefore: Decimal
  readonly entryBefore: Decimal | undefined
  readonly after: { readonly qty: Decimal; readonly entry: Decimal | undefined }
}

/** What one fill did to a share (its quantity and entry before and after), to undo it when the venue reverses it. */
interface ShareEffect extends EntryEffect {
  readonly strategyId: string
  readonly key: string
  readonly qty: Decimal
  readonly realized: Decimal
}

/**
 * The Portfolio's per-strategy ledger: which strategy sent each order (`attribute`), and each strategy's signed
 * quantity, average entry and realized PnL (before fees) per instrument, built from the fills of its own orders. The
 * venue nets every strategy into one position; this ledger is what an EXIT of one strategy may close. Fills of orders
 * no strategy was attributed (venue liquidations, orders placed by hand) count at the venue level only.
 *
 * @example
 * ```ts
 * const ledger = new StrategyLedger(100_000, 10_000)
 * ledger.attribute('c1', 'ema')
 * ledger.apply(fill, btcusdt) // fill of order c1
 * ledger.positions('ema', () => undefined)[0]?.qty
 * ```
 */
export class StrategyLedger {
  readonly #effectWindow: number
  /**
   * Orders attributed and not yet ended: kept until `finish`, however many orders pass meanwhile (a quote resting
   * through 100,000 others still books its fill to its strategy). Bounded too (by `window`), only against a host that
   * never reports an order's end: past that many open attributions the oldest is forgotten.
   */
  readonly #open: BoundedMap<string, string>
  /** Ended orders, for their late fills: the last `window` (the oldest forgotten first, in O(1) per order). */
  readonly #ended: BoundedMap<string, string>
  readonly #shares = new Map<string, Map<string, Share>>()
  readonly #effects: BoundedMap<string, ShareEffect>
  readonly #split = new Map<string, readonly [string, string]>()
  /** The order attributed last and its strategy: the newest entry of #open (never the one evicted). */
  #newest: string | undefined
  #newestStrategy: string | undefined

  /**
   * `window`: how many order attributions are remembered (open ones, and ended ones besides); `effectWindow`: how many
   * recent fills keep their effect, so a reversal can be undone (the Portfolio's `reversalWindow`). The oldest are
   * dropped.
   */
  constructor(window: number, effectWindow = window) {
    this.#effectWindow = Math.max(0, effectWindow)
    this.#open = new BoundedMap(Math.max(1, window))
    this.#ended = new BoundedMap(Math.max(1, window))
    this.#effects = new BoundedMap(this.#effectWindow)
  }

  /** Records that `strategyId` sent `clientOrderId` (an open order, until {@link StrategyLedger.finish}). */
  attribute(clientOrderId: string, strategyId: string): void {
    // The newest attribution again (the engine's, then the PaperTrader's own): already in place, nothing moves.
    if (clientOrderId === this.#newest && strategyId === this.#newestStrategy) return
    // A re-attributed order becomes the newest (it does not keep its old place); an ended one's record is shadowed.
    this.#open.setNewest(clientOrderId, strategyId)
    this.#newest = clientOrderId
    this.#newestStrategy = strategyId
  }

  /** Records that an order ended: its attribution joins the last `window` ended orders' (for late fills). */
  finish(clientOrderId: string): void {
    const sid = this.#open.take(clientOrderId)
    if (sid !== undefined) this.#ended.setNewest(clientOrderId, sid)
  }

  /** The strategy that sent `clientOrderId`, when it was attributed. */
  strategyOf(clientOrderId: string): string | undefined {
    // The order attributed last (a fill of the order just sent): no map lookup.
    if (clientOrderId === this.#newest) return this.#newestStrategy
    return this.#open.get(clientOrderId) ?? this.#ended.get(clientOrderId)
  }

  /**
   * Books a fill the Portfolio applied into the share of the strategy that sent its order (if any); `id`: its fillKey.
   * Its effect is kept for a reversal unless `reversible` is false (the Portfolio keeps no undo of such fills). With
   * `venue` (how the fill moved the venue position), a share that was the whole position before the fill takes the
   * position after it: the same quantity and entry its own arithmetic would compute, without computing them again.
   */
  apply(fill: Fill, inst: Instrument, id?: string, reversible = true, venue?: VenueMove): void {
    const sid = this.strategyOf(fill.clientOrderId)
    if (sid === undefined) return
    const k = key(fill.venue, fill.symbol)
    const share = this.#share(sid, k)
    if (venue !== undefined && mirrors(share, venue, inst, fill)) {
      const { qty: before, entry: entryBefore } = share
      // A sale closes part of the position at its entry (a spot or outcome share is never short); a buy realizes nothing.
      const realized =
        fill.side === 'BUY' ? ZERO : product(difference(fill.price, entryBefore ?? fill.price), fill.qty)
      share.qty = venue.after.qty
      share.entry = venue.after.entry
      share.realized = plus(share.realized, realized)
      if (this.#effectWindow === 0 || !reversible) return
      const delta = fill.side === 'BUY' ? fill.qty : fill.qty.neg()
      this.#keep(id ?? fillKey(fill), sid, k, delta, realized, before, entryBefore, share)
      return
    }
    // A spot fee paid in the base asset is taken from what the strategy receives (or sells).
    const baseFee = inst.kind === 'spot' && fill.feeAsset === inst.base ? fill.fee : undefined
    const signed = fill.side === 'BUY' ? fill.qty : fill.qty.neg()
    const moved = minus(signed, baseFee ?? ZERO)
    // A spot or outcome share never goes short: a sale beyond it (an EXIT that took unattributed holdings or other
    // strategies' dust) takes it to flat, and the rest is no strategy's.
    const capped =
      inst.kind !== 'perpetual' &&
      moved.isNegative() &&
      !lessThan(share.qty, ZERO) &&
      greaterThan(moved.abs(), share.qty)
    // Flat is +0 (a -0 would read as short: isNegative).
    const delta = capped ? (share.qty.isZero() ? ZERO : share.qty.neg()) : moved
    const entryBefore = share.entry
    let realized = ZERO
    const before = share.qty
    if (before.isZero() || before.isNegative() === signed.isNegative()) {
      // Opening or adding: the entry is the average weighted by the quantity received (a spot fee paid in the base
      // asset is not received: the venue position's own weighting, applyCashFill).
      const next = plus(before, delta)
      const received = baseFee === undefined ? fill.qty : delta.abs()
      // From flat it is the fill price: price × qty ÷ qty is exact when the product is (at most 40 digits).
      if (next.isZero()) share.entry = undefined
      else if (before.isZero() && productFits(fill.price, received)) share.entry = fill.price
      else {
        const held = before.abs()
        const cost = plus(product(share.entry ?? fill.price, held), product(fill.price, received))
        share.entry = cost.div(plus(held, received))
      }
      share.qty = next
    } else {
      // Reducing (or flipping): PnL on the closed part; a flip opens the rest at the fill price.
      const held = before.isNegative() ? before.abs() : before
      const closed = greaterThan(fill.qty, held) ? held : fill.qty
      const entry = share.entry ?? fill.price
      // The position's own `(price − entry) × qty` when it is the same: computed once (product, difference).
      const diff = before.isNegative() ? minus(entry, fill.price) : difference(fill.price, entry)
      realized = product(diff, closed)
      share.qty = plus(before, delta)
      share.entry = share.qty.isZero() ? undefined : greaterThan(fill.qty, held) ? fill.price : share.entry
    }
    share.realized = plus(share.realized, realized)
    if (this.#effectWindow === 0 || !reversible) return
    this.#keep(id ?? fillKey(fill), sid, k, delta, realized, before, entryBefore, share)
  }

  /** Keeps what fill `id` did to strategy `sid`'s share of instrument key `k` (now `share`), for a reversal. */
  #keep(
    id: string,
    sid: string,
    k: string,
    delta: Decimal,
    realized: Decimal,
    before: Decimal,
    entryBefore: Decimal | undefined,
    share: Share,
  ): void {
    this.#effects.set(id, {
      strategyId: sid,
      key: k,
      qty: delta,
      realized,
      qtyBefore: before,
      qtyAfter: share.qty,
      entryBefore,
      entryAfter: share.entry,
    })
  }

  /**
   * Undoes a fill the venue reversed: the quantity and realized PnL it moved, and its lot leaves the share's average
   * entry as it leaves the venue position's ({@link reversedEntry}: an added lot at the fill price, a closed lot back
   * at the entry before it), so a fill that is not the latest is undone too.
   */
  reverse(fill: Fill): void {
    const eff = this.#effects.take(fillKey(fill))
    if (eff === undefined) return
    const share = this.#share(eff.strategyId, eff.key)
    const qty = share.qty.minus(eff.qty)
    share.entry = reversedEntry(share, qty, fill.price, eff)
    share.qty = qty
    share.realized = share.realized.minus(eff.realized)
  }

  /**
   * Settles every strategy's share of an outcome token at `payout` (its venue position settled): each share realizes
   * (payout − entry) × qty and is flat. Returns how many open shares settled.
   */
  settle(venue: string, symbol: string, payout: Decimal): number {
    const k = key(venue, symbol)
    let settled = 0
    for (const byInst of this.#shares.values()) {
      const s = byInst.get(k)
      if (s === undefined || s.qty.isZero()) continue
      const realized = payout.minus(s.entry ?? payout).times(s.qty)
      s.realized = s.realized.plus(realized)
      s.qty = ZERO
      s.entry = undefined
      settled++
    }
    return settled
  }

  /**
   * One strategy's open shares, as positions (unrealized PnL at `markOf`, zero without a mark); a share `tradable`
   * finds to be dust is left out.
   */
  positions(
    strategyId: string,
    markOf: (venue: string, symbol: string) => Decimal | undefined,
    tradable: Tradable = ANY_SIZE,
  ): Position[] {
    const out: Position[] = []
    for (const [k, s] of this.#shares.get(strategyId) ?? []) {
      if (s.qty.isZero() || !tradable(k, s.qty)) continue
      const [venue, symbol] = this.#names(k)
      const mark = markOf(venue, symbol)
      const unrealizedPnl =
        mark === undefined || s.entry === undefined ? ZERO : product(difference(mark, s.entry), s.qty)
      // One literal per shape (the keys in the same order as a literal with a conditional spread, which V8 builds
      // on a slow path).
      out.push(
        s.entry !== undefined
          ? { venue, symbol, qty: s.qty, entryPrice: s.entry, realizedPnl: s.realized, unrealizedPnl }
          : { venue, symbol, qty: s.qty, realizedPnl: s.realized, unrealizedPnl },
      )
    }
    return out
  }

  /**
   * The part of each venue position (`net`) that no strategy's share explains: net − Σ shares, per instrument
   * (positions restored from the venue, liquidations, orders placed by hand), and the shares `tradable` finds to be
   * dust (no strategy lists them; together they may be sellable). Unrealized and realized PnL are 0. A part `tradable`
   * finds to be dust is left out.
   */
  unattributed(
    net: Iterable<{ venue: string; symbol: string; qty: Decimal }>,
    tradable: Tradable = ANY_SIZE,
  ): Position[] {
    const out: Position[] = []
    for (const p of net) {
      const k = key(p.venue, p.symbol)
      let rest = p.qty
      for (const byInst of this.#shares.values()) {
        const q = byInst.get(k)?.qty
        // A share too small to trade (dust) is not listed as its strategy's: what it holds is any EXIT's to close.
        if (q !== undefined && !q.isZero() && tradable(k, q)) rest = minus(rest, q)
      }
      if (!rest.isZero() && tradable(k, rest))
        out.push({ venue: p.venue, symbol: p.symbol, qty: rest, realizedPnl: ZERO, unrealizedPnl: ZERO })
    }
    return out
  }

  /** Sets one strategy's share of one instrument (a restart restoring a journal's view). */
  restore(strategyId: string, venue: string, symbol: string, share: Share): void {
    Object.assign(this.#share(strategyId, key(venue, symbol)), share)
  }

  /** The strategies with a ledger (any share, open or flat). */
  strategies(): string[] {
    return [...this.#shares.keys()]
  }

  /** The venue and symbol of an instrument key (split once per instrument). */
  #names(k: string): readonly [string, string] {
    let n = this.#split.get(k)
    if (n === undefined) {
      n = k.split('\u0000') as [string, string]
      this.#split.set(k, n)
    }
    return n
  }

  #share(sid: string, k: string): Share {
    let byInst = this.#shares.get(sid)
    if (byInst === undefined) {
      byInst = new Map()
      this.#shares.set(sid, byInst)
    }
    let s = byInst.get(k)
    if (s === undefined) {
      s = { qty: ZERO, entry: undefined, realized: ZERO }
      byInst.set(k, s)
    }
    return s
  }
}

/**
 * Whether `share` was the whole venue position before a spot or outcome-token fill (the same quantity and entry), so
 * that the share after it is the position after it: the fill's quantity within precision (the share would round it)
 * and no fee paid in the base asset (the share would weigh it differently).
 */
function mirrors(share: Share, venue: VenueMove, inst: Instrument, fill: Fill): boolean {
  if (inst.kind === 'perpetual' || (inst.kind === 'spot' && fill.feeAsset === inst.base)) return false
  if (!withinPrecision(fill.qty)) return false
  if (share.qty !== venue.qtyBefore && !equalDecimals(share.qty, venue.qtyBefore)) return false
  const a = share.entry
  const b = venue.entryBefore
  return a === b || (a !== undefined && b !== undefined && equalDecimals(a, b))
}
