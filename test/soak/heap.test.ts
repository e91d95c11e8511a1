import { describe, expect, it } from 'vitest'
import { type HeapTrend, judgeHeap } from '../../scripts/soak/heap.js'

const LIMITS = { limitMbPerMin: 5, noiseFloorMb: 8, maxRiseMb: 64, minSamples: 8 }
const trend = (t: Partial<HeapTrend & { windowMs: number }>): HeapTrend & { windowMs: number } => ({
  samples: 20,
  windowMs: 60_000,
  slopeMbPerMin: 0,
  firstMb: 30,
  lastMb: 30,
  maxMb: 31,
  gcForced: true,
  ...t,
})

describe('soak heap verdict', () => {
  it('a short run whose jitter reads as a steep slope passes (seed 271828 under load: 29.2 → 30.9 MB in 24 s)', () => {
    const v = judgeHeap(
      trend({ windowMs: 24_000, slopeMbPerMin: 5.28, firstMb: 29.2, lastMb: 30.9, maxMb: 31 }),
      LIMITS,
    )
    expect(v).toMatchObject({ ok: true })
    expect(v.growthMb).toBeCloseTo(2.1, 1)
  })

  it('a real leak fails: fast and larger than the jitter over a 5-minute run', () => {
    const v = judgeHeap(
      trend({ windowMs: 240_000, slopeMbPerMin: 6, firstMb: 30, lastMb: 54, maxMb: 54 }),
      LIMITS,
    )
    expect(v.ok).toBe(false)
    expect(v.why).toContain('heap grows 6.00 MB/min')
  })

  it('a gross rise fails whatever the slope, and too few samples cannot pass silently', () => {
    expect(judgeHeap(trend({ maxMb: 100 }), LIMITS)).toMatchObject({ ok: false })
    expect(judgeHeap(trend({ samples: 3 }), LIMITS).why).toContain('too few to judge')
  })

  it('a slow trend passes however long the run', () => {
    expect(judgeHeap(trend({ windowMs: 3_600_000, slopeMbPerMin: 1.5, maxMb: 40 }), LIMITS).ok).toBe(true)
  })
})
