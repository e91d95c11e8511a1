/**
 * Late order events (numbered by the database: the order is not live in memory) are skipped as replays only when they
 * repeat an event whole: two amendments in one millisecond with the same status but another price or quantity are two
 * events, kept in order; the same amendment written again (a spill file rewritten, a restart replaying) is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { order, T0 } from './entries.js'
import { postgresHarness, sqliteHarness } from './stores.js'

describe.each([sqliteHarness(), postgresHarness()])('late order amendments: $name', (store) => {
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('keeps amendments that differ only in price or quantity, and drops their replays', async () => {
    const { journal } = await store.fresh()
    // Never seen submitted (first seen after a restart): every event is numbered by the database.
    const amendments = [
      order('A', 'order.amended', 'OPEN', { price: '100', qty: '2', tsEvent: T0 }),
      order('A', 'order.amended', 'OPEN', { price: '101', qty: '2', tsEvent: T0 }), // same ms, new price
      order('A', 'order.amended', 'OPEN', { price: '101', qty: '3', tsEvent: T0 }), // same ms, new quantity
    ]
    for (const e of amendments) journal.append(e)
    for (const e of amendments) journal.append({ ...e }) // twice in one batch
    await journal.flush()
    for (const e of amendments) journal.append({ ...e }) // the batch again (a spill file rewritten)
    // A market order's amendment without a price, twice: once.
    const market = order('B', 'order.amended', 'OPEN', { orderType: 'MARKET', tsEvent: T0 })
    delete (market as { price?: string }).price
    journal.append(market)
    journal.append({ ...market })
    const history = await journal.orderHistory({ clientOrderId: 'A' })
    expect(history.map((e) => `${e.seq} ${e.price} ${e.qty}`)).toEqual(['1 100 2', '2 101 2', '3 101 3'])
    expect((await journal.orderHistory({ clientOrderId: 'B' })).map((e) => [e.seq, e.price])).toEqual([
      [1, undefined],
    ])
    await journal.close()
  })
})
