import * as z from 'zod/mini'
import { type Decimal, parseDecimal } from '../../decimal/index.js'
import { ExchangeDataError, type TradekitError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { isTickSize, POLYMARKET_VENUE, type TickSize } from './constants.js'
import { ConditionIdSchema, TokenIdSchema } from './decode.js'
import { mapPolymarketError } from './errors.js'
import type {
  BalanceAllowance,
  CancelResult,
  PolymarketMarket,
  PolymarketOpenOrder,
  PolymarketPage,
  PolymarketTradeRecord,
  PostOrderResult,
} from './restTypes.js'

const Str = z.pipe(z.union([z.string(), z.number()]), z.transform(String))

/** A non-negative plain decimal (`"5"`, `"0.5"`), as the venue sends sizes; never `""`, `NaN` or `-1`. */
const NonNegativeDecimalString = /* @__PURE__ */ Str.check(
  z.refine((v) => parseDecimal(v).ok, 'must be a non-negative decimal'),
)

/** One cursor page of a REST listing. */
const PageSchema = z.object({ data: z.array(z.unknown()), next_cursor: z.string() })

const MarketSchema = z.object({
  condition_id: ConditionIdSchema,
  question: z._default(z.string(), ''),
  tokens: z.array(z.object({ token_id: TokenIdSchema, outcome: z.string() })),
  minimum_tick_size: Str,
  minimum_order_size: z._default(NonNegativeDecimalString, '0'),
  neg_risk: z._default(z.boolean(), false),
  active: z._default(z.boolean(), true),
  closed: z._default(z.boolean(), false),
  // Protocol V2 markets: position ids as an array, or (Gamma style) a JSON-encoded array; Gamma's `version`.
  position_ids: z.optional(z.unknown()),
  positionIds: z.optional(z.unknown()),
  version: z.optional(z.unknown()),
})

/** Position ids given as an array of uint256 strings or a JSON string of one; undefined otherwise. */
function positionIdsOf(v: unknown): string[] | undefined {
  let list = v
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v)
    } catch {
      return undefined
    }
  }
  if (!Array.isArray(list) || list.length === 0) return undefined
  const ids = list.map(String)
  return ids.every((id) => /^\d{1,78}$/.test(id)) ? ids : undefined
}

const OpenOrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  market: z.string(),
  asset_id: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: Str,
  original_size: Str,
  size_matched: Str,
  order_type: z._default(z.string(), ''),
  /** Epoch seconds; missing or `""` is 0 (unknown); anything that is not a finite non-negative number is refused. */
  created_at: z._default(
    z.pipe(z.pipe(z.union([z.number(), z.string()]), z.transform(Number)), z.number().check(z.nonnegative())),
    0,
  ),
})

const TradeRecordSchema = z.object({
  id: z.string(),
  taker_order_id: z.string(),
  market: z.string(),
  asset_id: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: Str,
  size: Str,
  status: z.string(),
  trader_side: z._default(z.string(), ''),
})

const PostResultSchema = z.object({
  success: z._default(z.boolean(), true),
  errorMsg: z._default(z.string(), ''),
  /** The same message as `errorMsg`, in the snake case seen in Polymarket's Rust client tests. */
  error_msg: z._default(z.string(), ''),
  orderID: z._default(z.string(), ''),
  status: z._default(z.string(), ''),
  makingAmount: z._default(Str, '0'),
  takingAmount: z._default(Str, '0'),
  tradeIDs: z.nullish(z.array(z.string())),
})

/**
 * Parses a decimal string of a REST body strictly (`""`, `NaN`, negative values are rejected, never read as 0).
 *
 * @example
 * ```ts
 * decodeDecimal('0.55', 'price') // { ok: true, value: Decimal(0.55) }
 * ```
 */
export function decodeDecimal(v: string, field: string): Result<Decimal, ExchangeDataError> {
  const r = parseDecimal(v, { field })
  return r.ok
    ? ok(r.value)
    : err(new ExchangeDataError(POLYMARKET_VENUE, `Invalid ${field}`, [r.error.message], v))
}

