import type { Decimal } from '../../decimal/index.js'
import { InvariantError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import type { MutablePosition } from './MutablePosition.js'

/**
 * The Portfolio's invariants: every amount finite, no negative spot or outcome holdings, an entry price exactly
 * when a position is open and above 0. Returns the first violation.
 *
 * @example
 * ```ts
 * const r = checkPortfolioInvariants(cash, positions.values())
 * if (!r.ok) throw r.error
 * ```
 */
export function checkPortfolioInvariants(
  cash: ReadonlyMap<string, Decimal>,
  positions: Iterable<MutablePosition>,
): Result<void, InvariantError> {
  for (const [asset, v] of cash) {
    if (!v.isFinite()) return err(new InvariantError(`Cash of "${asset}" is not finite`))
  }
  for (const p of positions) {
    const id = `${p.venue}:${p.symbol}`
    if (!p.qty.isFinite() || !p.realized.isFinite()) return err(new InvariantError(`"${id}" is not finite`))
    if (p.kind !== 'perpetual' && p.qty.isNegative()) return err(new InvariantError(`"${id}" holding < 0`))
    if (p.qty.isZero() !== (p.entry === undefined)) {
      return err(new InvariantError(`"${id}" entry price must be set exactly when open`))
    }
    if (p.entry?.lte(0) === true) return err(new InvariantError(`"${id}" entry price <= 0`))
  }
  return ok(undefined)
}
