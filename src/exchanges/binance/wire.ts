import * as z from 'zod/mini'
import { type Decimal, type ParseDecimalOptions, parseDecimal } from '../../decimal/index.js'

/** A Binance decimal string parsed strictly into a Decimal (rejects "", "NaN", exponents, negatives by default). */
export function decimalString(options: ParseDecimalOptions = {}): z.ZodMiniType<Decimal, string> {
  return z.pipe(
    z.string(),
    z.transform((s, ctx) => {
      const r = parseDecimal(s, options)
      if (!r.ok) {
        ctx.issues.push({ code: 'custom', message: r.error.shortMessage, input: s })
        return z.NEVER
      }
      return r.value
    }),
  )
}

const Dec = /* @__PURE__ */ decimalString()
const SignedDec = /* @__PURE__ */ decimalString({ allowNegative: true })
const Id = /* @__PURE__ */ z.int().check(z.nonnegative())

/** A USD-M position side: `BOTH` in one-way mode, `LONG` / `SHORT` in hedge mode. */
export const BinancePositionSideSchema = z.enum(['BOTH', 'LONG', 'SHORT'])

/** `GET /api/v3/time`, `/fapi/v1/time`. */
export const BinanceServerTimeSchema = z.object({ serverTime: Id })

/** Binance error body. */
export const BinanceErrorBodySchema = z.object({ code: z.int(), msg: z.string() })

/** One fill of a spot FULL order response. */
export const BinanceSpotFillSchema = z.object({
  price: Dec,
  qty: Dec,
  commission: Dec,
  commissionAsset: z.string(),
  tradeId: Id,
})

/**
 * One of the account's fills: `GET /api/v3/myTrades` (spot: `isBuyer`, `isMaker`) or `GET /fapi/v1/userTrades`
 * (USD-M: `buyer`, `maker`; a commission may be negative, a rebate).
 */
export const BinanceAccountTradeSchema = z.object({
  symbol: z.string(),
  id: Id,
  orderId: Id,
  price: Dec,
  qty: Dec,
  commission: SignedDec,
  commissionAsset: z.string(),
  time: Id,
  isMaker: z.optional(z.boolean()),
  maker: z.optional(z.boolean()),
  /** USD-M: the trade's realized PnL before fees. */
  realizedPnl: z.optional(SignedDec),
})

/** Spot order (new-order response and query). */
export const BinanceSpotOrderSchema = z.object({
  symbol: z.string(),
  orderId: Id,
  clientOrderId: z.string(),
  origClientOrderId: z.optional(z.string()),
  price: Dec,
  origQty: Dec,
  executedQty: Dec,
  cummulativeQuoteQty: Dec,
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  time: z.optional(Id),
  transactTime: z.optional(Id),
  updateTime: z.optional(Id),
  workingTime: z.optional(z.int()),
  fills: z.optional(z.array(BinanceSpotFillSchema)),
})

/**
 * USD-M order (new-order response and query). `avgPrice` is optional: Binance's published new-order and cancel
 * response examples leave it out.
 */
export const BinanceFuturesOrderSchema = z.object({
  symbol: z.string(),
  orderId: Id,
  clientOrderId: z.string(),
  price: Dec,
  avgPrice: z.optional(Dec),
  origQty: Dec,
  executedQty: Dec,
  cumQuote: z.optional(Dec),
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  reduceOnly: z.optional(z.boolean()),
  time: z.optional(Id),
  updateTime: z.optional(Id),
})

/** `GET /api/v3/account`. */
export const BinanceSpotAccountSchema = z.object({
  balances: z.array(z.object({ asset: z.string(), free: Dec, locked: Dec })),
  updateTime: z.optional(Id),
})

/** `GET /fapi/v3/balance` entry. */
export const BinanceFuturesBalanceSchema = z.object({
  asset: z.string(),
  balance: SignedDec,
  availableBalance: SignedDec,
  crossUnPnl: z.optional(SignedDec),
})

