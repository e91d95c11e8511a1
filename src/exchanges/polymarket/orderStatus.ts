import type { OrderStatus } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { POLYMARKET_VENUE } from './constants.js'
import type { PolymarketOrderType } from './types.js'

/**
 * How a closed order ended, in the terms of the request: FILLED only when the venue matched all that was asked.
 * A market order's signed size can be below the requested quantity (its amounts are rounded down to the venue's
 * precision), so a venue order that is MATCHED in full may still have filled less than asked; it then ends CANCELED
 * (the rest was never on the book), as its ack reports it. Otherwise the executor would wait for fills that never come.
 */
export function endStatus(matched: Decimal, requested: Decimal): OrderStatus {
  return matched.gte(requested) ? 'FILLED' : 'CANCELED'
}

const working = (matched: Decimal): OrderStatus => (matched.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN')

/**
 * The status of a just-placed order from the insert status `POST /order` answered (`live`, `matched`, `delayed`,
 * `unmatched`) and what it filled at once. Final (FILLED/CANCELED) only when the answer says the order is done:
 * `delayed` ("marketable, but subject to matching delay") and a status tradekit does not know stay open, so the order
 * stays tracked until its fills or its end arrive on the user channel (or a later `queryOrder`).
 */
export function ackStatus(
  insertStatus: string,
  filled: Decimal,
  requested: Decimal,
  orderType: PolymarketOrderType,
): OrderStatus {
  const rests = orderType === 'GTC' || orderType === 'GTD'
  switch (insertStatus) {
    case 'live':
      return working(filled)
    case 'matched':
    case 'unmatched':
      // GTC/GTD: the remainder rests on the book; FOK/FAK: it was killed.
      if (filled.gte(requested)) return 'FILLED'
      return rests ? working(filled) : 'CANCELED'
    default: // 'delayed', or unknown: the venue has not matched it yet
      return working(filled)
  }
}

/** Venue order statuses after which nothing more can fill (`GET /data/order`, optionally `ORDER_STATUS_`-prefixed). */
const FINAL = new Set(['MATCHED', 'CANCELED', 'CANCELED_MARKET_RESOLVED', 'INVALID', 'UNMATCHED'])
/** Venue order statuses of an order that may still fill: resting, or marketable but held by a matching delay. */
const WORKING = new Set(['LIVE', 'DELAYED'])

/**
 * The status of an order as Polymarket's order endpoints report it (`LIVE`, `DELAYED`, `MATCHED`, `CANCELED`, ...,
 * bare or `ORDER_STATUS_`-prefixed). `DELAYED` is open (its fills come later), a final status ends the order, and a
 * status tradekit does not know is an `ExchangeDataError` (never guessed final), unless the order was listed among
 * the open orders (`isListedOpen`), which says it is working.
 */
export function venueOrderStatus(
  status: string,
  matched: Decimal,
  requested: Decimal,
  isListedOpen = false,
): OrderStatus {
  const s = status.toUpperCase().replace(/^ORDER_STATUS_/, '')
  if (WORKING.has(s)) return working(matched)
  if (FINAL.has(s)) return endStatus(matched, requested)
  if (isListedOpen) return working(matched)
  throw new ExchangeDataError(POLYMARKET_VENUE, `Unknown order status "${status.slice(0, 64)}"`, ['status'], {
    status,
  })
}
