/**
 * The journal never loses a fill or an order event: a writer killed with SIGKILL mid-write leaves no torn rows and,
 * replayed after the restart, duplicates nothing (both stores); a full queue or a database that fails spills to the
 * file (backlogged, then caught up); a spill file that cannot be written fails loudly; a SQLite file is backed up
 * before its schema changes and a failing step changes nothing.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fill, JournalEntry } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import {
  MIGRATIONS,
  migrate,
  openSqliteJournal,
  type SqlDriver,
  TradeJournal,
} from '../../../src/journal/index.js'
import { openSqliteDriver } from '../../../src/journal/openSqliteDriver.js'
import { fill, order, T0 } from './entries.js'
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

  it('closing while neither the database nor the spill file takes entries reports them, with the entries', async () => {
    const { journal, driver } = await open({
      queueSize: 1,
      flushIntervalMs: 60_000,
      spillPath: join(dir, 'missing-dir', 'y.spill'),
    })
    const errors: TradekitError[] = []
    journal.events.on('error', (e) => errors.push(e))
    driver.down = true
    journal.append(fill('c1'))
    journal.append(fill('c2'))
    expect(journal.isFailed).toBe(true)
    await journal.close()
    const last = errors.at(-1)
    expect(last?.message).toMatch(
      /^Journal closed: 2 entries the database did not take at close\(\) could not be kept/,
    )
    const entries = last?.details.entries as { tradeId: string }[] | undefined
    expect(entries?.map((e) => e.tradeId)).toEqual(['c1', 'c2'])
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

describe('journal spill path through openSqliteJournal', () => {
  let dir = ''
  let n = 0
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-spill-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const nextPath = () => join(dir, `s${++n}.db`)
  const fresh = (o: { queueSize?: number; path?: string } = {}) =>
    openSqliteJournal({
      path: o.path ?? nextPath(),
      flushIntervalMs: 5,
      ...(o.queueSize ? { queueSize: o.queueSize } : {}),
    })
  const errorsOf = (j: TradeJournal) => {
    const errors: TradekitError[] = []
    j.events.on('error', (e) => errors.push(e))
    return errors
  }

  it('flush() writes a backlog when the database is healthy: queries and close() see it', async () => {
    const j = await fresh({ queueSize: 2 })
    for (let i = 0; i < 3; i++) j.append(fill(`t${i}`))
    expect(j.isBacklogged).toBe(true)
    expect((await j.fills()).length).toBe(3) // queries flush, the backlog included
    expect(j.isBacklogged).toBe(false)
    for (let i = 3; i < 6; i++) j.append(fill(`t${i}`))
    await j.flush()
    expect([j.isBacklogged, (await j.query('SELECT COUNT(*) AS n FROM fills'))[0]?.n]).toEqual([false, 6])
    for (let i = 6; i < 9; i++) j.append(fill(`t${i}`))
    const path = (await j.query('PRAGMA database_list'))[0]?.file as string
    await j.close() // close() writes it too: nothing is left in the spill file
    expect(readFileSync(`${path}.spill`, 'utf8')).toBe('')
    const driver = await openSqliteDriver(path)
    expect((await driver.all('SELECT COUNT(*) AS n FROM fills'))[0]?.n).toBe(9)
    await driver.close()
  })

  it('writes late order events once when their batch is written again (the queue spilled while it was written)', async () => {
    const j = await fresh({ queueSize: 2 })
    try {
      const x = (event: string, status: 'PENDING_NEW' | 'CANCELED', filledQty: string, ts: number) =>
        order('X', event, status, { qty: '1', filledQty, tsEvent: ts })
      j.append(x('order.submitted', 'PENDING_NEW', '0', T0))
      j.append(x('order.canceled', 'CANCELED', '0', T0 + 1))
      await j.flush()
      j.append(x('order.filled', 'CANCELED', '0.3', T0 + 2))
      j.append(x('order.filled', 'CANCELED', '0.5', T0 + 3))
      const writing = j.flush()
      // the queue is full while its batch is being written: it goes to the spill file, and is written again from there
      j.append({
        kind: 'signal',
        id: 's1',
        strategyId: 'A',
        venue: 'binance',
        symbol: 'BTCUSDT',
        side: 'BUY',
        intent: 'x',
        reason: 'r',
        tsEvent: T0 + 4,
      })
      expect(j.isBacklogged).toBe(true)
      await writing
      for (let i = 0; i < 200 && j.isBacklogged; i++) await new Promise((r) => setTimeout(r, 10)) // the timer writes it
      expect(j.isBacklogged).toBe(false)
      const history = await j.orderHistory({ clientOrderId: 'X' })
      expect(history.map((e) => `${e.seq} ${e.filledQty}`)).toEqual(['1 0', '2 0', '3 0.3', '4 0.5'])
    } finally {
      await j.close()
    }
  })

  it('keeps an entry appended after close() in the spill file and reports it; the next open writes it', async () => {
    const path = nextPath()
    const j = await fresh({ path })
    const errors = errorsOf(j)
    j.append(fill('before'))
    await j.close()
    j.append(fill('late'))
    j.appendFill({ ...fillOf('late-ref'), tsEvent: T0 + 1 })
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      [
        'INVALID_STATE',
        expect.stringMatching(/1 entry appended after close\(\) kept in the spill file ".*\.spill"/),
      ],
      ['INVALID_STATE', expect.stringMatching(/appended after close\(\)/)],
    ])
    const again = await fresh({ path })
    expect((await again.fills()).map((f) => f.tradeId)).toEqual(['before', 'late', 'late-ref'])
    await again.close()
  })

  it('sets aside corrupt and refused lines of a spill file, reports each once, and writes the rest', async () => {
    const path = nextPath()
    const lines = [
      JSON.stringify(fill('s1')),
      '{"kind":"fill","tradeId":', // corrupt (not a torn last line: more follow)
      JSON.stringify({ ...fill('s2'), symbol: null }), // the database refuses it (NOT NULL)
      JSON.stringify({ kind: 'nope', tsEvent: 1 }),
      JSON.stringify(fill('s3')),
    ]
    writeFileSync(`${path}.spill`, `${lines.join('\n')}\n`)
    const j = await fresh({ path })
    expect(j.isBacklogged).toBe(false)
    expect((await j.fills()).map((f) => f.tradeId)).toEqual(['s1', 's3'])
    expect(readFileSync(`${path}.spill`, 'utf8')).toBe('')
    const dead = readFileSync(j.deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; entry: unknown })
    expect(dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^Corrupt spill file line: not JSON/),
      expect.stringMatching(/^Corrupt spill file line: unknown entry kind "nope"/),
      expect.stringMatching(/NOT NULL constraint failed: fills\.symbol/),
    ])
    expect(dead[0]?.entry).toBe(lines[1])
    await j.close()
    const again = await fresh({ path }) // the restart replays nothing
    expect((await again.fills()).length).toBe(2)
    expect(readFileSync(again.deadLetterPath, 'utf8').trim().split('\n')).toHaveLength(3)
    await again.close()
  })

  it('reports a backlog it cannot write, once, and writes it when the database is back', async () => {
    const path = nextPath()
    const j = await fresh({ path, queueSize: 1 })
    const errors = errorsOf(j)
    await j.query('ALTER TABLE fills RENAME TO fills_away') // the database fails every write of a fill
    j.append(fill('b1'))
    j.append(fill('b2'))
    expect(j.isBacklogged).toBe(true)
    await j.flush() // resolves: the entries are safe in the spill file
    await new Promise((r) => setTimeout(r, 100)) // the timer retries meanwhile
    expect(j.isBacklogged).toBe(true)
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Journal backlog write failed/)])
    await j.query('ALTER TABLE fills_away RENAME TO fills')
    await j.flush()
    expect([j.isBacklogged, (await j.fills()).length]).toEqual([false, 2])
    await j.close()
  })

  it('opens a new file from two journals at once (no "database is locked")', async () => {
    const path = nextPath()
    const opened = await Promise.allSettled([
      openSqliteJournal({ path, spillPath: `${path}.a.spill` }),
      openSqliteJournal({ path, spillPath: `${path}.b.spill` }),
    ])
    expect(opened.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason)))).toEqual(['ok', 'ok'])
    for (const r of opened) if (r.status === 'fulfilled') await r.value.close()
    const driver = await openSqliteDriver(path)
    expect((await driver.all('SELECT COUNT(*) AS n FROM schema_migrations'))[0]?.n).toBe(MIGRATIONS.length)
    await driver.close()
  })
})

/** A domain fill, for `appendFill`. */
function fillOf(tradeId: string): Fill {
  return {
    venue: 'binance',
    symbol: 'BTCUSDT',
    clientOrderId: `o-${tradeId}`,
    tradeId,
    side: 'BUY',
    price: new Decimal('100'),
    qty: new Decimal('1'),
    fee: new Decimal('0.1'),
    feeAsset: 'USDT',
    liquidity: 'TAKER',
    tsEvent: T0,
  }
}