/** `GET /fapi/v2/positionRisk` entry. */
export const BinancePositionRiskSchema = z.object({
  symbol: z.string(),
  positionAmt: SignedDec,
  entryPrice: Dec,
  unRealizedProfit: SignedDec,
  leverage: z.optional(/* @__PURE__ */ z.string().check(z.regex(/^\d+$/))),
  positionSide: z.optional(BinancePositionSideSchema),
})

/** `GET /fapi/v1/positionSide/dual`: `true` when the account is in hedge mode. */
export const BinancePositionModeSchema = z.object({ dualSidePosition: z.boolean() })

/** `GET /fapi/v1/leverageBracket` entry. */
export const BinanceLeverageBracketSchema = z.object({
  symbol: z.string(),
  brackets: /* @__PURE__ */ z
    .array(
      z.object({
        bracket: z.int(),
        initialLeverage: /* @__PURE__ */ z.int().check(z.positive()),
        notionalCap: /* @__PURE__ */ z.number().check(z.nonnegative()),
        notionalFloor: /* @__PURE__ */ z.number().check(z.nonnegative()),
        maintMarginRatio: /* @__PURE__ */ z.number().check(z.nonnegative()),
      }),
    )
    .check(z.minLength(1)),
})

/** `GET /fapi/v1/premiumIndex` (one symbol). */
export const BinancePremiumIndexSchema = z.object({
  symbol: z.string(),
  markPrice: Dec,
  indexPrice: Dec,
  lastFundingRate: SignedDec,
  nextFundingTime: Id,
  time: Id,
})

/** `POST /fapi/v1/leverage`. */
export const BinanceSetLeverageSchema = z.object({
  symbol: z.string(),
  leverage: /* @__PURE__ */ z.int().check(z.positive()),
})

/** `POST /fapi/v1/countdownCancelAll`: the countdown now set, in ms (Binance sends it as a string). */
export const BinanceCountdownCancelAllSchema = z.object({
  symbol: z.string(),
  countdownTime: z.union([Id, /* @__PURE__ */ z.string().check(z.regex(/^\d+$/))]),
})

/** Listen key responses. */
export const BinanceListenKeySchema = z.object({
  listenKey: /* @__PURE__ */ z.string().check(z.minLength(1)),
})

/** USD-M algo (conditional) order. */
export const BinanceAlgoOrderSchema = z.object({
  algoId: Id,
  clientAlgoId: z.string(),
  orderType: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: Dec,
  algoStatus: z.string(),
  /**
   * The order a triggered algo order placed in the matching engine (`""` before that). Query Algo Order carries no
   * executed quantity: once triggered, that order holds the outcome.
   */
  actualOrderId: z.nullish(z.union([Id, /* @__PURE__ */ z.string().check(z.regex(/^\d*$/))])),
  triggerPrice: z.optional(Dec),
  price: z.optional(Dec),
  reduceOnly: z.optional(z.boolean()),
  createTime: z.optional(Id),
  updateTime: z.optional(Id),
})

/** `GET .../ticker/price` (one symbol). */
export const BinanceTickerPriceSchema = z.object({
  symbol: z.string(),
  price: decimalString({ allowZero: false }),
})

/** `GET .../ticker/bookTicker` (one symbol). */
export const BinanceBookTickerSchema = z.object({
  symbol: z.string(),
  bidPrice: Dec,
  bidQty: Dec,
  askPrice: Dec,
  askQty: Dec,
})

/** One kline row: `[openTime, open, high, low, close, volume, closeTime, ...]`. */
export const BinanceKlineRowSchema = /* @__PURE__ */ z
  .tuple([Id, Dec, Dec, Dec, Dec, Dec, Id], z.unknown())
  .check(z.refine((r) => r[1].gt(0) && r[2].gt(0) && r[3].gt(0) && r[4].gt(0), 'prices must be > 0'))

