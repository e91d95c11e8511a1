import * as z from 'zod/mini'
import type { Journal } from '../core/journal.js'
import type { Logger } from '../core/logger.js'
import type { ExecutionClient } from '../core/ports.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import type { Instrument } from '../core/types.js'
import type { Portfolio } from '../execution/index.js'
import type { RiskManager } from '../risk/index.js'
import type { Strategy } from '../strategies/index.js'
import type { FeedRegistration, VenueRegistration } from './FeedHealthMonitor.js'
import { EngineQuotingConfigSchema } from './QuoteRouter.js'
import type { StrategyStateStore } from './StrategyStateStore.js'

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null

/** Schema of {@link TradingEngineConfig}; defaults are applied here. */
export const TradingEngineConfigSchema = z.strictObject({
  clock: z.optional(ClockSchema),
  /** pino-compatible logger; silent by default. Field objects are redacted. */
  logger: z.optional(z.custom<Logger>(isObject)),
  feeds: z.readonly(z.array(z.custom<FeedRegistration>(isObject))),
  /** Venue connections to measure (latency, retries, rate-limit headroom) and whose heartbeat gates trading. */
  venues: z._default(z.readonly(z.array(z.custom<VenueRegistration>(isObject))), []),
  /** The strategies to run; their ids must be unique. */
  strategies: /* @__PURE__ */ z.readonly(z.array(z.custom<Strategy>(isObject))).check(
    z.superRefine((list, ctx) => {
      const seen = new Set<string>()
      for (const st of list) {
        if (seen.has(st.id)) ctx.addIssue({ code: 'custom', message: `duplicate strategy id "${st.id}"` })
        seen.add(st.id)
      }
    }),
  ),
  risk: z.custom<RiskManager>(isObject),
  /**
   * Execution clients; each signal goes to the one whose `venues` include the signal's venue. Market events go to
   * each client's `marketData` port (PaperTrader); a client that `booksFillsInto` the portfolio is not attached to
   * it. At least one.
   */
  executors: z.readonly(
    /* @__PURE__ */ z
      .array(z.custom<ExecutionClient>(isObject))
      .check(z.minLength(1, 'needs at least one executor')),
  ),
  /** The account: the engine marks it once per market event and books the fills of clients that don't. */
  portfolio: z.custom<Portfolio>(isObject),
  /** Instruments the strategies trade (their filters go into the risk check). */
  instruments: z.readonly(z.array(z.custom<Instrument>(isObject))),
  /** ATR kept per instrument for ATR-based stops: `period` (default 14) on `interval` (default: first seen). */
  atr: z.prefault(
    z.strictObject({
      period: z._default(/* @__PURE__ */ z.int().check(z.positive()), 14),
      interval: z.optional(z.string()),
    }),
    {},
  ),
  feedHealth: z.prefault(
    z.strictObject({
      /** No data for this long makes a feed stale. Default 30 000 ms. */
      staleAfterMs: z._default(DurationMsSchema, 30_000),
      /** What a stale or unhealthy feed does to its instruments. Default REDUCING. */
      action: z._default(z.enum(['REDUCING', 'HALTED']), 'REDUCING'),
      /** How often feeds are checked. Default 1000 ms; 0 turns the periodic check off (backtests). */
      checkIntervalMs: z._default(DurationMsSchema, 1000),
    }),
    {},
  ),
  /**
   * Multi-leg groups (signals sharing a `groupId`): OrderGroup's `legTimeoutMs`, `maxUnwindSlippageBps` and the
   * unwind retries (`unwindRetryStepBps`, `unwindSlippageCapBps`), and how long an unwind sale waits for a leg's
   * unsettled fills (`unwindSettleTimeoutMs`); OrderGroup's defaults when absent.
   */
  groups: z.optional(
    z.strictObject({
      legTimeoutMs: z.optional(PositiveDurationMsSchema),
      maxUnwindSlippageBps: z.optional(z.number()),
      unwindRetryStepBps: z.optional(z.number()),
      unwindSlippageCapBps: z.optional(z.number()),
      unwindSettleTimeoutMs: z.optional(PositiveDurationMsSchema),
    }),
  ),
  shutdown: z.prefault(
    z.strictObject({
      /** Cancel open orders on stop. Default true. */
      cancelOpenOrders: z._default(z.boolean(), true),
      /**
       * Bound on each wait of a stop (a start still running, in-flight requests, executor shutdowns, feed closes); a
       * wait that outlasts it is reported on `error` (a `TimeoutError`) and the stop goes on. Default 10 000 ms.
       */
      timeoutMs: z._default(DurationMsSchema, 10_000),
    }),
    {},
  ),
  /** How stated quote sets (`ctx.quote`) are kept resting: drift tolerance, minimum order age, post-only. */
  quoting: z.prefault(EngineQuotingConfigSchema, {}),
  /** Where strategy snapshots are saved on stop and loaded on start. */
  stateStore: z.optional(z.custom<StrategyStateStore>(isObject)),
  /**
   * Append-only journal (tradekit/journal): every order event, fill, signal, risk decision, trading-state change and
   * a portfolio snapshot a minute. On start its last view is reconciled with each live executor's venue
   * (`journal.reconciled`); a backlog makes the guard REDUCING, a journal that cannot write HALTS and cancels.
   */
  journal: z.optional(z.custom<Journal>(isObject)),
})

/** Options of {@link TradingEngine} (see {@link TradingEngineConfigSchema} for defaults). */
export type TradingEngineConfig = z.input<typeof TradingEngineConfigSchema>
