/** The two journal stores, each opened fresh per test: a SQLite file in a temp dir, a new Postgres database. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openPostgresJournal, openSqliteJournal, type TradeJournal } from '../../../src/journal/index.js'
import { type PostgresServer, startPostgres } from './startPostgres.js'

export interface StoreHarness {
  /** Opens the journal at a `target` that {@link StoreHarness.fresh} returned. */
  reopen(target: { path?: string; connectionString?: string; spillPath: string }): Promise<TradeJournal>
  readonly name: 'sqlite' | 'postgres'
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A new store no journal opened yet (no schema): where it is. */
  blank(): Promise<{ path?: string; connectionString?: string; spillPath: string }>
  /** A new, empty store; `reopen` opens the same one again (a restart). */
  fresh(): Promise<{
    journal: TradeJournal
    reopen: () => Promise<TradeJournal>
    spillPath: string
    /** Where it is, for a child process (and {@link StoreHarness.reopen}): a SQLite path or a Postgres connection string. */
    target: { path?: string; connectionString?: string; spillPath: string }
  }>
}

/** Journals a test left open (a failed assertion) are closed before their store goes away. */
function tracked(open: () => Promise<TradeJournal>, list: TradeJournal[]): () => Promise<TradeJournal> {
  return async () => {
    const j = await open()
    list.push(j)
    return j
  }
}

async function closeAll(list: TradeJournal[]): Promise<void> {
  for (const j of list.splice(0)) await j.close().catch(() => {})
}

export function sqliteHarness(): StoreHarness {
  let dir = ''
  let n = 0
  const open: TradeJournal[] = []
  return {
    name: 'sqlite',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-'))
    },
    async teardown() {
      await closeAll(open)
      rmSync(dir, { recursive: true, force: true })
    },
    reopen: (t) =>
      tracked(() => openSqliteJournal({ path: t.path!, spillPath: t.spillPath, flushIntervalMs: 5 }), open)(),
    async blank() {
      const path = join(dir, `j${++n}.db`)
      return { path, spillPath: `${path}.spill` }
    },
    async fresh() {
      const path = join(dir, `j${++n}.db`)
      const reopen = tracked(() => openSqliteJournal({ path, flushIntervalMs: 5 }), open)
      return {
        journal: await reopen(),
        reopen,
        spillPath: `${path}.spill`,
        target: { path, spillPath: `${path}.spill` },
      }
    },
  }
}

export function postgresHarness(): StoreHarness {
  let server: PostgresServer | undefined
  let dir = ''
  let n = 0
  const open: TradeJournal[] = []
  return {
    name: 'postgres',
    async setup() {
      server = await startPostgres()
      dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-pg-'))
    },
    async teardown() {
      await closeAll(open)
      await server?.stop()
      rmSync(dir, { recursive: true, force: true })
    },
    reopen: (t) =>
      tracked(
        () =>
          openPostgresJournal({
            pool: { connectionString: t.connectionString },
            spillPath: t.spillPath,
            flushIntervalMs: 5,
          }),
        open,
      )(),
    async blank() {
      const db = `j${++n}`
      const admin = new pg.Client({ connectionString: server!.connectionString })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${db}`)
      await admin.end()
      const spillPath = join(dir, `${db}.spill`)
      return { connectionString: server!.connectionString.replace(/\/postgres$/, `/${db}`), spillPath }
    },
    async fresh() {
      const { connectionString, spillPath } = (await this.blank()) as {
        connectionString: string
        spillPath: string
      }
      const reopen = tracked(
        () => openPostgresJournal({ pool: { connectionString, max: 4 }, spillPath, flushIntervalMs: 5 }),
        open,
      )
      return { journal: await reopen(), reopen, spillPath, target: { connectionString, spillPath } }
    },
  }
}