/** One recent trade. */
export const BinanceRecentTradeSchema = z.object({
  id: Id,
  price: decimalString({ allowZero: false }),
  qty: Dec,
  time: Id,
  isBuyerMaker: z.boolean(),
})

/** Spot `executionReport` user event. */
export const ExecutionReportSchema = z.object({
  e: z.literal('executionReport'),
  E: Id,
  s: z.string(),
  c: z.string(),
  C: z.optional(z.nullable(z.string())),
  S: z.enum(['BUY', 'SELL']),
  o: z.string(),
  f: z.string(),
  q: Dec,
  p: Dec,
  x: z.string(),
  X: z.string(),
  r: z.optional(z.string()),
  i: Id,
  l: Dec,
  z: Dec,
  L: Dec,
  n: SignedDec,
  N: z.nullable(z.string()),
  T: Id,
  t: z.int(),
  m: z.boolean(),
  O: z.optional(Id),
  Z: z.optional(Dec),
})

/** Spot `outboundAccountPosition`. */
export const OutboundAccountPositionSchema = z.object({
  e: z.literal('outboundAccountPosition'),
  E: Id,
  B: z.array(z.object({ a: z.string(), f: Dec, l: Dec })),
})

/** Spot `balanceUpdate`. */
export const BalanceUpdateSchema = z.object({
  e: z.literal('balanceUpdate'),
  E: Id,
  a: z.string(),
  d: SignedDec,
})

/** USD-M `ORDER_TRADE_UPDATE`. */
export const OrderTradeUpdateSchema = z.object({
  e: z.literal('ORDER_TRADE_UPDATE'),
  E: Id,
  T: Id,
  o: z.object({
    s: z.string(),
    c: z.string(),
    S: z.enum(['BUY', 'SELL']),
    o: z.string(),
    f: z.string(),
    q: Dec,
    p: Dec,
    ap: Dec,
    x: z.string(),
    X: z.string(),
    i: Id,
    l: Dec,
    z: Dec,
    L: Dec,
    N: z.optional(z.nullable(z.string())),
    /** Commission; `null` (seen with `N: null`) is read as absent, like a missing `n`. */
    n: z.optional(z.nullable(SignedDec)),
    T: Id,
    t: z.int(),
    m: z.boolean(),
    R: z.optional(z.boolean()),
    rp: z.optional(SignedDec),
  }),
})

/** USD-M `ACCOUNT_UPDATE`. */
export const AccountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  E: Id,
  T: Id,
  a: z.object({
    m: z.string(),
    B: z.array(z.object({ a: z.string(), wb: SignedDec, cw: SignedDec, bc: z.optional(SignedDec) })),
    P: z.array(
      z.object({
        s: z.string(),
        pa: SignedDec,
        ep: Dec,
        cr: z.optional(SignedDec),
        up: SignedDec,
        ps: z.optional(BinancePositionSideSchema),
      }),
    ),
  }),
})

/** USD-M `ALGO_UPDATE`. */
export const AlgoUpdateSchema = z.object({
  e: z.literal('ALGO_UPDATE'),
  E: Id,
  T: Id,
  o: z.object({
    caid: z.string(),
    aid: Id,
    o: z.string(),
    s: z.string(),
    S: z.enum(['BUY', 'SELL']),
    q: Dec,
    X: z.string(),
    ai: z.optional(z.string()),
    tp: z.optional(Dec),
    p: z.optional(Dec),
    R: z.optional(z.boolean()),
  }),
})

/** A decoded USD-M `ORDER_TRADE_UPDATE` (its `o` object): an order change and, on a trade, its fill. */
export type BinanceOrderTradeUpdate = z.output<typeof OrderTradeUpdateSchema>
/** A decoded USD-M `ALGO_UPDATE` (its `o` object): a conditional (algo) order change. */
export type BinanceAlgoUpdate = z.output<typeof AlgoUpdateSchema>
