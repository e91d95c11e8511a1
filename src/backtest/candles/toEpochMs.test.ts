import { describe, expect, it } from 'vitest'
import { epochUnit, impossibleIsoDate, toEpochMs } from './toEpochMs.js'

const T = Date.UTC(2025, 0, 1) // 1735689600000

describe('toEpochMs', () => {
  it('tells seconds, milliseconds, microseconds and nanoseconds apart by size', () => {
    expect(toEpochMs('1735689600')).toBe(T)
    expect(toEpochMs('1735689600000')).toBe(T)
    expect(toEpochMs('1735689600000000')).toBe(T)
    expect(toEpochMs('1735689600000000000')).toBe(T)
    expect(toEpochMs(1735689600)).toBe(T)
    expect(toEpochMs(1735689600000000)).toBe(T)
    expect([1735689600, 1735689600000, 1735689600000000, 1735689600000000000].map(epochUnit)).toEqual([
      's',
      'ms',
      'µs',
      'ns',
    ])
  })

  it('floors sub-millisecond parts (a Binance microsecond close time ends on ...999 ms), exactly past 2^53', () => {
    expect(toEpochMs('1735689659999999')).toBe(T + 59_999)
    expect(toEpochMs('1735689659999999999')).toBe(T + 59_999)
    expect(toEpochMs('1735689600.5')).toBe(T + 500)
  })

  it('reads ISO 8601 dates and date-times; without a zone they are UTC', () => {
    expect(toEpochMs('2025-01-01')).toBe(T)
    expect(toEpochMs('2025-01-01T00:00:00Z')).toBe(T)
    expect(toEpochMs('2025-01-01 00:00:00')).toBe(T)
    expect(toEpochMs('2025-01-01T00:00')).toBe(T)
    expect(toEpochMs('2025-01-01T01:00:00+01:00')).toBe(T)
    expect(toEpochMs('2025-01-01T01:00:00+0100')).toBe(T)
    expect(toEpochMs('2024-12-31T19:00:00-05')).toBe(T)
    expect(toEpochMs('2025-01-01T00:00:00.250Z')).toBe(T + 250)
  })

  it('cannot place the rest in time', () => {
    for (const bad of [
      '',
      ' ',
      'abc',
      '-1',
      '01/02/2025',
      '2025-13-01',
      '1e400',
      'NaN',
      '0x10',
      '1'.repeat(21),
    ]) {
      expect(toEpochMs(bad), bad).toBeUndefined()
    }
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY, null, undefined, {}, true]) {
      expect(toEpochMs(bad), String(bad)).toBeUndefined()
    }
  })

  it('refuses a date or time that does not exist (Date.parse would roll it over) and says which part', () => {
    for (const [bad, why] of [
      ['2025-02-30', 'day 30 does not exist in 2025-02 (28 days)'],
      ['2025-02-29T00:00:00Z', 'day 29 does not exist in 2025-02 (28 days)'],
      ['2025-04-31T12:00:00Z', 'day 31 does not exist in 2025-04 (30 days)'],
      ['2025-01-00', 'day 0 does not exist in 2025-01 (31 days)'],
      ['2025-00-10', 'month 0 is out of range (01-12)'],
      ['2025-01-01T24:00:00', 'hour 24 is out of range (00-23)'],
      ['2025-01-01 23:60', 'minute 60 is out of range (00-59)'],
      ['2025-01-01T23:59:60Z', 'second 60 is out of range (00-59)'],
      ['2025-01-01T00:00:00+24:00', 'zone offset "+24:00" is out of range'],
    ] as const) {
      expect(toEpochMs(bad), bad).toBeUndefined()
      expect(impossibleIsoDate(bad), bad).toBe(why)
    }
    // Real dates: leap days of leap years, the last second of a day.
    expect(toEpochMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29))
    expect(toEpochMs('2000-02-29T23:59:59.999Z')).toBe(Date.UTC(2000, 1, 29, 23, 59, 59, 999))
    expect(toEpochMs('1900-02-28')).toBe(Date.UTC(1900, 1, 28))
    expect(toEpochMs('1900-02-29')).toBeUndefined()
    for (const ok of ['2024-02-29', '2025-12-31T23:59:59Z', '1735689600', 'abc', 42]) {
      expect(impossibleIsoDate(ok), String(ok)).toBeUndefined()
    }
  })
})
