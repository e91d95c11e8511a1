import { z } from 'zod'
import {
  ClockSchema,
  DurationMsSchema,
  PositiveDecimalSchema as PositiveDecimal,
  PositiveDurationMsSchema,
} from '../core/index.js'
import type { StateStore } from './StateStore.js'
import { isValidTimeZone } from './TradingDay.js'

const Fraction = z.number().positive().max(1)

const StoreSchema = z.custom<StateStore>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as StateStore).load === 'function' &&
    typeof (v as StateStore).save === 'function',
  'Expected a StateStore (load, save)',
)

const TimeZoneSchema = z.string().refine(isValidTimeZone, 'Unknown IANA time zone')

/** What a breaker does when it trips: move the trading state to REDUCING or HALTED. */
const TripAction = z.enum(['REDUCING', 'HALTED'])

/** Daily loss limit on mark-to-market equity: loss since the day's starting equity. */
export const DailyLossConfigSchema = z
  .object({
    /** Largest loss as a fraction of the day's starting equity (0.03 = 3 %). */
    maxLossFraction: Fraction.default(0.03),
    /** Largest loss in account currency; the tighter of the two limits applies. */
    maxLoss: PositiveDecimal.optional(),
    /** State to move to when the limit is reached. Default HALTED. */
    action: TripAction.default('HALTED'),
    /** Return to ACTIVE automatically when a new day begins (only if this breaker caused the state). */
    resetAtDayStart: z.boolean().default(false),
  })
  .strict()

/** Max drawdown from peak equity (mark-to-market). */
export const DrawdownConfigSchema = z
  .object({
    /** Drawdown (fraction of peak) that HALTs trading. Default 0.1 (10 %). */
    maxDrawdownFraction: Fraction.default(0.1),
    /** Optional earlier drawdown that moves to REDUCING. */
    reduceAtFraction: Fraction.optional(),
  })
  .strict()
  .refine((d) => d.reduceAtFraction === undefined || d.reduceAtFraction < d.maxDrawdownFraction, {
    message: 'reduceAtFraction must be below maxDrawdownFraction',
  })

/** Losing streak: REDUCING (with a cooldown) after `reduceAfter` losses in a row, HALTED after `haltAfter`. */
export const ConsecutiveLossesConfigSchema = z
  .object({
    /** Losses in a row that move to REDUCING. Default 3. */
    reduceAfter: z.number().int().min(1).default(3),
    /** Losses in a row that move to HALTED. Default 5. */
    haltAfter: z.number().int().min(1).default(5),
    /** How long REDUCING lasts before trading resumes by itself. Default 1 h. */
    cooldownMs: DurationMsSchema.default(3_600_000),
  })
  .strict()
  .refine((c) => c.haltAfter > c.reduceAfter, { message: 'haltAfter must be greater than reduceAfter' })

const RateWindowSchema = z
  .object({ maxOrders: z.number().int().min(1), windowMs: PositiveDurationMsSchema })
  .strict()

/** Order rate limits: the order over the limit is denied, and the breaker trips to `action`. */
export const OrderRateConfigSchema = z
  .object({
    /** Across all instruments. Default 30 per minute. */
    global: RateWindowSchema.default({ maxOrders: 30, windowMs: 60_000 }),
    /** Per instrument. Default 10 per minute. */
    perInstrument: RateWindowSchema.default({ maxOrders: 10, windowMs: 60_000 }),
    /** `DENY` only denies the order; `REDUCING`/`HALTED` also trip the state. Default REDUCING. */
    action: z.enum(['DENY', 'REDUCING', 'HALTED']).default('REDUCING'),
  })
  .strict()

/** Exchange-rejection rate: too many venue rejections among recent orders means something is wrong. */
export const RejectionRateConfigSchema = z
  .object({
    /** Window of venue responses measured. Default 300 000 ms (5 min). */
    windowMs: PositiveDurationMsSchema.default(300_000),
    /** Fewer responses than this in the window never trip. */
    minSamples: z.number().int().min(1).default(10),
    /** Rejected ÷ all responses at or above this trips. Default 0.5. */
    maxRejectedFraction: Fraction.default(0.5),
    /** State to move to when it trips. Default HALTED. */
    action: TripAction.default('HALTED'),
  })
  .strict()