/**
 * Decodes a market of GET /markets (a supported tick size is required).
 *
 * @example
 * ```ts
 * const r = decodeMarket(body) // Result<PolymarketMarket, ExchangeDataError>
 * ```
 */
export function decodeMarket(raw: unknown): Result<PolymarketMarket, ExchangeDataError> {
  const r = MarketSchema.safeParse(raw)
  if (!r.success || !isTickSize(r.data.minimum_tick_size)) {
    const issues = [r.success ? 'tick size' : r.error.message]
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Invalid market', issues, raw))
  }
  const v = r.data
  return ok({
    conditionId: v.condition_id,
    question: v.question,
    tokens: v.tokens.map((t) => ({ tokenId: t.token_id, outcome: t.outcome })),
    tickSize: v.minimum_tick_size as TickSize,
    minOrderSize: v.minimum_order_size,
    negRisk: v.neg_risk,
    active: v.active,
    closed: v.closed,
    ...protocolOf(v),
  })
}

/** A Protocol V2 market (position ids, or Gamma `version: "v2"`) trades on ExchangeV3. */
function protocolOf(v: { position_ids?: unknown; positionIds?: unknown; version?: unknown }) {
  const positionIds = positionIdsOf(v.position_ids) ?? positionIdsOf(v.positionIds)
  const v3 = positionIds !== undefined || v.version === 'v2'
  return {
    ...(positionIds !== undefined ? { positionIds } : {}),
    ...(v3 ? { exchangeVersion: 3 as const } : {}),
  }
}

/**
 * Decodes an order record of GET /data/orders or GET /data/order/{id}.
 *
 * @example
 * ```ts
 * const r = decodeOpenOrder(body) // Result<PolymarketOpenOrder, ExchangeDataError>
 * ```
 */
export function decodeOpenOrder(raw: unknown): Result<PolymarketOpenOrder, ExchangeDataError> {
  const r = OpenOrderSchema.safeParse(raw)
  if (!r.success)
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Invalid order record', [r.error.message], raw))
  const v = r.data
  const price = decodeDecimal(v.price, 'price')
  const originalSize = decodeDecimal(v.original_size, 'original_size')
  const sizeMatched = decodeDecimal(v.size_matched, 'size_matched')
  if (!price.ok) return price
  if (!originalSize.ok) return originalSize
  if (!sizeMatched.ok) return sizeMatched
  return ok({
    id: v.id,
    status: v.status,
    market: v.market,
    tokenId: v.asset_id,
    side: v.side,
    price: price.value,
    originalSize: originalSize.value,
    sizeMatched: sizeMatched.value,
    orderType: v.order_type,
    createdAt: v.created_at,
  })
}

/**
 * Decodes a trade record of GET /data/trades.
 *
 * @example
 * ```ts
 * const r = decodeTradeRecord(body) // Result<PolymarketTradeRecord, ExchangeDataError>
 * ```
 */
export function decodeTradeRecord(raw: unknown): Result<PolymarketTradeRecord, ExchangeDataError> {
  const r = TradeRecordSchema.safeParse(raw)
  if (!r.success)
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Invalid trade record', [r.error.message], raw))
  const v = r.data
  const price = decodeDecimal(v.price, 'price')
  const size = decodeDecimal(v.size, 'size')
  if (!price.ok) return price
  if (!size.ok) return size
  return ok({
    id: v.id,
    takerOrderId: v.taker_order_id,
    market: v.market,
    tokenId: v.asset_id,
    side: v.side,
    price: price.value,
    size: size.value,
    status: v.status,
    traderSide: v.trader_side,
  })
}

/**
 * Decodes the venue's answer to a posted order: an {@link PostOrderResult}, or the venue's typed rejection
 * (`success: false` / `errorMsg`) as an error. `expectedId` is the locally computed order hash.
 *
 * @example
 * ```ts
 * const r = decodePostResult(body, orderHash(order, { negRisk: false }))
 * ```
 */
