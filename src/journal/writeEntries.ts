import type { JournalEntry } from '../core/journal.js'
import { StateError } from '../errors/index.js'
import { bookFills, trackOpenOrders } from './maintainViews.js'
import type { SqlDriver } from './SqlDriver.js'

type Kind = JournalEntry['kind']
type EntryOf<K extends Kind> = Extract<JournalEntry, { kind: K }>

interface TableSpec<K extends Kind> {
  readonly table: string
  readonly columns: readonly string[]
  readonly row: (e: EntryOf<K>) => readonly unknown[]
}

const n = (v: string | undefined): string | null => v ?? null

/** Where each kind of entry goes, column by column (docs/journal.md documents the tables). */
const TABLES: { readonly [K in Kind]: TableSpec<K> } = {
  order: {
    table: 'order_events',
    columns: [
      'client_order_id',
      'seq',
      'event',
      'strategy_id',
      'venue',
      'symbol',
      'side',
      'order_type',
      'status',
      'qty',
      'price',
      'filled_qty',
      'avg_fill_price',
      'venue_order_id',
      'reason',
      'ts_event',
    ],
    row: (e) => [
      e.clientOrderId,
      e.seq ?? 0,
      e.event,
      n(e.strategyId),
      e.venue,
      e.symbol,
      e.side,
      e.orderType,
      e.status,
      e.qty,
      n(e.price),
      e.filledQty,
      n(e.avgFillPrice),
      n(e.venueOrderId),
      n(e.reason),
      e.tsEvent,
    ],
  },
  fill: {
    table: 'fills',
    columns: [
      'fill_key',
      'strategy_id',
      'venue',
      'symbol',
      'client_order_id',
      'venue_order_id',
      'trade_id',
      'side',
      'price',
      'qty',
      'fee',
      'fee_asset',
      'liquidity',
      'ts_event',
      'venue_realized_pnl',
    ],
    row: (e) => [
      storedFillKey(e.key),
      n(e.strategyId),
      e.venue,
      e.symbol,
      e.clientOrderId,
      n(e.venueOrderId),
      e.tradeId,
      e.side,
      e.price,
      e.qty,
      e.fee,
      e.feeAsset,
      e.liquidity,
      e.tsEvent,
      n(e.realizedPnl),
    ],
  },
  signal: {
    table: 'signals',
    columns: ['id', 'strategy_id', 'venue', 'symbol', 'side', 'intent', 'reason', 'ts_event'],
    row: (e) => [e.id, e.strategyId, e.venue, e.symbol, e.side, e.intent, e.reason, e.tsEvent],
  },
  risk: {
    table: 'risk_decisions',
    columns: [
      'id',
      'strategy_id',
      'venue',
      'symbol',
      'side',
      'decision',
      'code',
      'reason',
      'qty',
      'ts_event',
    ],
    row: (e) => [
      e.id,
      e.strategyId,
      e.venue,
      e.symbol,
      e.side,
      e.decision,
      n(e.code),
      e.reason,
      n(e.qty),
      e.tsEvent,
    ],
  },
  breaker: {
    table: 'breaker_transitions',
    columns: ['id', 'from_state', 'to_state', 'reason', 'detail', 'ts_event'],
    row: (e) => [e.id, e.from, e.to, e.reason, n(e.detail), e.tsEvent],
  },
  snapshot: {
    table: 'portfolio_snapshots',
    columns: ['id', 'positions', 'balances', 'ts_event'],
    row: (e) => [e.id, JSON.stringify(e.positions), JSON.stringify(e.balances), e.tsEvent],
  },
  funding: {
    table: 'funding',
    columns: ['id', 'venue', 'symbol', 'asset', 'amount', 'ts_event'],
    row: (e) => [e.id, e.venue, e.symbol, e.asset, e.amount, e.tsEvent],
  },
}

/** Whether `kind` is a kind of journal entry (one the journal has a table for). */
export function isEntryKind(kind: unknown): kind is Kind {
  return typeof kind === 'string' && Object.hasOwn(TABLES, kind)
}

/**
 * A {@link fillKey} as stored: its NUL separators as U+001F (Postgres TEXT refuses NUL, SQLite cuts the string
 * there). {@link fillKeyOfStored} turns it back.
 */
export function storedFillKey(key: string): string {
  return key.replaceAll('\u0000', '\u001f')
}

/** The {@link fillKey} of a stored `fill_key`. */
export function fillKeyOfStored(stored: string): string {
  return stored.replaceAll('\u001f', '\u0000')
}

/** What a NUL character in a text column is stored as (Postgres refuses NUL in TEXT, SQLite cuts the string there). */
const NUL_STORED = '\uFFFD'

/**
 * A row's values as stored: NUL characters in text replaced by U+FFFD (the `fill_key` keeps its reversible
 * {@link storedFillKey} form), so one odd character (a venue's rejection reason) cannot make the database refuse it.
 */
function stored(values: readonly unknown[]): unknown[] {
  return values.map((v) =>
    typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', NUL_STORED) : v,
  )
}

const ORDER = TABLES.order

/**
 * Writes an order event the journal could not number (its order was not live in memory): the next sequence after the
 * order's last journaled event, computed in the same statement.
 */
