import type { PoolConfig } from 'pg'
import * as z from 'zod/mini'
import { SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { JournalQueueConfigShape } from './journalConfig.js'
import { migrate } from './migrate.js'
import { DEFAULT_STATEMENT_TIMEOUT_MS, openPostgresDriver } from './openPostgresDriver.js'
import { TradeJournal } from './TradeJournal.js'

/**
 * The pg pool settings the journal passes on (pg's `PoolConfig`, without a dependency on pg's types). Never logged.
 */
export interface PostgresPoolConfig {
  readonly connectionString?: string
  readonly host?: string
  readonly port?: number
  readonly user?: string
  readonly password?: string
  readonly database?: string
  /** Connections in the pool. pg's default: 10. */
  readonly max?: number
  /** `true`, or Node's TLS options. */
  readonly ssl?: boolean | Readonly<Record<string, unknown>>
  readonly idleTimeoutMillis?: number
  readonly connectionTimeoutMillis?: number
  readonly application_name?: string
}

/** Schema of {@link PostgresJournalConfig}; defaults are applied here. */
export const PostgresJournalConfigSchema = z.strictObject({
  /** pg's pool settings (`connectionString`, `host`, `port`, `user`, `max`, `ssl`, ...). Never logged. */
  pool: z.custom<PostgresPoolConfig>((v) => typeof v === 'object' && v !== null),
  /** The local spill file for entries the database cannot take (required: the server may be down). */
  spillPath: /* @__PURE__ */ z.string().check(z.minLength(1, 'the Postgres journal needs a local spillPath')),
  /**
   * One writer per key: opening takes the session-level advisory lock of this key (`pg_advisory_lock`), held until
   * `close`; a second writer with the same key gets a StateError. Use one key per deployment (bot) sharing the
   * database. Default `tradekit-journal`.
   */
  writerKey: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'tradekit-journal'),
  /** How long opening waits for the writer lock (a writer that just died releases it with its session), ms. Default 5000. */
  lockWaitMs: z._default(/* @__PURE__ */ z.int().check(z.minimum(0)), 5_000),
  /**
   * Longest wait for the database's answer to one statement, or for a connection, ms (wall-clock). Past it the
   * connection is dropped (a half-open one never answers): a write fails with a TimeoutError, reported on `error`, and
   * its entries stay in the spill file until the database takes them. Default 30 000.
   */
  statementTimeoutMs: z._default(
    /* @__PURE__ */ z.int().check(z.positive(), z.maximum(2_147_483_647)),
    DEFAULT_STATEMENT_TIMEOUT_MS,
  ),
  ...JournalQueueConfigShape,
})

/** What {@link openPostgresJournal} accepts. */
export type PostgresJournalConfig = z.input<typeof PostgresJournalConfigSchema>

/**
 * Opens the journal on Postgres through the optional peer dependency `pg` (a pool; batched multi-row inserts).
 * Takes the writer lock of `writerKey` (one writer per journal), migrates the schema (a database newer than this tradekit is refused), writes a backlog left in the spill file,
 * and starts writing.
 *
 * @throws {ConfigError} bad config, or pg not installed.
 * @throws {StateError} another writer holds the lock of `writerKey`, or the database's schema is newer than this
 * tradekit.
 * @throws {TimeoutError} the database did not answer within `statementTimeoutMs`.
 * @example
 * ```ts
 * const journal = await openPostgresJournal({
 *   pool: { connectionString: process.env.DATABASE_URL },
 *   spillPath: './journal.spill',
 * })
 * ```
 */
export async function openPostgresJournal(config: PostgresJournalConfig): Promise<TradeJournal> {
  const cfg = parseConfig(PostgresJournalConfigSchema, config, 'openPostgresJournal')
  const clock = cfg.clock ?? new SystemClock()
  const now = (): number => clock.now()
  const driver = await openPostgresDriver(
    { ...cfg.pool } as PoolConfig,
    { writerKey: cfg.writerKey, waitMs: cfg.lockWaitMs, now },
    { statementTimeoutMs: cfg.statementTimeoutMs },
  )
  try {
    await migrate(driver, { now })
  } catch (e) {
    await driver.close()
    throw e
  }
  const journal = new TradeJournal({
    driver,
    spillPath: cfg.spillPath,
    queueSize: cfg.queueSize,
    batchSize: cfg.batchSize,
    flushIntervalMs: cfg.flushIntervalMs,
    now,
  })
  await journal.start()
  return journal
}
