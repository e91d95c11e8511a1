/**
 * The journal never loses a fill or an order event: a writer killed with SIGKILL mid-write leaves no torn rows and,
 * replayed after the restart, duplicates nothing (both stores); a full queue or a database that fails spills to the
 * file (backlogged, then caught up); a spill file that cannot be written fails loudly; a SQLite file is backed up
 * before its schema changes and a failing step changes nothing.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../src/core/index.js'
import { MIGRATIONS, migrate, type SqlDriver, TradeJournal } from '../../../src/journal/index.js'
import { openSqliteDriver } from '../../../src/journal/openSqliteDriver.js'
import { fill } from './entries.js'
import { postgresHarness, sqliteHarness } from './stores.js'

const WRITER = join(import.meta.dirname, 'fixtures', 'killWriter.ts')

/** Runs the writer; with `killAt`, kills it with SIGKILL once it acknowledged that many. Returns the last ack. */
function runWriter(target: object, from: number, to: number, killAt?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WRITER, JSON.stringify(target), String(from), String(to)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let acked = 0
    let err = ''
    let buf = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        const m = /^acked (\d+)$/.exec(line)
        if (m) acked = Number(m[1])
        if (killAt !== undefined && acked >= killAt) child.kill('SIGKILL')
      }
    })
    child.on('exit', (code, signal) => {
      if (killAt !== undefined ? signal === 'SIGKILL' : code === 0) resolve(acked)
      else reject(new Error(`writer exited ${code ?? signal}: ${err}`))
    })
  })
}

describe.each([sqliteHarness(), postgresHarness()])('journal durability: $name', (store) => {
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('a writer killed with SIGKILL mid-write leaves whole rows, loses nothing acknowledged, and a replay duplicates nothing', async () => {
    const { journal, target } = await store.fresh()
    await journal.close()
    const acked = await runWriter(target, 0, 100_000, 200)
    expect(acked).toBeGreaterThanOrEqual(200)
    const after = await store.reopen(target)
    const fills = await after.query('SELECT trade_id, qty, price, client_order_id FROM fills')
    expect(fills.length).toBeGreaterThanOrEqual(acked)
    for (const r of fills) {
      const i = Number(String(r.trade_id).slice(1))
      expect(r).toEqual({ trade_id: `t${i}`, qty: `${i}.5`, price: `${i}.25`, client_order_id: `o${i}` })
    }
    const ids = fills.map((r) => Number(String(r.trade_id).slice(1))).sort((a, b) => a - b)
    expect(ids).toEqual(ids.map((_, i) => i)) // a prefix: batches commit whole and in order
    const orders = await after.query('SELECT client_order_id, seq, filled_qty FROM order_events')
    expect(orders.length).toBeGreaterThanOrEqual(acked)
    for (const r of orders) expect(r.filled_qty).toBe(`${String(r.client_order_id).slice(1)}.5`)
    await after.close()

    const total = ids.length + 150
    await runWriter(target, 0, total) // the restart replays everything from the start
    const final = await store.reopen(target)
    const counts = await final.query(
      'SELECT (SELECT COUNT(*) FROM fills) AS f, (SELECT COUNT(DISTINCT fill_key) FROM fills) AS k, (SELECT COUNT(*) FROM order_events) AS o',
    )
    expect(Object.values(counts[0] ?? {}).map(Number)).toEqual([total, total, total])
    await final.close()
  }, 120_000)
})

/** A SQLite driver that fails every statement while `down` is set (a database outage). */
function flaky(driver: SqlDriver): SqlDriver & { down: boolean } {
  const state = { down: false }
  const wrap = (d: SqlDriver): SqlDriver => ({
    dialect: d.dialect,
    all: (sql, params) => {
      if (state.down) return Promise.reject(new Error('database is down'))
      return d.all(sql, params)
    },
    transaction: (fn) => {
      if (state.down) return Promise.reject(new Error('database is down'))
      return d.transaction((tx) => fn(wrap(tx)))
    },
    close: () => d.close(),
  })
  const f = wrap(driver)
  return Object.defineProperty(f, 'down', {
    get: () => state.down,
    set: (v: boolean) => {
      state.down = v
    },
  }) as SqlDriver & { down: boolean }
}

