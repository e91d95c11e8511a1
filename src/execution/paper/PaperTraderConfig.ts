import * as z from 'zod/mini'
import { ClockSchema, DecimalInputSchema, DurationMsSchema } from '../../core/schemas.js'
import type { Instrument } from '../../core/types.js'
import { Portfolio } from '../Portfolio.js'

/** Schema of {@link PaperTraderConfig}; defaults are applied here. */
export const PaperTraderConfigSchema = z.strictObject({
  /** Instruments that can be traded (their venue filters are enforced like the venue would). */
  instruments: /* @__PURE__ */ z
    .array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null))
    .check(z.minLength(1)),
  /** The account to trade; one is created from `balances` when absent. */
  portfolio: z.optional(z.custom<Portfolio>((v) => v instanceof Portfolio)),
  /** Starting cash when no portfolio is given, e.g. `{ USDT: '10000' }`. Default: none. */
  balances: z._default(z.record(z.string(), DecimalInputSchema), {}),
  /** Account currency of the created portfolio. Default `USDT`. */
  accountCurrency: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'USDT'),
  /** Time source (timers, timestamps). Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Maker fee rate (0.001 = 0.1 %); negative for a rebate. Charged in the quote asset. Default `0.001`. */
  makerFeeRate: z._default(DecimalInputSchema, '0.001'),
  /** Taker fee rate. Default `0.001`. */
  takerFeeRate: z._default(DecimalInputSchema, '0.001'),
  /** Simulated latency of each submit and cancel, on the clock. Default 0. */
  latencyMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(60_000)), 0),
  /**
   * Queue-position model of resting orders: the share of the quantity visible at the order's price when it was
   * placed that is ahead of it (1 = back of the queue, 0 = front). Trades at the price eat the queue first;
   * cancellations shrink it when the level shrinks. Trades or books through the price fill it at once.
   * Default 1.
   */
  queuePosition: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 1),
  /**
   * Slippage used when there is no book: a market order fills in full at the last trade (or candle close)
   * moved against the order by this many basis points.
   * Default 5.
   */
  fallbackSlippageBps: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(10_000)), 5),
  /** Largest number of open orders (venue-like limit). Default 1000. */
  maxOpenOrders: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(100_000)), 1000),
  /** Terminal orders kept for lookups. Default 10_000. */
  historySize: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(1_000_000)), 10_000),
})

/** What the {@link PaperTrader} constructor takes. */
export type PaperTraderConfig = z.input<typeof PaperTraderConfigSchema>
