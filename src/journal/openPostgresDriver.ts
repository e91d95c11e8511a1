import type { PoolConfig } from 'pg'
import { loadPg } from './loadDriver.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'

/** `?` placeholders to Postgres' `$1, $2, ...` (the journal's SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let i = 0
  return sql.replace(/\?/g, () => `$${++i}`)
}

/** Opens a pg pool; `config` is pg's own (`connectionString`, `max`, ssl, ...). */
export async function openPostgresDriver(config: PoolConfig): Promise<SqlDriver> {
  const { Pool } = await loadPg()
  const pool = new Pool(config)
  // An idle client's error (server restart) must not crash the process: the next query reports it.
  pool.on('error', () => {})
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
      await pool.end()
    },
  }
  return driver
}
