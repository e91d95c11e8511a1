/**
 * One contract for both journal stores, against real databases: SQLite files in a temp dir and a Postgres server
 * started on a loopback port (startPostgres.ts). Idempotent fills, per-order sequences, decimal text, the last view,
 * the queries, the migrations' refusal of a newer schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTradekitError } from '../../../src/errors/index.js'
import { toCsv } from '../../../src/journal/index.js'
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
    ])
    await journal.close()
    const again = await reopen()
    expect(await again.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([
      { n: expect.anything() },
    ])
    expect(Number((await again.query('SELECT COUNT(*) AS n FROM schema_migrations'))[0]?.n)).toBe(3)
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
