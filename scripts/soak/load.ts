import { Worker } from 'node:worker_threads'

/** Busy worker threads that compete with the soak for the CPU, so it also runs the way a loaded machine runs it. */
export interface CpuLoad {
  /** How many busy threads are running. */
  readonly threads: number
  /** Terminates every busy thread (a busy loop is interrupted; idempotent). */
  stop(): Promise<void>
}

// Spins forever on arithmetic the JIT cannot drop (the result escapes through a shared global). `terminate()`
// interrupts it; no message is ever needed.
const SPIN = `
let x = 0
for (;;) {
  for (let i = 0; i < 1e7; i++) x = (x * 1103515245 + 12345) % 2147483648
  globalThis.__soakLoad = x
}
`

/**
 * Starts `threads` worker threads that each keep one core busy for as long as they run (0 starts none). A worker
 * that fails to start is reported through `onError`, never thrown: the soak must not die of its own load.
 */
export function startCpuLoad(threads: number, onError: (e: Error) => void = () => undefined): CpuLoad {
  const workers: Worker[] = []
  for (let i = 0; i < threads; i++) {
    const w = new Worker(SPIN, { eval: true })
    w.on('error', onError)
    w.unref()
    workers.push(w)
  }
  let stopped: Promise<void> | undefined
  return {
    threads,
    stop: () => {
      stopped ??= Promise.all(workers.map((w) => w.terminate())).then(() => undefined)
      return stopped
    },
  }
}
