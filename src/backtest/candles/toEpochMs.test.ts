import { describe, expect, it } from 'vitest'
import { epochUnit, toEpochMs } from './toEpochMs.js'

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
})