/** Every breaker; `false` disables one. */
export const BreakersConfigSchema = z
  .object({
    dailyLoss: z.union([z.literal(false), DailyLossConfigSchema]).prefault({}),
    drawdown: z.union([z.literal(false), DrawdownConfigSchema]).prefault({}),
    consecutiveLosses: z.union([z.literal(false), ConsecutiveLossesConfigSchema]).prefault({}),
    orderRate: z.union([z.literal(false), OrderRateConfigSchema]).prefault({}),
    rejectionRate: z.union([z.literal(false), RejectionRateConfigSchema]).prefault({}),
  })
  .strict()

/** Configuration of a {@link TradingGuard}. */
export const TradingGuardConfigSchema = z
  .object({
    /** Time source (`ManualClock` in tests). Default: the system clock. */
    clock: ClockSchema.optional(),
    /** Where the latched state is kept. Without one, state lives in memory only. */
    store: StoreSchema.optional(),
    /** IANA time zone of the trading day (daily-loss boundary). Default `UTC`. */
    timeZone: TimeZoneSchema.default('UTC'),
    /** The breakers and their limits (see {@link BreakersConfigSchema}); each enabled with its defaults. */
    breakers: BreakersConfigSchema.prefault({}),
  })
  .strict()

/** What {@link TradingGuard} accepts. */
export type TradingGuardConfig = z.input<typeof TradingGuardConfigSchema>
/** {@link TradingGuardConfig} with defaults applied. */
export type ResolvedTradingGuardConfig = z.output<typeof TradingGuardConfigSchema>

/** How a position is sized; one method per strategy or instrument (see {@link RiskManagerConfig}). */
export const SizingConfigSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('fixedFractional'),
      /** Fraction of equity lost at the stop. Default 0.01 (1 %). */
      riskFraction: Fraction.default(0.01),
    })
    .strict(),
  z
    .object({
      method: z.literal('volatilityTarget'),
      /** Fraction of equity a one-ATR move should be worth. Default 0.01. */
      targetVolatility: Fraction.default(0.01),
    })
    .strict(),
  z
    .object({
      method: z.literal('fixedNotional'),
      /** Order value in quote currency. */
      notional: PositiveDecimal,
    })
    .strict(),
  z
    .object({
      method: z.literal('kelly'),
      /** Historical win rate, in (0, 1). */
      winRate: z.number().positive().lt(1),
      /** Average win ÷ average loss. */
      payoffRatio: z.number().positive(),
      /** Share of full Kelly. Default 0.5. */
      kellyMultiplier: Fraction.default(0.5),
      /** Cap on the fraction of equity risked. Default 0.02. */
      maxRiskFraction: Fraction.default(0.02),
    })
    .strict(),
])

/** What a sizing config accepts. */
export type SizingConfig = z.input<typeof SizingConfigSchema>
/** A sizing config with defaults applied. */
export type ResolvedSizingConfig = z.output<typeof SizingConfigSchema>

