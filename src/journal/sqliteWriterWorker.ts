/**
 * The SQLite journal's writer thread (started by {@link SqliteWriterThread}): its own libsql connection to the journal
 * file (WAL, `synchronous=FULL`) runs each batch's transaction, so the statements do not cost the main thread.
 * Messages: `{ id, entries }` answered by `{ id }` or `{ id, error, code? }` (the error's code); `{ close: true }` closes the connection.
 * Built as its own file (tsup.config.ts `workerEntries`); not a public entry point.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { JournalEntry } from '../core/journal.js'
import { openSqliteDriver } from './openSqliteDriver.js'
import { writeEntries } from './writeEntries.js'

type Request = { readonly id: number; readonly entries: readonly JournalEntry[] } | { readonly close: true }

const port = parentPort
if (port !== null) {
  const opening = openSqliteDriver(String((workerData as { path: string }).path))
  // One batch at a time, in the order they were sent.
  let tail: Promise<unknown> = Promise.resolve()
  port.on('message', (m: Request) => {
    tail = tail.then(async () => {
      const driver = await opening
      if ('close' in m) {
        await driver.close()
        port.close()
        return
      }
      try {
        await writeEntries(driver, m.entries)
        port.postMessage({ id: m.id })
      } catch (e) {
        // The code tells a row the database refuses from a database that failed (see isRefusedByDatabase).
        const code = (e as { code?: unknown } | null)?.code
        port.postMessage({
          id: m.id,
          error: e instanceof Error ? e.message : String(e),
          ...(typeof code === 'string' ? { code } : {}),
        })
      }
    })
  })
}