describe('journal backlog (SQLite)', () => {
  let dir = ''
  let n = 0
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-backlog-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function open(options: { queueSize?: number; flushIntervalMs?: number; spillPath?: string } = {}) {
    const path = join(dir, `b${++n}.db`)
    const driver = flaky(await openSqliteDriver(path))
    await migrate(driver)
    const spillPath = options.spillPath ?? `${path}.spill`
    const journal = new TradeJournal({
      driver,
      spillPath,
      queueSize: options.queueSize ?? 1000,
      batchSize: 10,
      flushIntervalMs: options.flushIntervalMs ?? 5,
      now: () => 42,
    })
    await journal.start()
    const events: string[] = []
    journal.events.on('journal.backlogged', (e) => events.push(`backlogged: ${e.reason}`))
    journal.events.on('journal.caughtUp', () => events.push('caughtUp'))
    journal.events.on('journal.failed', (e) => events.push(`failed: ${e.reason}`))
    journal.events.on('error', () => {})
    return { journal, driver, spillPath, events }
  }
  const caughtUp = (j: TradeJournal) => new Promise<void>((r) => j.events.once('journal.caughtUp', () => r()))
  const tradeIds = async (j: TradeJournal) =>
    (await j.query('SELECT trade_id FROM fills ORDER BY trade_id')).map((r) => String(r.trade_id))

  it('spills while the database is down, stays backlogged, then writes the backlog once, in order', async () => {
    const { journal, driver, spillPath, events } = await open()
    journal.append(fill('a1'))
    await journal.flush()
    driver.down = true
    journal.append(fill('a2'))
    journal.append(fill('a3'))
    await journal.flush()
    expect(events).toEqual(['backlogged: journal database write failed: database is down'])
    expect(journal.isBacklogged).toBe(true)
    journal.append(fill('a4')) // goes behind the backlog, not around it
    const spilled = readFileSync(spillPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalEntry)
    expect(spilled.map((e) => (e.kind === 'fill' ? e.tradeId : e.kind))).toEqual(['a2', 'a3', 'a4'])
    const done = caughtUp(journal)
    driver.down = false
    await done
    expect(journal.isBacklogged).toBe(false)
    expect(readFileSync(spillPath, 'utf8')).toBe('')
    expect(await tradeIds(journal)).toEqual(['a1', 'a2', 'a3', 'a4'])
    expect(events).toEqual(['backlogged: journal database write failed: database is down', 'caughtUp'])
    await journal.close()
  })

  it('spills when the queue is full, and a backlog left by a crash is written on the next start', async () => {
    const { journal, driver, events, spillPath } = await open({ queueSize: 2, flushIntervalMs: 60_000 })
    driver.down = true // nothing reaches the database: the process "crashes" with a backlog
    for (const id of ['q1', 'q2', 'q3', 'q4']) journal.append(fill(id))
    expect(events).toEqual(['backlogged: journal queue full'])
    const spilled = readFileSync(spillPath, 'utf8').trim().split('\n')
    expect(spilled.map((l) => (JSON.parse(l) as { tradeId: string }).tradeId)).toEqual([
      'q1',
      'q2',
      'q3',
      'q4',
    ])
    // restart on the same file and spill file, database up
    const driver2 = await openSqliteDriver(join(dir, `b${n}.db`))
    const again = new TradeJournal({
      driver: driver2,
      spillPath,
      queueSize: 2,
      batchSize: 10,
      flushIntervalMs: 5,
      now: () => 43,
    })
    await again.start()
    expect(again.isBacklogged).toBe(false)
    expect(await tradeIds(again)).toEqual(['q1', 'q2', 'q3', 'q4'])
    await again.close()
    await driver.close()
  })

  it('fails loudly when the spill file cannot be written, and keeps the entries for the database', async () => {
    const { journal, driver, events } = await open({
      queueSize: 1,
      flushIntervalMs: 60_000,
      spillPath: join(dir, 'missing-dir', 'x.spill'),
    })
    driver.down = true
    journal.append(fill('f1'))
    journal.append(fill('f2'))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatch(
      /^failed: journal queue full; spill file ".*x\.spill" cannot be written: ENOENT/,
    )
    expect(journal.isFailed).toBe(true)
    driver.down = false
    await journal.flush()
    expect(await tradeIds(journal)).toEqual(['f1', 'f2'])
    await journal.close()
  })

  it('backs a SQLite file up before changing its schema; a failing step changes nothing', async () => {
    const path = join(dir, 'm.db')
    const driver = await openSqliteDriver(path)
    await migrate(driver)
    await driver.all(
      "INSERT INTO signals (id, strategy_id, venue, symbol, side, intent, reason, ts_event) VALUES ('s', 'A', 'v', 'x', 'BUY', 'ENTRY', 'r', 1)",
    )
    const top = MIGRATIONS.at(-1)?.version ?? 0
    const next = [
      ...MIGRATIONS,
      { version: top + 1, name: 'extra', statements: ['CREATE TABLE extra (a TEXT)'] },
    ]
    expect(
      await migrate(driver, { migrations: next, beforeMigrate: (v) => driver.backup(`${path}.v${v}.bak`) }),
    ).toBe(top + 1)
    expect(existsSync(`${path}.v${top}.bak`)).toBe(true)
    const backup = await openSqliteDriver(`${path}.v${top}.bak`)
    expect((await backup.all('SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v).toBe(top)
    expect(await backup.all('SELECT id FROM signals')).toEqual([{ id: 's' }])
    await backup.close()
    const broken = [
      ...next,
      { version: top + 2, name: 'broken', statements: ['CREATE TABLE extra3 (a TEXT)', 'NOT SQL'] },
    ]
    await expect(migrate(driver, { migrations: broken })).rejects.toThrow()
    expect((await driver.all('SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v).toBe(top + 1)
    expect(await driver.all("SELECT name FROM sqlite_master WHERE name = 'extra3'")).toEqual([])
    await driver.close()
  })
})
