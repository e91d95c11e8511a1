import * as z from 'zod/mini'
import type { BookLevel } from '../../core/index.js'
import { type Decimal, parseDecimal } from '../../decimal/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { POLYMARKET_VENUE } from './constants.js'
import { epochMs } from './epochMs.js'

// ───────────────────────────── number parsing ─────────────────────────────

const DECIMAL_TEXT = /^(?:\d{1,30}(?:\.\d{1,30})?|\.\d{1,30})$/

/** A unit-interval price: a decimal string (`"0.5"`, `".48"`) or number strictly inside (0, 1). */
const UnitPrice = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v, ctx) => {
    const n = typeof v === 'number' ? v : DECIMAL_TEXT.test(v) ? Number(v) : Number.NaN
    if (!Number.isFinite(n) || n <= 0 || n >= 1) {
      ctx.issues.push({
        code: 'custom',
        message: `price ${JSON.stringify(v)} is not inside (0, 1)`,
        input: v,
      })
      return z.NEVER
    }
    return n
  }),
)

/** A best bid/ask: `""`, `"0"` and `"1"` mean no level (undefined); anything else must be inside (0, 1). */
const BestPrice = z.pipe(
  z.optional(z.union([z.string(), z.number(), z.null()])),
  z.transform((v, ctx) => {
    if (v === undefined || v === null || v === '') return undefined
    const n = typeof v === 'number' ? v : DECIMAL_TEXT.test(v) ? Number(v) : Number.NaN
    if (n === 0 || n === 1) return undefined
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.issues.push({ code: 'custom', message: `best price ${JSON.stringify(v)} is invalid`, input: v })
      return z.NEVER
    }
    return n
  }),
)

/** A size: finite and ≥ 0 (a price change of size 0 removes the level). */
const Size = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v, ctx) => {
    const n = typeof v === 'number' ? v : DECIMAL_TEXT.test(v) ? Number(v) : Number.NaN
    if (!Number.isFinite(n) || n < 0) {
      ctx.issues.push({
        code: 'custom',
        message: `size ${JSON.stringify(v)} is not a non-negative number`,
        input: v,
      })
      return z.NEVER
    }
    return n
  }),
)

/** Epoch ms as a string or number. */
const Millis = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d{1,16}$/.test(v) ? Number(v) : Number.NaN
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.issues.push({ code: 'custom', message: `timestamp ${JSON.stringify(v)} is invalid`, input: v })
      return z.NEVER
    }
    return n
  }),
)

/** A user-channel time (string or number) in epoch seconds or ms, normalised to ms by magnitude ({@link epochMs}). */
const EpochTime = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v: string | number, ctx) => {
    const n = typeof v === 'number' ? v : /^\d{1,16}$/.test(v) ? Number(v) : Number.NaN
    const ms = epochMs(n)
    if (ms === undefined) {
      ctx.issues.push({
        code: 'custom',
        message: `timestamp ${JSON.stringify(v)} is neither epoch seconds nor ms`,
        input: v,
      })
      return z.NEVER
    }
    return ms
  }),
)

/** A CLOB token id: a uint256 as a decimal string. */
export const TokenIdSchema = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^\d{1,78}$/, 'token id must be a uint256 decimal string'))
/** A market's condition id: 0x-prefixed hex. */
export const ConditionIdSchema = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^0x[0-9a-fA-F]{1,64}$/, 'condition id must be 0x-prefixed hex'))
const TokenId = TokenIdSchema
const ConditionId = ConditionIdSchema
/** A strictly positive size (a printed trade). */
const PositiveSize = /* @__PURE__ */ Size.check(z.refine((n) => n > 0, 'size must be > 0'))
const SideSchema = z.enum(['BUY', 'SELL'])
const Level = z.object({ price: UnitPrice, size: Size })

/** A Decimal from a venue string, strict (no `""`, `NaN`, exponents); for user-channel money fields. */
function dec(options: { positive?: boolean; unitPrice?: boolean } = {}) {
  return z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((v, ctx) => {
      const r = parseDecimal(typeof v === 'string' && v.startsWith('.') ? `0${v}` : v, {
        allowZero: options.positive !== true,
      })
      if (!r.ok) {
        ctx.issues.push({ code: 'custom', message: r.error.message, input: v })
        return z.NEVER
      }
      if (options.unitPrice === true && (r.value.lte(0) || r.value.gte(1))) {
        ctx.issues.push({
          code: 'custom',
          message: `price "${r.value.toFixed()}" is not inside (0, 1)`,
          input: v,
        })
        return z.NEVER
      }
      return r.value
    }),
  )
}

