import type { JournalOrderEntry } from '../core/journal.js'
import { Decimal } from '../decimal/index.js'
import { PositionBook } from './PositionBook.js'
import { optionalText, orderEntryOf } from './rows.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'
import { fillKeyOfStored } from './writeEntries.js'

/** Filters every journal query takes; times are epoch ms UTC, `from` inclusive, `to` exclusive. */
export interface QueryOptions {
  readonly from?: number
  readonly to?: number
  readonly strategyId?: string
  readonly venue?: string
  readonly symbol?: string
}

/** Options of the PnL query: which dimensions to group by (default all three). */
export interface PnlOptions extends QueryOptions {
  readonly by?: ReadonlyArray<'strategy' | 'instrument' | 'day'>
}

/**
 * One row of the PnL query; money as decimal text. Absent dimensions were not grouped by. Rows come by day, then
 * strategy (the rows without one last), venue and symbol.
 */
export interface PnlRow {
  readonly strategyId?: string
  readonly venue?: string
  readonly symbol?: string
  /** UTC day, `YYYY-MM-DD`. */
  readonly day?: string
  /** Realised PnL (average cost), before fees. */
  readonly realizedPnl: string
  /** Fees paid (negative: rebates), summed in their own assets: see `feeAssets`. */
  readonly fees: string
  /**
   * Funding received (negative: paid) where known (journaled from the Portfolio's `funding.applied`). Funding belongs
   * to the venue position: it is in the rows without a strategy, and left out when filtering by strategy.
   */
  readonly funding: string
  /** realizedPnl − fees + funding (meaningful when fees and funding are in the quote asset). */
  readonly netPnl: string
  readonly feeAssets: readonly string[]
  /** Traded notional (price × qty). */
  readonly notional: string
  readonly fills: number
}

/** A journaled fill. */
export interface FillRow {
  readonly key: string
  readonly strategyId?: string
  readonly venue: string
  readonly symbol: string
  readonly clientOrderId: string
  readonly venueOrderId?: string
  readonly tradeId: string
  readonly side: string
  readonly price: string
  readonly qty: string
  readonly fee: string
  readonly feeAsset: string
  readonly liquidity: string
  readonly tsEvent: number
  /** The venue's realized PnL of the fill before fees, when it reported one (Binance USD-M). */
  readonly realizedPnl?: string
}

/** A journaled order state change. */
export type OrderEventRow = JournalOrderEntry

/** A journaled breaker or kill-switch transition. */
export interface BreakerRow {
  readonly from: string
  readonly to: string
  readonly reason: string
  readonly detail?: string
  readonly tsEvent: number
}

/** `WHERE` clause and parameters for the common filters. */
function where(o: QueryOptions, strategyColumn = 'strategy_id'): { sql: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  const add = (cond: string, v: unknown): void => {
    parts.push(cond)
    params.push(v)
  }
  if (o.from !== undefined) add('ts_event >= ?', o.from)
  if (o.to !== undefined) add('ts_event < ?', o.to)
  if (o.strategyId !== undefined) add(`${strategyColumn} = ?`, o.strategyId)
  if (o.venue !== undefined) add('venue = ?', o.venue)
  if (o.symbol !== undefined) add('symbol = ?', o.symbol)
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params }
}

function fillOf(r: SqlRow): FillRow {
  const strategyId = optionalText(r.strategy_id)
  const venueOrderId = optionalText(r.venue_order_id)
  const realizedPnl = optionalText(r.venue_realized_pnl)
  return {
    key: fillKeyOfStored(String(r.fill_key)),
    ...(strategyId === undefined ? {} : { strategyId }),
    venue: String(r.venue),
    symbol: String(r.symbol),
    clientOrderId: String(r.client_order_id),
    ...(venueOrderId === undefined ? {} : { venueOrderId }),
    tradeId: String(r.trade_id),
    side: String(r.side),
    price: String(r.price),
    qty: String(r.qty),
    fee: String(r.fee),
    feeAsset: String(r.fee_asset),
    liquidity: String(r.liquidity),
    tsEvent: Number(r.ts_event),
    ...(realizedPnl === undefined ? {} : { realizedPnl }),
  }
}

/** Fills matching the filters, oldest first (fills of the same millisecond in the order they were booked). */
export async function queryFills(driver: SqlDriver, o: QueryOptions = {}): Promise<FillRow[]> {
  const w = where(o)
  const rows = await driver.all(`SELECT * FROM fills ${w.sql} ORDER BY ts_event, seq`, w.params)
  return rows.map(fillOf)
}

/** Order events matching the filters, oldest first (per order by sequence). */
export async function queryOrderEvents(
  driver: SqlDriver,
  o: QueryOptions & { readonly clientOrderId?: string } = {},
): Promise<OrderEventRow[]> {
  const w = where(o)
  let sql = w.sql
  if (o.clientOrderId !== undefined) {
    sql = sql === '' ? 'WHERE client_order_id = ?' : `${sql} AND client_order_id = ?`
    w.params.push(o.clientOrderId)
  }
  const rows = await driver.all(
    `SELECT * FROM order_events ${sql} ORDER BY ts_event, client_order_id, seq`,
    w.params,
  )
  return rows.map(orderEntryOf)
}

