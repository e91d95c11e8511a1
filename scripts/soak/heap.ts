/** Heap samples and their least-squares trend. */
export interface HeapTrend {
  readonly samples: number
  /** Growth rate of heapUsed, MB per minute (least-squares slope). */
  readonly slopeMbPerMin: number
  readonly firstMb: number
  readonly lastMb: number
  readonly maxMb: number
  /** Whether `global.gc` ran before each sample (node --expose-gc). */
  readonly gcForced: boolean
}

/** The verdict on a heap trend: a leak is growth that is both fast and larger than the heap's own jitter. */
export interface HeapVerdict {
  readonly ok: boolean
  /** Growth over the sampled window implied by the trend, MB. */
  readonly growthMb: number
  readonly why?: string
}

/**
 * Judges a trend. A short run's slope is dominated by the heap's jitter (a few MB between forced GCs): 1.7 MB more
 * in 20 s reads as 5 MB/min. So growth fails only when the slope is over `limitMbPerMin` AND the growth it implies
 * over the sampled window is over `noiseFloorMb`; a heap that ever rises more than `maxRiseMb` over its first sample
 * fails whatever the slope. Fewer than `minSamples` samples cannot be judged and fail, so a run too short to check
 * says so instead of passing silently.
 */
export function judgeHeap(
  t: HeapTrend & { readonly windowMs: number },
  limits: { limitMbPerMin: number; noiseFloorMb: number; maxRiseMb: number; minSamples: number },
): HeapVerdict {
  const growthMb = (t.slopeMbPerMin * t.windowMs) / 60_000
  if (t.samples < limits.minSamples) {
    return { ok: false, growthMb, why: `${t.samples} samples: too few to judge (need ${limits.minSamples})` }
  }
  if (t.maxMb - t.firstMb > limits.maxRiseMb) {
    return {
      ok: false,
      growthMb,
      why: `heap rose ${(t.maxMb - t.firstMb).toFixed(1)} MB (limit ${limits.maxRiseMb})`,
    }
  }
  if (t.slopeMbPerMin > limits.limitMbPerMin && growthMb > limits.noiseFloorMb) {
    return {
      ok: false,
      growthMb,
      why: `heap grows ${t.slopeMbPerMin.toFixed(2)} MB/min, ${growthMb.toFixed(1)} MB over the run (noise floor ${limits.noiseFloorMb})`,
    }
  }
  return { ok: true, growthMb }
}

/** Samples `heapUsed` (after a forced GC when available) and fits a linear trend. */
export class HeapSampler {
  readonly #points: Array<[number, number]> = []
  readonly #gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc

  sample(): void {
    this.#gc?.()
    this.#points.push([Date.now(), process.memoryUsage().heapUsed])
  }

  trend(): HeapTrend & { readonly windowMs: number } {
    const p = this.#points
    const windowMs =
      p.length < 2 ? 0 : (p[p.length - 1] as [number, number])[0] - (p[0] as [number, number])[0]
    const n = p.length
    const mb = (b: number) => b / (1024 * 1024)
    if (n < 2) {
      const only = p[0]?.[1] ?? 0
      return {
        samples: n,
        windowMs,
        slopeMbPerMin: 0,
        firstMb: mb(only),
        lastMb: mb(only),
        maxMb: mb(only),
        gcForced: this.#gc !== undefined,
      }
    }
    const t0 = (p[0] as [number, number])[0]
    let sx = 0
    let sy = 0
    for (const [t, y] of p) {
      sx += t - t0
      sy += y
    }
    const mx = sx / n
    const my = sy / n
    let num = 0
    let den = 0
    for (const [t, y] of p) {
      num += (t - t0 - mx) * (y - my)
      den += (t - t0 - mx) ** 2
    }
    const bytesPerMs = den === 0 ? 0 : num / den
    return {
      samples: n,
      windowMs,
      slopeMbPerMin: mb(bytesPerMs * 60_000),
      firstMb: mb((p[0] as [number, number])[1]),
      lastMb: mb((p[n - 1] as [number, number])[1]),
      maxMb: mb(Math.max(...p.map((x) => x[1]))),
      gcForced: this.#gc !== undefined,
    }
  }
}