async function insertNextSeq(tx: SqlDriver, e: EntryOf<'order'>): Promise<void> {
  const values = stored(ORDER.row(e))
  const at = (c: string): unknown => values[ORDER.columns.indexOf(c)]
  // Typed placeholders: Postgres cannot infer a parameter's type in a SELECT list.
  const typed = (c: string): string =>
    c === 'seq' ? 'n.next' : c === 'ts_event' ? 'CAST(? AS BIGINT)' : 'CAST(? AS TEXT)'
  const select = ORDER.columns.map(typed).join(', ')
  const params = values.filter((_, i) => ORDER.columns[i] !== 'seq')
  const id = at('client_order_id')
  const same = [at('event'), at('status'), at('filled_qty'), at('reason') ?? '', at('qty'), at('price') ?? '']
  const sameAs = (t: string): string =>
    `${t}.event = ? AND ${t}.status = ? AND ${t}.filled_qty = ? AND COALESCE(${t}.reason, '') = ?
       AND ${t}.qty = ? AND COALESCE(${t}.price, '') = ?`
  // Skipped as a replay: the same event, status, filled quantity, reason, quantity and price as the order's last
  // journaled event, or an event of the order that is the same at the same time (a batch written twice: the spill path
  // rewrites batches). An amendment (another price or quantity, same status) is another event, kept.
  await tx.all(
    `INSERT INTO order_events (${ORDER.columns.join(', ')})
     SELECT ${select} FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM order_events WHERE client_order_id = ?) n
     WHERE NOT EXISTS (SELECT 1 FROM order_events l WHERE l.client_order_id = ? AND l.seq = n.next - 1
       AND ${sameAs('l')})
     AND NOT EXISTS (SELECT 1 FROM order_events r WHERE r.client_order_id = ? AND r.ts_event = ?
       AND ${sameAs('r')})
     ON CONFLICT DO NOTHING`,
    [...params, id, id, ...same, id, at('ts_event'), ...same],
  )
}

/**
 * Reserves `count` numbers of the fills' booking order (`fills.seq`) and returns the first. The counter's row stays
 * locked until the transaction ends, so concurrent writers of one Postgres database book their fills one after the
 * other.
 */
async function reserveFillSeqs(tx: SqlDriver, count: number): Promise<number> {
  const [r] = await tx.all(
    "UPDATE journal_sequences SET value = value + ? WHERE name = 'fills' RETURNING value",
    [count],
  )
  const last = Number(r?.value)
  if (!Number.isSafeInteger(last)) {
    throw new StateError(
      'The journal has no fill counter: its schema was not migrated (open it with tradekit)',
    )
  }
  return last - count + 1
}

/** Rows per INSERT statement (16 columns × 200 stays far below both databases' parameter limits). */
const ROWS_PER_STATEMENT = 200

/**
 * Writes a batch of entries in one transaction, one multi-row `INSERT ... ON CONFLICT DO NOTHING` per table and
 * chunk: the batch lands whole or not at all, and an entry already written (a replayed fill, a re-sent order event)
 * is skipped, not duplicated. The maintained tables of the last view (`positions`, `open_orders`) move in the same
 * transaction, by the fills actually inserted and the orders touched.
 */
export async function writeEntries(driver: SqlDriver, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return
  const byKind = new Map<Kind, JournalEntry[]>()
  for (const e of entries) {
    const list = byKind.get(e.kind)
    if (list === undefined) byKind.set(e.kind, [e])
    else list.push(e)
  }
  await driver.transaction(async (tx) => {
    for (const [kind, all] of byKind) {
      const list = kind === 'order' ? all.filter((e) => e.kind === 'order' && e.seq !== undefined) : all
      const spec = TABLES[kind] as TableSpec<Kind>
      // Fills take their booking order (a replayed fill, not inserted, leaves a gap).
      const firstSeq = kind === 'fill' ? await reserveFillSeqs(tx, list.length) : 0
      const columns = kind === 'fill' ? [...spec.columns, 'seq'] : spec.columns
      const rowOf = (e: JournalEntry, i: number): unknown[] => {
        const values = stored(spec.row(e as EntryOf<Kind>))
        if (kind === 'fill') values.push(firstSeq + i)
        return values
      }
      const one = `(${columns.map(() => '?').join(', ')})`
      // A fill already journaled is skipped; a clash on its booking number (a counter behind the table) is an error,
      // never a fill dropped in silence.
      const conflict = kind === 'fill' ? ' (fill_key)' : ''
      // SQLite runs in-process: one cached single-row statement per table is its fastest path; Postgres gets
      // multi-row statements (one round trip per chunk).
      const rows = driver.dialect === 'sqlite' ? 1 : ROWS_PER_STATEMENT
      // Fills report which were new (the changed-row count of a single-row insert, else RETURNING): only those move
      // the positions.
      const counted = kind === 'fill' && rows === 1 && tx.run !== undefined
      const returning = kind === 'fill' && !counted ? ' RETURNING fill_key' : ''
      const inserted = new Set<string>()
      for (let i = 0; i < list.length; i += rows) {
        const chunk = list.slice(i, i + rows)
        const sql = `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES ${chunk.map(() => one).join(', ')} ON CONFLICT${conflict} DO NOTHING${returning}`
        const params = chunk.flatMap((e, j) => rowOf(e, i + j))
        if (counted) {
          if ((await tx.run!(sql, params)) > 0) inserted.add(String(params[0]))
          continue
        }
        for (const r of await tx.all(sql, params)) inserted.add(String(r.fill_key))
      }
      // After the numbered events of the batch, so a late event follows them.
      for (const e of all) if (e.kind === 'order' && e.seq === undefined) await insertNextSeq(tx, e)
      if (kind === 'order')
        await trackOpenOrders(
          tx,
          all.map((e) => (e as EntryOf<'order'>).clientOrderId),
        )
      if (kind === 'fill') {
        const fresh = (all as EntryOf<'fill'>[]).filter((e) => inserted.delete(storedFillKey(e.key)))
        await bookFills(tx, fresh)
      }
    }
  })
}
