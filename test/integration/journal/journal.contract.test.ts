/**
 * One contract for both journal stores, against real databases: SQLite files in a temp dir and a Postgres server
 * started on a loopback port (startPostgres.ts). Idempotent fills, per-order sequences, decimal text, the last view,
 * the queries, the migrations' refusal of a newer schema.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../src/core/index.js'
import { isTradekitError, type TradekitError } from '../../../src/errors/index.js'
import { type SqlDriver, toCsv } from '../../../src/journal/index.js'
import { backfillViews } from '../../../src/journal/maintainViews.js'
import { fill, order, T0 } from './entries.js'
import { postgresHarness, sqliteHarness } from './stores.js'

const DAY = 86_400_000

describe.each([sqliteHarness(), postgresHarness()])('journal contract: $name', (store) => {
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('migrates a new database to the newest schema, once', async () => {
    const { journal, reopen } = await store.fresh()
    expect(await journal.query('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'bounded view and funding' },
      { version: 3, name: 'venue realized pnl' },
      { version: 4, name: 'fill booking order' },
    ])
    await journal.close()
    const again = await reopen()
    expect(await again.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([
      { n: expect.anything() },
    ])
    expect(Number((await again.query('SELECT COUNT(*) AS n FROM schema_migrations'))[0]?.n)).toBe(4)
    await again.close()
  })

  it('refuses a database whose schema is newer than the code', async () => {
    const { journal, reopen } = await store.fresh()
    await journal.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)")
    await journal.close()
    const err = await reopen().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isTradekitError(err) && err.code).toBe('INVALID_STATE')
    expect(String((err as Error).message)).toContain('"99"')
  })

  it('writes a fill once however often it is appended, across a restart', async () => {
    const { journal, reopen } = await store.fresh()
    journal.append(fill('t1'))
    journal.append(fill('t1'))
    journal.append(fill('t2'))
    await journal.flush()
    journal.append(fill('t1'))
    await journal.close()
    const again = await reopen()
    again.append(fill('t1'))
    again.append(fill('t2'))
    const fills = await again.fills()
    expect(fills.map((f) => f.tradeId)).toEqual(['t1', 't2'])
    // the same trade id on another order (a self-match) is another fill
    again.append(fill('t1', { clientOrderId: 'o-other' }))
    expect((await again.fills()).length).toBe(3)
    await again.close()
  })

  it('keeps money as decimal text, exactly', async () => {
    const { journal } = await store.fresh()
    journal.append(fill('t1', { price: '12345678901234567890.123456789', qty: '0.1', fee: '-0.00000001' }))
    const [f] = await journal.fills()
    expect(f).toMatchObject({
      price: '12345678901234567890.123456789',
      qty: '0.1',
      fee: '-0.00000001',
      tsEvent: T0,
    })
    await journal.close()
  })

  it('numbers the events of each order and keeps every state change', async () => {
    const { journal } = await store.fresh()
    journal.append(order('o1', 'order.submitted', 'PENDING_NEW'))
    journal.append(order('o2', 'order.submitted', 'PENDING_NEW'))
    journal.append(order('o1', 'order.accepted', 'OPEN', { venueOrderId: 'v1', tsEvent: T0 + 1 }))
    journal.append(
      order('o1', 'order.filled', 'FILLED', { filledQty: '2', avgFillPrice: '99.5', tsEvent: T0 + 2 }),
    )
    const history = await journal.orderHistory({ clientOrderId: 'o1' })
    expect(history.map((e) => [e.seq, e.event, e.status])).toEqual([
      [1, 'order.submitted', 'PENDING_NEW'],
      [2, 'order.accepted', 'OPEN'],
      [3, 'order.filled', 'FILLED'],
    ])
    expect(history[1]?.venueOrderId).toBe('v1')
    expect(history[2]).toMatchObject({ avgFillPrice: '99.5', filledQty: '2' })
    expect((await journal.orderHistory()).length).toBe(4)
    await journal.close()
  })

  it('numbers a late event of a finished order, and one first seen after a restart, after its last journaled event', async () => {
    const { journal, reopen } = await store.fresh()
    journal.append(order('o1', 'order.submitted', 'PENDING_NEW'))
    journal.append(order('o1', 'order.filled', 'FILLED', { filledQty: '2', tsEvent: T0 + 1 }))
    journal.append(order('o1', 'order.filled', 'FILLED', { filledQty: '2', reason: 'late', tsEvent: T0 + 2 }))
    journal.append(order('o2', 'order.accepted', 'OPEN', { tsEvent: T0 + 3 })) // never seen submitted
    journal.append(order('o2', 'order.canceled', 'CANCELED', { tsEvent: T0 + 4 }))
    expect((await journal.orderHistory({ clientOrderId: 'o1' })).map((e) => [e.seq, e.reason])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 'late'],
    ])
    expect((await journal.orderHistory({ clientOrderId: 'o2' })).map((e) => [e.seq, e.status])).toEqual([
      [1, 'OPEN'],
      [2, 'CANCELED'],
    ])
    await journal.close()
    const again = await reopen()
    again.append(order('o1', 'order.expired', 'EXPIRED', { tsEvent: T0 + 5 }))
    expect((await again.orderHistory({ clientOrderId: 'o1' })).map((e) => e.seq)).toEqual([1, 2, 3, 4])
    await again.close()
  })

  it("gives the last view: open orders, positions per strategy, the open orders' fills, the last trades", async () => {
    const { journal, reopen } = await store.fresh()
    journal.append(order('o1', 'order.accepted', 'OPEN'))
    journal.append(order('o1', 'order.filled', 'PARTIALLY_FILLED', { filledQty: '1', tsEvent: T0 + 5 }))
    journal.append(order('o2', 'order.accepted', 'OPEN'))
    journal.append(order('o2', 'order.canceled', 'CANCELED', { tsEvent: T0 + 6 }))
    journal.append(fill('t1', { clientOrderId: 'o1', tsEvent: T0 + 5 }))
    journal.append(fill('t2', { strategyId: 'B', side: 'SELL', qty: '0.5', tsEvent: T0 + 7 }))
    journal.append(fill('t3', { strategyId: 'B', symbol: 'ETHUSDT', tsEvent: T0 + 8 }))
    journal.append(fill('t4', { strategyId: 'B', symbol: 'ETHUSDT', side: 'SELL', tsEvent: T0 + 9 }))
    await journal.close()
    const again = await reopen()
    const view = await again.lastView()
    expect(view.openOrders.map((o) => [o.clientOrderId, o.seq, o.status, o.filledQty])).toEqual([
      ['o1', 2, 'PARTIALLY_FILLED', '1'],
    ])
    const usdt = (fee: string) => ({ fees: { USDT: fee }, realizedPnl: '0' })
    expect(view.positions).toEqual([
      { strategyId: 'A', venue: 'binance', symbol: 'BTCUSDT', qty: '1', entryPrice: '100', ...usdt('0.1') },
      {
        strategyId: 'B',
        venue: 'binance',
        symbol: 'BTCUSDT',
        qty: '-0.5',
        entryPrice: '100',
        ...usdt('0.1'),
      },
      { strategyId: 'B', venue: 'binance', symbol: 'ETHUSDT', qty: '0', ...usdt('0.2') }, // flat, fees kept
    ])
    expect(view.fillKeys).toEqual([fill('t1', { clientOrderId: 'o1' }).key])
    expect(view.lastTrades).toEqual([
      { venue: 'binance', symbol: 'BTCUSDT', tradeId: 't2', tsEvent: T0 + 7 },
      { venue: 'binance', symbol: 'ETHUSDT', tradeId: 't4', tsEvent: T0 + 9 },
    ])
    // the order's sequence continues after the restart
    again.append(order('o1', 'order.filled', 'FILLED', { filledQty: '2', tsEvent: T0 + 10 }))
    expect((await again.orderHistory({ clientOrderId: 'o1' })).map((e) => e.seq)).toEqual([1, 2, 3])
    expect((await again.lastView()).openOrders).toEqual([])
    await again.close()
  })

  it("books the venue's realized PnL in the instrument view whatever the fill order, the strategies' by average cost", async () => {
    const { journal, reopen } = await store.fresh()
    // At the venue: buy 1 at 100, then sell 1 at 110 (rp 10). The journal gets the sell first.
    const perp = { venue: 'binance-usdm', symbol: 'ETHUSDT', fee: '0' }
    journal.append(fill('p2', { ...perp, side: 'SELL', price: '110', realizedPnl: '10', tsEvent: T0 + 1 }))
    journal.append(fill('p1', { ...perp, price: '100', realizedPnl: '0', tsEvent: T0 + 2 }))
    await journal.close()
    const again = await reopen()
    const view = await again.lastView()
    expect(view.instruments?.find((p) => p.symbol === 'ETHUSDT')).toMatchObject({
      qty: '0',
      realizedPnl: '10',
    })
    // The strategy's share, by average cost in the order it arrived: short at 110, covered at 100.
    expect(view.positions.find((p) => p.symbol === 'ETHUSDT')).toMatchObject({ qty: '0', realizedPnl: '10' })
    expect((await again.fills({ venue: 'binance-usdm' })).map((f) => f.realizedPnl)).toEqual(['10', '0'])
    await again.close()
  })

  it('replays fills in the order they were booked: the view and the PnL query agree, whatever the times', async () => {
    const { journal, reopen } = await store.fresh()
    // The same millisecond, trade ids out of order: booked buy 100, sell 110 (realised 10), buy 120.
    journal.append(fill('b', { price: '100', fee: '0' }))
    journal.append(fill('c', { side: 'SELL', price: '110', fee: '0' }))
    journal.append(fill('a', { price: '120', fee: '0' }))
    // Another instrument, a fill booked after a later one (out of time order): sell 1 at 90 from 100 = -10.
    journal.append(fill('e1', { symbol: 'ETHUSDT', price: '100', fee: '0', tsEvent: T0 + 5 }))
    journal.append(fill('e2', { symbol: 'ETHUSDT', side: 'SELL', price: '90', fee: '0', tsEvent: T0 + 1 }))
    const view = await journal.lastView()
    expect(view.positions.map((p) => [p.symbol, p.qty, p.entryPrice, p.realizedPnl])).toEqual([
      ['BTCUSDT', '1', '120', '10'],
      ['ETHUSDT', '0', undefined, '-10'],
    ])
    const pnl = await journal.pnl({ by: ['strategy', 'instrument'] })
    expect(pnl.map((r) => [r.symbol, r.realizedPnl])).toEqual([
      ['BTCUSDT', '10'],
      ['ETHUSDT', '-10'],
    ])
    await journal.close()
    // the booking order is stored: a restart and a rebuild from the history give the same
    const again = await reopen()
    expect((await again.pnl({ by: ['strategy', 'instrument'] })).map((r) => r.realizedPnl)).toEqual([
      '10',
      '-10',
    ])
    await again.query('DELETE FROM positions')
    await again.query('DELETE FROM instrument_positions')
    await again.query('DELETE FROM open_orders')
    await backfillViews({ dialect: store.name, all: (sql, p) => again.query(sql, p) } as SqlDriver)
    expect(await again.lastView()).toEqual(view)
    // fills of one millisecond are listed in the order they were booked
    expect((await again.fills({ symbol: 'BTCUSDT' })).map((f) => f.tradeId)).toEqual(['b', 'c', 'a'])
    await again.close()
  })

  it('takes the newest trade of a millisecond as the last one booked, whatever its id', async () => {
    const { journal } = await store.fresh()
    journal.append(fill('999'))
    journal.append(fill('1000'))
    journal.append(fill('x-older', { symbol: 'ETHUSDT', tsEvent: T0 + 1 }))
    journal.append(fill('a-newer', { symbol: 'ETHUSDT', tsEvent: T0 + 1 }))
    journal.append(fill('late', { symbol: 'ETHUSDT', tsEvent: T0 })) // booked last, but older
    expect((await journal.lastView()).lastTrades).toEqual([
      { venue: 'binance', symbol: 'BTCUSDT', tradeId: '1000', tsEvent: T0 },
      { venue: 'binance', symbol: 'ETHUSDT', tradeId: 'a-newer', tsEvent: T0 + 1 },
    ])
    await journal.close()
  })

  it('writes late events of a finished order once, however often they are replayed', async () => {
    const { journal, reopen } = await store.fresh()
    journal.append(order('X', 'order.submitted', 'PENDING_NEW'))
    journal.append(order('X', 'order.canceled', 'CANCELED', { tsEvent: T0 + 1 }))
    // late fills reported after the cancel: numbered by the database
    const late = [
      order('X', 'order.filled', 'CANCELED', { filledQty: '0.3', tsEvent: T0 + 2 }),
      order('X', 'order.filled', 'CANCELED', { filledQty: '0.5', tsEvent: T0 + 3 }),
    ]
    for (const e of late) journal.append(e)
    await journal.flush()
    for (const e of late) journal.append(e) // the batch again (a spill file rewritten, a replay)
    await journal.close()
    const again = await reopen()
    for (const e of late) again.append(e) // and after a restart
    // an event that repeats an earlier state (not the last) at another time is another event
    again.append(order('X', 'order.filled', 'CANCELED', { filledQty: '0.3', tsEvent: T0 + 9 }))
    const history = await again.orderHistory({ clientOrderId: 'X' })
    expect(history.map((e) => `${e.seq} ${e.filledQty} ${e.tsEvent - T0}`)).toEqual([
      '1 0 0',
      '2 0 1',
      '3 0.3 2',
      '4 0.5 3',
      '5 0.3 9',
    ])
    await again.close()
  })

  it('stores a NUL character in any text column, and goes on writing (a venue rejection reason)', async () => {
    const { journal, reopen } = await store.fresh()
    const errors: unknown[] = []
    journal.events.on('error', (e) => errors.push(e))
    journal.append(
      order('r1', 'order.rejected', 'REJECTED', {
        seq: 1,
        reason: 'Order rejected\u0000',
        venueOrderId: 'v\u0000',
      }),
    )
    for (let i = 0; i < 5; i++) journal.append(fill(`t${i}`))
    await journal.flush()
    journal.append({
      kind: 'signal',
      id: 's\u00001',
      strategyId: 'A',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      intent: 'ENTRY',
      reason: 'cross\u0000',
      tsEvent: T0,
    })
    for (let i = 5; i < 10; i++) journal.append(fill(`t${i}`, { clientOrderId: `o\u0000${i}` }))
    await journal.flush()
    expect([journal.isBacklogged, (await journal.fills()).length]).toEqual([false, 10])
    expect(errors).toEqual([])
    expect((await journal.orderHistory({ clientOrderId: 'r1' }))[0]).toMatchObject({
      reason: 'Order rejected\ufffd',
      venueOrderId: 'v\ufffd',
    })
    await journal.close()
    const again = await reopen()
    expect((await again.fills()).length).toBe(10)
    expect(await again.query('SELECT id, reason FROM signals')).toEqual([
      { id: 's\ufffd1', reason: 'cross\ufffd' },
    ])
    await again.close()
  })

  it('sets aside an entry the database refuses, or one it could not store, and writes the rest', async () => {
    const { journal, reopen } = await store.fresh()
    const errors: TradekitError[] = []
    journal.events.on('error', (e) => errors.push(e))
    journal.append(fill('t1'))
    // a hand-built entry without its venue (NOT NULL), a fill whose price is not a number, a time that is not one
    journal.append({ ...fill('bad-venue'), venue: null } as unknown as JournalEntry)
    journal.append(fill('t2'))
    journal.append(fill('bad-price', { price: 'abc' }))
    journal.append(fill('bad-time', { tsEvent: Number.NaN }))
    journal.append(fill('t3'))
    await journal.flush()
    expect(journal.isBacklogged).toBe(false)
    expect((await journal.fills()).map((f) => f.tradeId)).toEqual(['t1', 't2', 't3'])
    expect((await journal.lastView()).positions[0]?.qty).toBe('3')
    expect(errors.map((e) => [e.code, (e.details.entry as { tradeId?: string }).tradeId])).toEqual([
      ['VALIDATION_FAILED', 'bad-time'], // refused at append
      ['VALIDATION_FAILED', 'bad-venue'],
      ['VALIDATION_FAILED', 'bad-price'],
    ])
    const dead = readFileSync(journal.deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; entry: { tradeId: string } })
    expect(dead.map((d) => d.entry.tradeId)).toEqual(['bad-time', 'bad-venue', 'bad-price'])
    expect(dead[1]?.reason).toMatch(/venue/)
    journal.append(fill('t4')) // later entries are written as usual
    await journal.close()
    const again = await reopen() // and a restart replays nothing refused
    expect((await again.fills()).map((f) => f.tradeId)).toEqual(['t1', 't2', 't3', 't4'])
    expect(readFileSync(again.deadLetterPath, 'utf8').trim().split('\n')).toHaveLength(3)
    await again.close()
  })

  it('never drops a fill in silence when its booking number clashes (a counter set back by hand)', async () => {
    const { journal } = await store.fresh()
    const errors: TradekitError[] = []
    journal.events.on('error', (e) => errors.push(e))
    journal.append(fill('t1'))
    await journal.flush()
    await journal.query("UPDATE journal_sequences SET value = 0 WHERE name = 'fills'")
    journal.append(fill('t2')) // numbered 1 again: it clashes with t1's booking number
    await journal.flush()
    expect((await journal.fills()).map((f) => f.tradeId)).toEqual(['t1'])
    expect(errors.map((e) => (e.details.entry as { tradeId?: string } | undefined)?.tradeId)).toEqual(['t2'])
    expect(readFileSync(journal.deadLetterPath, 'utf8')).toContain('"t2"')
  })

  it('computes realised PnL and fees by strategy, instrument and day', async () => {
    const { journal } = await store.fresh()
    journal.append(fill('t1', { price: '100', qty: '2', fee: '0.2' }))
    journal.append(fill('t2', { side: 'SELL', price: '110', qty: '1', fee: '0.11', tsEvent: T0 + 1 }))
    journal.append(fill('t3', { side: 'SELL', price: '90', qty: '1', fee: '0.09', tsEvent: T0 + DAY }))
    journal.append(
      fill('t4', { strategyId: 'B', side: 'SELL', price: '50', qty: '3', fee: '0', tsEvent: T0 }),
    )
    journal.append(fill('t5', { strategyId: 'B', price: '40', qty: '1', fee: '0', tsEvent: T0 + 2 }))
    const rows = await journal.pnl()
    expect(
      rows.map((r) => [r.strategyId, r.symbol, r.day, r.realizedPnl, r.fees, r.netPnl, r.fills]),
    ).toEqual([
      ['A', 'BTCUSDT', '2026-12-04', '10', '0.31', '9.69', 2],
      ['B', 'BTCUSDT', '2026-12-04', '10', '0', '10', 2],
      ['A', 'BTCUSDT', '2026-12-05', '-10', '0.09', '-10.09', 1],
    ])
    const byStrategy = await journal.pnl({ by: ['strategy'], from: T0 + DAY })
    expect(byStrategy.map((r) => [r.strategyId, r.realizedPnl, r.day])).toEqual([['A', '-10', undefined]])
    const csv = toCsv(await journal.fills({ strategyId: 'B' }), ['tradeId', 'side', 'price', 'fee'])
    expect(csv).toBe('tradeId,side,price,fee\r\nt4,SELL,50,0\r\nt5,BUY,40,0\r\n')
    await journal.close()
  })

  it('keeps signals, risk decisions, breaker transitions and snapshots, each once', async () => {
    const { journal } = await store.fresh()
    const sig = {
      kind: 'signal',
      id: 's1',
      strategyId: 'A',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      intent: 'ENTRY',
      reason: 'cross, "up"',
      tsEvent: T0,
    } as const
    journal.append(sig)
    journal.append(sig)
    journal.append({
      ...sig,
      kind: 'risk',
      id: 'r1',
      decision: 'DENIED',
      code: 'MAX_POSITION',
      reason: 'too big',
    })
    journal.append({
      kind: 'breaker',
      id: 'b1',
      from: 'ACTIVE',
      to: 'HALTED',
      reason: 'KILL_SWITCH',
      tsEvent: T0 + 1,
    })
    journal.append({
      kind: 'snapshot',
      id: 'p1',
      positions: [{ strategyId: 'A', venue: 'binance', symbol: 'BTCUSDT', qty: '0.5' }],
      balances: [{ venue: 'binance', asset: 'USDT', total: '1000.25' }],
      tsEvent: T0 + 2,
    })
    expect(await journal.breakerHistory()).toEqual([
      { from: 'ACTIVE', to: 'HALTED', reason: 'KILL_SWITCH', tsEvent: T0 + 1 },
    ])
    const counts = await journal.query(
      'SELECT (SELECT COUNT(*) FROM signals) AS s, (SELECT COUNT(*) FROM risk_decisions) AS r, (SELECT COUNT(*) FROM portfolio_snapshots) AS p',
    )
    expect(Object.values(counts[0] ?? {}).map(Number)).toEqual([1, 1, 1])
    const [snap] = await journal.query('SELECT balances FROM portfolio_snapshots')
    expect(JSON.parse(String(snap?.balances))).toEqual([
      { venue: 'binance', asset: 'USDT', total: '1000.25' },
    ])
    await journal.close()
  })
})
