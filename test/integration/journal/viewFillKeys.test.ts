/**
 * The last view lists the open orders' fill keys in booking order (`fills.seq`), like every other replay of the fills:
 * a fill booked later with an older time (a late report) comes after the ones booked before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fill, order, T0 } from './entries.js'
import { postgresHarness, sqliteHarness } from './stores.js'

describe.each([sqliteHarness(), postgresHarness()])('last view fill keys: $name', (store) => {
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('follows the booking order, not the fill times', async () => {
    const { journal, reopen } = await store.fresh()
    journal.append(order('o1', 'order.accepted', 'OPEN'))
    journal.append(order('o2', 'order.accepted', 'OPEN'))
    const booked = [
      fill('b1', { clientOrderId: 'o1', qty: '0.5', tsEvent: T0 + 30 }),
      fill('b2', { clientOrderId: 'o2', qty: '0.5', tsEvent: T0 + 10 }), // older, booked after
      fill('b3', { clientOrderId: 'o1', qty: '0.5', tsEvent: T0 + 20 }),
      fill('a0', { clientOrderId: 'o2', qty: '0.5', tsEvent: T0 + 20 }), // same time as b3, smaller key
    ]
    for (const f of booked.slice(0, 2)) journal.append(f)
    await journal.flush() // two batches: booking order b1, b2, then b3, a0
    for (const f of booked.slice(2)) journal.append(f)
    const seqs = await journal.query('SELECT trade_id, seq FROM fills ORDER BY seq')
    expect(seqs.map((r) => r.trade_id)).toEqual(['b1', 'b2', 'b3', 'a0'])
    expect((await journal.lastView()).fillKeys).toEqual(booked.map((f) => f.key))
    await journal.close()
    const again = await reopen() // read from the database afresh
    expect((await again.lastView()).fillKeys).toEqual(booked.map((f) => f.key))
    await again.close()
  })
})
