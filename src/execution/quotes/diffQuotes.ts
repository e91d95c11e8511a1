import type { QuoteLevel } from '../../core/quotes.js'
import type { Side } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'

/** One of our resting quote orders, as the diff sees it. */
export interface RestingQuote {
  readonly clientOrderId: string
  readonly symbol: string
  readonly side: Side
  readonly price: Decimal
  /** Quantity still open. */
  readonly remaining: Decimal
  /** Time since it was sent, ms. */
  readonly ageMs: number
  /** Placed on a tick grid that is no longer the instrument's: must be replaced whatever its age. */
  readonly offGrid: boolean
}

/** How far a resting quote may drift from its target before it is replaced. */
export interface QuoteTolerance {
  /** Largest price difference kept, in price units, for a target price (from ticks or bps). */
  readonly price: (target: QuoteLevel) => Decimal
  /** Largest relative size difference kept (0.1: the remaining quantity within ±10 % of the target). */
  readonly sizeFraction: number
  /** A quote younger than this is not replaced by a drifted target (it stands in for it). */
  readonly minOrderAgeMs: number
  /**
   * Whether a quote on `symbol` may stand in only for a target at least as large (a spot or outcome-token instrument:
   * the venue funds it from balances, and the RiskManager bounded the set's funds on its targets). Default: never.
   */
  readonly sizeCapped?: ((symbol: string) => boolean) | undefined
}

/** The smallest set of changes that turns the resting quotes into the targets. */
export interface QuoteDiff {
  /** Resting quotes to cancel (sent first). */
  readonly cancels: readonly string[]
  /** Targets to place once the cancels are done. */
  readonly places: readonly QuoteLevel[]
  /** Resting quotes that already match (or stand in for) a target. */
  readonly kept: readonly string[]
}

const groupKey = (symbol: string, side: Side): string => `${symbol}\u0000${side}`

/**
 * Compares the targets of the covered symbols with our resting quotes on them, per symbol and side: a resting quote
 * within the price and size tolerance of a target keeps it; a young quote (under `minOrderAgeMs`) stands in for the
 * nearest unmatched target of its side instead of being replaced (on a `sizeCapped` symbol, either only for a target
 * at least as large as what it has open, and a young bid only for one that costs at least as much); every other
 * resting quote is cancelled and every unmatched target placed.
 * Resting quotes of symbols the targets do not cover are left alone.
 *
 * @example
 * ```ts
 * const d = diffQuotes(levels, resting, ['BTCUSDT'], { price: () => new Decimal('0.02'), sizeFraction: 0.1, minOrderAgeMs: 500 })
 * // cancel d.cancels first, then place d.places
 * ```
 */
export function diffQuotes(
  targets: readonly QuoteLevel[],
  resting: readonly RestingQuote[],
  covered: readonly string[],
  tol: QuoteTolerance,
): QuoteDiff {
  const groups = new Map<string, { t: QuoteLevel[]; r: RestingQuote[] }>()
  const group = (symbol: string, side: Side): { t: QuoteLevel[]; r: RestingQuote[] } => {
    const k = groupKey(symbol, side)
    let g = groups.get(k)
    if (g === undefined) {
      g = { t: [], r: [] }
      groups.set(k, g)
    }
    return g
  }
  for (const t of targets) group(t.symbol, t.side).t.push(t)
  for (const r of resting) if (covered.includes(r.symbol)) group(r.symbol, r.side).r.push(r)
  const cancels: string[] = []
  const places: QuoteLevel[] = []
  const kept: string[] = []
  for (const { t, r } of groups.values()) {
    const open = new Set(r)
    const unmatched: QuoteLevel[] = []
    const capped = t[0] !== undefined && tol.sizeCapped?.(t[0].symbol) === true
    const within = (target: QuoteLevel, q: RestingQuote) =>
      !q.offGrid && (!capped || q.remaining.lte(target.qty))
    for (const target of t) {
      const m = nearest(target, open, (q) => within(target, q) && fits(target, q, tol))
      if (m === undefined) unmatched.push(target)
      else {
        open.delete(m)
        kept.push(m.clientOrderId)
      }
    }
    for (const target of [...unmatched]) {
      // A young quote may be anywhere: capped, a bid stands in only where it costs no more than the target.
      const young = nearest(
        target,
        open,
        (q) =>
          within(target, q) &&
          q.ageMs < tol.minOrderAgeMs &&
          (!capped || q.side === 'SELL' || q.remaining.times(q.price).lte(target.qty.times(target.price))),
      )
      if (young === undefined) continue
      open.delete(young)
      kept.push(young.clientOrderId)
      unmatched.splice(unmatched.indexOf(target), 1)
    }
    for (const q of open) cancels.push(q.clientOrderId)
    places.push(...unmatched)
  }
  return { cancels, places, kept }
}

function fits(target: QuoteLevel, q: RestingQuote, tol: QuoteTolerance): boolean {
  if (q.price.minus(target.price).abs().gt(tol.price(target))) return false
  return q.remaining.minus(target.qty).abs().lte(target.qty.times(tol.sizeFraction))
}

function nearest(
  target: QuoteLevel,
  open: ReadonlySet<RestingQuote>,
  ok: (q: RestingQuote) => boolean,
): RestingQuote | undefined {
  let best: RestingQuote | undefined
  for (const q of open) {
    if (!ok(q)) continue
    if (best === undefined || q.price.minus(target.price).abs().lt(best.price.minus(target.price).abs()))
      best = q
  }
  return best
}
