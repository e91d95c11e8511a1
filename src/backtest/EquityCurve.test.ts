import { describe, expect, it } from 'vitest'
import { EquityCurve, MIN_RATIO_PERIODS, MIN_RATIO_SPAN_MS } from './EquityCurve.js'

const MINUTE = 60_000
const DAY = 86_400_000

/** A curve of `n` bars `stepMs` apart whose equity wobbles around a small drift (both ups and downs). */
function curve(n: number, stepMs: number): EquityCurve {
  const c = new EquityCurve(100)
  let equity = 10_000
  for (let i = 0; i < n; i++) {
    equity *= 1 + (i % 3 === 0 ? -0.001 : 0.0008)
    c.add(i * stepMs, equity, true)
  }
  return c
}

describe('EquityCurve: annualised ratios only from a long enough sample', () => {
  it('50 one-minute bars give n/a with the reason, not a Sharpe of −132', () => {
    const s = curve(51, MINUTE).summary(365 * 24 * 60)
    expect(s.sharpe).toBeNull()
    expect(s.sortino).toBeNull()
    expect(s.ratioNote).toBe(
      'sample too short to annualise: 50 returns over 0.03 days (needs ≥ 30 returns over ≥ 7 days)',
    )
  })

  it('many returns over less than 7 days are still too short', () => {
    const s = curve(5000, MINUTE).summary(365 * 24 * 60)
    expect(s.sharpe).toBeNull()
    expect(s.ratioNote).toContain('4999 returns over 3.5 days')
  })

  it('7 days but fewer than 30 returns are too few', () => {
    const s = curve(8, DAY).summary(365)
    expect(s.sharpe).toBeNull()
    expect(s.ratioNote).toContain('7 returns over 7.0 days')
  })

  it('30 returns over 7 days or more are annualised', () => {
    const step = Math.ceil(MIN_RATIO_SPAN_MS / MIN_RATIO_PERIODS)
    const c = curve(MIN_RATIO_PERIODS + 1, step)
    const s = c.summary((365 * DAY) / step)
    expect(s.ratioNote).toBeNull()
    expect(s.sharpe).toBeTypeOf('number')
    expect(s.sortino).toBeTypeOf('number')
    expect(Number.isFinite(s.sharpe)).toBe(true)
    // Just below either threshold: n/a again.
    expect(curve(MIN_RATIO_PERIODS, step).summary(365).sharpe).toBeNull()
    expect(curve(MIN_RATIO_PERIODS + 1, step - 10_000).summary(365).sharpe).toBeNull()
  })

  it('Sortino is n/a without a losing bar, Sharpe without variation', () => {
    const rising = new EquityCurve()
    for (let i = 0; i <= 40; i++) rising.add(i * DAY, 10_000 * 1.001 ** i * (i % 2 === 0 ? 1 : 1.0001), false)
    const s = rising.summary(365)
    expect(s.ratioNote).toBeNull()
    expect(s.sharpe).toBeGreaterThan(0)
    expect(s.sortino).toBeNull()
    const flat = new EquityCurve()
    for (let i = 0; i <= 40; i++) flat.add(i * DAY, 10_000, false)
    expect(flat.summary(365).sharpe).toBeNull()
  })
})

describe('EquityCurve: seeded with the starting equity', () => {
  it('start() sets the start and the peak, is charted, is not a bar, and the first bar return counts', () => {
    const c = new EquityCurve()
    c.start(0, 10_000)
    c.add(59_999, 9_900, true) // a fee and a fall during the first bar
    c.add(119_999, 9_950, true)
    c.start(120_000, 1) // a second seed is ignored
    const s = c.summary(1)
    expect(s.startEquity).toBe(10_000)
    expect(s.totalReturn).toBeCloseTo(-0.005, 12)
    expect(s.maxDrawdown).toBeCloseTo(0.01, 12)
    expect(s.bars).toBe(2)
    expect(s.exposure).toBe(1)
    expect(s.ratioNote).toContain('2 returns over')
    expect(c.points()[0]).toEqual({ t: 0, equity: 10_000, drawdown: 0 })
  })
})

describe('EquityCurve: the down-sampled chart ends at the end equity', () => {
  it('keeps the last bar even when its stride kept an earlier, lower point', () => {
    // 16 points kept at most: 41 bars force strides of 2 and 4. Every bar dips below 100 except the last, which
    // jumps to 1000: the worst-of-stride rule alone would chart a dip as the final point and drop the end equity.
    const c = new EquityCurve(16)
    c.start(0, 100)
    const equities = [100]
    for (let i = 1; i <= 41; i++) {
      const e = i === 41 ? 1000 : 100 - (i % 5)
      equities.push(e)
      c.add(i * MINUTE, e, true)
    }
    const points = c.points()
    // Reference, by hand: the last bar is at t = 41 min with equity 1000, a new peak (drawdown 0).
    expect(points[points.length - 1]).toEqual({ t: 41 * MINUTE, equity: 1000, drawdown: 0 })
    expect(points[points.length - 1]?.equity).toBe(c.summary(1).endEquity)
    expect(points.length).toBeLessThanOrEqual(17)
    // Still oldest first, and the worst bar (equity 96) is still charted.
    for (let i = 1; i < points.length; i++) expect(points[i]?.t).toBeGreaterThan(points[i - 1]?.t as number)
    expect(Math.min(...points.map((p) => p.equity))).toBe(Math.min(...equities))
  })

  it('ends at the last bar for every length (no bar added twice)', () => {
    for (let n = 1; n <= 200; n++) {
      const c = new EquityCurve(16)
      c.start(0, 100)
      for (let i = 1; i <= n; i++) c.add(i, i === n ? 500 : 100 - (i % 7), false)
      const points = c.points()
      expect(points[points.length - 1], `n = ${n}`).toEqual({ t: n, equity: 500, drawdown: 0 })
      expect(
        points.filter((p) => p.t === n),
        `n = ${n}`,
      ).toHaveLength(1)
      expect(points.length, `n = ${n}`).toBeLessThanOrEqual(17)
    }
  })
})
