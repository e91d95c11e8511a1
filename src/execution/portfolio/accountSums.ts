import { Decimal } from '../../decimal/index.js'
import { valueAt } from './CurrencyRates.js'
import type { EquityInputs } from './equityOf.js'
import { type MutablePosition, positionMargin } from './MutablePosition.js'

const ZERO = new Decimal(0)

/**
 * Σ `of(position)` in the account currency, over the positions of instruments quoted in a rated asset.
 *
 * @example
 * ```ts
 * valuedSum(inputs, (p) => p.realized) // realized PnL of every position, valued
 * ```
 */
export function valuedSum(
  { positions, instruments, rates }: EquityInputs,
  of: (p: MutablePosition) => Decimal,
): Decimal {
  let sum = ZERO
  for (const [k, p] of positions) {
    const r = rates.get(instruments.get(k)?.quote)
    if (r !== undefined) sum = sum.plus(valueAt(of(p), r))
  }
  return sum
}

/**
 * Drawdown of `equity` from `peak` as a fraction (0.1 = 10 %): zero at or above the peak, or without a peak above zero.
 *
 * @example
 * ```ts
 * drawdownFrom(new Decimal(200), new Decimal(150)) // 0.25
 * ```
 */
export function drawdownFrom(peak: Decimal, equity: Decimal): Decimal {
  if (peak.lte(0)) return ZERO
  const dd = peak.minus(equity).div(peak)
  return dd.isNegative() ? ZERO : dd
}

/**
 * Margin used by the perpetual positions among `positions` (see {@link positionMargin}).
 *
 * @example
 * ```ts
 * marginOf(positions.values()) // 1,000 for 0.1 BTC at 50,000 with 5× leverage
 * ```
 */
export function marginOf(positions: Iterable<MutablePosition>): Decimal {
  let m = ZERO
  for (const p of positions) m = m.plus(positionMargin(p))
  return m
}
