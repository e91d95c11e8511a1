import type { JournalPosition, JournalView } from '../core/journal.js'
import { PositionBook } from './PositionBook.js'
import { orderEntryOf } from './rows.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'
import { fillKeyOfStored } from './writeEntries.js'

/** A row of `positions` or `instrument_positions` as a view position. */
function positionOf(r: SqlRow): JournalPosition {
  const book = PositionBook.of(String(r.qty), r.entry_price, String(r.realized_pnl), String(r.fees))
  return {
    strategyId: r.strategy_id === undefined ? '' : String(r.strategy_id),
    venue: String(r.venue),
    symbol: String(r.symbol),
    qty: book.qty.toString(),
    ...(book.entry === undefined ? {} : { entryPrice: book.entry.toString() }),
    realizedPnl: book.realized.toString(),
    fees: JSON.parse(String(r.fees)) as Record<string, string>,
  }
}

/**
 * The journal's last view, read from the tables the writes maintain (so its cost grows with the open orders and the
 * strategies × instruments traded, not with the history): the newest event of every order not in a final state, the
 * book of every strategy and instrument and of every instrument (quantity, average entry, realised PnL, fees), the
 * fill keys of those open orders (in booking order, `fills.seq`), and the newest trade per instrument.
 */
export async function readView(driver: SqlDriver): Promise<JournalView> {
  // Driven by open_orders (CROSS JOIN keeps SQLite from scanning order_events for the ordering); sorted here.
  const open = await driver.all(
    `SELECT o.* FROM open_orders m CROSS JOIN order_events o
     WHERE o.client_order_id = m.client_order_id AND o.seq = m.seq`,
  )
  const openOrders = open
    .map(orderEntryOf)
    .sort((a, b) => a.tsEvent - b.tsEvent || (a.clientOrderId < b.clientOrderId ? -1 : 1))
  // In booking order (`fills.seq`), as the other replays of the fills, not by time: a fill booked later may be older.
  const booked: { seq: number; key: string }[] = []
  for (let i = 0; i < openOrders.length; i += 200) {
    const ids = openOrders.slice(i, i + 200).map((o) => o.clientOrderId)
    const rows = await driver.all(
      `SELECT fill_key, seq FROM fills WHERE client_order_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    )
    for (const r of rows) booked.push({ seq: Number(r.seq), key: fillKeyOfStored(String(r.fill_key)) })
  }
  const keys = booked.sort((a, b) => a.seq - b.seq).map((b) => b.key)
  const positions = await driver.all('SELECT * FROM positions ORDER BY strategy_id, venue, symbol')
  const instruments = await driver.all('SELECT * FROM instrument_positions ORDER BY venue, symbol')
  return {
    openOrders,
    positions: positions.map(positionOf),
    instruments: instruments.map(positionOf),
    fillKeys: keys,
    lastTrades: instruments.map((r) => ({
      venue: String(r.venue),
      symbol: String(r.symbol),
      tradeId: String(r.last_trade_id),
      tsEvent: Number(r.last_ts_event),
    })),
  }
}