/** Configuration of a {@link RiskManager}. Every field has a safe default. */
export const RiskManagerConfigSchema = z
  .object({
    /** Time source (`ManualClock` in tests). Default: the system clock. */
    clock: ClockSchema.optional(),
    /** Persists the trading state, peak equity and day start; then `await risk.start()` before evaluating. */
    store: StoreSchema.optional(),
    /** IANA time zone of the trading day. Default `UTC`. */
    timeZone: TimeZoneSchema.default('UTC'),
    /** The `TradingGuard`'s breakers (see {@link BreakersConfigSchema}); each enabled with its defaults. */
    breakers: BreakersConfigSchema.prefault({}),
    /** Default sizing. Default fixed-fractional, 1 % risk. */
    sizing: SizingConfigSchema.prefault({ method: 'fixedFractional' }),
    /** Sizing per strategy id (wins over `sizing`). */
    sizingByStrategy: z.record(z.string(), SizingConfigSchema).default({}),
    /** Sizing per symbol or `venue:symbol` (wins over the strategy's). */
    sizingBySymbol: z.record(z.string(), SizingConfigSchema).default({}),
    /** Multiply the size by the signal's confidence (0..1). Default false. */
    scaleByConfidence: z.boolean().default(false),
    /** ATR multiple for a stop when the signal has none. Default 1.5. */
    atrStopMultiplier: z.number().positive().default(1.5),
    /** Deny entries without a stop (given or from ATR). Default true. */
    requireStop: z.boolean().default(true),
    /** Deny entries without a take-profit. Default false. */
    requireTakeProfit: z.boolean().default(false),
    /** Minimum reward:risk when a take-profit is given. Default 1. 0 disables. */
    minRewardRisk: z.number().min(0).default(1),
    /** Minimum stop distance as a fraction of the entry price. Default 0.001 (0.1 %). */
    minStopDistanceFraction: z.number().min(0).max(1).default(0.001),
    /** Minimum stop distance in ticks. Default 2. */
    minStopTicks: z.number().int().min(0).default(2),
    /** Largest position value as a fraction of equity. Default 1 (no leverage-sized positions). */
    maxPositionFraction: z.number().positive().default(1),
    /** Largest position value in quote currency. */
    maxNotional: PositiveDecimal.optional(),
    /** Share of `freeMargin × leverage` one order may use. Default 0.95. */
    marginSafetyFactor: Fraction.default(0.95),
    /** Leverage used for margin, ≥ 1 and ≤ the instrument's max. Default 1. */
    leverage: z.number().min(1).default(1),
    /** Leverage per symbol or `venue:symbol`. */
    leverageBySymbol: z.record(z.string(), z.number().min(1)).default({}),
    /** Oldest acceptable market price. Default 5000 ms. */
    maxDataAgeMs: DurationMsSchema.default(5_000),
    /** How far in the future a price timestamp may be (clock skew). Default 1000 ms. */
    maxClockSkewMs: DurationMsSchema.default(1_000),
    /** Open positions in total. Default 10. */
    maxOpenPositions: z.number().int().min(1).default(10),
    /** Position plus open entry orders per instrument. Default 1 (no pyramiding). */
    maxPositionsPerInstrument: z.number().int().min(1).default(1),
    /** Correlation scaling: same-direction open positions in a group scale the size by `scale[count]`. */
    correlation: z
      .object({
        /** Group name → symbols (or `venue:symbol`). */
        groups: z.record(z.string(), z.array(z.string())).default({}),
        /** Size multiplier by number of same-direction open positions in the group; beyond the table: denied. */
        scale: z.array(Fraction).min(1).default([1, 0.7, 0.5]),
      })
      .strict()
      .prefault({}),
    /** `emergencyStop()` bounds and whether a breaker halt runs it. */
    killSwitch: z
      .object({
        /** Bound on each executor's cancel-all. Default 5000 ms. */
        cancelTimeoutMs: PositiveDurationMsSchema.default(5_000),
        /** Bound on each flattening order. Default 5000 ms. */
        submitTimeoutMs: PositiveDurationMsSchema.default(5_000),
        /** Flatten positions with reduce-only market orders by default. Default false. */
        flatten: z.boolean().default(false),
        /**
         * Run the kill switch (cancel every open order, flatten if `flatten`) when a breaker halts trading. Default
         * false: a breaker halt stops new orders but leaves resting ones to the host.
         */
        onBreakerHalt: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Prefix of generated client order ids (letters, digits, `_`, `-`; ≤ 12). Default `tk`. */
    clientOrderIdPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,12}$/)
      .default('tk'),
  })
  .strict()

/** What {@link RiskManager} accepts. */
export type RiskManagerConfig = z.input<typeof RiskManagerConfigSchema>
/** {@link RiskManagerConfig} with defaults applied. */
export type ResolvedRiskManagerConfig = z.output<typeof RiskManagerConfigSchema>
