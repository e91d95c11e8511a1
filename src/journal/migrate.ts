import { SystemClock } from '../core/clock.js'
import { StateError } from '../errors/index.js'
import { MIGRATIONS, type Migration } from './migrations.js'
import type { SqlDriver } from './SqlDriver.js'

/** Per-call options of {@link migrate}. */
export interface MigrateOptions {
  /** The steps to apply (default: the journal's schema). */
  readonly migrations?: readonly Migration[]
  /** Called once before the first pending step of a database that already has a schema (SQLite: the backup). */
  readonly beforeMigrate?: (fromVersion: number) => Promise<void>
  readonly now?: () => number
  /** How long a step waits for the schema lock (another writer migrating the same database), ms. Default 60 000. */
  readonly lockWaitMs?: number
}

/** The Postgres advisory lock (two-int key space, apart from the writer keys' bigint one) every migration takes. */
const SCHEMA_LOCK = 'SELECT pg_advisory_xact_lock(1953653104, 1)'

/**
 * Runs `fn` in a transaction that holds the schema lock: SQLite's `BEGIN IMMEDIATE` is the file's write lock (waited
 * for up to the driver's busy timeout); Postgres takes a transaction-level advisory lock shared by every writer key,
 * waited for up to `waitMs`, so writers opening one database migrate one after the other.
 */
async function locked<T>(driver: SqlDriver, waitMs: number, fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
  try {
    return await driver.transaction(async (tx) => {
      if (tx.dialect === 'postgres') {
        await tx.all(`SET LOCAL lock_timeout = ${Math.max(1, Math.trunc(waitMs))}`)
        await tx.all(SCHEMA_LOCK)
      }
      return fn(tx)
    })
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code !== '55P03') throw e // lock_not_available
    throw new StateError(
      `Another writer has been migrating the journal database for over ${waitMs} ms: try opening it again`,
      { cause: e, details: { waitMs }, retryable: true },
    )
  }
}

/**
 * Brings a journal database to the newest schema: `schema_migrations` records each applied step, each step runs in
 * its own transaction holding the schema lock (so writers opening one database at once, whatever their writer keys,
 * apply each step once: a step another writer applied meanwhile is skipped), and a database whose version is newer
 * than this code is refused (a {@link StateError}), so an older tradekit never writes into a schema it does not know.
 * Returns the version after migrating.
 *
 * @example
 * ```ts
 * const version = await migrate(driver) // 1
 * ```
 */
export async function migrate(driver: SqlDriver, options: MigrateOptions = {}): Promise<number> {
  const steps = options.migrations ?? MIGRATIONS
  const clock = new SystemClock()
  const now = options.now ?? (() => clock.now())
  const waitMs = options.lockWaitMs ?? 60_000
  await locked(driver, waitMs, (tx) =>
    tx.all(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    ),
  )
  const rows = await driver.all('SELECT MAX(version) AS version FROM schema_migrations')
  const current = Number(rows[0]?.version ?? 0)
  const latest = steps.at(-1)?.version ?? 0
  if (current > latest) {
    throw new StateError(
      `The journal database has schema version "${current}", newer than this tradekit's "${latest}": upgrade tradekit`,
      { details: { current, latest } },
    )
  }
  const pending = steps.filter((m) => m.version > current)
  if (pending.length > 0 && current > 0) await options.beforeMigrate?.(current)
  for (const step of pending) {
    await locked(driver, waitMs, async (tx) => {
      const done = await tx.all('SELECT version FROM schema_migrations WHERE version = ?', [step.version])
      if (done.length > 0) return // another writer applied it while this one waited for the lock
      for (const sql of step.statements) await tx.all(sql)
      await step.apply?.(tx)
      await tx.all('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        step.version,
        step.name,
        now(),
      ])
    })
  }
  return Math.max(current, latest)
}
