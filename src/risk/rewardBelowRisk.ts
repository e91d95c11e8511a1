import type { Decimal } from '../decimal/index.js'
import { pow10, type Scaled, toScaled } from '../decimal/scaled.js'

const MAX = Number.MAX_SAFE_INTEGER
/** 1 as a scaled integer (a `minRewardRisk` of 1). */
export const ONE_SCALED: Scaled = { m: 1, p: 0 }
const ONE = ONE_SCALED

/**
 * `|tp − entry| < distance × min` (`min` undefined: 1) in exact scaled integers, or `undefined` when a value does not
 * fit a safe integer (then the Decimals decide). A difference and a product of values of at most 16 digits are exact
 * in decimal.js's 40 digits too, so both decide alike (rewardBelowRisk.property.test.ts, 10⁴ cases).
 *
 * @example
 * ```ts
 * rewardBelowRisk(new Decimal('101'), new Decimal('100'), new Decimal('2'), undefined) // true: 1 < 2
 * ```
 */
export function rewardBelowRisk(
  tp: Decimal,
  entry: Decimal,
  distance: Decimal,
  min: Decimal | undefined,
): boolean | undefined {
  return rewardBelowRiskOf(
    toScaled(tp),
    toScaled(entry),
    toScaled(distance),
    min === undefined ? ONE : toScaled(min),
  )
}

/** {@link rewardBelowRisk} of values already read as scaled integers (`undefined`: a value that does not fit). */
export function rewardBelowRiskOf(
  st: Scaled | undefined,
  se: Scaled | undefined,
  sd: Scaled | undefined,
  sm: Scaled | undefined,
): boolean | undefined {
  if (st === undefined || se === undefined || sd === undefined || sm === undefined) return undefined
  const rp = sd.p + sm.p
  let p = st.p < se.p ? st.p : se.p
  if (rp < p) p = rp
  const t = atExponent(st.m, st.p - p)
  const e = atExponent(se.m, se.p - p)
  const r = atExponent(sd.m * sm.m, rp - p)
  if (t === undefined || e === undefined || r === undefined) return undefined
  const diff = t - e // exact while it is a safe integer; a larger one (caught below) goes to the Decimals
  if (diff > MAX || diff < -MAX) return undefined
  return (diff < 0 ? -diff : diff) < r
}

/** `m × 10^shift` (`shift` ≥ 0) when it is a safe integer in magnitude, else undefined. */
function atExponent(m: number, shift: number): number | undefined {
  if (m > MAX || m < -MAX) return undefined
  const scale = pow10(shift)
  if (scale === undefined) return undefined
  const x = m * scale
  return x > MAX || x < -MAX ? undefined : x
}
