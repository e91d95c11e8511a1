import { z } from 'zod'
import type { Logger } from '../core/logger.js'
import type { ExecutionClient } from '../core/ports.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import type { Instrument } from '../core/types.js'
import type { Portfolio } from '../execution/index.js'
import type { RiskManager } from '../risk/index.js'
import type { Strategy } from '../strategies/index.js'
import type { FeedRegistration, VenueRegistration } from './FeedHealthMonitor.js'
import type { StrategyStateStore } from './StrategyStateStore.js'

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null

/** Schema of {@link TradingEngineConfig}; defaults are applied here. */
export const TradingEngineConfigSchema = z
  .object({
    clock: ClockSchema.optional(),
    /** pino-compatible logger; silent by default. Field objects are redacted. */
    logger: z.custom<Logger>(isObject).optional(),
    feeds: z.array(z.custom<FeedRegistration>(isObject)).readonly(),
    /** Venue connections to measure (latency, retries, rate-limit headroom) and whose heartbeat gates trading. */
    venues: z.array(z.custom<VenueRegistration>(isObject)).readonly().default([]),
    /** The strategies to run; their ids must be unique. */
    strategies: z
      .array(z.custom<Strategy>(isObject))
      .readonly()
      .superRefine((list, ctx) => {
        const seen = new Set<string>()
        for (const st of list) {
          if (seen.has(st.id)) ctx.addIssue({ code: 'custom', message: `duplicate strategy id "${st.id}"` })
          seen.add(st.id)
        }
      }),
    risk: z.custom<RiskManager>(isObject),
    /**
     * Execution clients; each signal goes to the one whose `venues` include the signal's venue. Market events go to
     * each client's `marketData` port (PaperTrader); a client that `booksFillsInto` the portfolio is not attached to
     * it. At least one.
     */
    executors: z.array(z.custom<ExecutionClient>(isObject)).min(1, 'needs at least one executor').readonly(),
    /** The account: the engine marks it once per market event and books the fills of clients that don't. */
    portfolio: z.custom<Portfolio>(isObject),
    /** Instruments the strategies trade (their filters go into the risk check). */
    instruments: z.array(z.custom<Instrument>(isObject)).readonly(),
    /** ATR kept per instrument for ATR-based stops: `period` (default 14) on `interval` (default: first seen). */
    atr: z
      .object({ period: z.number().int().positive().default(14), interval: z.string().optional() })
      .strict()
      .prefault({}),
    feedHealth: z
      .object({
        /** No data for this long makes a feed stale. Default 30 000 ms. */
        staleAfterMs: DurationMsSchema.default(30_000),
        /** What a stale or unhealthy feed does to its instruments. Default REDUCING. */
        action: z.enum(['REDUCING', 'HALTED']).default('REDUCING'),
        /** How often feeds are checked. Default 1000 ms; 0 turns the periodic check off (backtests). */
        checkIntervalMs: DurationMsSchema.default(1000),
      })
      .strict()
      .prefault({}),
    /** Multi-leg groups (signals sharing a `groupId`): OrderGroup's `legTimeoutMs` and `maxUnwindSlippageBps`. */
    groups: z
      .object({
        legTimeoutMs: PositiveDurationMsSchema.optional(),
        maxUnwindSlippageBps: z.number().optional(),
      })
      .strict()
      .optional(),
    shutdown: z
      .object({
        /** Cancel open orders on stop. Default true. */
        cancelOpenOrders: z.boolean().default(true),
        /** Bound on waiting for in-flight requests. Default 10 000 ms. */
        timeoutMs: DurationMsSchema.default(10_000),
      })
      .strict()
      .prefault({}),
    /** Where strategy snapshots are saved on stop and loaded on start. */
    stateStore: z.custom<StrategyStateStore>(isObject).optional(),
  })
  .strict()

/** Options of {@link TradingEngine} (see {@link TradingEngineConfigSchema} for defaults). */
export type TradingEngineConfig = z.input<typeof TradingEngineConfigSchema>
