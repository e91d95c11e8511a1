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
}

/**
 * Brings a journal database to the newest schema: `schema_migrations` records each applied step, each step runs in
 * its own transaction, and a database whose version is newer than this code is refused (a {@link StateError}), so
 * an older tradekit never writes into a schema it does not know. Returns the version after migrating.
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
  await driver.all(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
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
    await driver.transaction(async (tx) => {
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
