import * as z from 'zod/mini'
import {
  ClockSchema,
  DurationMsSchema,
  PositiveDecimalSchema as PositiveDecimal,
  PositiveDurationMsSchema,
} from '../core/index.js'
import type { Instrument } from '../core/types.js'
import { QuoteLimitsConfigSchema } from './QuoteLimitsConfig.js'
import type { StateStore } from './StateStore.js'
import { isValidTimeZone } from './TradingDay.js'

const Fraction = /* @__PURE__ */ z.number().check(z.positive(), z.maximum(1))

const StoreSchema = z.custom<StateStore>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as StateStore).load === 'function' &&
    typeof (v as StateStore).save === 'function',
  'Expected a StateStore (load, save)',
)

const TimeZoneSchema = /* @__PURE__ */ z.string().check(z.refine(isValidTimeZone, 'Unknown IANA time zone'))

/** What a breaker does when it trips: move the trading state to REDUCING or HALTED. */
const TripAction = z.enum(['REDUCING', 'HALTED'])

/** Daily loss limit on mark-to-market equity: loss since the day's starting equity. */
export const DailyLossConfigSchema = z.strictObject({
  /** Largest loss as a fraction of the day's starting equity (0.03 = 3 %). */
  maxLossFraction: z._default(Fraction, 0.03),
  /** Largest loss in account currency; the tighter of the two limits applies. */
  maxLoss: z.optional(PositiveDecimal),
  /** State to move to when the limit is reached. Default HALTED. */
  action: z._default(TripAction, 'HALTED'),
  /** Return to ACTIVE automatically when a new day begins (only if this breaker caused the state). */
  resetAtDayStart: z._default(z.boolean(), false),
})

/** Max drawdown from peak equity (mark-to-market). */
export const DrawdownConfigSchema = /* @__PURE__ */ z
  .strictObject({
    /** Drawdown (fraction of peak) that HALTs trading. Default 0.1 (10 %). */
    maxDrawdownFraction: z._default(Fraction, 0.1),
    /** Optional earlier drawdown that moves to REDUCING. */
    reduceAtFraction: z.optional(Fraction),
  })
  .check(
    z.refine((d) => d.reduceAtFraction === undefined || d.reduceAtFraction < d.maxDrawdownFraction, {
      message: 'reduceAtFraction must be below maxDrawdownFraction',
    }),
  )

/** Losing streak: REDUCING (with a cooldown) after `reduceAfter` losses in a row, HALTED after `haltAfter`. */
export const ConsecutiveLossesConfigSchema = /* @__PURE__ */ z
  .strictObject({
    /** Losses in a row that move to REDUCING. Default 3. */
    reduceAfter: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 3),
    /** Losses in a row that move to HALTED. Default 5. */
    haltAfter: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 5),
    /** How long REDUCING lasts before trading resumes by itself. Default 1 h. */
    cooldownMs: z._default(DurationMsSchema, 3_600_000),
  })
  .check(
    z.refine((c) => c.haltAfter > c.reduceAfter, { message: 'haltAfter must be greater than reduceAfter' }),
  )

const RateWindowSchema = z.strictObject({
  maxOrders: /* @__PURE__ */ z.int().check(z.minimum(1)),
  windowMs: PositiveDurationMsSchema,
})

/** Order rate limits: the order over the limit is denied, and the breaker trips to `action`. */
export const OrderRateConfigSchema = z.strictObject({
  /** Across all instruments. Default 30 per minute. */
  global: z._default(RateWindowSchema, { maxOrders: 30, windowMs: 60_000 }),
  /** Per instrument. Default 10 per minute. */
  perInstrument: z._default(RateWindowSchema, { maxOrders: 10, windowMs: 60_000 }),
  /** `DENY` only denies the order; `REDUCING`/`HALTED` also trip the state. Default REDUCING. */
  action: z._default(z.enum(['DENY', 'REDUCING', 'HALTED']), 'REDUCING'),
})

/** Exchange-rejection rate: too many venue rejections among recent orders means something is wrong. */
export const RejectionRateConfigSchema = z.strictObject({
  /** Window of venue responses measured. Default 300 000 ms (5 min). */
  windowMs: z._default(PositiveDurationMsSchema, 300_000),
  /** Fewer responses than this in the window never trip. */
  minSamples: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 10),
  /** Rejected ÷ all responses at or above this trips. Default 0.5. */
  maxRejectedFraction: z._default(Fraction, 0.5),
  /** State to move to when it trips. Default HALTED. */
  action: z._default(TripAction, 'HALTED'),
})

/** Every breaker; `false` disables one. */
export const BreakersConfigSchema = z.strictObject({
  dailyLoss: z.prefault(z.union([z.literal(false), DailyLossConfigSchema]), {}),
  drawdown: z.prefault(z.union([z.literal(false), DrawdownConfigSchema]), {}),
  consecutiveLosses: z.prefault(z.union([z.literal(false), ConsecutiveLossesConfigSchema]), {}),
  orderRate: z.prefault(z.union([z.literal(false), OrderRateConfigSchema]), {}),
  rejectionRate: z.prefault(z.union([z.literal(false), RejectionRateConfigSchema]), {}),
})