// ───────────────────────────── market channel ─────────────────────────────

/** Full book of one token (`book`): levels sorted best first, whatever order the venue sent them in. */
export interface PolymarketBookEvent {
  readonly type: 'book'
  readonly tokenId: string
  readonly market: string
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
  readonly hash: string
  readonly tsEvent: number
}

/** One level change inside a `price_change` event; `size` 0 removes the level. */
export interface PolymarketPriceChange {
  readonly tokenId: string
  readonly price: number
  readonly size: number
  /** BUY changes a bid level, SELL an ask level. */
  readonly side: 'BUY' | 'SELL'
  readonly bestBid: number | undefined
  readonly bestAsk: number | undefined
  readonly hash: string | undefined
}

/** Level changes after an order was placed or cancelled (`price_change`). */
export interface PolymarketPriceChangeEvent {
  readonly type: 'price_change'
  readonly market: string
  readonly changes: readonly PolymarketPriceChange[]
  readonly tsEvent: number
}

/** The market's tick size changed (`tick_size_change`): orders must use the new tick from now on. */
export interface PolymarketTickSizeChangeEvent {
  readonly type: 'tick_size_change'
  readonly tokenId: string
  readonly market: string
  readonly oldTickSize: string
  readonly newTickSize: string
  readonly tsEvent: number
}

/** A trade printed (`last_trade_price`). */
export interface PolymarketLastTradeEvent {
  readonly type: 'last_trade_price'
  readonly tokenId: string
  readonly market: string
  readonly price: number
  readonly size: number
  readonly side: 'BUY' | 'SELL'
  readonly tsEvent: number
}

/** Top of book changed (`best_bid_ask`, with `custom_feature_enabled`). */
export interface PolymarketBestBidAskEvent {
  readonly type: 'best_bid_ask'
  readonly tokenId: string
  readonly market: string
  readonly bestBid: number | undefined
  readonly bestAsk: number | undefined
  readonly tsEvent: number
}

/** A market was created (`new_market`). */
export interface PolymarketNewMarketEvent {
  readonly type: 'new_market'
  readonly market: string
  readonly question: string | undefined
  readonly tokenIds: readonly string[]
  readonly tsEvent: number
}

/** A market resolved (`market_resolved`). */
export interface PolymarketMarketResolvedEvent {
  readonly type: 'market_resolved'
  readonly market: string
  readonly winningTokenId: string | undefined
  readonly winningOutcome: string | undefined
  readonly tokenIds: readonly string[]
  readonly tsEvent: number
}

/** Every decoded market-channel event. */
export type PolymarketMarketEvent =
  | PolymarketBookEvent
  | PolymarketPriceChangeEvent
  | PolymarketTickSizeChangeEvent
  | PolymarketLastTradeEvent
  | PolymarketBestBidAskEvent
  | PolymarketNewMarketEvent
  | PolymarketMarketResolvedEvent

const BookSchema = z.object({
  event_type: z.literal('book'),
  asset_id: TokenId,
  market: ConditionId,
  bids: /* @__PURE__ */ z.array(Level).check(z.maxLength(20_000)),
  asks: /* @__PURE__ */ z.array(Level).check(z.maxLength(20_000)),
  hash: z.optional(z.string()),
  timestamp: Millis,
})

const PriceChangeSchema = z.object({
  event_type: z.literal('price_change'),
  market: ConditionId,
  price_changes: /* @__PURE__ */ z
    .array(
      z.object({
        asset_id: TokenId,
        price: UnitPrice,
        size: Size,
        side: SideSchema,
        hash: z.optional(z.string()),
        best_bid: BestPrice,
        best_ask: BestPrice,
      }),
    )
    .check(z.minLength(1), z.maxLength(20_000)),
  timestamp: Millis,
})

const TickSchema = z.object({
  event_type: z.literal('tick_size_change'),
  asset_id: TokenId,
  market: ConditionId,
  old_tick_size: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
  new_tick_size: /* @__PURE__ */ z
    .pipe(z.union([z.string(), z.number()]), z.transform(String))
    .check(
      z.refine(
        (s) => ['0.1', '0.01', '0.001', '0.0001', '0.005', '0.0025'].includes(s),
        'unsupported tick size',
      ),
    ),
  timestamp: Millis,
})

