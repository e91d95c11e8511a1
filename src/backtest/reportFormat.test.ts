import { describe, expect, it } from 'vitest'
import {
  formatDuration,
  formatMoney,
  formatPercent,
  formatQuantity,
  formatRatio,
  formatTick,
  formatTime,
  niceTicks,
  timeTicks,
} from './reportFormat.js'

// Significant digits of a displayed number: leading zeros never count, an integer's trailing zeros neither.
const significant = (s: string): number => {
  const digits = s.replace(/[^\d]/g, '').replace(/^0+/, '')
  return (s.includes('.') ? digits : digits.replace(/0+$/, '')).length
}

describe('formatMoney', () => {
  it('rounds a Decimal string of 38 digits to a readable amount', () => {
    expect(formatMoney('-4.17011563919999999999999999999999999988')).toBe('-4.17')
    expect(formatMoney(10_000)).toBe('10\u2009000.00')
    expect(formatMoney(11_107.527)).toBe('11\u2009107.53')
    expect(formatMoney(0.0042345678)).toBe('0.00423457')
    expect(formatMoney(0.5)).toBe('0.50')
    expect(formatMoney(12_345_678.9)).toBe('12\u2009345\u2009679')
    expect(formatMoney(1.2e-9)).toBe('1.2e-9')
    expect(formatMoney(0)).toBe('0.00')
    expect(formatMoney(Number.POSITIVE_INFINITY)).toBe('∞')
    expect(formatMoney('abc')).toBe('n/a')
  })

  it('always shows 2 to 8 significant digits', () => {
    for (let e = -7; e <= 9; e++) {
      for (const m of [1, 1.23456789, 4.17011563919999, 9.99999999]) {
        for (const sign of [1, -1]) {
          const s = formatMoney(sign * m * 10 ** e)
          if (s.includes('e')) continue
          // A whole number (amounts from 10⁷ up) may round to 10 000 000: exact as shown.
          if (s.includes('.'))
            expect(significant(s), `${sign * m * 10 ** e} → ${s}`).toBeGreaterThanOrEqual(2)
          expect(significant(s), `${sign * m * 10 ** e} → ${s}`).toBeLessThanOrEqual(8)
        }
      }
    }
  })
})

describe('display helpers', () => {
  it('formats quantities, percentages, ratios, times and durations', () => {
    expect(formatQuantity('0.07627000')).toBe('0.07627')
    expect(formatQuantity(1.5)).toBe('1.5')
    expect(formatQuantity(0.123456789123)).toBe('0.12345679')
    expect(formatPercent(0.11076)).toBe('11.08%')
    expect(formatRatio(null)).toBe('n/a')
    expect(formatRatio(-1.23456)).toBe('-1.23')
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('∞')
    expect(formatTime(Date.UTC(2025, 5, 1, 9, 5))).toBe('2025-06-01 09:05')
    expect(formatTime(Date.UTC(2025, 5, 1, 9, 5, 59))).toBe('2025-06-01 09:05:59')
    expect(formatDuration(3 * 86_400_000 + 11 * 3_600_000 + 59_000)).toBe('3 d 11 h')
    expect(formatDuration(50 * 60_000)).toBe('50 min')
    expect(formatTick(90_000, 10_000)).toBe('90\u2009000')
    expect(formatTick(0.25, 0.05)).toBe('0.25')
  })
})

describe('axis ticks', () => {
  it('covers the range with round steps', () => {
    const { ticks, lo, hi } = niceTicks(9_994.6, 10_012.3, 5)
    expect(lo).toBeLessThanOrEqual(9_994.6)
    expect(hi).toBeGreaterThanOrEqual(10_012.3)
    expect(ticks).toEqual([9_990, 9_995, 10_000, 10_005, 10_010, 10_015])
    expect(niceTicks(5, 5).ticks.length).toBeGreaterThanOrEqual(2)
  })

  it('labels the time axis at round UTC steps, with the date where the day changes', () => {
    const t0 = Date.UTC(2025, 5, 1, 0, 0)
    const ticks = timeTicks(t0, t0 + 3.5 * 86_400_000, 8)
    expect(ticks.map((x) => x.label)).toEqual([
      '06-01 00:00',
      '12:00',
      '06-02 00:00',
      '12:00',
      '06-03 00:00',
      '12:00',
      '06-04 00:00',
      '12:00',
    ])
    const minutes = timeTicks(t0, t0 + 50 * 60_000, 8)
    expect(minutes.every((x) => (x.t - t0) % (10 * 60_000) === 0 || (x.t - t0) % (15 * 60_000) === 0)).toBe(
      true,
    )
    expect(minutes.length).toBeGreaterThanOrEqual(3)
    expect(timeTicks(t0, t0 + 400 * 86_400_000, 8).every((x) => /^\d{4}-\d{2}-\d{2}$/.test(x.label))).toBe(
      true,
    )
  })
})