/** Configuration of a {@link TradingGuard}. */
export const TradingGuardConfigSchema = z.strictObject({
  /** Time source (`ManualClock` in tests). Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Where the latched state is kept. Without one, state lives in memory only. */
  store: z.optional(StoreSchema),
  /** IANA time zone of the trading day (daily-loss boundary). Default `UTC`. */
  timeZone: z._default(TimeZoneSchema, 'UTC'),
  /** The breakers and their limits (see {@link BreakersConfigSchema}); each enabled with its defaults. */
  breakers: z.prefault(BreakersConfigSchema, {}),
})

/** What {@link TradingGuard} accepts. */
export type TradingGuardConfig = z.input<typeof TradingGuardConfigSchema>
/** {@link TradingGuardConfig} with defaults applied. */
export type ResolvedTradingGuardConfig = z.output<typeof TradingGuardConfigSchema>

/** How a position is sized; one method per strategy or instrument (see {@link RiskManagerConfig}). */
export const SizingConfigSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('fixedFractional'),
    /** Fraction of equity lost at the stop. Default 0.01 (1 %). */
    riskFraction: z._default(Fraction, 0.01),
  }),
  z.strictObject({
    method: z.literal('volatilityTarget'),
    /** Fraction of equity a one-ATR move should be worth. Default 0.01. */
    targetVolatility: z._default(Fraction, 0.01),
  }),
  z.strictObject({
    method: z.literal('fixedNotional'),
    /** Order value in quote currency. */
    notional: PositiveDecimal,
  }),
  z.strictObject({
    method: z.literal('kelly'),
    /** Historical win rate, in (0, 1). */
    winRate: /* @__PURE__ */ z.number().check(z.positive(), z.lt(1)),
    /** Average win ÷ average loss. */
    payoffRatio: /* @__PURE__ */ z.number().check(z.positive()),
    /** Share of full Kelly. Default 0.5. */
    kellyMultiplier: z._default(Fraction, 0.5),
    /** Cap on the fraction of equity risked. Default 0.02. */
    maxRiskFraction: z._default(Fraction, 0.02),
  }),
])

/** What a sizing config accepts. */
export type SizingConfig = z.input<typeof SizingConfigSchema>
/** A sizing config with defaults applied. */
export type ResolvedSizingConfig = z.output<typeof SizingConfigSchema>

