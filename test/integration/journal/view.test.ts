/**
 * The journal's last view on both stores, read from the tables the writes maintain: right after thousands of fills
 * (equal to a replay of the history, and to what the schema step's backfill builds from it), read without touching the
 * history (SQLite's query plans), and enough for a Portfolio to start where an identical one stopped. Funding is
 * journaled and in the PnL query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillKey, type JournalFillEntry } from '../../../src/core/index.js'
import type { Fill, Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { Portfolio } from '../../../src/execution/index.js'
import type { SqlDriver } from '../../../src/journal/index.js'
import { MIGRATIONS, migrate, openSqliteJournal } from '../../../src/journal/index.js'
import { backfillViews } from '../../../src/journal/maintainViews.js'
import { openPostgresDriver } from '../../../src/journal/openPostgresDriver.js'
import { openSqliteDriver } from '../../../src/journal/openSqliteDriver.js'
import { readView } from '../../../src/journal/readView.js'
import { fill, order, T0 } from './entries.js'
import { postgresHarness, sqliteHarness } from './stores.js'

/** A seeded pseudo-random sequence (xorshift), so the history is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}

/** Many fills over two strategies (and none), two instruments, both directions, flips included. */
function history(n: number): JournalFillEntry[] {
  const r = rng(7)
  const out: JournalFillEntry[] = []
  for (let i = 0; i < n; i++) {
    const sid = ['A', 'B', undefined][Math.floor(r() * 3)]
    out.push(
      fill(`t${i}`, {
        ...(sid === undefined ? { strategyId: undefined } : { strategyId: sid }),
        symbol: r() < 0.5 ? 'BTCUSDT' : 'ETHUSDT',
        side: r() < 0.5 ? 'BUY' : 'SELL',
        price: (90 + Math.floor(r() * 2000) / 100).toFixed(2),
        qty: (Math.floor(r() * 1000) / 1000 + 0.001).toFixed(3),
        fee: (Math.floor(r() * 100) / 1000).toFixed(3),
        clientOrderId: `o${Math.floor(i / 3)}`,
        tsEvent: T0 + i,
      }),
    )
  }
  return out
}

/** The positions of the view, by a replay in the test (the Portfolio's arithmetic): quantity, realised, fees. */
function replay(fills: readonly JournalFillEntry[]) {
  type Book = { qty: Decimal; entry: Decimal; realized: Decimal; fees: Decimal }
  const books = new Map<string, Book>()
  const zero = new Decimal(0)
  for (const f of fills) {
    const id = `${f.strategyId ?? ''}|${f.symbol}`
    const b = books.get(id) ?? { qty: zero, entry: zero, realized: zero, fees: zero }
    books.set(id, b)
    const qty = new Decimal(f.qty)
    const q = f.side === 'BUY' ? qty : qty.neg()
    const p = new Decimal(f.price)
    b.fees = b.fees.plus(f.fee)
    if (b.qty.isZero() || b.qty.isPositive() === q.isPositive()) {
      b.entry = b.entry.times(b.qty.abs()).plus(p.times(qty)).div(b.qty.plus(q).abs())
      b.qty = b.qty.plus(q)
      continue
    }
    const closed = Decimal.min(b.qty.abs(), qty)
    b.realized = b.realized.plus(
      p
        .minus(b.entry)
        .times(closed)
        .times(b.qty.isPositive() ? 1 : -1),
    )
    const next = b.qty.plus(q)
    if (next.isZero()) b.entry = zero
    else if (next.isPositive() !== b.qty.isPositive()) b.entry = p
    b.qty = next
  }
  return [...books.entries()]
    .map(([id, b]) => {
      const [strategyId, symbol] = id.split('|') as [string, string]
      return {
        strategyId,
        symbol,
        qty: b.qty.toString(),
        realizedPnl: b.realized.toString(),
        fees: b.fees.toString(),
      }
    })
    .sort((a, b) => (`${a.strategyId}|${a.symbol}` < `${b.strategyId}|${b.symbol}` ? -1 : 1))
}

