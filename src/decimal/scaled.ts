import { Decimal } from './Decimal.js'
import { wordsOf } from './words.js'

// Exact scaled integers for hot paths (issue 20): a finite Decimal of at most 15-16 significant digits is `m × 10^p`
// with `m` a safe integer, so sums, products and integer quotients of such values are exact in doubles while they stay
// below 2^53. The public API keeps speaking Decimal: a scaled result is turned back into a Decimal (in decimal.js's own
// representation) only where one is handed out. scaled.property.test.ts holds both directions equal to decimal.js.

const MAX = Number.MAX_SAFE_INTEGER
/** {@link fromScaled}'s limbs, lowest last (a safe integer has at most four). */
const LIMBS = new Float64Array(8)
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16]

/** The fields of a decimal.js value: sign, exponent of the first digit, base-10^7 limbs. */
interface DecimalParts {
  s: number
  e: number
  d: number[]
}

/** `m × 10^p`: `m` a safe integer carrying the sign (no trailing zeros unless zero), `p` the power of ten. */
export interface Scaled {
  readonly m: number
  readonly p: number
}

/**
 * `10^k` as an exact double for `0 ≤ k ≤ 16` (undefined beyond).
 *
 * @example
 * ```ts
 * pow10(3) // 1000
 * ```
 */
export function pow10(k: number): number | undefined {
  return POW10[k]
}

/**
 * The scaled integer of `x`, or `undefined` when `x` is not finite or needs more than a safe integer's digits.
 * decimal.js keeps `x` as base-10^7 limbs aligned on the decimal point: limb `i` is worth `d[i] × 10^(7 × (K − i))`
 * with `K = floor(e / 7)`; the last limb, without its trailing zeros, sets the scale.
 *
 * @example
 * ```ts
 * toScaled(new Decimal('19999.5')) // { m: 199995, p: -1 }
 * ```
 */
export function toScaled(x: Decimal): Scaled | undefined {
  const d = x.d
  if (!d) return undefined
  const n = d.length
  const first = d[0] as number
  if (first === 0) return { m: 0, p: 0 }
  if (n > 3) return undefined
  let last = d[n - 1] as number
  let tz = 0
  while (last % 10 === 0) {
    last /= 10
    tz++
  }
  let m = last
  if (n > 1) {
    m = first
    for (let i = 1; i < n - 1; i++) m = m * 1e7 + (d[i] as number)
    // Every partial value is below the final one: if that is a safe integer, each step was exact.
    m = m * (POW10[7 - tz] as number) + last
    if (m > MAX) return undefined
  }
  return { m: x.s < 0 ? -m : m, p: 7 * (Math.floor(x.e / 7) - n + 1) + tz }
}

/** `m × 10^p` with `m` a bigint carrying the sign: a finite Decimal of up to 140 digits, exactly. */
export interface BigScaled {
  readonly m: bigint
  readonly p: number
}

/** 10^14: two base-10^7 limbs at a time (their value is below 2^53, an exact double). */
const LIMB_PAIR = 100_000_000_000_000n

/** Most base-10^7 limbs read into a bigint (140 digits: three times what a 40-digit result holds). */
const MAX_BIG_LIMBS = 20

/**
 * The exact bigint scaled integer of `x` (`undefined` when `x` is not finite or has more than 140 digits): where
 * {@link toScaled} declines a value of more than a safe integer's digits, exact comparisons go on in bigints.
 *
 * @example
 * ```ts
 * toBigScaled(new Decimal('12345.671234567891')) // { m: 1234567123456789100n, p: -14 }
 * ```
 */
export function toBigScaled(x: Decimal): BigScaled | undefined {
  const d = x.d
  if (!d) return undefined
  const n = d.length
  if (d[0] === 0) return { m: 0n, p: 0 }
  if (n > MAX_BIG_LIMBS) return undefined
  let i = n % 2
  let m = i === 1 ? BigInt(d[0] as number) : 0n
  for (; i < n; i += 2) m = m * LIMB_PAIR + BigInt((d[i] as number) * 1e7 + (d[i + 1] as number))
  return { m: x.s < 0 ? -m : m, p: 7 * (Math.floor(x.e / 7) - n + 1) }
}

/**
 * The Decimal `m × 10^p` (`m` a safe integer), built as decimal.js builds it: the same sign, exponent and limbs.
 *
 * @example
 * ```ts
 * fromScaled(78124, -5).toString() // '0.78124'
 * ```
 */
export function fromScaled(m: number, p: number): Decimal {
  if (m === 0) return new Decimal(0)
  let a = m < 0 ? -m : m
  let digits = 1
  while (digits < 16 && a >= (POW10[digits] as number)) digits++
  // Limbs from the lowest (the scratch's end) up; the lowest sits on a multiple of 7 below 10^p: it holds 7 − q
  // digits of `a` times 10^q. A safe integer fills at most four.
  const q = p - 7 * Math.floor(p / 7)
  const lowUnit = POW10[7 - q] as number
  const low = a % lowUnit
  let top = LIMBS.length - 1
  LIMBS[top] = low * (POW10[q] as number)
  a = (a - low) / lowUnit
  while (a > 0) {
    const l = a % 1e7
    LIMBS[--top] = l
    a = (a - l) / 1e7
  }
  let last = LIMBS.length - 1
  while (LIMBS[last] === 0) last-- // decimal.js keeps no zero limb at the end
  const d = wordsOf(LIMBS, top, last)
  const out = new Decimal(0)
  const parts: DecimalParts = out // decimal.js's fields, written once before the value is handed out
  parts.s = m < 0 ? -1 : 1
  parts.e = digits - 1 + p
  parts.d = d
  return out
}
