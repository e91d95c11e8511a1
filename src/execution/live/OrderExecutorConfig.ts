import * as z from 'zod/mini'
import type { Logger } from '../../core/logger.js'
import type { ExchangeAdapter, ExecutionClient } from '../../core/ports.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'

/** Schema of {@link OrderExecutorConfig}; defaults are applied here. */
export const OrderExecutorConfigSchema = z.strictObject({
  /** The venue adapter to drive. */
  adapter: z.custom<ExchangeAdapter>((v) => typeof v === 'object' && v !== null && 'placeOrder' in v),
  /** Time source (timers, timestamps). Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Where warnings go. Default: silent. */
  logger: z.optional(z.custom<Logger>((v) => typeof v === 'object' && v !== null)),
  /**
   * Prefix of generated client order ids (letters, digits, `_`, `-`; ids stay within Binance's 36 chars).
   * Default `tk`.
   */
  clientOrderIdPrefix: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[A-Za-z0-9_-]{1,10}$/)), 'tk'),
  /** Log and emit `order.dryRunSkipped` instead of sending anything. Default false. */
  dryRun: z._default(z.boolean(), false),
  /** Submissions allowed per `rateIntervalMs` (set to the venue's order rate limit). Default 10. */
  maxOrdersPerInterval: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(10_000)), 10),
  /** Length of the rate-limit window, ms. Default 1000. */
  rateIntervalMs: z._default(/* @__PURE__ */ PositiveDurationMsSchema.check(z.maximum(86_400_000)), 1000),
  /** Submissions allowed to wait for the rate limit; more are refused with QueueFullError. Default 100. */
  maxQueuedSubmissions: z._default(/* @__PURE__ */ z.int().check(z.minimum(0), z.maximum(100_000)), 100),
  /** Bound on each adapter request (the adapter has its own timeouts too). Default 10_000. */
  requestTimeoutMs: z._default(/* @__PURE__ */ PositiveDurationMsSchema.check(z.maximum(300_000)), 10_000),
  /** How many times an order of unknown outcome is looked up by client order id. Default 5. */
  queryAttempts: z._default(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(100)), 5),
  /** Pause between those look-ups. Default 1000. */
  queryIntervalMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(600_000)), 1000),
  /**
   * What to do when every look-up says the venue does not know the order: `REJECT` marks it rejected (the
   * venue's word), `RESEND` sends it once more with the same client order id (which the venue deduplicates).
   * Default `REJECT`.
   */
  onNotFound: z._default(z.enum(['REJECT', 'RESEND']), 'REJECT'),
  /** Reconcile open orders, balances and positions over REST in `start()`. Default true. */
  reconcileOnStart: z._default(z.boolean(), true),
  /**
   * After a user-stream reconnect, state is reconciled at once and again this long after (a venue's REST record can
   * lag the reconnect: Polymarket trades appear a moment later). 0: no second pass. Default 1000.
   */
  reconnectRecheckDelayMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(600_000)), 1000),
  /**
   * Reconcile over REST this often (ms, from the end of one pass to the start of the next), so fills and order updates
   * the user stream lost without a reconnect (a dropped message) are found. 0 or Infinity: never; otherwise 1000 to
   * 86,400,000. Default 30,000: a Binance spot pass costs about 100 weight (open orders of all symbols 80, account 20),
   * some 200 of the 6000 a minute allows.
   */
  reconcileIntervalMs: z._default(
    z.custom<number>(
      (v) =>
        v === 0 ||
        v === Number.POSITIVE_INFINITY ||
        (Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 86_400_000),
      'must be 0 or Infinity (off), or an integer from 1000 to 86400000 ms',
    ),
    30_000,
  ),
  /** Adapter requests a reconciliation runs at once (look-ups by client id, fills lookups). Default 4. */
  reconcileConcurrency: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(64)), 4),
  /**
   * After a reconnect, the fills of orders that ended with fills this recently (at most 50) are read again with
   * `adapter.orderFills`, so a fill the venue reversed meanwhile (Polymarket: failed settlement) is reported.
   * 0: never. Default 60,000.
   */
  recheckFilledWithinMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(86_400_000)), 60_000),
  /** A PaperTrader (any ExecutionClient) fed the same book: every order is mirrored there and the fills compared. */
  shadow: z.optional(z.custom<ExecutionClient>((v) => typeof v === 'object' && v !== null && 'submit' in v)),
  /** Terminal orders kept for lookups and de-duplication. Default 10_000. */
  historySize: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(1_000_000)), 10_000),
})

/** What the {@link OrderExecutor} constructor takes. */
export type OrderExecutorConfig = z.input<typeof OrderExecutorConfigSchema>
