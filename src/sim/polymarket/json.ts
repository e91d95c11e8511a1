import { createHash } from 'node:crypto'
import type { Decimal } from '../../decimal/index.js'
import { HttpFail } from './HttpFail.js'
import type { SimMarket } from './markets.js'
import type { SimExchange, SimOrder, SimTrade } from './SimExchange.js'

/** A page of a list endpoint, as Polymarket pages (`next_cursor` base64 offsets, `LTE=` at the end). */
export function page<T>(
  items: readonly T[],
  cursor: string | null,
  pageSize: number,
): { data: T[]; next_cursor: string; limit: number; count: number } {
  const start =
    cursor === null || cursor === '' || cursor === 'MA=='
      ? 0
      : Number(Buffer.from(cursor, 'base64').toString())
  if (!Number.isSafeInteger(start) || start < 0) throw new HttpFail(400, { error: 'invalid next_cursor' })
  const data = items.slice(start, start + pageSize)
  const next = start + data.length
  return {
    data,
    next_cursor: next >= items.length ? 'LTE=' : Buffer.from(String(next)).toString('base64'),
    limit: pageSize,
    count: data.length,
  }
}

/** A market as `GET /markets` lists it. */
export function marketJson(m: SimMarket): Record<string, unknown> {
  return {
    condition_id: m.conditionId,
    question: m.question,
    tokens: m.tokens.map((t) => ({
      token_id: t.tokenId,
      outcome: t.outcome,
      price: t.outcome === 'Yes' ? Number(m.fairPrice) : 1 - Number(m.fairPrice),
      winner: m.winner === t.tokenId,
    })),
    minimum_tick_size: Number(m.tickSize),
    minimum_order_size: Number(m.minOrderSize),
    neg_risk: m.negRisk,
    // Protocol V2 markets list their position ids (and trade on ExchangeV3).
    ...(m.version === 3 ? { position_ids: m.tokens.map((t) => t.tokenId) } : {}),
    active: !m.closed,
    closed: m.closed,
    accepting_orders: !m.closed,
  }
}

/**
 * An order's price as the venue reports it: Polymarket derives it from the signed amounts as a binary float (a
 * market order's maker ÷ taker comes out as e.g. `0.5100011220024684`, quoted by the server in
 * Polymarket/py-clob-client-v2#59), never with decimal.js's 40 digits. A tick-aligned price reads as it is.
 */
export function venuePrice(price: Decimal): string {
  return String(price.toNumber())
}

/** An order as `GET /data/orders` lists it. */
export function orderJson(o: SimOrder): Record<string, unknown> {
  return {
    id: o.id,
    status: o.status,
    owner: o.owner,
    maker_address: o.maker,
    market: o.market,
    asset_id: o.tokenId,
    side: o.side,
    original_size: o.originalSize.toFixed(),
    size_matched: o.sizeMatched.toFixed(),
    price: venuePrice(o.price),
    outcome: o.outcome,
    expiration: String(o.expiration),
    order_type: o.orderType,
    associate_trades: [...o.associateTrades],
    created_at: o.createdAt,
  }
}

/**
 * A trade as `GET /data/trades` lists it and the user channel sends it to `viewer` (an API key: the taker's or a
 * maker order's owner): one object with every maker order matched (docs.polymarket.com, user channel "trade"), `owner`
 * the key the event is for and `trader_side` whether that key was the taker.
 */
export function tradeJson(t: SimTrade, viewer: string): Record<string, unknown> {
  return {
    id: t.id,
    taker_order_id: t.takerOrderId,
    market: t.market,
    asset_id: t.tokenId,
    side: t.side,
    size: t.size.toFixed(),
    fee_rate_bps: '0',
    price: t.price.toFixed(),
    status: t.status,
    match_time: String(t.matchTime),
    last_update: String(t.lastUpdate),
    outcome: t.outcome,
    owner: viewer,
    trade_owner: viewer,
    maker_address: t.takerMaker,
    transaction_hash: t.transactionHash,
    trader_side: viewer === t.takerOwner ? 'TAKER' : 'MAKER',
    maker_orders: t.makers.map((m) => ({
      order_id: m.orderId,
      owner: m.owner,
      maker_address: m.maker,
      matched_amount: m.size.toFixed(),
      price: m.price.toFixed(),
      fee_rate_bps: '0',
      asset_id: t.tokenId,
      outcome: t.outcome,
      side: m.side,
    })),
  }
}

/**
 * A token's book as `GET /book` answers it (best level last on both sides). `timestamp` is when the book last
 * changed and `hash` its content hash, computed as the official client's `getOrderBookHash` does: SHA-1 (hex) of the
 * JSON of the summary with `hash: ""`. An unchanged book keeps its hash.
 */
export function bookJson(ex: SimExchange, tokenId: string, changedAt: number): Record<string, unknown> {
  const book = bookSummary(ex, tokenId, changedAt)
  book.hash = createHash('sha1').update(JSON.stringify(book)).digest('hex')
  return book
}

function bookSummary(ex: SimExchange, tokenId: string, changedAt: number): Record<string, unknown> {
  const info = ex.token(tokenId)
  const lv = ex.levels(tokenId)
  const lt = ex.lastTrade.get(tokenId)
  return {
    market: info?.market.conditionId,
    asset_id: tokenId,
    timestamp: String(changedAt),
    hash: '',
    // REST order: best level last on both sides
    bids: lv.bids.map(([p, s]) => ({ price: p.toFixed(), size: s.toFixed() })).reverse(),
    asks: lv.asks.map(([p, s]) => ({ price: p.toFixed(), size: s.toFixed() })).reverse(),
    min_order_size: info?.market.minOrderSize,
    tick_size: info?.market.tickSize,
    neg_risk: info?.market.negRisk,
    last_trade_price: lt?.price.toFixed() ?? '',
  }
}

/** A market as `GET /clob-markets/{conditionId}` answers it (the official client's `MarketDetails` short keys). */
export function clobMarketJson(m: SimMarket): Record<string, unknown> {
  return {
    c: m.conditionId,
    t: m.tokens.map((t) => ({ t: t.tokenId, o: t.outcome })),
    mts: Number(m.tickSize),
    nr: m.negRisk,
    fd: { r: 0, e: 0 },
    mbf: 0,
    tbf: 0,
    r: null,
    ao: !m.closed,
    mos: Number(m.minOrderSize),
  }
}