describe.each([sqliteHarness(), postgresHarness()])('journal view: $name', (store) => {
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('is right after thousands of fills, and equals what the backfill builds from the history', async () => {
    const { journal, reopen } = await store.fresh()
    const fills = history(4_000)
    for (const f of fills) journal.append(f)
    for (const f of fills.slice(0, 500)) journal.append(f) // replayed: counted once
    journal.append(order('o-open', 'order.accepted', 'OPEN', { tsEvent: T0 }))
    journal.append(order('o-done', 'order.accepted', 'OPEN', { tsEvent: T0 }))
    journal.append(order('o-done', 'order.filled', 'FILLED', { filledQty: '2', tsEvent: T0 + 1 }))
    await journal.close()
    const again = await reopen()
    const view = await again.lastView()
    const got = view.positions
      .map((p) => ({
        strategyId: p.strategyId,
        symbol: p.symbol,
        qty: p.qty,
        realizedPnl: p.realizedPnl,
        fees: Object.values(p.fees ?? {})[0],
      }))
      .sort((a, b) => (`${a.strategyId}|${a.symbol}` < `${b.strategyId}|${b.symbol}` ? -1 : 1))
    expect(got).toEqual(replay(fills))
    expect(got).toHaveLength(6)
    for (const p of view.positions) {
      if (p.qty === '0') expect(p.entryPrice).toBeUndefined()
      else expect(new Decimal(p.entryPrice ?? 'NaN').gt(0)).toBe(true)
    }
    // the realised PnL agrees with the PnL query (which replays the history)
    const pnl = await again.pnl({ by: ['strategy', 'instrument'] })
    for (const p of view.positions) {
      const row = pnl.find((r) => (r.strategyId ?? '') === p.strategyId && r.symbol === p.symbol)
      expect(row?.realizedPnl).toBe(p.realizedPnl)
    }
    expect(view.lastTrades).toEqual([
      { venue: 'binance', symbol: 'BTCUSDT', tradeId: expect.any(String), tsEvent: expect.any(Number) },
      { venue: 'binance', symbol: 'ETHUSDT', tradeId: expect.any(String), tsEvent: expect.any(Number) },
    ])
    for (const t of view.lastTrades) {
      const newest = fills.filter((f) => f.symbol === t.symbol).at(-1)
      expect([t.tradeId, t.tsEvent]).toEqual([newest?.tradeId, newest?.tsEvent])
    }
    expect(view.openOrders.map((o) => o.clientOrderId)).toEqual(['o-open'])
    // each instrument's own book: every fill, whatever the strategy
    const perInstrument = replay(fills.map((f) => ({ ...f, strategyId: 'all' })))
    expect(view.instruments?.map((p) => [p.symbol, p.qty, p.realizedPnl])).toEqual(
      perInstrument.map((p) => [p.symbol, p.qty, p.realizedPnl]),
    )
    // the schema step's backfill, run on the same history, builds the same tables
    await again.query('DELETE FROM positions')
    await again.query('DELETE FROM open_orders')
    await again.query('DELETE FROM instrument_positions')
    const driver = {
      dialect: store.name,
      all: (sql: string, p?: readonly unknown[]) => again.query(sql, p),
    } as SqlDriver
    await backfillViews(driver)
    expect(await again.lastView()).toEqual(view)
    await again.close()
  }, 120_000)

  it('journals funding and adds it to the PnL where known', async () => {
    const { journal } = await store.fresh()
    journal.append(fill('t1', { venue: 'binance-usdm', price: '100', qty: '2', fee: '0.2' }))
    journal.append(
      fill('t2', {
        venue: 'binance-usdm',
        side: 'SELL',
        price: '110',
        qty: '1',
        fee: '0.1',
        tsEvent: T0 + 1,
      }),
    )
    const funding = { kind: 'funding', venue: 'binance-usdm', symbol: 'BTCUSDT', asset: 'USDT' } as const
    journal.append({ ...funding, id: 'f1', amount: '-0.02', tsEvent: T0 + 2 })
    journal.append({ ...funding, id: 'f1', amount: '-0.02', tsEvent: T0 + 2 }) // replayed: once
    journal.append({ ...funding, id: 'f2', amount: '0.005', tsEvent: T0 + 3 })
    const byInstrument = await journal.pnl({ by: ['instrument'] })
    expect(byInstrument.map((r) => [r.symbol, r.realizedPnl, r.fees, r.funding, r.netPnl])).toEqual([
      ['BTCUSDT', '10', '0.3', '-0.015', '9.685'],
    ])
    // funding belongs to the venue position: the row without a strategy; left out when filtering by strategy
    const byStrategy = await journal.pnl({ by: ['strategy'] })
    expect(byStrategy.map((r) => [r.strategyId, r.funding, r.netPnl])).toEqual([
      ['A', '0', '9.7'],
      [undefined, '-0.015', '-0.015'],
    ])
    expect((await journal.pnl({ by: ['strategy'], strategyId: 'A' })).map((r) => r.funding)).toEqual(['0'])
    expect((await journal.pnl({ by: ['day'], from: T0 + 3 })).map((r) => r.funding)).toEqual(['0.005'])
    await journal.close()
  })
})

