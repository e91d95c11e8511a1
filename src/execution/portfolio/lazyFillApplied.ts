import type { Fill } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import type { FillApplied, PortfolioPosition } from '../Portfolio.js'
import type { MutablePosition } from './MutablePosition.js'

/**
 * What a fill did, with the position's view built on first read (from a copy of the position taken now: later marks
 * do not change it), so a fill nobody inspects costs no view.
 *
 * @example
 * ```ts
 * const applied = lazyFillApplied(fill, position, realized, (p) => view(p))
 * applied.position.qty // the view is built here, once
 * ```
 */
export function lazyFillApplied(
  fill: Fill,
  pos: MutablePosition,
  realizedPnl: Decimal,
  view: (p: MutablePosition) => PortfolioPosition,
): FillApplied {
  const at = { ...pos }
  let built: PortfolioPosition | undefined
  return {
    fill,
    get position(): PortfolioPosition {
      built ??= view(at)
      return built
    },
    realizedPnl,
  }
}