/** Configuration of a {@link RiskManager}. Every field has a safe default. */
export const RiskManagerConfigSchema = z.strictObject({
  /** Time source (`ManualClock` in tests). Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Persists the trading state, peak equity and day start; then `await risk.start()` before evaluating. */
  store: z.optional(StoreSchema),
  /** IANA time zone of the trading day. Default `UTC`. */
  timeZone: z._default(TimeZoneSchema, 'UTC'),
  /** The `TradingGuard`'s breakers (see {@link BreakersConfigSchema}); each enabled with its defaults. */
  breakers: z.prefault(BreakersConfigSchema, {}),
  /** Default sizing. Default fixed-fractional, 1 % risk. */
  sizing: z.prefault(SizingConfigSchema, { method: 'fixedFractional' }),
  /** Sizing per strategy id (wins over `sizing`). */
  sizingByStrategy: z._default(z.record(z.string(), SizingConfigSchema), {}),
  /** Sizing per symbol or `venue:symbol` (wins over the strategy's). */
  sizingBySymbol: z._default(z.record(z.string(), SizingConfigSchema), {}),
  /** Multiply the size by the signal's confidence (0..1). Default false. */
  scaleByConfidence: z._default(z.boolean(), false),
  /** ATR multiple for a stop when the signal has none. Default 1.5. */
  atrStopMultiplier: z._default(/* @__PURE__ */ z.number().check(z.positive()), 1.5),
  /** Deny entries without a stop (given or from ATR). Default true. */
  requireStop: z._default(z.boolean(), true),
  /** Deny entries without a take-profit. Default false. */
  requireTakeProfit: z._default(z.boolean(), false),
  /** Minimum reward:risk when a take-profit is given. Default 1. 0 disables. */
  minRewardRisk: z._default(/* @__PURE__ */ z.number().check(z.minimum(0)), 1),
  /** Minimum stop distance as a fraction of the entry price. Default 0.001 (0.1 %). */
  minStopDistanceFraction: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0.001),
  /** Minimum stop distance in ticks. Default 2. */
  minStopTicks: z._default(/* @__PURE__ */ z.int().check(z.minimum(0)), 2),
  /** Largest position value as a fraction of equity. Default 1 (no leverage-sized positions). */
  maxPositionFraction: z._default(/* @__PURE__ */ z.number().check(z.positive()), 1),
  /** Largest position value in quote currency. */
  maxNotional: z.optional(PositiveDecimal),
  /**
   * Largest position value per symbol or `venue:symbol`, in that instrument's quote currency; wins over `maxNotional`
   * (one amount means different money on instruments quoted in different currencies: ETHBTC's is in BTC).
   */
  maxNotionalBySymbol: z._default(z.record(z.string(), PositiveDecimal), {}),
  /**
   * Share of `freeMargin × leverage` one order may use, and of a quote asset's free cash a market maker's spot or
   * outcome bids may spend together (`evaluateQuotes`). Default 0.95.
   */
  marginSafetyFactor: z._default(Fraction, 0.95),
  /** Leverage used for margin, ≥ 1 and ≤ the instrument's max. Default 1. */
  leverage: z._default(/* @__PURE__ */ z.number().check(z.minimum(1)), 1),
  /** Leverage per symbol or `venue:symbol`. */
  leverageBySymbol: z._default(z.record(z.string(), /* @__PURE__ */ z.number().check(z.minimum(1))), {}),
  /** Oldest acceptable market price. Default 5000 ms. */
  maxDataAgeMs: z._default(DurationMsSchema, 5_000),
  /** How far in the future a price timestamp may be (clock skew). Default 1000 ms. */
  maxClockSkewMs: z._default(DurationMsSchema, 1_000),
  /** Open positions in total. Default 10. */
  maxOpenPositions: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 10),
  /** Position plus open entry orders per instrument. Default 1 (no pyramiding). */
  maxPositionsPerInstrument: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 1),
  /**
   * How long an approved entry that no account snapshot lists yet (and no registered executor reported on) counts
   * against the caps, like a resting entry order: an approval never submitted stops counting after it. Default 60 000 ms.
   */
  entryReservationTtlMs: z._default(PositiveDurationMsSchema, 60_000),
  /**
   * Limits per strategy id, on top of the global ones (both apply): `maxOpenPositions` counts the strategy's own open
   * positions, `maxNotional` bounds the value of its own share of an instrument. They need the account snapshot's
   * `strategyPositions` (`Portfolio.snapshot(orders, { strategyId })`, as `TradingEngine` passes); without them an
   * entry of a limited strategy is denied (`INVALID_INPUT`). Default: none.
   */
  strategyLimits: z._default(
    z.record(
      z.string(),
      z.strictObject({
        maxOpenPositions: z.optional(/* @__PURE__ */ z.int().check(z.minimum(1))),
        maxNotional: z.optional(PositiveDecimal),
      }),
    ),
    {},
  ),
  /** Correlation scaling: same-direction open positions in a group scale the size by `scale[count]`. */
  correlation: z.prefault(
    z.strictObject({
      /** Group name → symbols (or `venue:symbol`). */
      groups: z._default(z.record(z.string(), z.array(z.string())), {}),
      /** Size multiplier by number of same-direction open positions in the group; beyond the table: denied. */
      scale: z._default(/* @__PURE__ */ z.array(Fraction).check(z.minLength(1)), [1, 0.7, 0.5]),
    }),
    {},
  ),
  /** `emergencyStop()` bounds and whether a breaker halt runs it. */
  killSwitch: z.prefault(
    z.strictObject({
      /** Bound on each executor's cancel-all. Default 5000 ms. */
      cancelTimeoutMs: z._default(PositiveDurationMsSchema, 5_000),
      /** Bound on each flattening order. Default 5000 ms. */
      submitTimeoutMs: z._default(PositiveDurationMsSchema, 5_000),
      /** Flatten positions with reduce-only market orders by default. Default false. */
      flatten: z._default(z.boolean(), false),
      /**
       * Run the kill switch (cancel every open order, flatten if `flatten`) when a breaker halts trading. Default
       * false: a breaker halt stops new orders but leaves resting ones to the host.
       */
      onBreakerHalt: z._default(z.boolean(), false),
    }),
    {},
  ),
  /** Instruments the kill switch may have to flatten (more with `addInstrument`; evaluated ones are learnt). Default: none. */
  instruments: z._default(z.array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null)), []),
  /** Limits on market makers' quote sets (`evaluateQuotes`): inventory, pair inventory, resting value, levels. */
  quotes: z.prefault(QuoteLimitsConfigSchema, {}),
  /** Prefix of generated client order ids (letters, digits, `_`, `-`; ≤ 12). Default `tk`. */
  clientOrderIdPrefix: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[A-Za-z0-9_-]{1,12}$/)), 'tk'),
})

/** What {@link RiskManager} accepts. */
export type RiskManagerConfig = z.input<typeof RiskManagerConfigSchema>
/** {@link RiskManagerConfig} with defaults applied. */
export type ResolvedRiskManagerConfig = z.output<typeof RiskManagerConfigSchema>
