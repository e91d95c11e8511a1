import { err, ok, type Result } from '../core/index.js'
import { greaterThan, isFinitePositive } from '../decimal/compareDecimals.js'
import { Decimal } from '../decimal/index.js'
import type { RiskCheckContext, RiskLimits } from './checks/RiskCheckContext.js'
import type { ResolvedSizingConfig } from './config.js'
import type { DecimalCache } from './DecimalCache.js'
import { notionalCap } from './notionalCap.js'
import { RawSize } from './RawSize.js'
import type { SizingCache } from './SizingCache.js'
import {
  type CappedQuantity,
  capChecked,
  capQuantity,
  fixedFractionalRaw,
  fixedNotionalRaw,
  fractionalKellySize,
  volatilityTargetSize,
} from './sizing.js'
import { RiskReason, type RiskRejection, rejection } from './types.js'

const ONE = new Decimal(1)

/** What {@link capEntry} reads from its RiskManager: the limits and the two caches. */
export interface EntrySizingDeps {
  readonly limits: RiskLimits
  readonly decimals: DecimalCache
  readonly cache: SizingCache
}

/**
 * The size from the configured method, before caps; `scale` (correlation × confidence) multiplies the numerator
 * (equity or notional) before the method's one division.
 *
 * @example
 * ```ts
 * const raw = rawEntrySize(ctx, ctx.sizing(), entry, stop, decimals)
 * ```
 */
export function rawEntrySize(
  ctx: RiskCheckContext,
  sizing: ResolvedSizingConfig,
  entry: Decimal,
  stop: Decimal | undefined,
  decimals: DecimalCache,
  scale?: Decimal,
): Result<RawSize, RiskRejection> {
  const { market } = ctx
  const equity = scale === undefined ? ctx.equity : decimals.scaledEquity.of(ctx.equity, scale)
  switch (sizing.method) {
    case 'fixedFractional': {
      if (stop === undefined) return err(rejection(RiskReason.MISSING_STOP, 'No stop to size by'))
      const riskFraction = decimals.field(sizing, 'riskFraction', sizing.riskFraction)
      const checked = checkedFixedFractional(ctx, equity, riskFraction, entry, stop, decimals)
      if (checked !== undefined) return ok(checked)
      return asRaw(fixedFractionalRaw({ equity, riskFraction, entryPrice: entry, stopPrice: stop }))
    }
    case 'volatilityTarget':
      if (market.atr === undefined) {
        return err(
          rejection(
            RiskReason.MISSING_VOLATILITY,
            'Volatility targeting needs an ATR in the market snapshot',
          ),
        )
      }
      return asRaw(
        volatilityTargetSize({
          equity,
          targetVolatility: decimals.field(sizing, 'targetVolatility', sizing.targetVolatility),
          volatility: market.atr,
        }),
      )
    case 'fixedNotional':
      return asRaw(
        fixedNotionalRaw({
          notional: scale === undefined ? sizing.notional : new Decimal(sizing.notional).times(scale),
          price: entry,
        }),
      )
    case 'kelly':
      return asRaw(
        fractionalKellySize({
          equity,
          winRate: sizing.winRate,
          payoffRatio: sizing.payoffRatio,
          kellyMultiplier: sizing.kellyMultiplier,
          maxRiskFraction: sizing.maxRiskFraction,
          entryPrice: entry,
          ...(stop === undefined ? {} : { stopPrice: stop }),
        }),
      )
  }
}

/** A method's size as a {@link RawSize} (a Decimal becomes one; a quotient already is). */
function asRaw(r: Result<Decimal | RawSize, RiskRejection>): Result<RawSize, RiskRejection> {
  return r.ok && !(r.value instanceof RawSize)
    ? ok(new RawSize(r.value))
    : (r as Result<RawSize, RiskRejection>)
}

/**
 * `fixedFractionalRaw` of an entry that passed every check, without reading its inputs again: the entry and stop are
 * the context's (positive, the stop on the losing side, so their distance is the context's `stopDistance()`), the
 * risk fraction a Decimal of the validated config. `undefined` when any of that does not hold (then the caller takes
 * `fixedFractionalRaw`'s own path, with its rejections).
 */
function checkedFixedFractional(
  ctx: RiskCheckContext,
  equity: Decimal,
  riskFraction: Decimal,
  entry: Decimal,
  stop: Decimal,
  decimals: DecimalCache,
): RawSize | undefined {
  const entryR = ctx.entry()
  const stopR = ctx.stop()
  if (!entryR.ok || entryR.value !== entry || !stopR.ok || stopR.value.stop !== stop) return undefined
  const distance = ctx.stopDistance()
  if (distance === undefined || !isFinitePositive(distance) || !isFinitePositive(equity)) return undefined
  if (!isFinitePositive(riskFraction) || greaterThan(riskFraction, ONE)) return undefined
  return new RawSize(decimals.riskBudget.of(equity, riskFraction), distance)
}

/**
 * `capQuantity` of an entry that passed every check: equity and free margin are above zero, the leverage is in range,
 * the config's limits were validated by its schema and the instrument's `minQty`, `maxQty` and `minNotional` once (see
 * {@link SizingCache}), so only the signal's `maxQty` is read here. An instrument with a malformed one takes
 * `capQuantity`'s own path, which rejects it (`INVALID_INPUT`). The caps value the order at the context's `capPrice()`
 * (as `existingNotional` is valued), the venue's `minNotional` at its `entry`.
 *
 * @example
 * ```ts
 * const capped = capEntry(ctx, requested, entry, existingNotional, ctx.leverage(), deps)
 * ```
 */
export function capEntry(
  ctx: RiskCheckContext,
  requested: RawSize,
  entry: Decimal,
  existingNotional: Decimal | undefined,
  leverage: number,
  deps: EntrySizingDeps,
): Result<CappedQuantity, RiskRejection> {
  const { inst, signal, equity, freeMargin } = ctx
  const { limits, decimals, cache } = deps
  // The caps value the order at the price its exposure is valued at (the higher of the market and the limit); the
  // venue's minNotional at the order's own price.
  const valued = ctx.capPrice()
  if (!valued.ok) return valued
  const price = valued.value
  const { maxNotional } = notionalCap(ctx, ctx.maxNotional(), existingNotional)
  const filters = cache.filters(inst, ctx.step)
  if (filters === undefined) {
    return capQuantity({
      qty: requested.value,
      price: entry,
      instrument: inst,
      equity,
      maxPositionFraction: limits.maxPositionFraction,
      ...(maxNotional === undefined ? {} : { maxNotional }),
      ...(existingNotional === undefined ? {} : { existingNotional }),
      freeMargin,
      leverage: decimals.number(leverage),
      marginSafetyFactor: limits.marginSafety,
      ...(signal.maxQty === undefined ? {} : { signalMaxQty: signal.maxQty }),
    })
  }
  return capChecked({
    raw: requested,
    price,
    orderPrice: entry,
    step: ctx.step,
    minQty: filters.minQty,
    existing: existingNotional,
    positionCap: cache.positionCap(equity, limits.maxPositionFraction),
    maxNotional,
    marginCap: cache.marginCap(freeMargin, decimals.number(leverage), limits.marginSafety),
    maxQty: filters.maxQty,
    stepPlaces: filters.stepPlaces,
    signalMaxQty: signal.maxQty,
    minNotional: filters.minNotional,
    scaled: filters.scaled,
  })
}