const LastTradeSchema = z.object({
  event_type: z.literal('last_trade_price'),
  asset_id: TokenId,
  market: ConditionId,
  price: UnitPrice,
  size: PositiveSize,
  side: SideSchema,
  timestamp: Millis,
})

const BestBidAskSchema = z.object({
  event_type: z.literal('best_bid_ask'),
  asset_id: TokenId,
  market: ConditionId,
  best_bid: BestPrice,
  best_ask: BestPrice,
  timestamp: Millis,
})

const NewMarketSchema = z.object({
  event_type: z.literal('new_market'),
  market: ConditionId,
  question: z.optional(z.string()),
  assets_ids: z._default(/* @__PURE__ */ z.array(TokenId).check(z.maxLength(100)), []),
  timestamp: Millis,
})

const ResolvedSchema = z.object({
  event_type: z.literal('market_resolved'),
  market: ConditionId,
  winning_asset_id: z.optional(TokenId),
  winning_outcome: z.optional(z.string()),
  assets_ids: z._default(/* @__PURE__ */ z.array(TokenId).check(z.maxLength(100)), []),
  timestamp: Millis,
})

/**
 * Why a full book cannot be trusted: a price listed twice on one side, or a best bid at or above the best ask.
 * `undefined` when the book is sound.
 */
function bookProblem(bids: readonly BookLevel[], asks: readonly BookLevel[]): string | undefined {
  for (const side of [bids, asks]) {
    for (let i = 1; i < side.length; i++) {
      if ((side[i] as BookLevel)[0] === (side[i - 1] as BookLevel)[0])
        return 'bids/asks: duplicate price level'
    }
  }
  const bid = bids[0]
  const ask = asks[0]
  if (bid !== undefined && ask !== undefined && bid[0] >= ask[0])
    return 'bids/asks: crossed (best bid >= best ask)'
  return undefined
}

function sortLevels(levels: ReadonlyArray<{ price: number; size: number }>, desc: boolean): BookLevel[] {
  const out: BookLevel[] = []
  for (const l of levels) if (l.size > 0) out.push([l.price, l.size])
  out.sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]))
  return out
}

function dataError(message: string, issues: string[], raw: unknown): ExchangeDataError {
  return new ExchangeDataError(POLYMARKET_VENUE, message, issues, raw)
}

function issuesOf(e: z.core.$ZodError): string[] {
  return e.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
}

/**
 * Decodes one market-channel event object. Never throws: a malformed event is an `ExchangeDataError` to count
 * and drop. Prices must be strictly inside (0, 1); `""`, `"NaN"` or exponents are rejected, never read as 0.
 *
 * @example
 * ```ts
 * const r = decodeMarketEvent(JSON.parse(text))
 * if (r.ok && r.value.type === 'book') book.applySnapshot(r.value)
 * ```
 */
