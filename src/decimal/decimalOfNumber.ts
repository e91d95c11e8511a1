import { Decimal } from './Decimal.js'
import { productError } from './productError.js'
import { digitCount, wordsOf } from './words.js'

/** 10^0 … 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
/** Below 2^50 a scaled price m = v × 10^k has at most one k-decimal candidate in the rounding interval of v. */
const MAX_SCALED = 2 ** 50
/** Most decimals tried by scaling (prices and quantities have fewer; a longer number is read from its digits). */
const MAX_DECIMALS = 8

/** Numbers in a row the scaling did not read (see {@link decimalOfNumber}). */
let misses = 0

/**
 * decimal.js's own digit fields (documented read-only instance properties), written only on a fresh instance. Words
 * are stored as small integers (`| 0`), like decimal.js's own: an array of doubles would make its code polymorphic.
 */
interface Digits {
  e: number
  d: number[]
}

/**
 * `new Decimal(v)` for a price or quantity that arrives as a number (a candle close, a trade price), digit for digit,
 * without the number-to-string conversion and string parse decimal.js does (≈ 1 µs on a candle path). `v` is the
 * shortest decimal that reads back as `v` (what `String(v)` prints and decimal.js parses): for a positive `v` whose
 * scaled value m = v × 10^k (k the fewest decimals that read back) is below 2^50, that decimal is m / 10^k, the only
 * k-decimal value within half an ulp of `v`, found by rounding v × 10^k; its base-10^7 digits are then written
 * directly. A full-precision number from 1 to 10^15 whose shortest form has 16 or 17 digits (a computed or synthetic
 * price) is found the same way with v × 10^k taken exactly as two doubles (no `String(v)`, ≈ half the cost); any
 * other number of more digits is read from `String(v)` into words (no regular expressions, no slices); zero,
 * negative, not finite, 2^50 or more go through `new Decimal(v)`.
 *
 * @example
 * ```ts
 * decimalOfNumber(64123.45).toString() // '64123.45', the same digits as new Decimal(64123.45)
 * ```
 */
export function decimalOfNumber(v: number): Decimal {
  if (!(v > 0) || v >= MAX_SCALED) return new Decimal(v)
  // The same close is converted by the account, the market cache and the paper venue on a signal: once is enough.
  if (v === lastNumber) return lastDecimal
  lastDecimal = ofPositive(v)
  lastNumber = v
  return lastDecimal
}

/** The last number converted and its (immutable) Decimal. */
let lastNumber = Number.NaN
let lastDecimal: Decimal = new Decimal(Number.NaN)

/** {@link decimalOfNumber} of a positive `v` below 2^50. */
function ofPositive(v: number): Decimal {
  // A stream of full-precision numbers (synthetic or computed prices) skips the scaling it would never pass,
  // trying it again every 64th number: both ways give the same digits.
  if (misses < 16 || (misses & 63) === 0) {
    for (let k = 0; k <= MAX_DECIMALS; k++) {
      const p = POW10[k] as number
      const m = Math.round(v * p)
      if (m >= MAX_SCALED) break
      if (m / p === v) {
        misses = 0
        return ofScaled(m, k)
      }
    }
  }
  misses++
  return (v >= 1 && v < 1e15 ? ofShortest(v) : undefined) ?? ofString(v)
}

/** How close to a rounding boundary or a tie a scaled value may come before the digits are read from `String(v)`. */
const MARGIN = 1e-6
/** Half an ulp of a double of binary exponent b (0 ≤ b < 50): 2^(b − 53). */
const HALF_ULP = Float64Array.from({ length: 50 }, (_, b) => 2 ** (b - 53))
/** The bits of the number at hand. */
const BITS = new DataView(new ArrayBuffer(8))
/** The words of a Decimal being built (at most 7 for a double's digits), handed to `wordsOf` at exactly their number. */
const WORDS = new Float64Array(32)

/**
 * The shortest decimal of a full-precision `v` (1 ≤ v < 10^15) when it has 16 or 17 significant digits, without
 * `String(v)`: for D digits, v × 10^k (k = D − 1 − exponent) is taken exactly as two doubles, the integer m nearest to
 * it is the only D-digit candidate that can read back as `v` (it does when it lies within half an ulp of `v`, scaled),
 * and the fewest digits with a candidate win (the rule of `Number.prototype.toString`, and so of `new Decimal(v)`).
 * `undefined` when 15 digits would do (a shorter form may exist), for a power of two (an uneven rounding interval),
 * or when the candidate lies within {@link MARGIN} of a tie or of the interval's edge: `String(v)` decides those.
 */
function ofShortest(v: number): Decimal | undefined {
  let e = 0 // decimal exponent: 10^e ≤ v < 10^(e+1), compared with exact powers of ten
  while ((POW10[e + 1] as number) <= v) e++
  BITS.setFloat64(0, v)
  // A power of two (no mantissa bits) has a narrower rounding interval below it than above.
  if ((BITS.getUint32(0) & 0xfffff) === 0 && BITS.getUint32(4) === 0) return undefined
  const b = ((BITS.getUint16(0) >> 4) & 0x7ff) - 1023 // binary exponent: 2^b ≤ v < 2^(b+1) (v is normal)
  const ulpHalf = HALF_ULP[b] as number // 2^(b − 53)
  for (let digits = 15; digits <= 17; digits++) {
    const k = digits - 1 - e
    const p = POW10[k] as number
    const hi = v * p
    const lo = productError(v, p, hi)
    // v × 10^k = q × 10^8 + r exactly enough: q × 10^8 is taken as two doubles too, hi − qh is exact (Sterbenz).
    let q = Math.floor(hi / 1e8)
    const qh = q * 1e8
    const r = hi - qh + (lo - productError(q, 1e8, qh))
    let low = Math.round(r)
    const off = Math.abs(r - low)
    const half = ulpHalf * p // half an ulp of v, scaled by 10^k (exact: a power of two times 10^k)
    if (Math.abs(off - 0.5) < MARGIN || Math.abs(off - half) < MARGIN) return undefined
    if (off > half) continue // the nearest D-digit value does not read back as v: no D-digit form does
    if (digits === 15) return undefined
    if (low < 0) {
      q--
      low += 1e8
    } else if (low >= 1e8) {
      q++
      low -= 1e8
    }
    if (low % 10 === 0) return undefined // a shorter candidate exists after all: not this path's case
    return ofDigits(q, low, digits, e)
  }
  return undefined
}

