import { instrumentKey as key } from '../../core/instrumentKey.js'
import type { Balance, Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { MutablePosition } from './MutablePosition.js'
import type { PortfolioDifference } from './PortfolioEvents.js'

const ZERO = new Decimal(0)

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
