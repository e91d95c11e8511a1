/**
 * One writer per Postgres journal: opening takes the session-level advisory lock of the writer key, a second writer
 * with the same key gets a typed error (after a bounded wait), another key is another journal's writer, and the lock
 * goes with the first writer's close (or its session).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTradekitError } from '../../../src/errors/index.js'
import { MIGRATIONS, migrate, openPostgresJournal } from '../../../src/journal/index.js'
import { openPostgresDriver, writerLockKey } from '../../../src/journal/openPostgresDriver.js'
import { postgresHarness } from './stores.js'

describe('Postgres journal writer lock', () => {
  const store = postgresHarness()
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('lets one writer per key open the journal; a second gets a StateError until the first closes', async () => {
    const { journal, target } = await store.fresh()
    const open = (writerKey?: string) =>
      openPostgresJournal({
        pool: { connectionString: target.connectionString },
        spillPath: `${target.spillPath}.${writerKey ?? 'default'}`,
        lockWaitMs: 200,
        ...(writerKey === undefined ? {} : { writerKey }),
      })
    const second = await open().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isTradekitError(second, 'INVALID_STATE')).toBe(true)
    expect(String((second as Error).message)).toContain('"tradekit-journal"')
    // the lock is a session-level advisory lock the server lists
    const admin = new pg.Client({ connectionString: target.connectionString })
    await admin.connect()
    const held = async () => {
      const r = await admin.query(
        "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND (classid::bigint << 32 | objid::bigint) = $1::bigint",
        [writerLockKey('tradekit-journal')],
      )
      return Number(r.rows[0]?.n)
    }
    expect(await held()).toBe(1)
    const other = await open('bot-2') // another deployment's key: its own writer
    await other.close()
    await journal.close()
    expect(await held()).toBe(0)
    const next = await open()
    expect(await held()).toBe(1)
    await next.close()
    await admin.end()
  })

  it('lets writers of different keys open a new database at once: the schema is migrated once, one after the other', async () => {
    const { connectionString, spillPath } = await store.blank()
    const open = (writerKey: string) =>
      openPostgresJournal({ pool: { connectionString }, spillPath: `${spillPath}.${writerKey}`, writerKey })
    const opened = await Promise.allSettled(['bot-a', 'bot-b', 'bot-c'].map(open))
    expect(opened.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason)))).toEqual([
      'ok',
      'ok',
      'ok',
    ])
    const journals = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const versions = await journals[0]!.query('SELECT version FROM schema_migrations ORDER BY version')
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
    for (const j of journals) await j.close()
  })

  it('reports another writer migrating for longer than the lock wait as a StateError', async () => {
    const { connectionString } = await store.blank()
    const admin = new pg.Client({ connectionString })
    await admin.connect()
    await admin.query('BEGIN')
    await admin.query('SELECT pg_advisory_xact_lock(1953653104, 1)') // "another writer" mid-migration
    const driver = await openPostgresDriver({ connectionString })
    const err = await migrate(driver, { lockWaitMs: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isTradekitError(err, 'INVALID_STATE') && err.message).toMatch(/migrating the journal database/)
    await admin.query('ROLLBACK')
    expect(await migrate(driver)).toBe(MIGRATIONS.length)
    await driver.close()
    await admin.end()
  })
})
