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

/** Samples `heapUsed` (after a forced GC when available) and fits a linear trend. */
export class HeapSampler {
  readonly #points: Array<[number, number]> = []
  readonly #gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc

  sample(): void {
    this.#gc?.()
    this.#points.push([Date.now(), process.memoryUsage().heapUsed])
  }

  trend(): HeapTrend {
    const p = this.#points
    const n = p.length
    const mb = (b: number) => b / (1024 * 1024)
    if (n < 2) {
      const only = p[0]?.[1] ?? 0
      return {
        samples: n,
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
      slopeMbPerMin: mb(bytesPerMs * 60_000),
      firstMb: mb((p[0] as [number, number])[1]),
      lastMb: mb((p[n - 1] as [number, number])[1]),
      maxMb: mb(Math.max(...p.map((x) => x[1]))),
      gcForced: this.#gc !== undefined,
    }
  }
}
