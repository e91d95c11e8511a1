import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TradingDay } from './TradingDay.js'

describe('TradingDay', () => {
  it('uses UTC by default', () => {
    const day = new TradingDay()
    const r = day.rangeOf(Date.UTC(2026, 0, 15, 13, 30))
    expect(r).toEqual({ key: '2026-01-15', start: Date.UTC(2026, 0, 15), end: Date.UTC(2026, 0, 16) })
  })

  it('follows a time zone, including DST days of 23 and 25 hours', () => {
    const ny = new TradingDay('America/New_York')
    // 2026-03-08: DST starts in New York (23-hour day).
    const spring = ny.rangeOf(Date.UTC(2026, 2, 8, 12))
    expect(spring.key).toBe('2026-03-08')
    expect(spring.start).toBe(Date.UTC(2026, 2, 8, 5))
    expect(spring.end).toBe(Date.UTC(2026, 2, 9, 4))
    // 2026-11-01: DST ends (25-hour day).
    const fall = ny.rangeOf(Date.UTC(2026, 10, 1, 12))
    expect(fall.end - fall.start).toBe(25 * 3_600_000)
    const tokyo = new TradingDay('Asia/Tokyo')
    expect(tokyo.keyOf(Date.UTC(2026, 0, 15, 15))).toBe('2026-01-16') // 00:00 JST
    expect(tokyo.keyOf(Date.UTC(2026, 0, 15, 14, 59, 59, 999))).toBe('2026-01-15')
  })

  it('UTC days, computed without Intl, are the days Intl gives for Etc/UTC (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ts) => {
        expect(new TradingDay('UTC').rangeOf(ts)).toEqual(new TradingDay('Etc/UTC').rangeOf(ts))
      }),
      { numRuns: 200 },
    )
  })

  it('rejects an unknown time zone', () => {
    expect(() => new TradingDay('Mars/Olympus')).toThrowError(/time zone/)
  })

  it('every timestamp lies in its range, and the boundaries are exact', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Europe/London',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Apia',
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }),
        (tz, ts) => {
          const day = new TradingDay(tz)
          const r = day.rangeOf(ts)
          expect(ts >= r.start && ts < r.end).toBe(true)
          const fresh = new TradingDay(tz)
          expect(fresh.keyOf(r.start)).toBe(r.key)
          expect(fresh.keyOf(r.end - 1)).toBe(r.key)
          expect(new TradingDay(tz).keyOf(r.start - 1)).not.toBe(r.key)
          expect(new TradingDay(tz).keyOf(r.end)).not.toBe(r.key)
        },
      ),
      { numRuns: 60 },
    )
  })
})
