/**
 * The journal: entries appended and made durable per second on SQLite (libsql, WAL, synchronous=FULL) and on
 * Postgres (a throwaway local server, when Debian's postgresql is installed), and the live path's cost with and
 * without a journal: a PaperTrader MARKET order walking a 5-level book (5 fills), with the engine's journal
 * listeners appending its order events and fills to a SQLite journal that writes in the background (on its writer
 * thread): saturated (orders back to back, one per event-loop turn) and as a signal-to-fill at up to 1000 orders/s.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../src/core/clock.js'
import { fillKey } from '../src/core/index.js'
import type { BookLevel, BookSnapshot, Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { PaperTrader } from '../src/execution/index.js'
import { openPostgresJournal, openSqliteJournal, type TradeJournal } from '../src/journal/index.js'
import { startPostgres } from '../test/integration/journal/startPostgres.js'
import { type BenchCase, runSuite } from './harness.js'

const dir = mkdtempSync(join(tmpdir(), 'tradekit-bench-journal-'))
const BATCH = 1000
let seq = 0

/** Appends BATCH fills and waits until they are durable. */
async function appendBatch(journal: TradeJournal): Promise<void> {
  for (let i = 0; i < BATCH; i++) {
    const n = ++seq
    const base = {
      venue: 'bench',
      symbol: 'BTCUSDT',
      clientOrderId: `o${n}`,
      tradeId: `t${n}`,
    }
    journal.append({
      kind: 'fill',
      key: fillKey(base),
      ...base,
      strategyId: 'bench',
      side: 'BUY',
      price: '20000.5',
      qty: '0.001',
      fee: '0.02',
      feeAsset: 'USDT',
      liquidity: 'TAKER',
      tsEvent: n,
    })
  }
  await journal.flush()
}

const sqlite = await openSqliteJournal({ path: join(dir, 'bench.db'), batchSize: 500 })
const cases: BenchCase[] = [
  { name: 'SQLite (libsql, WAL, synchronous=FULL)', baseline: true, fn: () => appendBatch(sqlite) },
]
let pg: Awaited<ReturnType<typeof startPostgres>> | undefined
let pgJournal: TradeJournal | undefined
try {
  pg = await startPostgres()
  pgJournal = await openPostgresJournal({
    pool: { connectionString: pg.connectionString },
    spillPath: join(dir, 'pg.spill'),
    batchSize: 500,
  })
  const j = pgJournal
  cases.push({ name: 'Postgres 15 (pg pool, multi-row inserts, local server)', fn: () => appendBatch(j) })
} catch (e) {
  console.log(`Postgres case skipped: ${(e as Error).message.split('\n')[0]}`)
}
await runSuite(
  'journal appends',
  `${BATCH} fills appended and flushed (entries/s = ops/s × ${BATCH})`,
  cases,
  {
    notes: 'each op waits for durability (flush); batches of 500 rows per transaction',
  },
)

// The live path with and without a journal.
const inst: Instrument = {
  venue: 'bench',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
}
const asks: BookLevel[] = Array.from({ length: 5 }, (_, i) => [20_000 + i * 0.5, 0.25] as const)
const bids: BookLevel[] = Array.from({ length: 5 }, (_, i) => [19_999.5 - i * 0.5, 0.25] as const)
const book: BookSnapshot = { venue: 'bench', symbol: 'BTCUSDT', bids, asks, tsEvent: 0 }
const qty = new Decimal('1.25')

/** One MARKET order to its fills; `timed` returns how long the order itself took (ms). */
function trader(journal?: TradeJournal) {
  const paper = new PaperTrader({
    instruments: [inst],
    balances: { USDT: '1000000000000' },
    clock: new ManualClock(0),
  })
  if (journal !== undefined) {
    // As the engine journals them: by reference, the entries built when the batch is written.
    for (const name of ['order.submitted', 'order.accepted'] as const) {
      paper.events.on(name, (e) => journal.appendOrder(name, e.order, 'bench'))
    }
    paper.events.on('order.filled', (e) => {
      for (const fill of e.fills) journal.appendFill(fill, 'bench')
      journal.appendOrder('order.filled', e.order, 'bench')
    })
  }
  let n = 0
  return async (): Promise<number> => {
    const t0 = performance.now()
    paper.onBook(book)
    const o = await paper.submit({
      clientOrderId: `${journal === undefined ? 'p' : 'j'}${++n}`,
      venue: 'bench',
      symbol: 'BTCUSDT',
      side: n % 2 === 0 ? 'SELL' : 'BUY',
      type: 'MARKET',
      qty,
      strategyId: 'bench',
    })
    if (o.status !== 'FILLED') throw new Error(`not filled: ${o.status}`)
    return performance.now() - t0
  }
}
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 1))
const live = await openSqliteJournal({ path: join(dir, 'live.db') })
// Each order in its own turn of the event loop (as market data arrives), back to back: what the thread can do.
const plain = trader()
const journaled = trader(live)
await runSuite(
  'live path with a journal, saturated',
  'one MARKET order to its fills (5 fills) on a PaperTrader, one order per event-loop turn, back to back',
  [
    { name: 'no journal (baseline)', baseline: true, fn: () => turn().then(plain) },
    { name: 'with a SQLite journal (writer thread, batches every 50 ms)', fn: () => turn().then(journaled) },
  ],
  {
    notes:
      "ops/s is tinybench's mean of per-order rates: the few orders that wait behind a batch or a spill weigh little (docs/journal.md has the wall-time ratio)",
  },
)
await live.flush()
// One order per millisecond at most (far above a trading bot's rate), the journal writing in the background:
// the time from the signal to its fills, as a trading bot sees it.
await runSuite(
  'live path with a journal, signal-to-fill',
  'one MARKET order to its fills (5 fills) on a PaperTrader, timed from the order to its fills, 1 ms apart',
  [
    {
      name: 'no journal (baseline)',
      baseline: true,
      fn: async () => ({ overriddenDuration: await pause().then(plain) }),
    },
    {
      name: 'with a SQLite journal (writer thread, batches every 50 ms)',
      fn: async () => ({ overriddenDuration: await pause().then(journaled) }),
    },
  ],
  { notes: 'the journal may cost at most 10 % of a signal-to-fill (ratio >= 0.9)' },
)
await live.close()
await sqlite.close()
await pgJournal?.close()
await pg?.stop()
rmSync(dir, { recursive: true, force: true })
