/**
 * The SQLite journal's writer thread: batches are written by a worker with its own connection (the main thread's
 * connection sees them once the write resolves), a replayed batch is written once, a batch the worker cannot write
 * rejects (so the journal spills it), and a journal in memory keeps writing on the main thread.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../src/journal/index.js'
import { openSqliteDriver } from '../../../src/journal/openSqliteDriver.js'
import { SqliteWriterThread } from '../../../src/journal/SqliteWriterThread.js'
import { fill, order } from './entries.js'

const dir = mkdtempSync(join(tmpdir(), 'tradekit-writer-thread-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SqliteWriterThread', () => {
  it('writes batches on a worker thread, once each, visible to the main connection', async () => {
    const path = join(dir, 'w.db')
    const driver = await openSqliteDriver(path)
    await migrate(driver)
    const writer = SqliteWriterThread.forPath(path)
    expect(writer).toBeInstanceOf(SqliteWriterThread)
    const batch = [
      order('o-1', 'order.submitted', 'PENDING_NEW', { seq: 1 }),
      fill('t1', { clientOrderId: 'o-1' }),
    ]
    await writer!.write(batch)
    await writer!.write(batch) // a replay: idempotent
    await writer!.write([fill('t2', { clientOrderId: 'o-1' })])
    const fills = await driver.all('SELECT trade_id FROM fills ORDER BY trade_id')
    expect(fills.map((r) => r.trade_id)).toEqual(['t1', 't2'])
    const events = await driver.all('SELECT seq FROM order_events')
    expect(events.map((r) => r.seq)).toEqual([1])
    await writer!.close()
    await driver.close()
  })

  it('rejects a batch the database refuses (no schema), and keeps working after', async () => {
    const path = join(dir, 'empty.db')
    const writer = SqliteWriterThread.forPath(path)!
    await expect(writer.write([fill('t1')])).rejects.toThrow(/writer thread: no such table/)
    const driver = await openSqliteDriver(path)
    await migrate(driver)
    await writer.write([fill('t1')])
    expect((await driver.all('SELECT COUNT(*) AS n FROM fills'))[0]?.n).toBe(1)
    await writer.close()
    await driver.close()
  })

  it('is not used for a database in memory (a worker cannot share it)', () => {
    expect(SqliteWriterThread.forPath(':memory:')).toBeUndefined()
  })
})