export function decodeMarketEvent(value: unknown): Result<PolymarketMarketEvent, ExchangeDataError> {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return err(dataError('Market event is not an object', ['(root): expected object'], value))
    }
    const type = (value as { event_type?: unknown }).event_type
    switch (type) {
      case 'book': {
        const r = BookSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid book event', issuesOf(r.error), value))
        const v = r.data
        const bids = sortLevels(v.bids, true)
        const asks = sortLevels(v.asks, false)
        const problem = bookProblem(bids, asks)
        if (problem !== undefined) return err(dataError('Invalid book event', [problem], value))
        return ok({
          type: 'book',
          tokenId: v.asset_id,
          market: v.market,
          bids,
          asks,
          hash: v.hash ?? '',
          tsEvent: v.timestamp,
        })
      }
      case 'price_change': {
        const r = PriceChangeSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid price_change event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'price_change',
          market: v.market,
          changes: v.price_changes.map((c) => ({
            tokenId: c.asset_id,
            price: c.price,
            size: c.size,
            side: c.side,
            bestBid: c.best_bid,
            bestAsk: c.best_ask,
            hash: c.hash,
          })),
          tsEvent: v.timestamp,
        })
      }
      case 'tick_size_change': {
        const r = TickSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid tick_size_change event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'tick_size_change',
          tokenId: v.asset_id,
          market: v.market,
          oldTickSize: v.old_tick_size,
          newTickSize: v.new_tick_size,
          tsEvent: v.timestamp,
        })
      }
      case 'last_trade_price': {
        const r = LastTradeSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid last_trade_price event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'last_trade_price',
          tokenId: v.asset_id,
          market: v.market,
          price: v.price,
          size: v.size,
          side: v.side,
          tsEvent: v.timestamp,
        })
      }
      case 'best_bid_ask': {
        const r = BestBidAskSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid best_bid_ask event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'best_bid_ask',
          tokenId: v.asset_id,
          market: v.market,
          bestBid: v.best_bid,
          bestAsk: v.best_ask,
          tsEvent: v.timestamp,
        })
      }
      case 'new_market': {
        const r = NewMarketSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid new_market event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'new_market',
          market: v.market,
          question: v.question,
          tokenIds: v.assets_ids,
          tsEvent: v.timestamp,
        })
      }
      case 'market_resolved': {
        const r = ResolvedSchema.safeParse(value)
        if (!r.success) return err(dataError('Invalid market_resolved event', issuesOf(r.error), value))
        const v = r.data
        return ok({
          type: 'market_resolved',
          market: v.market,
          winningTokenId: v.winning_asset_id,
          winningOutcome: v.winning_outcome,
          tokenIds: v.assets_ids,
          tsEvent: v.timestamp,
        })
      }
      default:
        return err(
          dataError(`Unknown market event type ${JSON.stringify(type)}`, ['event_type: unknown'], value),
        )
    }
  } catch (cause) {
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Market event decoding failed', [], value, { cause }))
  }
}

/** What one WebSocket text frame held: events, per-event errors, and whether it was the `PONG` keep-alive. */
export interface DecodedFrame<E> {
  readonly events: readonly E[]
  readonly errors: readonly ExchangeDataError[]
  readonly isPong: boolean
}

/**
 * Decodes one WebSocket text frame that holds one event object or an array of them (or `PONG`). Each element is
 * decoded on its own, so one bad element does not drop the good ones. Never throws.
 *
 * @example
 * ```ts
 * const { events, errors, isPong } = decodeFrame(text, decodeMarketEvent)
 * for (const e of events) if (e.type === 'book') console.log(e.tokenId, e.bids[0])
 * for (const e of errors) console.warn(e.message) // bad elements are dropped, the good ones kept
 * ```
 */
export function decodeFrame<E>(
  text: string,
  decodeOne: (v: unknown) => Result<E, ExchangeDataError>,
): DecodedFrame<E> {
  if (text === 'PONG') return { events: [], errors: [], isPong: true }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    return {
      events: [],
      errors: [new ExchangeDataError(POLYMARKET_VENUE, 'Frame is not JSON', [], text, { cause })],
      isPong: false,
    }
  }
  const items = Array.isArray(parsed) ? parsed : [parsed]
  const events: E[] = []
  const errors: ExchangeDataError[] = []
  for (const item of items) {
    const r = decodeOne(item)
    if (r.ok) events.push(r.value)
    else errors.push(r.error)
  }
  return { events, errors, isPong: false }
}

// ───────────────────────────── user channel ─────────────────────────────

/** A maker order filled by a trade, as the user channel reports it. */
export interface PolymarketMakerFill {
  readonly orderId: string
  readonly owner: string
  readonly matchedAmount: Decimal
  readonly price: Decimal
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL' | undefined
}

/**
 * Settlement status of a trade: MATCHED → MINED → CONFIRMED, or RETRYING → FAILED. `PENDING` stands for a status
 * tradekit does not know yet (e.g. `MATCHED_NOT_BROADCASTED`, seen in third-party clients): the trade is kept as a
 * fill awaiting settlement, never dropped, and its `venueStatus` says what the venue sent.
 */
export type PolymarketTradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED' | 'PENDING'

