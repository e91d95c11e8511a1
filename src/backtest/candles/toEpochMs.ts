/** Epoch ms of the last representable Date (±8.64e15 ms, year 275760). */
const MAX_MS = 8.64e15

/**
 * The unit of an epoch timestamp, told by its size: seconds below 1e11 (until the year 5138), milliseconds below
 * 1e14, microseconds below 1e17, nanoseconds below 1e20. Binance's public spot files use microseconds from
 * 2025-01-01 (16 digits) and milliseconds before (13 digits); TradingView exports seconds; ccxt uses milliseconds.
 */
const UNITS: ReadonlyArray<readonly [limit: number, divisor: bigint, multiplier: bigint, unit: string]> = [
  [1e11, 1n, 1000n, 's'],
  [1e14, 1n, 1n, 'ms'],
  [1e17, 1000n, 1n, 'µs'],
  [1e20, 1_000_000n, 1n, 'ns'],
]

const INTEGER = /^\d+$/
const DECIMAL = /^\d+(\.\d+)?([eE][+-]?\d+)?$/
/** ISO 8601 date, or date and time (`T` or a space), with an optional fraction and zone (`Z`, `+01:00`, `+0100`). */
const ISO =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i

/**
 * Places a timestamp cell in time: epoch milliseconds (floored) from epoch seconds, milliseconds, microseconds or
 * nanoseconds (told apart by size, see above; integers are read exactly, beyond 2^53), or from an ISO 8601 date or
 * date-time (without a zone it is UTC). Returns undefined for anything else: empty, negative, not a number, an
 * ambiguous date format (`01/02/2024`), past the year 275760.
 *
 * @example
 * ```ts
 * toEpochMs('1735689600')          // 1735689600000 (seconds)
 * toEpochMs('1735689600000000')    // 1735689600000 (microseconds)
 * toEpochMs('2025-01-01T00:00:00Z') // 1735689600000
 * toEpochMs('01/02/2025')          // undefined
 * ```
 */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return fromNumber(value)
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (INTEGER.test(s)) return s.length <= 15 ? fromNumber(Number(s)) : fromInteger(BigInt(s))
  if (DECIMAL.test(s)) return fromNumber(Number(s))
  const m = ISO.exec(s)
  if (m === null) return undefined
  const [, date, time, zone] = m
  let iso = date as string
  if (time !== undefined) {
    const z = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : normalizeOffset(zone)
    iso = `${date}T${time.length === 5 ? `${time}:00` : time}${z}`
  }
  const ms = Date.parse(iso)
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? ms : undefined
}

/** The unit {@link toEpochMs} reads a numeric timestamp in (`s`, `ms`, `µs`, `ns`), or undefined. */
export function epochUnit(value: number): string | undefined {
  if (!(value >= 0)) return undefined
  return UNITS.find(([limit]) => value < limit)?.[3]
}

function fromInteger(n: bigint): number | undefined {
  const v = Number(n)
  const unit = UNITS.find(([limit]) => v < limit)
  if (unit === undefined) return undefined
  const [, divisor, multiplier] = unit
  const ms = Number((n * multiplier) / divisor)
  return ms <= MAX_MS ? ms : undefined
}

function fromNumber(v: number): number | undefined {
  if (!Number.isFinite(v) || v < 0) return undefined
  if (Number.isSafeInteger(v)) {
    // Exact: an integer below 2^53 divided by 10^3 or 10^6 floors to the right ms (the spacing of doubles there is
    // far below 0.001).
    if (v < 1e11) return v * 1000
    if (v < 1e14) return v
    if (v < 1e17) return Math.floor(v / 1000)
  }
  const unit = UNITS.find(([limit]) => v < limit)
  if (unit === undefined) return undefined
  const [, divisor, multiplier] = unit
  const ms = Math.floor((v * Number(multiplier)) / Number(divisor))
  return ms <= MAX_MS ? ms : undefined
}

/** `+0100` → `+01:00`, `+01` → `+01:00` (Date.parse wants the colon form). */
function normalizeOffset(zone: string): string {
  const digits = zone.slice(1).replace(':', '')
  return `${zone[0]}${digits.slice(0, 2)}:${digits.length > 2 ? digits.slice(2) : '00'}`
}
