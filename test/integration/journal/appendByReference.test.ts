/**
 * `appendOrder` / `appendFill` (what the engine uses: the order or fill kept by reference, the entry built when the
 * batch is written) journal exactly what `append(journalOrderEntry(...))` / `append(journalFillEntry(...))` do: the
 * same rows, the same sequences, also when the entries go through the spill file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { journalFillEntry, journalOrderEntry } from '../../../src/core/index.js'
import type { Fill, Order } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { openSqliteJournal, type TradeJournal } from '../../../src/journal/index.js'
import { T0 } from './entries.js'

const dir = mkdtempSync(join(tmpdir(), 'tradekit-append-ref-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const submitted: Order = {
  clientOrderId: 'o1',
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('0.3'),
  price: new Decimal('100.25'),
  status: 'PENDING_NEW',
  filledQty: new Decimal(0),
  tsCreated: T0,
  tsUpdated: T0,
}
const accepted: Order = { ...submitted, status: 'OPEN', venueOrderId: 'v1', tsUpdated: T0 + 1 }
const fills: Fill[] = [1, 2].map((i) => ({
  venue: 'binance',
  symbol: 'BTCUSDT',
  clientOrderId: 'o1',
  venueOrderId: 'v1',
  tradeId: `t${i}`,
  side: 'BUY',
  price: new Decimal('100.25'),
  qty: new Decimal('0.15'),
  fee: new Decimal('0.0150375'),
  feeAsset: 'USDT',
  liquidity: 'MAKER',
  tsEvent: T0 + 1 + i,
}))
const filled: Order = {
  ...accepted,
  status: 'FILLED',
  filledQty: new Decimal('0.3'),
  avgFillPrice: new Decimal('100.25'),
  tsUpdated: T0 + 3,
}

async function journalRun(name: string, byReference: boolean, queueSize?: number) {
  const journal = await openSqliteJournal({
    path: join(dir, `${name}.db`),
    ...(queueSize ? { queueSize } : {}),
  })
  const backlogged: string[] = []
  journal.events.on('journal.backlogged', (e) => backlogged.push(e.reason))
  const caughtUp = new Promise<void>((resolve) => journal.events.once('journal.caughtUp', () => resolve()))
  const ord = (event: string, o: Order) =>
    byReference ? journal.appendOrder(event, o, 'A') : journal.append(journalOrderEntry(event, o, 'A'))
  const fil = (f: Fill) =>
    byReference ? journal.appendFill(f, 'A') : journal.append(journalFillEntry(f, 'A'))
  ord('order.submitted', submitted)
  ord('order.accepted', accepted)
  for (const f of fills) fil(f)
  ord('order.filled', filled)
  ord('order.filled', filled) // a late duplicate after the final state: numbered by the database, skipped as a replay
  // A flush waits for the queue only: the timer writes the backlog (then `journal.caughtUp`).
  if (backlogged.length > 0) await caughtUp
  const out = await rows(journal)
  await journal.close()
  return { ...out, backlogged }
}

async function rows(journal: TradeJournal) {
  return {
    history: await journal.orderHistory(),
    fills: await journal.fills(),
    view: await journal.lastView(),
  }
}

describe('appendOrder / appendFill', () => {
  it('journal the same rows as append with the built entries', async () => {
    const eager = await journalRun('eager', false)
    const lazy = await journalRun('lazy', true)
    expect(lazy.history.map((e) => [e.seq, e.event, e.status])).toEqual([
      [1, 'order.submitted', 'PENDING_NEW'],
      [2, 'order.accepted', 'OPEN'],
      [3, 'order.filled', 'FILLED'],
    ])
    expect(lazy.history).toEqual(eager.history)
    expect(lazy.fills).toEqual(eager.fills)
    expect(lazy.fills.map((f) => [f.tradeId, f.price, f.qty, f.fee])).toEqual([
      ['t1', '100.25', '0.15', '0.0150375'],
      ['t2', '100.25', '0.15', '0.0150375'],
    ])
    expect(lazy.view).toEqual(eager.view)
  })

  it('spill the built entries when the queue is full, and write them once caught up', async () => {
    const eager = await journalRun('eager-spill', false)
    const spilled = await journalRun('lazy-spill', true, 1)
    expect(spilled.backlogged).toEqual(['journal queue full'])
    expect(spilled.history).toEqual(eager.history)
    expect(spilled.fills).toEqual(eager.fills)
  })
})
