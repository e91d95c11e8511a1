/**
 * One writer per Postgres journal: opening takes the session-level advisory lock of the writer key, a second writer
 * with the same key gets a typed error (after a bounded wait), another key is another journal's writer, and the lock
 * goes with the first writer's close (or its session).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTradekitError } from '../../../src/errors/index.js'
import { openPostgresJournal } from '../../../src/journal/index.js'
import { writerLockKey } from '../../../src/journal/openPostgresDriver.js'
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
})