/** Breaker transitions in the time range, oldest first. */
export async function queryBreakers(driver: SqlDriver, o: QueryOptions = {}): Promise<BreakerRow[]> {
  const w = where({
    ...(o.from === undefined ? {} : { from: o.from }),
    ...(o.to === undefined ? {} : { to: o.to }),
  })
  const rows = await driver.all(`SELECT * FROM breaker_transitions ${w.sql} ORDER BY ts_event, id`, w.params)
  return rows.map((r) => {
    const detail = optionalText(r.detail)
    return {
      from: String(r.from_state),
      to: String(r.to_state),
      reason: String(r.reason),
      ...(detail === undefined ? {} : { detail }),
      tsEvent: Number(r.ts_event),
    }
  })
}

interface Acc {
  realized: Decimal
  fees: Decimal
  funding: Decimal
  notional: Decimal
  fills: number
  feeAssets: Set<string>
}

type GroupRow = Omit<
  PnlRow,
  'realizedPnl' | 'fees' | 'funding' | 'netPnl' | 'notional' | 'fills' | 'feeAssets'
>

/** Orders two optional texts, an absent one last. */
function compareText(x: string | undefined, y: string | undefined): number {
  if (x === y) return 0
  if (x === undefined) return 1
  if (y === undefined) return -1
  return x < y ? -1 : 1
}

/** The PnL groups, keyed by their dimensions. */
class PnlGroups {
  readonly #by: ReadonlySet<string>
  readonly #groups = new Map<string, { row: GroupRow; acc: Acc }>()

  constructor(by: ReadonlySet<string>) {
    this.#by = by
  }

  /** The accumulator of the group a row with these dimensions falls in. */
  at(strategyId: string | undefined, venue: string, symbol: string, tsEvent: number): Acc {
    const by = this.#by
    const row: GroupRow = {
      ...(by.has('strategy') && strategyId !== undefined ? { strategyId } : {}),
      ...(by.has('instrument') ? { venue, symbol } : {}),
      ...(by.has('day') ? { day: new Date(tsEvent).toISOString().slice(0, 10) } : {}),
    }
    const gid = JSON.stringify([
      row.strategyId ?? null,
      row.venue ?? null,
      row.symbol ?? null,
      row.day ?? null,
    ])
    let g = this.#groups.get(gid)
    if (g === undefined) {
      const acc = {
        realized: ZERO,
        fees: ZERO,
        funding: ZERO,
        notional: ZERO,
        fills: 0,
        feeAssets: new Set<string>(),
      }
      g = { row, acc }
      this.#groups.set(gid, g)
    }
    return g.acc
  }

  /** The rows, by day, then strategy (rows without one last), venue and symbol. */
  rows(): PnlRow[] {
    const groups = [...this.#groups.values()].sort(
      ({ row: a }, { row: b }) =>
        compareText(a.day, b.day) ||
        compareText(a.strategyId, b.strategyId) ||
        compareText(a.venue, b.venue) ||
        compareText(a.symbol, b.symbol),
    )
    return groups.map(({ row, acc }) => ({
      ...row,
      realizedPnl: acc.realized.toString(),
      fees: acc.fees.toString(),
      funding: acc.funding.toString(),
      netPnl: acc.realized.minus(acc.fees).plus(acc.funding).toString(),
      feeAssets: [...acc.feeAssets].sort(),
      notional: acc.notional.toString(),
      fills: acc.fills,
    }))
  }
}

const ZERO = new Decimal(0)

/**
 * Realised PnL by average cost, per strategy and instrument, replaying the fills in the order they were booked (as
 * the maintained `positions` and the Portfolio did; the whole history, so a position opened before `from` is costed
 * right), and the funding journaled in the range; rows are grouped as `by` asks.
 */
export async function queryPnl(driver: SqlDriver, o: PnlOptions = {}): Promise<PnlRow[]> {
  const groups = new PnlGroups(new Set(o.by ?? ['strategy', 'instrument', 'day']))
  const w = where({ ...o, from: undefined, to: undefined } as QueryOptions)
  const rows = await driver.all(`SELECT * FROM fills ${w.sql} ORDER BY seq`, w.params)
  const books = new Map<string, PositionBook>()
  const inRange = (ts: number): boolean =>
    (o.from === undefined || ts >= o.from) && (o.to === undefined || ts < o.to)
  for (const f of rows.map(fillOf)) {
    const bookId = `${f.strategyId ?? ''}\u0000${f.venue}\u0000${f.symbol}`
    let book = books.get(bookId)
    if (book === undefined) {
      book = new PositionBook()
      books.set(bookId, book)
    }
    const price = new Decimal(f.price)
    const realized = book.apply(f.side, price, new Decimal(f.qty))
    if (!inRange(f.tsEvent)) continue
    const acc = groups.at(f.strategyId, f.venue, f.symbol, f.tsEvent)
    acc.realized = acc.realized.plus(realized)
    acc.fees = acc.fees.plus(f.fee)
    acc.notional = acc.notional.plus(price.times(f.qty))
    acc.fills++
    acc.feeAssets.add(f.feeAsset)
  }
  if (o.strategyId === undefined) {
    const fw = where({ ...o, strategyId: undefined })
    const funding = await driver.all(`SELECT * FROM funding ${fw.sql} ORDER BY ts_event, id`, fw.params)
    for (const r of funding) {
      const acc = groups.at(undefined, String(r.venue), String(r.symbol), Number(r.ts_event))
      acc.funding = acc.funding.plus(String(r.amount))
    }
  }
  return groups.rows()
}
