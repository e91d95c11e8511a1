import { Decimal } from './Decimal.js'

/**
 * A random positive decimal for property tests: `minDigits` to `digits` significant digits, scaled by 10^[minExp,
 * maxExp], drawn from `r` (a seeded generator, so a seed replays the same cases).
 *
 * @example
 * ```ts
 * const price = randomDecimal(new SeededRandom(1), 8, -2, 6) // e.g. 4182.3307
 * ```
 */
export function randomDecimal(
  r: { int(min: number, max: number): number },
  digits: number,
  minExp: number,
  maxExp: number,
  minDigits = 1,
): Decimal {
  const n = Array.from({ length: r.int(minDigits, digits) }, (_, i) =>
    i === 0 ? r.int(1, 9) : r.int(0, 9),
  ).join('')
  return new Decimal(`${n}e${r.int(minExp, maxExp) - n.length}`)
}

/** Step and tick sizes property tests draw from: powers of ten and the odd grids venues use (0.05, 0.25, 0.3, 5). */
const STEPS = [
  '1',
  '0.1',
  '0.01',
  '0.001',
  '0.00001',
  '0.00000001',
  '10',
  '0.05',
  '0.25',
  '0.0002',
  '0.3',
  '5',
]

/**
 * A random step (or tick) size for property tests, drawn from `r`.
 *
 * @example
 * ```ts
 * const step = randomStep(new SeededRandom(1)) // e.g. 0.001
 * ```
 */
export function randomStep(r: { int(min: number, max: number): number }): Decimal {
  return new Decimal(STEPS[r.int(0, STEPS.length - 1)] as string)
}
