import { existsSync } from 'node:fs'
import { loadLibsql } from './loadDriver.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'

/** A SQLite file through libsql: WAL, `synchronous=FULL` (a committed batch survives a crash or power loss). */
export interface SqliteDriver extends SqlDriver {
  readonly path: string
  /** Whether the file existed before it was opened. */
  readonly existed: boolean
  /** Writes a consistent copy of the database to `target` (`VACUUM INTO`). */
  backup(target: string): Promise<void>
}

/** Opens (creating when absent) the SQLite file at `path`. */
export async function openSqliteDriver(path: string): Promise<SqliteDriver> {
  const Database = await loadLibsql()
  const existed = path !== ':memory:' && existsSync(path)
  const db = new Database(path)
  db.exec('PRAGMA journal_mode=WAL')
  db.exec('PRAGMA synchronous=FULL')
  db.exec('PRAGMA busy_timeout=5000')
  let depth = 0
  // The journal runs few distinct statements (one insert per table): prepared once, reused.
  const statements = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>()
  const prepared = (sql: string) => {
    let stmt = statements.get(sql)
    if (stmt === undefined) {
      stmt = db.prepare(sql)
      if (statements.size >= 64) statements.clear()
      statements.set(sql, stmt)
    }
    return stmt
  }
  const driver: SqliteDriver = {
    dialect: 'sqlite',
    path,
    existed,
    async run(sql: string, params: readonly unknown[] = []): Promise<number> {
      return prepared(sql).run(...params).changes
    },
    async all(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
      const stmt = prepared(sql)
      if (stmt.reader) {
        const rows = stmt.all(...params) as SqlRow[]
        for (const r of rows) delete r._metadata // libsql's timing, not a column
        return rows
      }
      stmt.run(...params)
      return []
    },
    async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
      if (depth > 0) return fn(driver)
      depth++
      db.exec('BEGIN IMMEDIATE')
      try {
        const out = await fn(driver)
        db.exec('COMMIT')
        return out
      } catch (e) {
        db.exec('ROLLBACK')
        throw e
      } finally {
        depth--
      }
    },
    async backup(target: string): Promise<void> {
      db.prepare('VACUUM INTO ?').run(target)
    },
    async close(): Promise<void> {
      db.close()
    },
  }
  return driver
}
