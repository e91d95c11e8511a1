/**
 * Shared benchmark harness: runs cases with tinybench, prints ops/s and the ratio of each case to the suite's
 * baseline (measured in the same run), and appends the suite to bench/results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { Bench } from 'tinybench'

export interface BenchCase {
  name: string
  /** One operation; may resolve to tinybench's `{ overriddenDuration }` (ms) to time only part of it. */
  fn: () => unknown
  /** The baseline every ratio in the suite is measured against (exactly one per suite). */
  baseline?: boolean
}

export interface CaseResult {
  name: string
  opsPerSec: number
  /** opsPerSec / baseline opsPerSec: > 1 means faster than the baseline. */
  ratioToBaseline: number
  baseline: boolean
  samples: number
  /** JS heap and array buffers in use (MB, after a forced GC) at every tenth of a long run (memory cases). */
  heapMB?: number[]
}

export interface SuiteResult {
  suite: string
  /** What one operation is (one update, one message, one decision...). */
  unit: string
  cases: CaseResult[]
  notes?: string
}

const RESULTS = new URL('./results.json', import.meta.url)

/** Runs one suite and records it. `timeMs` is the measuring time per case. */
export async function runSuite(
  suite: string,
  unit: string,
  cases: BenchCase[],
  options: { timeMs?: number; notes?: string } = {},
): Promise<SuiteResult> {
  const bench = new Bench({
    time: options.timeMs ?? Number(process.env.BENCH_TIME_MS ?? 1000),
    warmupTime: 200,
  })
  for (const c of cases) bench.add(c.name, c.fn)
  await bench.run()
  const base = cases.find((c) => c.baseline) ?? cases[0]
  const hz = (name: string): number => bench.getTask(name)?.result?.throughput.mean ?? Number.NaN
  const baseHz = base === undefined ? Number.NaN : hz(base.name)
  const result: SuiteResult = {
    suite,
    unit,
    cases: cases.map((c) => ({
      name: c.name,
      opsPerSec: hz(c.name),
      ratioToBaseline: hz(c.name) / baseHz,
      baseline: c === base,
      samples: bench.getTask(c.name)?.result?.latency.samples.length ?? 0,
    })),
    ...(options.notes !== undefined ? { notes: options.notes } : {}),
  }
  print(result)
  record(result)
  return result
}

/** Records a suite measured outside tinybench (e.g. a throughput loop over a socket). */
export function recordSuite(result: SuiteResult): void {
  print(result)
  record(result)
}

function print(r: SuiteResult): void {
  console.log(`\n## ${r.suite} (${r.unit})`)
  const w = Math.max(...r.cases.map((c) => c.name.length))
  for (const c of r.cases) {
    const ops = Math.round(c.opsPerSec).toLocaleString('en-US').padStart(14)
    const ratio = `${c.ratioToBaseline.toFixed(2)}x`.padStart(8)
    console.log(`${c.name.padEnd(w)}  ${ops} ops/s  ${ratio}${c.baseline ? '  (baseline)' : ''}`)
  }
  if (r.notes !== undefined) console.log(`note: ${r.notes}`)
}

function record(r: SuiteResult): void {
  let all: {
    generatedAt: string
    node: string
    suites: SuiteResult[]
    loadavg?: { suite: string; load1m: number }[]
  }
  try {
    all = JSON.parse(readFileSync(RESULTS, 'utf8'))
  } catch {
    all = { generatedAt: '', node: '', suites: [] }
  }
  all.generatedAt = new Date().toISOString()
  all.node = process.version
  // Load average of the machine when the suite finished: on a shared box, other work slows every case of a suite.
  all.loadavg = [...(all.loadavg ?? []), { suite: r.suite, load1m: Number(loadavg()[0]?.toFixed(2)) }]
  all.suites = [...all.suites.filter((s) => s.suite !== r.suite), r]
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`)
}
