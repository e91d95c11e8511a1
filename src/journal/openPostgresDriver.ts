import { createHash } from 'node:crypto'
import type { Pool, PoolClient, PoolConfig } from 'pg'
import { StateError } from '../errors/index.js'
import { loadPg } from './loadDriver.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'

/** `?` placeholders to Postgres' `$1, $2, ...` (the journal's SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let i = 0
  return sql.replace(/\?/g, () => `$${++i}`)
}

/** The advisory-lock key of a writer key: the first 8 bytes of its SHA-256, as a signed 64-bit integer. */
export function writerLockKey(writerKey: string): string {
  return createHash('sha256').update(writerKey).digest().readBigInt64BE(0).toString()
}

/** One writer per journal: who holds the session-level advisory lock, and how long to wait for it. */
export interface PostgresWriterLock {
  readonly writerKey: string
  readonly waitMs: number
  /** The time the wait is measured on, epoch ms (the journal's Clock). */
  readonly now: () => number
}

/**
 * Opens a pg pool; `config` is pg's own (`connectionString`, `max`, ssl, ...). With `lock`, first takes the
 * session-level advisory lock of its writer key on a connection held until `close` (a second writer of the same key
 * gets a {@link StateError} after `waitMs`; a writer that dies releases it with its session).
 */
export async function openPostgresDriver(config: PoolConfig, lock?: PostgresWriterLock): Promise<SqlDriver> {
  const { Pool } = await loadPg()
  const pool = new Pool(config)
  // An idle client's error (server restart) must not crash the process: the next query reports it.
  pool.on('error', () => {})
  const holder = lock === undefined ? undefined : await takeLock(pool, lock)
  const run =
    (q: { query: (sql: string, params: unknown[]) => Promise<{ rows: SqlRow[] }> }): SqlDriver['all'] =>
    async (sql, params = []) =>
      (await q.query(numbered(sql), [...params])).rows
  const driver: SqlDriver = {
    dialect: 'postgres',
    all: run(pool),
    async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      const tx: SqlDriver = { ...driver, all: run(client), transaction: (f) => f(tx) }
      try {
        await client.query('BEGIN')
        const out = await fn(tx)
        await client.query('COMMIT')
        return out
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {})
        throw e
      } finally {
        client.release()
      }
    },
    async close(): Promise<void> {
      if (holder !== undefined) {
        await holder.client
          .query('SELECT pg_advisory_unlock(CAST($1 AS BIGINT))', [holder.key])
          .catch(() => {})
        holder.client.release()
      }
      await pool.end()
    },
  }
  return driver
}

/** Takes the writer lock on a connection of its own (kept checked out), polling until `waitMs`; ends the pool if not. */
async function takeLock(pool: Pool, lock: PostgresWriterLock): Promise<{ client: PoolClient; key: string }> {
  const key = writerLockKey(lock.writerKey)
  const deadline = lock.now() + lock.waitMs
  let client: PoolClient | undefined
  try {
    client = await pool.connect()
    for (;;) {
      const r = await client.query('SELECT pg_try_advisory_lock(CAST($1 AS BIGINT)) AS locked', [key])
      if (r.rows[0]?.locked === true) return { client, key }
      if (lock.now() >= deadline) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } catch (e) {
    client?.release()
    await pool.end()
    throw e
  }
  client.release()
  await pool.end()
  throw new StateError(`Another writer holds the Postgres journal lock of writer key "${lock.writerKey}"`, {
    details: { writerKey: lock.writerKey, lockKey: key },
  })
}