/** A user-channel `trade` event. */
export interface PolymarketUserTradeEvent {
  readonly type: 'trade'
  readonly tradeId: string
  readonly tokenId: string
  readonly market: string
  /** The taker's side. */
  readonly side: 'BUY' | 'SELL'
  readonly size: Decimal
  readonly price: Decimal
  readonly status: PolymarketTradeStatus
  /** The status as the venue sent it (differs from `status` only when that is `PENDING`). */
  readonly venueStatus: string
  readonly takerOrderId: string
  /**
   * `owner` as the venue sends it: "api key of event owner" in Polymarket's user-channel field table (the account the
   * message is for), not necessarily the taker's. Which side of the trade that account was on is {@link traderSide}.
   */
  readonly owner: string
  /**
   * `trader_side`: whether the account the message is for was the trade's `TAKER` or one of its `MAKER`s (the
   * official client's `Trade.trader_side: "TAKER" | "MAKER"`); `undefined` when absent (older frames) or unknown.
   */
  readonly traderSide?: 'TAKER' | 'MAKER'
  readonly makerOrders: readonly PolymarketMakerFill[]
  /** The message's time (`timestamp`): a later status of a trade comes with a later time. */
  readonly tsEvent: number
  /** When the trade matched (epoch ms), when the message says (`match_time`); its fills carry this time. */
  readonly matchTime?: number
}

/** A user-channel `order` event: PLACEMENT, UPDATE (a fill) or CANCELLATION. */
export interface PolymarketUserOrderEvent {
  readonly type: 'order'
  readonly action: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION'
  readonly orderId: string
  readonly tokenId: string
  readonly market: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly originalSize: Decimal
  readonly sizeMatched: Decimal
  readonly owner: string
  readonly tsEvent: number
}

/** Every decoded user-channel event. */
export type PolymarketUserEvent = PolymarketUserTradeEvent | PolymarketUserOrderEvent

const KNOWN_TRADE_STATUSES: ReadonlySet<string> = new Set([
  'MATCHED',
  'MINED',
  'CONFIRMED',
  'RETRYING',
  'FAILED',
])

const TradeSchema = z.object({
  event_type: z.literal('trade'),
  id: /* @__PURE__ */ z.string().check(z.minLength(1)),
  asset_id: TokenId,
  market: ConditionId,
  side: SideSchema,
  size: dec({ positive: true }),
  price: dec({ unitPrice: true }),
  status: /* @__PURE__ */ z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/)),
  taker_order_id: /* @__PURE__ */ z.string().check(z.minLength(1)),
  owner: z.string(),
  trader_side: z.optional(z.unknown()),
  maker_orders: /* @__PURE__ */ z
    .array(
      z.object({
        order_id: /* @__PURE__ */ z.string().check(z.minLength(1)),
        owner: z.string(),
        matched_amount: dec({ positive: true }),
        price: dec({ unitPrice: true }),
        asset_id: TokenId,
        side: z.optional(SideSchema),
      }),
    )
    .check(z.maxLength(1000)),
  timestamp: EpochTime,
  /** When it matched: `match_time` in captures, `matchtime` in the docs' example (read by {@link matchTimeOf}). */
  match_time: z.optional(z.unknown()),
  matchtime: z.optional(z.unknown()),
})

/**
 * A trade's match time in epoch ms, from `match_time` (captured frames and the REST history) or `matchtime` (the
 * docs' example), in seconds or ms; `undefined` when absent or unreadable (the trade is still taken: its
 * `timestamp` is then its time).
 */
function matchTimeOf(v: { match_time?: unknown; matchtime?: unknown }): number | undefined {
  const raw = v.match_time ?? v.matchtime
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN
  return epochMs(n)
}

const OrderSchema = z.object({
  event_type: z.literal('order'),
  id: /* @__PURE__ */ z.string().check(z.minLength(1)),
  asset_id: TokenId,
  market: ConditionId,
  side: SideSchema,
  price: dec({ unitPrice: true }),
  original_size: dec({ positive: true }),
  size_matched: dec(),
  owner: z.string(),
  type: z.enum(['PLACEMENT', 'UPDATE', 'CANCELLATION']),
  timestamp: EpochTime,
})

/**
 * `"size_matched": ""` (seen on a FOK order the venue killed) on a `PLACEMENT` or `CANCELLATION` is read as `"0"`:
 * the venue reports no match there. On an `UPDATE` (a match) it stays refused.
 */
function emptyMatchedAsZero(value: unknown): unknown {
  const v = value as { size_matched?: unknown; type?: unknown }
  if (v.size_matched !== '' || (v.type !== 'CANCELLATION' && v.type !== 'PLACEMENT')) return value
  return { ...(value as object), size_matched: '0' }
}

