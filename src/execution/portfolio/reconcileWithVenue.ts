import { instrumentKey as key } from '../../core/instrumentKey.js'
import type { Balance, Instrument, Position } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { MutablePosition } from './MutablePosition.js'
import type { PortfolioDifference } from './PortfolioEvents.js'

const ZERO = new Decimal(0)

/** The venue's view `Portfolio.reconcileWith` merges: balances (free + locked per asset) and positions. */
export interface VenueAccountState {
  readonly balances?: readonly Balance[]
  readonly positions?: readonly Position[]
}

/**
 * The balance part of `Portfolio.reconcileWith`: cash takes the venue's total (free + locked), written into `cash`; a
 * spot base asset the portfolio holds as a position is compared with it but not applied (the venue does not know its
 * cost basis). Returns the differences.
 *
 * @example
 * ```ts
 * const diffs = reconcileBalances(venueBalances, cash, positions.values(), instruments)
 * ```
 */
export function reconcileBalances(
  balances: readonly Balance[],
  cash: Map<string, Decimal>,
  positions: Iterable<MutablePosition>,
  instruments: ReadonlyMap<string, Instrument>,
): PortfolioDifference[] {
  const diffs: PortfolioDifference[] = []
  const spotBases = new Set<string>()
  for (const i of instruments.values()) if (i.kind === 'spot') spotBases.add(i.base)
  for (const b of balances) {
    const venueTotal = b.free.plus(b.locked)
    if (spotBases.has(b.asset) && !cash.has(b.asset)) {
      let ours = ZERO
      for (const p of positions) {
        const inst = instruments.get(key(p.venue, p.symbol))
        if (inst?.kind === 'spot' && inst.base === b.asset) ours = ours.plus(p.qty)
      }
      if (!ours.eq(venueTotal)) {
        diffs.push({ kind: 'holding', id: b.asset, ours, venue: venueTotal, applied: false })
      }
      continue
    }
    const ours = cash.get(b.asset) ?? ZERO
    if (!ours.eq(venueTotal)) {
      cash.set(b.asset, venueTotal)
      diffs.push({ kind: 'cash', id: b.asset, ours, venue: venueTotal, applied: true })
    }
  }
  return diffs
}

/**
 * The position part of `Portfolio.reconcileWith`: a perpetual or outcome position takes the venue's quantity and entry
 * (a spot one is left alone: the venue knows no spot position); a non-zero venue position without an entry price is
 * skipped. `positionOf` gives the portfolio's position of an instrument it knows (marked as read), else `undefined`.
 * Returns the differences.
 *
 * @example
 * ```ts
 * const diffs = reconcilePositions(venuePositions, (venue, symbol) => portfolioPosition(venue, symbol))
 * ```
 */
export function reconcilePositions(
  positions: readonly Position[],
  positionOf: (venue: string, symbol: string) => MutablePosition | undefined,
): PortfolioDifference[] {
  const diffs: PortfolioDifference[] = []
  for (const vp of positions) {
    const p = positionOf(vp.venue, vp.symbol)
    if (p === undefined || p.qty.eq(vp.qty)) continue
    if (!vp.qty.isZero() && vp.entryPrice === undefined) continue
    diffs.push({ kind: 'position', id: vp.symbol, ours: p.qty, venue: vp.qty, applied: true })
    p.qty = vp.qty
    p.entry = vp.qty.isZero() ? undefined : vp.entryPrice
    if (vp.leverage !== undefined) p.leverage = vp.leverage
  }
  return diffs
}
