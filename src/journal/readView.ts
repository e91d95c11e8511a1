import type { JournalView } from '../core/journal.js'
import { Decimal } from '../decimal/index.js'
import { orderEntryOf } from './rows.js'
import type { SqlDriver } from './SqlDriver.js'
import { fillKeyOfStored } from './writeEntries.js'

const FINAL = "('FILLED', 'CANCELED', 'REJECTED', 'EXPIRED')"

/**
 * The journal's last view: the newest event of every order not in a final state, net positions per strategy and
 * instrument from the fills, the fill keys of those open orders, and the newest trade per instrument.
 */
export async function readView(driver: SqlDriver): Promise<JournalView> {
  const open = await driver.all(
    `SELECT o.* FROM order_events o JOIN (SELECT client_order_id, MAX(seq) AS seq FROM order_events GROUP BY client_order_id) m
     ON o.client_order_id = m.client_order_id AND o.seq = m.seq WHERE o.status NOT IN ${FINAL} ORDER BY o.ts_event, o.client_order_id`,
  )
  const openOrders = open.map(orderEntryOf)
  const keys =
    openOrders.length === 0
      ? []
      : await driver.all(
          `SELECT fill_key FROM fills WHERE client_order_id IN (${openOrders.map(() => '?').join(', ')}) ORDER BY ts_event`,
          openOrders.map((o) => o.clientOrderId),
        )
  const sums = await driver.all(
    'SELECT strategy_id, venue, symbol, side, qty FROM fills ORDER BY strategy_id, venue, symbol',
  )
  const net = new Map<string, { strategyId: string; venue: string; symbol: string; qty: Decimal }>()
  for (const r of sums) {
    const strategyId = r.strategy_id === null || r.strategy_id === undefined ? '' : String(r.strategy_id)
    const id = `${strategyId}\u0000${String(r.venue)}\u0000${String(r.symbol)}`
    const q = new Decimal(String(r.qty))
    const signed = String(r.side) === 'BUY' ? q : q.neg()
    const cur = net.get(id)
    if (cur === undefined)
      net.set(id, { strategyId, venue: String(r.venue), symbol: String(r.symbol), qty: signed })
    else cur.qty = cur.qty.plus(signed)
  }
  const last = await driver.all(
    `SELECT f.venue, f.symbol, f.trade_id, f.ts_event FROM fills f JOIN (SELECT venue, symbol, MAX(ts_event) AS ts FROM fills GROUP BY venue, symbol) m
     ON f.venue = m.venue AND f.symbol = m.symbol AND f.ts_event = m.ts ORDER BY f.venue, f.symbol, f.trade_id`,
  )
  const lastTrades = new Map<string, JournalView['lastTrades'][number]>()
  for (const r of last) {
    lastTrades.set(`${String(r.venue)}\u0000${String(r.symbol)}`, {
      venue: String(r.venue),
      symbol: String(r.symbol),
      tradeId: String(r.trade_id),
      tsEvent: Number(r.ts_event),
    })
  }
  return {
    openOrders,
    positions: [...net.values()]
      .filter((p) => !p.qty.isZero())
      .map((p) => ({ strategyId: p.strategyId, venue: p.venue, symbol: p.symbol, qty: p.qty.toString() })),
    fillKeys: keys.map((r) => fillKeyOfStored(String(r.fill_key))),
    lastTrades: [...lastTrades.values()],
  }
}