/** The Decimal of the `digits`-digit integer q × 10^8 + low, read as d.ddd… × 10^e (decimal.js's words). */
function ofDigits(q: number, low: number, digits: number, e: number): Decimal | undefined {
  const high = digits - 8 // digits of q
  // Not `digits` digits (q too long, or its first digit a zero): leave it to String(v).
  if (q >= (POW10[high] as number) || q < (POW10[high - 1] as number)) return undefined
  // Word boundaries in digit positions from the right: the first word holds (e mod 7) + 1 digits, the others 7.
  let n = 0
  let left = digits
  let right = digits - ((e % 7) + 1)
  while (left > 0) {
    const word = digitsBetween(q, low, right > 0 ? right : 0, left)
    WORDS[n++] = right < 0 ? word * (POW10[-right] as number) : word // the last word padded to 7 digits
    left = right
    right -= 7
  }
  const x = new Decimal(0) as Digits
  x.e = e
  x.d = wordsOf(WORDS, 0, n - 1)
  return x as Decimal
}

/** The digits at positions [from, to) from the right (at most 7 of them) of q × 10^8 + low (low < 10^8). */
function digitsBetween(q: number, low: number, from: number, to: number): number {
  const width = POW10[to - from] as number
  if (to <= 8) return Math.floor(low / (POW10[from] as number)) % width
  if (from >= 8) return Math.floor(q / (POW10[from - 8] as number)) % width
  return (
    (q % (POW10[to - 8] as number)) * (POW10[8 - from] as number) + Math.floor(low / (POW10[from] as number))
  )
}

/**
 * `v` (positive, below 2^50) from its shortest decimal `String(v)`, read into words the way decimal.js's parser
 * does, without its regular expressions and slices; an exponent form (`1.5e-7`) goes to `new Decimal(v)`.
 */
function ofString(v: number): Decimal {
  const s = String(v)
  const n = s.length
  let dot = n
  let first = -1 // index of the first non-zero digit
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) dot = i
    else if (c < 48 || c > 57) return new Decimal(v)
    else if (first < 0 && c !== 48) first = i
  }
  if (first < 0) return new Decimal(v)
  // Exponent of the first significant digit; the first word holds the digits down to a multiple of 7.
  const e = first < dot ? dot - first - 1 : dot - first
  let width = (((e % 7) + 7) % 7) + 1
  let words = 0
  let word = 0
  for (let i = first; i < n; i++) {
    if (i === dot) continue
    word = word * 10 + (s.charCodeAt(i) - 48)
    if (--width === 0) {
      WORDS[words++] = word
      word = 0
      width = 7
    }
  }
  if (width < 7) WORDS[words++] = word * (POW10[width] as number)
  while (words > 1 && WORDS[words - 1] === 0) words--
  const x = new Decimal(0) as Digits
  x.e = e
  x.d = wordsOf(WORDS, 0, words - 1)
  return x as Decimal
}

/** The Decimal m × 10^-k (0 < m < 2^53, 0 ≤ k ≤ 22) with decimal.js's normalised digits. */
function ofScaled(m: number, k: number): Decimal {
  const p = POW10[k] as number
  const int = Math.floor(m / p)
  let frac = m - int * p
  // Words from the point: the integer's above it (most significant first), then the fraction's k digits in words of 7
  // (the lowest padded with zeros).
  let intWords = 0
  for (let t = int; t > 0; t = Math.floor(t / 1e7)) intWords++
  let t = int
  for (let i = intWords - 1; i >= 0; i--) {
    WORDS[i] = t % 1e7
    t = Math.floor(t / 1e7)
  }
  let fracWords = 0
  if (k > 0) {
    const low = k % 7 === 0 ? 7 : k % 7
    const lp = POW10[low] as number
    fracWords = 1 + (k - low) / 7
    WORDS[intWords + fracWords - 1] = (frac % lp) * (POW10[7 - low] as number)
    frac = Math.floor(frac / lp)
    for (let j = fracWords - 2; j >= 0; j--) {
      WORDS[intWords + j] = frac % 1e7
      frac = Math.floor(frac / 1e7)
    }
  }
  let first = 0
  let e: number
  if (int > 0) e = 7 * (intWords - 1) + digitCount(WORDS[0] as number) - 1
  else {
    while (WORDS[first] === 0) first++
    e = -7 * first - (8 - digitCount(WORDS[first] as number))
  }
  let last = intWords + fracWords - 1
  while (last > first && WORDS[last] === 0) last--
  const x = new Decimal(0) as Digits
  x.e = e
  x.d = wordsOf(WORDS, first, last)
  return x as Decimal
}
