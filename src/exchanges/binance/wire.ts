import { z } from 'zod'
import { type Decimal, type ParseDecimalOptions, parseDecimal } from '../../decimal/index.js'

/** A Binance decimal string parsed strictly into a Decimal (rejects "", "NaN", exponents, negatives by default). */
export function decimalString(options: ParseDecimalOptions = {}): z.ZodType<Decimal, string> {
  return z.string().transform((s, ctx) => {
    const r = parseDecimal(s, options)
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error.shortMessage })
      return z.NEVER
    }
    return r.value
  })
}

const Dec = decimalString()
const SignedDec = decimalString({ allowNegative: true })
const Id = z.number().int().nonnegative()

/** A USD-M position side: `BOTH` in one-way mode, `LONG` / `SHORT` in hedge mode. */
export const BinancePositionSideSchema = z.enum(['BOTH', 'LONG', 'SHORT'])

/** `GET /api/v3/time`, `/fapi/v1/time`. */
export const BinanceServerTimeSchema = z.object({ serverTime: Id })

/** Binance error body. */
export const BinanceErrorBodySchema = z.object({ code: z.number().int(), msg: z.string() })

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
  isMaker: z.boolean().optional(),
  maker: z.boolean().optional(),
})

/** Spot order (new-order response and query). */
export const BinanceSpotOrderSchema = z.object({
  symbol: z.string(),
  orderId: Id,
  clientOrderId: z.string(),
  origClientOrderId: z.string().optional(),
  price: Dec,
  origQty: Dec,
  executedQty: Dec,
  cummulativeQuoteQty: Dec,
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  time: Id.optional(),
  transactTime: Id.optional(),
  updateTime: Id.optional(),
  workingTime: z.number().int().optional(),
  fills: z.array(BinanceSpotFillSchema).optional(),
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
  avgPrice: Dec.optional(),
  origQty: Dec,
  executedQty: Dec,
  cumQuote: Dec.optional(),
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  reduceOnly: z.boolean().optional(),
  time: Id.optional(),
  updateTime: Id.optional(),
})

/** `GET /api/v3/account`. */
export const BinanceSpotAccountSchema = z.object({
  balances: z.array(z.object({ asset: z.string(), free: Dec, locked: Dec })),
  updateTime: Id.optional(),
})

/** `GET /fapi/v3/balance` entry. */
export const BinanceFuturesBalanceSchema = z.object({
  asset: z.string(),
  balance: SignedDec,
  availableBalance: SignedDec,
  crossUnPnl: SignedDec.optional(),
})

/** `GET /fapi/v2/positionRisk` entry. */
export const BinancePositionRiskSchema = z.object({
  symbol: z.string(),
  positionAmt: SignedDec,
  entryPrice: Dec,
  unRealizedProfit: SignedDec,
  leverage: z.string().regex(/^\d+$/).optional(),
  positionSide: BinancePositionSideSchema.optional(),
})

/** `GET /fapi/v1/positionSide/dual`: `true` when the account is in hedge mode. */
export const BinancePositionModeSchema = z.object({ dualSidePosition: z.boolean() })

/** `GET /fapi/v1/leverageBracket` entry. */
export const BinanceLeverageBracketSchema = z.object({
  symbol: z.string(),
  brackets: z
    .array(
      z.object({
        bracket: z.number().int(),
        initialLeverage: z.number().int().positive(),
        notionalCap: z.number().nonnegative(),
        notionalFloor: z.number().nonnegative(),
        maintMarginRatio: z.number().nonnegative(),
      }),
    )
    .min(1),
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
  leverage: z.number().int().positive(),
})

/** Listen key responses. */
export const BinanceListenKeySchema = z.object({ listenKey: z.string().min(1) })

/** USD-M algo (conditional) order. */
export const BinanceAlgoOrderSchema = z.object({
  algoId: Id,
  clientAlgoId: z.string(),
  orderType: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: Dec,
  algoStatus: z.string(),
  triggerPrice: Dec.optional(),
  price: Dec.optional(),
  reduceOnly: z.boolean().optional(),
  createTime: Id.optional(),
  updateTime: Id.optional(),
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
export const BinanceKlineRowSchema = z
  .tuple([Id, Dec, Dec, Dec, Dec, Dec, Id])
  .rest(z.unknown())
  .refine((r) => r[1].gt(0) && r[2].gt(0) && r[3].gt(0) && r[4].gt(0), 'prices must be > 0')

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
  C: z.string().nullable().optional(),
  S: z.enum(['BUY', 'SELL']),
  o: z.string(),
  f: z.string(),
  q: Dec,
  p: Dec,
  x: z.string(),
  X: z.string(),
  r: z.string().optional(),
  i: Id,
  l: Dec,
  z: Dec,
  L: Dec,
  n: SignedDec,
  N: z.string().nullable(),
  T: Id,
  t: z.number().int(),
  m: z.boolean(),
  O: Id.optional(),
  Z: Dec.optional(),
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
    N: z.string().nullable().optional(),
    /** Commission; `null` (seen with `N: null`) is read as absent, like a missing `n`. */
    n: SignedDec.nullable().optional(),
    T: Id,
    t: z.number().int(),
    m: z.boolean(),
    R: z.boolean().optional(),
    rp: SignedDec.optional(),
  }),
})

/** USD-M `ACCOUNT_UPDATE`. */
export const AccountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  E: Id,
  T: Id,
  a: z.object({
    m: z.string(),
    B: z.array(z.object({ a: z.string(), wb: SignedDec, cw: SignedDec })),
    P: z.array(
      z.object({
        s: z.string(),
        pa: SignedDec,
        ep: Dec,
        cr: SignedDec.optional(),
        up: SignedDec,
        ps: BinancePositionSideSchema.optional(),
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
    ai: z.string().optional(),
    tp: Dec.optional(),
    p: Dec.optional(),
    R: z.boolean().optional(),
  }),
})

/** A decoded USD-M `ORDER_TRADE_UPDATE` (its `o` object): an order change and, on a trade, its fill. */
export type BinanceOrderTradeUpdate = z.output<typeof OrderTradeUpdateSchema>
/** A decoded USD-M `ALGO_UPDATE` (its `o` object): a conditional (algo) order change. */
export type BinanceAlgoUpdate = z.output<typeof AlgoUpdateSchema>