/**
 * Decodes one user-channel event object (`order` or `trade`). Never throws.
 *
 * @example
 * ```ts
 * const r = decodeUserEvent(JSON.parse(text))
 * if (r.ok && r.value.type === 'trade') console.log(r.value.status) // MATCHED, MINED, CONFIRMED, RETRYING, FAILED
 * ```
 */
export function decodeUserEvent(value: unknown): Result<PolymarketUserEvent, ExchangeDataError> {
  try {
    const type = (value as { event_type?: unknown } | null)?.event_type
    if (type === 'trade') {
      const r = TradeSchema.safeParse(value)
      if (!r.success) return err(dataError('Invalid trade event', issuesOf(r.error), value))
      const v = r.data
      const matchTime = matchTimeOf(v)
      return ok({
        type: 'trade',
        tradeId: v.id,
        tokenId: v.asset_id,
        market: v.market,
        side: v.side,
        size: v.size,
        price: v.price,
        status: KNOWN_TRADE_STATUSES.has(v.status) ? (v.status as PolymarketTradeStatus) : 'PENDING',
        venueStatus: v.status,
        takerOrderId: v.taker_order_id,
        owner: v.owner,
        ...(v.trader_side === 'TAKER' || v.trader_side === 'MAKER' ? { traderSide: v.trader_side } : {}),
        makerOrders: v.maker_orders.map((m) => ({
          orderId: m.order_id,
          owner: m.owner,
          matchedAmount: m.matched_amount,
          price: m.price,
          tokenId: m.asset_id,
          side: m.side,
        })),
        tsEvent: v.timestamp,
        ...(matchTime !== undefined ? { matchTime } : {}),
      })
    }
    if (type === 'order') {
      const r = OrderSchema.safeParse(emptyMatchedAsZero(value))
      if (!r.success) return err(dataError('Invalid order event', issuesOf(r.error), value))
      const v = r.data
      if (v.size_matched.gt(v.original_size)) {
        return err(dataError('Invalid order event', ['size_matched: exceeds original_size'], value))
      }
      return ok({
        type: 'order',
        action: v.type,
        orderId: v.id,
        tokenId: v.asset_id,
        market: v.market,
        side: v.side,
        price: v.price,
        originalSize: v.original_size,
        sizeMatched: v.size_matched,
        owner: v.owner,
        tsEvent: v.timestamp,
      })
    }
    return err(dataError(`Unknown user event type ${JSON.stringify(type)}`, ['event_type: unknown'], value))
  } catch (cause) {
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'User event decoding failed', [], value, { cause }))
  }
}

// ───────────────────────────── REST ─────────────────────────────

/** An order book from GET /book, levels best first. */
export interface PolymarketBook {
  readonly tokenId: string
  readonly market: string
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
  readonly tickSize: string | undefined
  readonly negRisk: boolean | undefined
  readonly minOrderSize: string | undefined
  readonly hash: string
  readonly tsEvent: number
}

const RestBookSchema = z.object({
  market: ConditionId,
  asset_id: TokenId,
  bids: /* @__PURE__ */ z.array(Level).check(z.maxLength(20_000)),
  asks: /* @__PURE__ */ z.array(Level).check(z.maxLength(20_000)),
  hash: z.optional(z.string()),
  timestamp: Millis,
  tick_size: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
  neg_risk: z.optional(z.boolean()),
  min_order_size: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
})

/**
 * Decodes a GET /book response. Never throws.
 *
 * @example
 * ```ts
 * const r = decodeRestBook(await (await fetch(`https://clob.polymarket.com/book?token_id=${tokenId}`)).json())
 * if (r.ok) console.log(r.value.tickSize, r.value.bids[0], r.value.asks[0]) // levels best first
 * ```
 */
export function decodeRestBook(value: unknown): Result<PolymarketBook, ExchangeDataError> {
  const r = RestBookSchema.safeParse(value)
  if (!r.success) return err(dataError('Invalid order book', issuesOf(r.error), value))
  const v = r.data
  const bids = sortLevels(v.bids, true)
  const asks = sortLevels(v.asks, false)
  const problem = bookProblem(bids, asks)
  if (problem !== undefined) return err(dataError('Invalid order book', [problem], value))
  return ok({
    tokenId: v.asset_id,
    market: v.market,
    bids,
    asks,
    tickSize: v.tick_size,
    negRisk: v.neg_risk,
    minOrderSize: v.min_order_size,
    hash: v.hash ?? '',
    tsEvent: v.timestamp,
  })
}
