import { backfillOpenOrders, bookHistory } from './maintainViews.js'
import type { SqlDriver } from './SqlDriver.js'

/** One schema step: statements run in one transaction, recorded in `schema_migrations`. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
  /** Runs after the statements, in the same transaction (e.g. fills a new table from the history). */
  readonly apply?: (tx: SqlDriver) => Promise<void>
}

/**
 * The journal's schema, oldest step first. The SQL is the same for SQLite and Postgres: money and quantities are
 * TEXT (decimal strings, never floats), times BIGINT epoch ms UTC, and every row has a natural key so a replayed
 * entry is written once (`ON CONFLICT DO NOTHING`). Documented in docs/journal.md; never edit a released step, add one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE order_events (
        client_order_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, strategy_id TEXT,
        venue TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, order_type TEXT NOT NULL, status TEXT NOT NULL,
        qty TEXT NOT NULL, price TEXT, filled_qty TEXT NOT NULL, avg_fill_price TEXT, venue_order_id TEXT,
        reason TEXT, ts_event BIGINT NOT NULL, PRIMARY KEY (client_order_id, seq))`,
      'CREATE INDEX order_events_ts ON order_events (ts_event)',
      `CREATE TABLE fills (
        fill_key TEXT PRIMARY KEY, strategy_id TEXT, venue TEXT NOT NULL, symbol TEXT NOT NULL,
        client_order_id TEXT NOT NULL, venue_order_id TEXT, trade_id TEXT NOT NULL, side TEXT NOT NULL,
        price TEXT NOT NULL, qty TEXT NOT NULL, fee TEXT NOT NULL, fee_asset TEXT NOT NULL, liquidity TEXT NOT NULL,
        ts_event BIGINT NOT NULL)`,
      'CREATE INDEX fills_instrument_ts ON fills (venue, symbol, ts_event)',
      'CREATE INDEX fills_strategy_ts ON fills (strategy_id, ts_event)',
      'CREATE INDEX fills_order ON fills (client_order_id)',
      `CREATE TABLE signals (
        id TEXT PRIMARY KEY, strategy_id TEXT NOT NULL, venue TEXT NOT NULL, symbol TEXT NOT NULL,
        side TEXT NOT NULL, intent TEXT NOT NULL, reason TEXT NOT NULL, ts_event BIGINT NOT NULL)`,
      `CREATE TABLE risk_decisions (
        id TEXT PRIMARY KEY, strategy_id TEXT NOT NULL, venue TEXT NOT NULL, symbol TEXT NOT NULL,
        side TEXT NOT NULL, decision TEXT NOT NULL, code TEXT, reason TEXT NOT NULL, qty TEXT,
        ts_event BIGINT NOT NULL)`,
      `CREATE TABLE breaker_transitions (
        id TEXT PRIMARY KEY, from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT,
        ts_event BIGINT NOT NULL)`,
      `CREATE TABLE portfolio_snapshots (
        id TEXT PRIMARY KEY, positions TEXT NOT NULL, balances TEXT NOT NULL, ts_event BIGINT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'bounded view and funding',
    statements: [
      // Maintained with every written batch, so a restart reads the last view without reading the history.
      `CREATE TABLE positions (
        strategy_id TEXT NOT NULL, venue TEXT NOT NULL, symbol TEXT NOT NULL, qty TEXT NOT NULL, entry_price TEXT,
        realized_pnl TEXT NOT NULL, fees TEXT NOT NULL, last_trade_id TEXT NOT NULL, last_ts_event BIGINT NOT NULL,
        PRIMARY KEY (strategy_id, venue, symbol))`,
      `CREATE TABLE instrument_positions (
        venue TEXT NOT NULL, symbol TEXT NOT NULL, qty TEXT NOT NULL, entry_price TEXT, realized_pnl TEXT NOT NULL,
        fees TEXT NOT NULL, last_trade_id TEXT NOT NULL, last_ts_event BIGINT NOT NULL, PRIMARY KEY (venue, symbol))`,
      'CREATE TABLE open_orders (client_order_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)',
      `CREATE TABLE funding (
        id TEXT PRIMARY KEY, venue TEXT NOT NULL, symbol TEXT NOT NULL, asset TEXT NOT NULL, amount TEXT NOT NULL,
        ts_event BIGINT NOT NULL)`,
      'CREATE INDEX funding_instrument_ts ON funding (venue, symbol, ts_event)',
    ],
    // The books are filled by step 4, once the fills carry their booking order.
    apply: backfillOpenOrders,
  },
  {
    version: 3,
    name: 'venue realized pnl',
    statements: [
      // The venue's own realized PnL of a fill (Binance USD-M `rp`): the instrument view books it, as the Portfolio does.
      'ALTER TABLE fills ADD COLUMN venue_realized_pnl TEXT',
    ],
  },
  {
    version: 4,
    name: 'fill booking order',
    statements: [
      // The order the journal booked each fill in (its insertion order): the maintained books, the PnL query and a
      // rebuild replay fills in it. Numbered from `journal_sequences`, whose row also serializes writers of fills.
      'ALTER TABLE fills ADD COLUMN seq BIGINT',
      'CREATE TABLE journal_sequences (name TEXT PRIMARY KEY, value BIGINT NOT NULL)',
    ],
    apply: numberFills,
  },
]

/**
 * Numbers the fills already journaled in the order the database stored them (SQLite: the rowid, its insertion order;
 * Postgres: the physical order, its insertion order for an append-only table), starts the counter after them, and
 * rebuilds the books in that order, so the maintained books and the PnL query agree from then on.
 */
async function numberFills(tx: SqlDriver): Promise<void> {
  await tx.all(
    tx.dialect === 'sqlite'
      ? 'UPDATE fills SET seq = rowid'
      : `UPDATE fills SET seq = n.seq
         FROM (SELECT ctid AS row_id, ROW_NUMBER() OVER (ORDER BY ctid) AS seq FROM fills) n
         WHERE fills.ctid = n.row_id`,
  )
  await tx.all('CREATE UNIQUE INDEX fills_seq ON fills (seq)')
  await tx.all("INSERT INTO journal_sequences (name, value) SELECT 'fills', COALESCE(MAX(seq), 0) FROM fills")
  await tx.all('DELETE FROM positions')
  await tx.all('DELETE FROM instrument_positions')
  await bookHistory(tx)
}
