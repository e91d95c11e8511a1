import * as z from 'zod/mini'
import { SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { JournalQueueConfigShape } from './journalConfig.js'
import { migrate } from './migrate.js'
import { openSqliteDriver } from './openSqliteDriver.js'
import { SqliteWriterThread } from './SqliteWriterThread.js'
import { TradeJournal } from './TradeJournal.js'

/** Schema of {@link SqliteJournalConfig}; defaults are applied here. */
export const SqliteJournalConfigSchema = z.strictObject({
  /** Path of the SQLite file (created when absent). */
  path: /* @__PURE__ */ z.string().check(z.minLength(1, 'the SQLite journal needs a non-empty path')),
  /** The spill file for entries the database cannot take. Default `<path>.spill`. */
  spillPath: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  ...JournalQueueConfigShape,
})

/** What {@link openSqliteJournal} accepts. */
export type SqliteJournalConfig = z.input<typeof SqliteJournalConfigSchema>

/**
 * Opens the embedded journal: a SQLite file through the optional peer dependency `libsql` (WAL,
 * `synchronous=FULL`). Migrates the schema (a copy `<path>.v<N>.bak` is written first when an existing schema
 * changes; a file newer than this tradekit is refused), writes a backlog left in the spill file, and starts writing.
 *
 * @throws {ConfigError} bad config, or libsql not installed.
 * @throws {StateError} the file's schema is newer than this tradekit.
 * @example
 * ```ts
 * const journal = await openSqliteJournal({ path: './trades.db' })
 * const engine = new TradingEngine({ ...config, journal })
 * ```
 */
export async function openSqliteJournal(config: SqliteJournalConfig): Promise<TradeJournal> {
  const cfg = parseConfig(SqliteJournalConfigSchema, config, 'openSqliteJournal')
  const clock = cfg.clock ?? new SystemClock()
  const now = (): number => clock.now()
  const driver = await openSqliteDriver(cfg.path)
  try {
    await migrate(driver, {
      now,
      beforeMigrate: (from) => driver.backup(`${cfg.path}.v${from}.bak`),
    })
  } catch (e) {
    await driver.close()
    throw e
  }
  const writer = SqliteWriterThread.forPath(cfg.path)
  const journal = new TradeJournal({
    driver,
    spillPath: cfg.spillPath ?? `${cfg.path}.spill`,
    queueSize: cfg.queueSize,
    batchSize: cfg.batchSize,
    flushIntervalMs: cfg.flushIntervalMs,
    now,
    // Batches run on a worker thread with its own connection (the statements stay off the event loop).
    ...(writer === undefined ? {} : { writer }),
  })
  await journal.start()
  return journal
}