describe.each([sqliteHarness(), postgresHarness()])(
  'journal fill booking order on an existing database: $name',
  (store) => {
    beforeAll(() => store.setup(), 60_000)
    afterAll(() => store.teardown())

    it('numbers the fills of a journal written before it in their insertion order, and rebuilds the books in it', async () => {
      const target = await store.blank()
      const driver =
        target.path === undefined
          ? await openPostgresDriver({ connectionString: target.connectionString })
          : await openSqliteDriver(target.path)
      await migrate(driver, { migrations: MIGRATIONS.slice(0, 3) }) // the schema before the booking order
      // Written in this order: the same millisecond with ids out of order, and a fill older than the one before it.
      const written = [
        fill('b', { price: '100', fee: '0' }),
        fill('c', { side: 'SELL', price: '110', fee: '0' }),
        fill('a', { price: '120', fee: '0' }),
        fill('e1', { symbol: 'ETHUSDT', price: '100', fee: '0', tsEvent: T0 + 5 }),
        fill('e2', { symbol: 'ETHUSDT', side: 'SELL', price: '90', fee: '0', tsEvent: T0 + 1 }),
      ]
      for (const f of written) {
        await driver.all(
          `INSERT INTO fills (fill_key, strategy_id, venue, symbol, client_order_id, trade_id, side, price, qty, fee, fee_asset, liquidity, ts_event)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            f.key.replaceAll('\u0000', '\u001f'),
            f.strategyId,
            f.venue,
            f.symbol,
            f.clientOrderId,
            f.tradeId,
            f.side,
            f.price,
            f.qty,
            f.fee,
            f.feeAsset,
            f.liquidity,
            f.tsEvent,
          ],
        )
      }
      await driver.all(
        // a stale book (as a by-time backfill left it): rebuilt
        "INSERT INTO positions (strategy_id, venue, symbol, qty, realized_pnl, fees, last_trade_id, last_ts_event) VALUES ('A', 'binance', 'BTCUSDT', '9', '0', '{}', 'x', 0)",
      )
      await driver.close()
      const journal = await store.reopen(target)
      expect((await journal.query('SELECT trade_id FROM fills ORDER BY seq')).map((r) => r.trade_id)).toEqual(
        written.map((f) => f.tradeId),
      )
      const view = await journal.lastView()
      expect(view.positions.map((p) => [p.symbol, p.qty, p.realizedPnl])).toEqual([
        ['BTCUSDT', '1', '10'],
        ['ETHUSDT', '0', '-10'],
      ])
      expect((await journal.pnl({ by: ['instrument'] })).map((r) => [r.symbol, r.realizedPnl])).toEqual([
        ['BTCUSDT', '10'],
        ['ETHUSDT', '-10'],
      ])
      expect(view.lastTrades.map((t) => t.tradeId)).toEqual(['a', 'e1'])
      // new fills continue the numbering
      journal.append(fill('n1', { side: 'SELL', price: '130', fee: '0' }))
      expect((await journal.pnl({ by: ['instrument'] }))[0]?.realizedPnl).toBe('20')
      expect(Number((await journal.query("SELECT seq FROM fills WHERE trade_id = 'n1'"))[0]?.seq)).toBe(6)
      await journal.close()
    })
  },
)

describe('journal view: bounded read (SQLite)', () => {
  const sqlite = sqliteHarness()
  beforeAll(() => sqlite.setup())
  afterAll(() => sqlite.teardown())

  it('a journal written before the maintained tables gets them filled from its history when it is migrated', async () => {
    const { journal, target } = await sqlite.fresh()
    await journal.close()
    const path = `${target.path!}.old.db`
    const old = await openSqliteDriver(path)
    await migrate(old, { migrations: MIGRATIONS.slice(0, 1) }) // the first schema only
    const fills = history(200)
    for (const f of fills) {
      await old.all(
        `INSERT INTO fills (fill_key, strategy_id, venue, symbol, client_order_id, trade_id, side, price, qty, fee, fee_asset, liquidity, ts_event)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          f.key.replaceAll('\u0000', '\u001f'),
          f.strategyId ?? null,
          f.venue,
          f.symbol,
          f.clientOrderId,
          f.tradeId,
          f.side,
          f.price,
          f.qty,
          f.fee,
          f.feeAsset,
          f.liquidity,
          f.tsEvent,
        ],
      )
    }
    const o = order('o-open', 'order.accepted', 'OPEN')
    await old.all(
      `INSERT INTO order_events (client_order_id, seq, event, strategy_id, venue, symbol, side, order_type, status, qty, price, filled_qty, ts_event)
       VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        o.clientOrderId,
        o.event,
        o.strategyId,
        o.venue,
        o.symbol,
        o.side,
        o.orderType,
        o.status,
        o.qty,
        o.price,
        o.filledQty,
        o.tsEvent,
      ],
    )
    await old.close()
    const migrated = await openSqliteJournal({ path })
    const view = await migrated.lastView()
    const got = view.positions
      .map((p) => ({
        strategyId: p.strategyId,
        symbol: p.symbol,
        qty: p.qty,
        realizedPnl: p.realizedPnl,
        fees: Object.values(p.fees ?? {})[0],
      }))
      .sort((a, b) => (`${a.strategyId}|${a.symbol}` < `${b.strategyId}|${b.symbol}` ? -1 : 1))
    expect(got).toEqual(replay(fills))
    expect(view.openOrders.map((x) => x.clientOrderId)).toEqual(['o-open'])
    await migrated.close()
  })

  it('reads only the maintained tables and indexed look-ups, never a scan of the fills or order events', async () => {
    const { journal, target } = await sqlite.fresh()
    for (const f of history(300)) journal.append(f)
    journal.append(order('o1', 'order.accepted', 'OPEN'))
    await journal.close()
    const driver = await openSqliteDriver(target.path!)
    const statements: string[] = []
    const recording: SqlDriver = {
      ...driver,
      all: (sql, params) => {
        statements.push(sql)
        return driver.all(sql, params)
      },
    }
    const view = await readView(recording)
    expect(view.openOrders).toHaveLength(1)
    expect(statements.length).toBeGreaterThanOrEqual(3)
    for (const sql of statements) {
      const plan = await driver.all(`EXPLAIN QUERY PLAN ${sql}`, sql.includes('?') ? ['o1'] : [])
      const steps = plan.map((r) => String(r.detail))
      expect(steps.filter((d) => /^SCAN (fills|order_events|o|f)\b/.test(d))).toEqual([])
    }
    await driver.close()
  })
})

const btc: Instrument = {
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'perpetual',
  tickSize: new Decimal('0.1'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
}
const eth: Instrument = { ...btc, venue: 'binance', symbol: 'ETHUSDT', base: 'ETH', kind: 'spot' }

describe('Portfolio.restore from the journal (SQLite)', () => {
  const sqlite = sqliteHarness()
  beforeAll(() => sqlite.setup())
  afterAll(() => sqlite.teardown())

  it('starts where a portfolio that booked the same fills stopped: positions, entries, realised PnL, fees, per strategy', async () => {
    const { journal } = await sqlite.fresh()
    const before = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc, eth] })
    const sid = new Map<string, string>()
    let n = 0
    const trade = (
      inst: Instrument,
      strategyId: string | undefined,
      side: 'BUY' | 'SELL',
      price: string,
      qty: string,
    ) => {
      const f: Fill = {
        venue: inst.venue,
        symbol: inst.symbol,
        clientOrderId: `c${++n}`,
        tradeId: `t${n}`,
        side,
        price: new Decimal(price),
        qty: new Decimal(qty),
        fee: new Decimal(qty).times(price).times('0.0004'),
        feeAsset: 'USDT',
        liquidity: 'TAKER',
        tsEvent: T0 + n,
      }
      if (strategyId !== undefined) {
        before.attribute(f.clientOrderId, strategyId)
        sid.set(f.clientOrderId, strategyId)
      }
      expect(before.applyFill(f).ok).toBe(true)
      journal.append({
        kind: 'fill',
        key: fillKey(f),
        ...(strategyId === undefined ? {} : { strategyId }),
        venue: f.venue,
        symbol: f.symbol,
        clientOrderId: f.clientOrderId,
        tradeId: f.tradeId,
        side,
        price,
        qty,
        fee: f.fee.toString(),
        feeAsset: 'USDT',
        liquidity: 'TAKER',
        tsEvent: f.tsEvent,
      })
    }
    trade(btc, 'A', 'BUY', '100', '2')
    trade(btc, 'A', 'BUY', '110', '1')
    trade(btc, 'A', 'SELL', '120', '1.5')
    trade(btc, 'B', 'SELL', '115', '0.5')
    trade(btc, 'B', 'BUY', '105', '0.2')
    trade(eth, 'A', 'BUY', '10', '3')
    trade(eth, 'A', 'SELL', '12', '1')
    trade(eth, undefined, 'BUY', '11', '2')
    const view = await journal.lastView()
    const after = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc, eth] })
    after.restore(view)
    const pick = (p: Portfolio) =>
      p
        .positions()
        .map((x) => [
          x.symbol,
          x.qty.toString(),
          x.entryPrice?.toString(),
          x.realizedPnl.toString(),
          x.feesPaid.toString(),
        ])
        .sort()
    expect(pick(after)).toEqual(pick(before))
    const shares = (p: Portfolio, s: string) =>
      p
        .strategyPositions(s)
        .map((x) => [x.symbol, x.qty.toString(), x.entryPrice?.toString(), x.realizedPnl.toString()])
        .sort()
    for (const s of ['A', 'B']) expect(shares(after, s)).toEqual(shares(before, s))
    expect([...after.feesPaid()]).toEqual([...before.feesPaid()])
    expect(after.checkInvariants().ok).toBe(true)
    // only a fresh portfolio can be restored; a bad row changes nothing
    expect(() => after.restore(view)).toThrow(/fresh/)
    const fresh = new Portfolio({ instruments: [btc] })
    expect(() =>
      fresh.restore({ positions: [{ venue: 'binance', symbol: 'XRPUSDT', qty: '1', entryPrice: '1' }] }),
    ).toThrow(/not registered/)
    expect(() => fresh.restore({ positions: [{ venue: btc.venue, symbol: 'BTCUSDT', qty: '1' }] })).toThrow(
      /entry price/,
    )
    expect(() =>
      fresh.restore({ positions: [{ venue: btc.venue, symbol: 'BTCUSDT', qty: 'abc', entryPrice: '1' }] }),
    ).toThrow()
    expect(fresh.positions()).toEqual([])
    await journal.close()
  })
})
