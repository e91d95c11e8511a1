/**
 * The journal: entries appended and made durable per second on SQLite (libsql, WAL, synchronous=FULL) and on
 * Postgres (a throwaway local server, when Debian's postgresql is installed), and the live path's cost with and
 * without a journal: a PaperTrader MARKET order walking a 5-level book (5 fills), with the engine's journal
 * listeners appending its order events and fills to a SQLite journal that writes in the background.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../src/core/clock.js'
import { fillKey, journalFillEntry, journalOrderEntry } from '../src/core/index.js'
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

function trader(journal?: TradeJournal) {
  const paper = new PaperTrader({
    instruments: [inst],
    balances: { USDT: '1000000000000' },
    clock: new ManualClock(0),
  })
  if (journal !== undefined) {
    for (const name of ['order.submitted', 'order.accepted'] as const) {
      paper.events.on(name, (e) => journal.append(journalOrderEntry(name, e.order, 'bench')))
    }
    paper.events.on('order.filled', (e) => {
      for (const fill of e.fills) journal.append(journalFillEntry(fill, 'bench'))
      journal.append(journalOrderEntry('order.filled', e.order, 'bench'))
    })
  }
  let n = 0
  return async () => {
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
  }
}
const live = await openSqliteJournal({ path: join(dir, 'live.db') })
await runSuite(
  'live path with a journal',
  'one MARKET order to its fills (5 fills) on a PaperTrader',
  [
    { name: 'no journal (baseline)', baseline: true, fn: trader() },
    { name: 'with a SQLite journal (appends on the path, writes every 50 ms)', fn: trader(live) },
  ],
  { notes: 'the journal may cost at most 10 % of a signal-to-fill (ratio >= 0.9)' },
)
await live.close()
await sqlite.close()
await pgJournal?.close()
await pg?.stop()
rmSync(dir, { recursive: true, force: true })
