import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { JournalEntry } from '../core/journal.js'
import { StateError } from '../errors/index.js'

/** This module's file: `__filename` in the CommonJS build (and under vitest), `import.meta.url` in the ESM build. */
function here(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url)
}

/**
 * The built writer next to this module (dist/journal/ or a shared chunk in dist/), or the source file under a
 * TypeScript loader; undefined when none is found (then the journal writes on the main thread).
 */
function workerFile(): string | undefined {
  const file = here()
  const dir = dirname(file)
  if (file.endsWith('.ts')) return join(dir, 'sqliteWriterWorker.ts')
  const ext = file.endsWith('.cjs') ? '.cjs' : '.js'
  return [join(dir, `sqliteWriterWorker${ext}`), join(dir, 'journal', `sqliteWriterWorker${ext}`)].find((f) =>
    existsSync(f),
  )
}

interface Pending {
  readonly resolve: () => void
  readonly reject: (e: Error) => void
}

/**
 * @internal The SQLite journal's writes on a worker thread with its own connection (sqliteWriterWorker.ts): a batch
 * is posted (structured clone of the entries) and its transaction runs there. The worker keeps the process alive
 * only while a batch is in flight. A worker that dies fails its batches (the journal spills them) and the next batch
 * starts a new one.
 */
export class SqliteWriterThread {
  readonly #path: string
  readonly #file: string
  #worker: Worker | undefined
  readonly #pending = new Map<number, Pending>()
  #next = 0

  private constructor(path: string, file: string) {
    this.#path = path
    this.#file = file
  }

  /** A writer for the SQLite file at `path`, or undefined when no worker file is available (or the db is in memory). */
  static forPath(path: string): SqliteWriterThread | undefined {
    if (path === ':memory:') return undefined
    const file = workerFile()
    return file === undefined ? undefined : new SqliteWriterThread(path, file)
  }

  /** Writes the batch in one transaction on the worker; rejects when it failed there. */
  write(entries: readonly JournalEntry[]): Promise<void> {
    const worker = this.#start()
    const id = ++this.#next
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, entries })
    })
  }

  /** Closes the worker's connection and waits for the thread to end. */
  async close(): Promise<void> {
    const worker = this.#worker
    if (worker === undefined) return
    this.#worker = undefined
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.ref()
    worker.postMessage({ close: true })
    await exited
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker
    const source = this.#file.endsWith('.ts')
    // Under a TypeScript loader (tests, benches): tsx compiles the writer in the thread.
    const worker = source
      ? new Worker(
          `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(this.#file)}, ${JSON.stringify(this.#file)}))`,
          { eval: true, workerData: { path: this.#path } },
        )
      : new Worker(this.#file, { workerData: { path: this.#path } })
    worker.unref()
    worker.on('message', (m: { id: number; error?: string; code?: string }) => {
      const p = this.#pending.get(m.id)
      this.#pending.delete(m.id)
      if (this.#pending.size === 0) worker.unref()
      if (m.error === undefined) return p?.resolve()
      // The thread's error, with its code (a refused row or a failed database), as the cause.
      const cause = Object.assign(new Error(m.error), m.code === undefined ? {} : { code: m.code })
      p?.reject(new StateError(`Journal write failed on the writer thread: ${m.error}`, { cause }))
    })
    const fail = (e: Error): void => {
      if (this.#worker === worker) this.#worker = undefined
      for (const p of this.#pending.values()) p.reject(e)
      this.#pending.clear()
    }
    worker.on('error', (e) => fail(new StateError('Journal writer thread failed', { cause: e })))
    worker.on('exit', (code) => fail(new StateError(`Journal writer thread exited (code ${code})`)))
    this.#worker = worker
    return worker
  }
}
