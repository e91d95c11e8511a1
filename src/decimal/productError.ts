/** Dekker's splitter: 2^27 + 1. */
const SPLIT = 134_217_729

/**
 * The rounding error of the double product `p = a × b`: a × b = p + err exactly (Dekker's two-product; JavaScript has
 * no fused multiply-add). Exact for finite a, b whose product neither overflows nor underflows.
 *
 * @example
 * ```ts
 * const p = 0.1 * 3
 * productError(0.1, 3, p) // 0.1 × 3 − p, exactly (about −2.8e-17)
 * ```
 */
export function productError(a: number, b: number, p: number): number {
  const as = SPLIT * a
  const ah = as - (as - a)
  const al = a - ah
  const bs = SPLIT * b
  const bh = bs - (bs - b)
  const bl = b - bh
  return ah * bh - p + ah * bl + al * bh + al * bl
}
