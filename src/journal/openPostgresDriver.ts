import { createHash } from 'node:crypto'
import type { Pool, PoolClient, PoolConfig } from 'pg'
import { StateError, TimeoutError } from '../errors/index.js'
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

/** Default bound of one statement (and of taking a connection), ms: see {@link PostgresDriverOptions}. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

/** How the Postgres driver bounds its waits. */
export interface PostgresDriverOptions {
  /**
   * Longest wait for one statement's answer, and for a connection from the pool, ms (wall-clock time). Past it the
   * connection is destroyed (a half-open socket never answers) and the call rejects with a {@link TimeoutError}.
   * Default {@link DEFAULT_STATEMENT_TIMEOUT_MS}.
   */
  readonly statementTimeoutMs?: number
}

/** `SET LOCAL lock_timeout = <ms>`: the server bounds the lock waits of the rest of the transaction by it. */
const LOCK_TIMEOUT = /^SET LOCAL lock_timeout = (\d+)$/

const timeoutError = (what: string, ms: number): TimeoutError =>
  new TimeoutError(`The Postgres journal database did not answer ${what} within ${ms} ms`, ms, {
    details: { statementTimeoutMs: ms },
  })

/** A checked-out client, given back to the pool once: destroyed when it failed (it may be half-open). */
interface Lease {
  readonly client: PoolClient
  released: boolean
}

function giveBack(lease: Lease, error?: Error): void {
  if (lease.released) return
  lease.released = true
  lease.client.release(error) // with an error, pg-pool ends the connection instead of pooling it
}

/** Takes a connection from the pool within `ms`; one that arrives later is given back. */
function checkout(pool: Pool, ms: number): Promise<Lease> {
  return new Promise((resolve, reject) => {
    let late = false
    const timer = setTimeout(() => {
      late = true
      reject(timeoutError('with a connection', ms))
    }, ms)
    pool.connect().then(
      (client) => {
        clearTimeout(timer)
        if (late) client.release()
        else resolve({ client, released: false })
      },
      (e: unknown) => {
        clearTimeout(timer)
        if (!late) reject(e)
      },
    )
  })
}

/** Runs one statement on a leased connection within `ms`; past it the connection is destroyed and a TimeoutError rejects. */
function boundedQuery(lease: Lease, sql: string, params: readonly unknown[], ms: number): Promise<SqlRow[]> {
  return new Promise((resolve, reject) => {
    let late = false
    const timer = setTimeout(() => {
      late = true
      const error = timeoutError('a statement', ms)
      giveBack(lease, error)
      reject(error)
    }, ms)
    lease.client.query(numbered(sql), [...params]).then(
      (r: { rows: SqlRow[] }) => {
        clearTimeout(timer)
        if (!late) resolve(r.rows)
      },
      (e: unknown) => {
        clearTimeout(timer)
        if (!late) reject(e)
      },
    )
  })
}

/**
 * Opens a pg pool; `config` is pg's own (`connectionString`, `max`, ssl, ...). With `lock`, first takes the
 * session-level advisory lock of its writer key on a connection held until `close` (a second writer of the same key
 * gets a {@link StateError} after `waitMs`; a writer that dies releases it with its session). Every statement and every
 * wait for a connection is bounded by `options.statementTimeoutMs` (a {@link TimeoutError} past it), so a half-open
 * connection cannot hang a write; pg's `connectionTimeoutMillis` defaults to the same bound.
 */
export async function openPostgresDriver(
  config: PoolConfig,
  lock?: PostgresWriterLock,
  options: PostgresDriverOptions = {},
): Promise<SqlDriver> {
  const ms = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS
  const { Pool } = await loadPg()
  const pool = new Pool({ connectionTimeoutMillis: ms, ...config })
  // An idle client's error (server restart) must not crash the process: the next query reports it.
  pool.on('error', () => {})
  const holder = lock === undefined ? undefined : await takeLock(pool, lock, ms)
  const driver: SqlDriver = {
    dialect: 'postgres',
    async all(sql, params = []) {
      const lease = await checkout(pool, ms)
      try {
        const rows = await boundedQuery(lease, sql, params, ms)
        giveBack(lease)
        return rows
      } catch (e) {
        giveBack(lease, e instanceof Error ? e : new Error('query failed'))
        throw e
      }
    },
    async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const lease = await checkout(pool, ms)
      // A statement waiting for a lock the server bounds (`SET LOCAL lock_timeout`, the migrations' schema lock)
      // gets that long on top of the bound.
      let lockWaitMs = 0
      const all: SqlDriver['all'] = (sql, params = []) => {
        const m = LOCK_TIMEOUT.exec(sql)
        if (m !== null) lockWaitMs = Number(m[1])
        return boundedQuery(lease, sql, params, ms + lockWaitMs)
      }
      const tx: SqlDriver = { ...driver, all, transaction: (f) => f(tx) }
      try {
        await all('BEGIN')
        const out = await fn(tx)
        await all('COMMIT')
        giveBack(lease)
        return out
      } catch (e) {
        // A connection that rolled back is healthy (a refused row); one that did not answer is destroyed.
        const healthy =
          !lease.released &&
          (await all('ROLLBACK').then(
            () => true,
            () => false,
          ))
        giveBack(lease, healthy ? undefined : e instanceof Error ? e : new Error('transaction failed'))
        throw e
      }
    },
    async close(): Promise<void> {
      if (holder !== undefined) {
        await boundedQuery(holder, 'SELECT pg_advisory_unlock(CAST(? AS BIGINT))', [holder.key], ms).catch(
          () => {},
        )
        giveBack(holder)
      }
      await pool.end()
    },
  }
  return driver
}

/** Takes the writer lock on a connection of its own (kept checked out), polling until `waitMs`; ends the pool if not. */
async function takeLock(pool: Pool, lock: PostgresWriterLock, ms: number): Promise<Lease & { key: string }> {
  const key = writerLockKey(lock.writerKey)
  const deadline = lock.now() + lock.waitMs
  let lease: Lease | undefined
  try {
    lease = await checkout(pool, ms)
    for (;;) {
      const rows = await boundedQuery(
        lease,
        'SELECT pg_try_advisory_lock(CAST(? AS BIGINT)) AS locked',
        [key],
        ms,
      )
      if (rows[0]?.locked === true) return Object.assign(lease, { key })
      if (lock.now() >= deadline) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } catch (e) {
    if (lease !== undefined) giveBack(lease, e instanceof Error ? e : new Error('lock failed'))
    await pool.end()
    throw e
  }
  giveBack(lease)
  await pool.end()
  throw new StateError(`Another writer holds the Postgres journal lock of writer key "${lock.writerKey}"`, {
    details: { writerKey: lock.writerKey, lockKey: key },
  })
}
