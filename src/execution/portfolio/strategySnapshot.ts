import type { AccountSnapshot } from '../../core/ports.js'
import type { Position } from '../../core/types.js'

/**
 * `snapshot` with one strategy's view of it: its own positions (`strategyPositions`) and what no strategy owns
 * (`unattributedPositions`), in a literal of its own (a spread followed by more keys is V8's slow path, about 1 µs).
 *
 * @example
 * ```ts
 * const forEma = withStrategyShares(portfolio.snapshot(), ledger.positions('ema', markOf), unattributed)
 * ```
 */
export function withStrategyShares(
  snapshot: AccountSnapshot,
  strategyPositions: readonly Position[],
  unattributedPositions: readonly Position[],
): AccountSnapshot {
  const s = snapshot
  return {
    strategyPositions,
    unattributedPositions,
    equity: s.equity,
    freeMargin: s.freeMargin,
    peakEquity: s.peakEquity,
    realizedPnlToday: s.realizedPnlToday,
    positions: s.positions,
    openOrders: s.openOrders,
    tsEvent: s.tsEvent,
    valuation: s.valuation,
    freeCash: s.freeCash,
  }
}