export function decodePostResult(raw: unknown, expectedId: string): Result<PostOrderResult, TradekitError> {
  const r = PostResultSchema.safeParse(raw)
  if (!r.success)
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Invalid order response', [r.error.message], raw))
  const v = r.data
  const errorMsg = v.errorMsg || v.error_msg
  if (!v.success || (errorMsg !== '' && v.orderID === '')) {
    const mapped = mapPolymarketError(400, errorMsg)
    return err(mapped ?? new ExchangeDataError(POLYMARKET_VENUE, 'Order failed', [errorMsg], raw))
  }
  return ok({
    orderId: v.orderID || expectedId,
    status: v.status,
    makingAmount: v.makingAmount,
    takingAmount: v.takingAmount,
    tradeIds: v.tradeIDs ?? [],
  })
}

const CancelResultSchema = z.object({
  canceled: z.nullish(z.array(z.string())),
  not_canceled: z.nullish(z.record(z.string(), z.unknown())),
  /** The same map as `not_canceled`, in the camel case Polymarket's Rust client also accepts. */
  notCanceled: z.nullish(z.record(z.string(), z.unknown())),
})

/**
 * Decodes the venue's answer to a cancel (`DELETE /order`, `/orders`, `/cancel-all`, `/cancel-market-orders`):
 * the ids cancelled and, by id, why the others were not (`not_canceled`, or `notCanceled`). Never throws.
 *
 * @example
 * ```ts
 * const r = decodeCancelResult({ canceled: ['0xab'], not_canceled: {} }) // { ok: true, value: { canceled: ['0xab'], notCanceled: {} } }
 * ```
 */
export function decodeCancelResult(raw: unknown): Result<CancelResult, ExchangeDataError> {
  const r = CancelResultSchema.safeParse(raw)
  if (!r.success)
    return err(new ExchangeDataError(POLYMARKET_VENUE, 'Invalid cancel response', [r.error.message], raw))
  const notCanceled: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...r.data.notCanceled, ...r.data.not_canceled }))
    notCanceled[k] = String(v)
  return ok({ canceled: r.data.canceled ?? [], notCanceled })
}

const fail = (what: string, issues: string[], raw: unknown) =>
  err(new ExchangeDataError(POLYMARKET_VENUE, `Invalid ${what}`, issues, raw))

/** The credentials of `POST /auth/api-key` / `GET /auth/derive-api-key` (L2 key, secret and passphrase). */
export interface PolymarketApiKeyResponse {
  readonly apiKey: string
  readonly secret: string
  readonly passphrase: string
}

const ApiKeySchema = z.object({
  apiKey: /* @__PURE__ */ z.string().check(z.minLength(1)),
  secret: /* @__PURE__ */ z.string().check(z.minLength(1)),
  passphrase: /* @__PURE__ */ z.string().check(z.minLength(1)),
})

/**
 * Decodes the API-key response (`POST /auth/api-key`, `GET /auth/derive-api-key`); every field must be a non-empty
 * string. The error never carries the body (it holds secrets), only the names of the bad fields. Pure.
 *
 * @example
 * ```ts
 * // { "apiKey": "…uuid…", "secret": "…base64…", "passphrase": "…" }
 * const r = decodeApiKeyResponse(await res.json())
 * ```
 */
export function decodeApiKeyResponse(raw: unknown): Result<PolymarketApiKeyResponse, ExchangeDataError> {
  const r = ApiKeySchema.safeParse(raw)
  if (r.success) return ok({ apiKey: r.data.apiKey, secret: r.data.secret, passphrase: r.data.passphrase })
  return fail(
    'API key response',
    r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    undefined,
  )
}

/**
 * Decodes a one-number quote: `GET /price` (`{ "price": "0.5" }`), `GET /midpoint` (`{ "mid": "0.5" }`) or
 * `GET /spread` (`{ "spread": "0.01" }`), as named by `field`. `""`, `NaN` and negative values are refused. Pure.
 *
 * @example
 * ```ts
 * const r = decodeQuote({ mid: '0.455' }, 'mid') // ok: Decimal 0.455
 * ```
 */
export function decodeQuote(
  raw: unknown,
  field: 'price' | 'mid' | 'spread',
): Result<Decimal, ExchangeDataError> {
  const r = z.object({ [field]: Str }).safeParse(raw)
  if (!r.success) return fail(field, [r.error.message], raw)
  return decodeDecimal(String(r.data[field]), field)
}

