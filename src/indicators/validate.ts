import { ConfigError, ValidationError } from '../errors/index.js'
import type { CandleInput, PriceInput } from './types.js'

/** Largest period any indicator accepts (TA-Lib's bound). */
export const MAX_PERIOD = 100_000

/**
 * Largest magnitude of any number an indicator reads (a price, a candle field, a volume): 1e30, above every real
 * price and volume (tradekit's decimal parser itself reads at most 30 integer digits) and far enough below the
 * float range that no sum an indicator keeps can overflow (a window's Σx² of 1e30 inputs is at most 1e65).
 */
export const MAX_INPUT = 1e30

/** Throws a ConfigError unless `value` is an integer in [min, MAX_PERIOD]. */
export function checkPeriod(name: string, field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > MAX_PERIOD) {
    const issue = `${field}: expected an integer from ${min} to ${MAX_PERIOD}, got "${String(value)}"`
    throw new ConfigError(`Invalid ${name} config: ${issue}`, [issue])
  }
  return value
}

/** Throws a ConfigError unless `value` is a finite number >= min. */
export function checkFactor(name: string, field: string, value: number, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const issue = `${field}: expected a finite number >= ${min}, got "${String(value)}"`
    throw new ConfigError(`Invalid ${name} config: ${issue}`, [issue])
  }
  return value
}

function fail(name: string, field: string, message: string): never {
  throw new ValidationError(`${name}: ${message}`, { field })
}

/**
 * Validates a candle (finite fields within ±{@link MAX_INPUT}, low <= open/close <= high, 0 <= volume); throws a
 * ValidationError.
 */
export function checkCandle(name: string, c: CandleInput): CandleInput {
  if (typeof c === 'object' && c !== null) {
    const { open, high, low, close, volume } = c
    // Fast path, one expression: low and high within ±MAX_INPUT bound open and close between them; NaN fails
    // every comparison.
    if (
      typeof high === 'number' &&
      typeof low === 'number' &&
      typeof open === 'number' &&
      typeof close === 'number' &&
      typeof volume === 'number' &&
      -MAX_INPUT <= low &&
      high <= MAX_INPUT &&
      low <= open &&
      open <= high &&
      low <= close &&
      close <= high &&
      volume >= 0 &&
      volume <= MAX_INPUT
    )
      return c
  }
  return explainCandle(name, c)
}

function explainCandle(name: string, c: CandleInput): never {
  if (typeof c !== 'object' || c === null) fail(name, 'input', `expected a candle, got "${String(c)}"`)
  const { open, high, low, close, volume } = c
  const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v)
  if (!finite(high)) fail(name, 'high', `candle high "${String(high)}" is not a finite number`)
  if (!finite(low)) fail(name, 'low', `candle low "${String(low)}" is not a finite number`)
  if (!finite(open)) fail(name, 'open', `candle open "${String(open)}" is not a finite number`)
  if (!finite(close)) fail(name, 'close', `candle close "${String(close)}" is not a finite number`)
  if (!finite(volume)) fail(name, 'volume', `candle volume "${String(volume)}" is not a finite number`)
  for (const [field, v] of [
    ['high', high],
    ['low', low],
    ['open', open],
    ['close', close],
    ['volume', volume],
  ] as const)
    if (Math.abs(v) > MAX_INPUT) fail(name, field, `candle ${field} "${v}" is beyond ±1e30 (MAX_INPUT)`)
  if (high < low) fail(name, 'high', `candle high "${high}" is below low "${low}"`)
  if (open < low || open > high) fail(name, 'open', `candle open "${open}" is outside [${low}, ${high}]`)
  if (close < low || close > high) fail(name, 'close', `candle close "${close}" is outside [${low}, ${high}]`)
  fail(name, 'volume', `candle volume "${volume}" is negative`)
}

/**
 * Reads the price of a number-or-candle input (the close of a candle); throws a ValidationError unless it is finite
 * and within ±{@link MAX_INPUT}.
 */
export function readPrice(name: string, input: PriceInput): number {
  if (typeof input === 'number') {
    if (-MAX_INPUT <= input && input <= MAX_INPUT) return input // false for NaN and ±Infinity
    if (input - input !== 0) fail(name, 'input', `input "${String(input)}" is not a finite number`)
    fail(name, 'input', `input "${input}" is beyond ±1e30 (MAX_INPUT)`)
  }
  return checkCandle(name, input).close
}

/**
 * TA-Lib's TA_IS_ZERO: |v| < 1e-8. An absolute cut-off: use it only on dimensionless values (a DI in 0…100), never
 * on prices or their sums, which a low-priced instrument keeps below 1e-8.
 */
export function isZero(v: number): boolean {
  return -0.00000001 < v && v < 0.00000001
}
