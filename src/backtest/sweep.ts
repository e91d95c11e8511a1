import { SystemClock } from '../core/clock.js'
import { ValidationError } from '../errors/index.js'
import type { BacktestReport } from './Backtester.js'
import { gridCombinations } from './gridCombinations.js'

/** Options of {@link sweep}. */
export interface SweepOptions {
  /**
   * Module (path or URL) whose default export is `async (params) => BacktestReport`; it runs inside each worker, so
   * it builds its own Backtester from the parameters.
   */
  readonly module: string | URL
  /** Parameter grid: every combination of the values is run once. */
  readonly grid: Readonly<Record<string, readonly unknown[]>>
  /** Worker threads at once. Default: the machine's available parallelism. */
  readonly concurrency?: number
  /** Load `module` as TypeScript through tsx's `tsImport` (tsx must be installed). Default false. */
  readonly typescript?: boolean
  /** Bound per run, ms (`Infinity`: none). Default 10 minutes. */
  readonly timeoutMs?: number
}

/** One run of a sweep. */
export interface SweepResult {
  readonly params: Readonly<Record<string, unknown>>
  readonly report?: BacktestReport
  /** Why the run failed, when it did. */
  readonly error?: string
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  try {
    const m = workerData.typescript
      ? await (await import('tsx/esm/api')).tsImport(workerData.module, workerData.module)
      : await import(workerData.module)
    const fn = typeof m.default === 'function' ? m.default : m.run
    if (typeof fn !== 'function') throw new Error('sweep module must export a default function')
    parentPort.postMessage({ ok: true, report: await fn(workerData.params) })
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) })
  }
})()
`

/**
 * Runs a backtest for every combination of a parameter grid in parallel on worker threads, and returns the results
 * in grid order (a failed run carries its error instead of a report). Node only.
 *
 * @example
 * ```ts
 * // sweep-ema.ts: export default async ({ fast, slow }) => new Backtester({ ... }).run(readCandlesCsv(...))
 * const results = await sweep({ module: new URL('./sweep-ema.js', import.meta.url), grid: { fast: [5, 9], slow: [21, 50] } })
 * const best = results.filter((r) => r.report).sort((a, b) => b.report!.totalReturn - a.report!.totalReturn)[0]
 * ```
 */
export async function sweep(options: SweepOptions): Promise<SweepResult[]> {
  const { Worker } = await import('node:worker_threads')
  const os = await import('node:os')
  const { pathToFileURL } = await import('node:url')
  const moduleUrl =
    options.module instanceof URL
      ? options.module.href
      : /^[a-z]+:\/\//i.test(options.module)
        ? options.module
        : pathToFileURL(options.module).href
  const combos = gridCombinations(options.grid)
  const results: SweepResult[] = new Array(combos.length)
  const wanted = options.concurrency ?? os.availableParallelism()
  if (!Number.isSafeInteger(wanted) || wanted < 1)
    throw new ValidationError(`sweep concurrency must be a whole number >= 1, got ${wanted}`, {
      field: 'concurrency',
    })
  const concurrency = Math.min(wanted, Math.max(1, combos.length))
  const timeoutMs = options.timeoutMs ?? 600_000
  if (Number.isNaN(timeoutMs) || timeoutMs <= 0)
    throw new ValidationError(`sweep timeoutMs must be > 0, got ${timeoutMs}`, { field: 'timeoutMs' })
  // The clock's timers wait past the platform's 24.8-day limit (a platform timer that long would fire at once).
  const clock = new SystemClock()
  let next = 0
  const runOne = (params: Record<string, unknown>): Promise<SweepResult> =>
    new Promise((resolve) => {
      const w = new Worker(WORKER, {
        eval: true,
        workerData: { module: moduleUrl, params, typescript: options.typescript === true },
      })
      let done = false
      const finish = (r: SweepResult): void => {
        if (done) return
        done = true
        clock.clearTimeout(timer)
        void w.terminate()
        resolve(r)
      }
      const timer = clock.setTimeout(
        () => finish({ params, error: `timed out after ${timeoutMs} ms` }),
        timeoutMs,
      )
      w.once('message', (m: { ok: boolean; report?: BacktestReport; error?: string }) =>
        finish(
          m.ok && m.report !== undefined
            ? { params, report: m.report }
            : { params, error: m.error ?? 'failed' },
        ),
      )
      w.once('error', (e) => finish({ params, error: e.message }))
      w.once('exit', (code) => finish({ params, error: `worker exited with code ${code}` }))
    })
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++
        if (i >= combos.length) return
        results[i] = await runOne(combos[i] as Record<string, unknown>)
      }
    }),
  )
  return results
}