/**
 * Decodes `GET /last-trade-price` (`{ "price": "0.5", "side": "BUY" }`): `undefined` when the token never traded
 * (`""` or `"0"`), else the price. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeLastTradePrice({ price: '0.52', side: 'BUY' }) // ok: Decimal 0.52
 * ```
 */
export function decodeLastTradePrice(raw: unknown): Result<Decimal | undefined, ExchangeDataError> {
  const r = z.object({ price: Str }).safeParse(raw)
  if (!r.success) return fail('last trade price', [r.error.message], raw)
  return r.data.price === '' || r.data.price === '0' ? ok(undefined) : decodeDecimal(r.data.price, 'price')
}

/**
 * Decodes `GET /tick-size` (`{ "minimum_tick_size": 0.01 }`, a number or a string); a tick size Polymarket does not
 * use (anything but 0.1, 0.01, 0.001, 0.0001) is refused. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeTickSize({ minimum_tick_size: 0.01 }) // ok: '0.01'
 * ```
 */
export function decodeTickSize(raw: unknown): Result<TickSize, ExchangeDataError> {
  const r = z.object({ minimum_tick_size: Str }).safeParse(raw)
  if (!r.success) return fail('tick size', [r.error.message], raw)
  const tick = r.data.minimum_tick_size
  return isTickSize(tick)
    ? ok(tick)
    : err(new ExchangeDataError(POLYMARKET_VENUE, 'Unsupported tick size', [tick], raw))
}

/**
 * Decodes `GET /neg-risk` (`{ "neg_risk": false }`): whether the token trades on the neg-risk exchange. Pure.
 *
 * @example
 * ```ts
 * const r = decodeNegRisk({ neg_risk: true }) // ok: true
 * ```
 */
export function decodeNegRisk(raw: unknown): Result<boolean, ExchangeDataError> {
  const r = z.object({ neg_risk: z.boolean() }).safeParse(raw)
  return r.success ? ok(r.data.neg_risk) : fail('neg-risk flag', [r.error.message], raw)
}

/**
 * Decodes `GET /balance-allowance` (`{ "balance": "1000000", "allowances": { "0x…": "…" } }`): the balance in base
 * units (6 decimals) is returned in pUSD / shares; a missing `allowances` is `{}`. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeBalanceAllowance({ balance: '25000000', allowances: {} }) // ok: balance Decimal 25
 * ```
 */
export function decodeBalanceAllowance(raw: unknown): Result<BalanceAllowance, ExchangeDataError> {
  const r = z.object({ balance: Str, allowances: z._default(z.record(z.string(), Str), {}) }).safeParse(raw)
  if (!r.success) return fail('balance allowance', [r.error.message], raw)
  const balance = decodeDecimal(r.data.balance, 'balance')
  return balance.ok ? ok({ balance: balance.value.div(1e6), allowances: r.data.allowances }) : balance
}

/**
 * Decodes the `POST /v1/heartbeats` answer (`{ "heartbeat_id": "…" }`) into the id to send with the next beat. Pure.
 *
 * @example
 * ```ts
 * const r = decodeHeartbeat({ heartbeat_id: 'a1b2' }) // ok: 'a1b2'
 * ```
 */
export function decodeHeartbeat(raw: unknown): Result<string, ExchangeDataError> {
  const r = z.object({ heartbeat_id: z.string().check(z.minLength(1)) }).safeParse(raw)
  return r.success ? ok(r.data.heartbeat_id) : fail('heartbeat response', [r.error.message], raw)
}

/**
 * Decodes one cursor page of a REST listing (`{ "data": [...], "next_cursor": "MTAw", "limit": 100, "count": 2 }`);
 * the entries are left raw for the listing's own decoder. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodePage(await res.json())
 * if (r.ok) for (const m of r.value.data) console.log(decodeMarket(m))
 * ```
 */
export function decodePage(raw: unknown): Result<PolymarketPage<unknown>, ExchangeDataError> {
  const r = PageSchema.safeParse(raw)
  return r.success
    ? ok({ data: r.data.data, nextCursor: r.data.next_cursor })
    : fail('page', [r.error.message], raw)
}
