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

/** A prepared libsql statement (the part of its API the driver uses). */
interface Statement {
  readonly reader: boolean
  all(...params: unknown[]): Promise<SqlRow[]>
  run(...params: unknown[]): { changes: number }
}

/**
 * Opens (creating when absent) the SQLite file at `path` through libsql's promise API: statements run on the calling
 * thread (they are short), but `BEGIN` and `COMMIT` — the fsync of `synchronous=FULL` — run off the main thread, so a
 * background batch does not stall the event loop while the disk syncs. One operation at a time: a transaction holds the
 * connection until it ends, and other calls wait for it.
 */
export async function openSqliteDriver(path: string): Promise<SqliteDriver> {
  const Database = await loadLibsql()
  const existed = path !== ':memory:' && existsSync(path)
  const db = new Database(path, {})
  // The busy timeout first: switching a new file to WAL takes a lock another connection opening it may hold.
  await db.exec('PRAGMA busy_timeout=5000')
  await db.exec('PRAGMA journal_mode=WAL')
  await db.exec('PRAGMA synchronous=FULL')
  // The journal runs few distinct statements (one insert per table): prepared once, reused.
  const statements = new Map<string, Statement>()
  const prepared = async (sql: string): Promise<Statement> => {
    let stmt = statements.get(sql)
    if (stmt === undefined) {
      stmt = (await db.prepare(sql)) as Statement
      if (statements.size >= 64) statements.clear()
      statements.set(sql, stmt)
    }
    return stmt
  }
  const all = async (sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> => {
    const stmt = await prepared(sql)
    if (stmt.reader) {
      const rows = await stmt.all(...params)
      for (const r of rows) delete r._metadata // libsql's timing, not a column
      return rows
    }
    stmt.run(...params)
    return []
  }
  const run = async (sql: string, params: readonly unknown[] = []): Promise<number> =>
    (await prepared(sql)).run(...params).changes
  // Calls from outside a transaction queue behind the one in progress (and behind an exec in flight).
  let tail: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(f: () => Promise<T>): Promise<T> => {
    const p = tail.then(f, f)
    tail = p.catch(() => undefined)
    return p
  }
  const driver: SqliteDriver = {
    dialect: 'sqlite',
    path,
    existed,
    run: (sql, params) => exclusive(() => run(sql, params)),
    all: (sql, params) => exclusive(() => all(sql, params)),
    transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const tx: SqlDriver = { dialect: 'sqlite', all, run, transaction: (f) => f(tx), close: driver.close }
      return exclusive(async () => {
        await db.exec('BEGIN IMMEDIATE')
        try {
          const out = await fn(tx)
          await db.exec('COMMIT')
          return out
        } catch (e) {
          await db.exec('ROLLBACK').catch(() => undefined)
          throw e
        }
      })
    },
    backup: (target) => exclusive(async () => void (await prepared('VACUUM INTO ?')).run(target)),
    close: () => exclusive(async () => db.close()),
  }
  return driver
}
