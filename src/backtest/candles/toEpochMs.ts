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
 * ambiguous date format (`01/02/2024`), past the year 275760, a date or time that does not exist (`2025-02-30`,
 * `T24:00:00`: Date.parse would roll them into the next month or day; see {@link impossibleIsoDate}).
 *
 * @example
 * ```ts
 * toEpochMs('1735689600')          // 1735689600000 (seconds)
 * toEpochMs('1735689600000000')    // 1735689600000 (microseconds)
 * toEpochMs('2025-01-01T00:00:00Z') // 1735689600000
 * toEpochMs('01/02/2025')          // undefined
 * toEpochMs('2025-02-30')          // undefined (not 2025-03-02)
 * ```
 */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return fromNumber(value)
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (INTEGER.test(s)) return s.length <= 15 ? fromNumber(Number(s)) : fromInteger(BigInt(s))
  if (DECIMAL.test(s)) return fromNumber(Number(s))
  const m = ISO.exec(s)
  if (m === null || impossible(m) !== undefined) return undefined
  const [, date, time, zone] = m
  let iso = date as string
  if (time !== undefined) {
    const z = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : normalizeOffset(zone)
    iso = `${date}T${time.length === 5 ? `${time}:00` : time}${z}`
  }
  const ms = Date.parse(iso)
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? ms : undefined
}

/**
 * Why an ISO 8601 date or date-time is no real moment although it has the format (a month, day, hour, minute,
 * second or zone offset out of range: `2025-02-30`, `2025-01-01T24:00:00`), or undefined (a real one, or no ISO date).
 *
 * @example
 * ```ts
 * impossibleIsoDate('2025-02-30')          // 'day 30 does not exist in 2025-02 (28 days)'
 * impossibleIsoDate('2025-01-01T24:00:00') // 'hour 24 is out of range (00-23)'
 * impossibleIsoDate('2024-02-29')          // undefined
 * ```
 */
export function impossibleIsoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const m = ISO.exec(value.trim())
  return m === null ? undefined : impossible(m)
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** The out-of-range component of an {@link ISO} match, or undefined. */
function impossible(m: RegExpExecArray): string | undefined {
  const [, date, time, zone] = m
  const [y, mo, d] = (date as string).split('-').map(Number) as [number, number, number]
  if (mo < 1 || mo > 12) return `month ${mo} is out of range (01-12)`
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] as number)
  if (d < 1 || d > days) return `day ${d} does not exist in ${(date as string).slice(0, 7)} (${days} days)`
  if (time !== undefined) {
    const [h, mi, sec] = time.split(':').map(Number) as [number, number, number | undefined]
    if (h > 23) return `hour ${h} is out of range (00-23)`
    if (mi > 59) return `minute ${mi} is out of range (00-59)`
    if (sec !== undefined && sec >= 60) return `second ${time.slice(6)} is out of range (00-59)`
  }
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (oh > 23 || om > 59) return `zone offset "${zone}" is out of range`
  }
  return undefined
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
