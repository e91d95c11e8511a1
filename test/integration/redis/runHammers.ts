import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { HammerOptions, HammerResult } from './hammerChild.js'

const CHILD = fileURLToPath(new URL('./hammerChild.ts', import.meta.url))

/** A running hammer process: `ready` once it is connected and starts sending, `done` with its result line. */
export interface Hammer {
  readonly ready: Promise<void>
  readonly done: Promise<HammerResult>
  /** Presses this process's kill switch (`killSwitch` mode). */
  press(): void
}

/** Runs one hammer process (a real child process, not a thread) and resolves its result line. */
export function runHammer(opts: HammerOptions): Promise<HammerResult> {
  return startHammer(opts).done
}

/** Starts one hammer process. */
export function startHammer(opts: HammerOptions): Hammer {
  let onReady: () => void = () => {}
  const ready = new Promise<void>((r) => {
    onReady = r
  })
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(opts)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const done = new Promise<HammerResult>((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
      if (out.startsWith('ready\n')) onReady()
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || line === '') reject(new Error(`hammer exited ${code}: ${err.slice(-2000)}`))
      else resolve(JSON.parse(line) as HammerResult)
    })
  })
  return { ready, done, press: () => child.stdin.write('press\n') }
}

/** Sums the results of several processes. */
export function total(results: readonly HammerResult[]): HammerResult {
  const sum = { ...results[0]! }
  for (const k of Object.keys(sum) as Array<keyof HammerResult>)
    sum[k] = results.reduce((acc, r) => acc + r[k], 0)
  return sum
}
