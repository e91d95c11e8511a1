import type { AccountSnapshot, MarketSnapshot } from '../../core/ports.js'
import type { ApprovedQuotes, QuoteLevel, QuoteTargets, QuoteTrim } from '../../core/quotes.js'
import { isFinitePositive } from '../../decimal/compareDecimals.js'
import { Decimal, roundToStep } from '../../decimal/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import type { ResolvedQuoteLimitsConfig } from '../QuoteLimitsConfig.js'
import { RiskReason, type RiskRejection, rejection, str, TradingState } from '../types.js'
import { netPositionQty, unsettledQtyOf } from './netPositionQty.js'
import { type OthersExposureInputs, othersExposure, type SideQty } from './othersExposure.js'
import { fundedByBalances, QuoteFunds } from './quoteFunds.js'

/** Codes of quote-set denials and trims that are not {@link RiskReason}s. */
export const QuoteRiskReason = {
  /** A level would let the instrument's position exceed its inventory limit. */
  INVENTORY_LIMIT: 'INVENTORY_LIMIT',
  /** A level would let the outcome pair's net exposure exceed its limit. */
  PAIR_INVENTORY_LIMIT: 'PAIR_INVENTORY_LIMIT',
  /** The set has more levels than `quotes.maxLevels`. */
  MAX_QUOTE_LEVELS: 'MAX_QUOTE_LEVELS',
  /** The set's total value exceeds `quotes.maxRestingNotional`. */
  MAX_RESTING_NOTIONAL: 'MAX_RESTING_NOTIONAL',
  /** A spot or outcome-token bid would cost more of its quote asset than is free (`AccountSnapshot.freeCash`). */
  INSUFFICIENT_CASH: 'INSUFFICIENT_CASH',
  /** A spot or outcome-token ask would sell more than the account holds (its position, less other orders' sells). */
  INSUFFICIENT_HOLDINGS: 'INSUFFICIENT_HOLDINGS',
} as const

/**
 * What {@link evaluateQuotes} reads besides the set; with `quoteOwner` and `reserved` (see {@link othersExposure}), the
 * inventory limits count the other orders and quotes on the set's instruments too.
 */
export interface QuoteRiskInputs extends OthersExposureInputs {
  readonly limits: ResolvedQuoteLimitsConfig
  readonly account: AccountSnapshot
  /** Market context of a symbol of the set's venue. */
  readonly market: (symbol: string) => MarketSnapshot | undefined
  /** The global trading state. */
  readonly state: TradingState
  /** An instrument's restriction, when it is not ACTIVE. */
  readonly restriction: (
    symbol: string,
  ) => { readonly state: TradingState; readonly code: string } | undefined
  readonly maxDataAgeMs: number
  /** How far ahead of `now` a price's time may be (clock skew); further is stale too. */
  readonly maxClockSkewMs: number
  readonly now: number
  /**
   * Share of each quote asset's free cash a set's spot and outcome bids may spend (the RiskManager passes its
   * `marginSafetyFactor`: the rest is headroom, e.g. for the paper venue's buy fee in the quote asset). Default 1.
   */
  readonly cashShare?: number | undefined
}

const ZERO = new Decimal(0)
/** No other order on an instrument. */
const NOTHING: Readonly<SideQty> = { buy: ZERO, sell: ZERO }

/**
 * Running worst case of one exposure: how far up (long) and down (short) it can go if every kept level fills, and
 * with it every other order that adds to it (`others`).
 */
class Exposure {
  up: Decimal
  down: Decimal
  constructor(start: Decimal, others: Readonly<SideQty>) {
    this.up = start.plus(others.buy)
    this.down = start.minus(others.sell)
  }
  /** Room to grow (+1) or shrink (−1) within `limit`. */
  room(dir: 1 | -1, limit: Decimal): Decimal {
    return Decimal.max(ZERO, dir === 1 ? limit.minus(this.up) : this.down.plus(limit))
  }
  add(dir: 1 | -1, qty: Decimal): void {
    if (dir === 1) this.up = this.up.plus(qty)
    else this.down = this.down.minus(qty)
  }
}

/** Whether an inventory limit applies: without one, nothing reads what other orders may fill (nor denies on them). */
function limited(l: ResolvedQuoteLimitsConfig): boolean {
  return (
    l.maxInventory !== undefined ||
    l.maxPairInventory !== undefined ||
    Object.keys(l.maxInventoryBySymbol).length > 0
  )
}

/** What may move a pair's net (first token minus second) up and down: the first's buys and the second's sells up. */
function netOf(first: Readonly<SideQty>, second: Readonly<SideQty>): SideQty {
  return { buy: first.buy.plus(second.sell), sell: first.sell.plus(second.buy) }
}

/** Why a level's market price cannot be quoted on: a price time that is not a number, too old or too far ahead. */
function unusablePrice(m: MarketSnapshot, inp: QuoteRiskInputs): string | undefined {
  const ts = m.priceTs
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return RiskReason.INVALID_INPUT
  const age = inp.now - ts
  return age > inp.maxDataAgeMs || -age > inp.maxClockSkewMs ? RiskReason.STALE_MARKET_DATA : undefined
}

/** Why a level of `t` is malformed: not on a symbol of the set, or a price or quantity not finite and above zero. */
function malformedLevel(t: QuoteTargets): RiskRejection | undefined {
  const bad = t.levels.find(
    (l) => !t.symbols.includes(l.symbol) || !isFinitePositive(l.price) || !isFinitePositive(l.qty),
  )
  if (bad === undefined) return undefined
  return rejection(RiskReason.INVALID_INPUT, `Malformed quote level on "${bad.symbol}"`, {
    symbol: bad.symbol,
    price: str(bad.price),
    qty: str(bad.qty),
  })
}

/**
 * Decides on one quote set as a whole: denied when trading is not ACTIVE, a level is malformed, the set has too many
 * levels or too much resting value; otherwise approved with each level cut to what the inventory limits (per
 * instrument and per outcome pair, counting every kept level as filled, and every other order and other strategy's
 * quote that adds on that side: {@link othersExposure}), the account's funds on spot and outcome instruments
 * ({@link QuoteFunds}), the instrument's state and its data age allow. Pure: the RiskManager calls it and announces
 * the decision.
 *
 * @example
 * ```ts
 * const r = evaluateQuotes(targets, { limits, account, market, state: 'ACTIVE', restriction: () => undefined, maxDataAgeMs: 5000, maxClockSkewMs: 1000, now })
 * if (r.ok) console.log(r.value.levels.length, r.value.trimmed.length)
 * ```
 */
export function evaluateQuotes(t: QuoteTargets, inp: QuoteRiskInputs): Result<ApprovedQuotes, RiskRejection> {
  if (inp.state !== TradingState.ACTIVE) {
    const code = inp.state === TradingState.HALTED ? RiskReason.TRADING_HALTED : RiskReason.TRADING_REDUCING
    return err(rejection(code, `Trading is ${inp.state}: no quotes`, { state: inp.state }))
  }
  const malformed = malformedLevel(t)
  if (malformed !== undefined) return err(malformed)
  const { limits } = inp
  if (t.levels.length > limits.maxLevels) {
    return err(
      rejection(QuoteRiskReason.MAX_QUOTE_LEVELS, `${t.levels.length} levels (max ${limits.maxLevels})`, {
        levels: t.levels.length,
        maxLevels: limits.maxLevels,
      }),
    )
  }
  const pair = t.outcomePair
  // The pair's net reads both tokens, quoted by this set or not (a token it leaves out is still held).
  const symbols = pair === undefined ? t.symbols : new Set([...t.symbols, ...pair])
  const positions = new Map<string, Decimal>()
  const unsettledBy = new Map<string, Decimal>()
  for (const symbol of symbols) {
    const q = netPositionQty(inp.account.positions, t.venue, symbol)
    if (!q.ok) return q
    if (q.value !== undefined) positions.set(symbol, q.value)
    const pending = unsettledQtyOf(inp.account.positions, t.venue, symbol)
    if (!pending.ok) return pending
    if (!pending.value.isZero()) unsettledBy.set(symbol, pending.value)
  }
  const instrumentOf = (symbol: string) => inp.market(symbol)?.instrument
  const funded = t.levels.some((l) => fundedByBalances(instrumentOf(l.symbol)))
  const others = limited(limits) || funded ? othersExposure(t, symbols, inp) : undefined
  if (others !== undefined && !others.ok) return others
  const otherOn = (symbol: string): Readonly<SideQty> => others?.value.get(symbol) ?? NOTHING
  const position = (symbol: string): Decimal => positions.get(symbol) ?? ZERO
  const unsettled = (symbol: string): Decimal => unsettledBy.get(symbol) ?? ZERO
  const funds = funded
    ? QuoteFunds.of(t, { ...inp, instrument: instrumentOf, position, unsettled, others: otherOn })
    : undefined
  if (funds !== undefined && !funds.ok) return funds
  const kept: QuoteLevel[] = []
  const trimmed: QuoteTrim[] = []
  const exposures = new Map<string, Exposure>()
  const exposure = (symbol: string): Exposure => {
    const e = exposures.get(symbol) ?? new Exposure(position(symbol), otherOn(symbol))
    exposures.set(symbol, e)
    return e
  }
  const pairExposure =
    pair !== undefined && limits.maxPairInventory !== undefined
      ? new Exposure(position(pair[0]).minus(position(pair[1])), netOf(otherOn(pair[0]), otherOn(pair[1])))
      : undefined
  let notional = ZERO
  for (const level of t.levels) {
    const cut = (keptQty: Decimal, code: string): void => void trimmed.push({ level, keptQty, code })
    const restricted = inp.restriction(level.symbol)
    if (restricted !== undefined) {
      cut(ZERO, restricted.code)
      continue
    }
    const market = inp.market(level.symbol)
    const unusable = market === undefined ? RiskReason.STALE_MARKET_DATA : unusablePrice(market, inp)
    if (unusable !== undefined || market === undefined) {
      cut(ZERO, unusable ?? RiskReason.STALE_MARKET_DATA)
      continue
    }
    const dir = level.side === 'BUY' ? 1 : -1
    let qty = level.qty
    let code: string | undefined
    const limit =
      limits.maxInventoryBySymbol[`${t.venue}:${level.symbol}`] ??
      limits.maxInventoryBySymbol[level.symbol] ??
      limits.maxInventory
    const own = exposure(level.symbol)
    if (limit !== undefined && own.room(dir, limit).lt(qty)) {
      qty = own.room(dir, limit)
      code = QuoteRiskReason.INVENTORY_LIMIT
    }
    const pairDir =
      pair === undefined ? 0 : level.symbol === pair[0] ? dir : level.symbol === pair[1] ? -dir : 0
    if (pairExposure !== undefined && pairDir !== 0 && limits.maxPairInventory !== undefined) {
      const room = pairExposure.room(pairDir as 1 | -1, limits.maxPairInventory)
      if (room.lt(qty)) {
        qty = room
        code = QuoteRiskReason.PAIR_INVENTORY_LIMIT
      }
    }
    const inst = market.instrument
    const room = qty.isZero() ? undefined : funds?.value.room(inst, level)
    if (room?.lt(qty)) {
      qty = room
      code = dir === 1 ? QuoteRiskReason.INSUFFICIENT_CASH : QuoteRiskReason.INSUFFICIENT_HOLDINGS
    }
    if (code !== undefined) {
      qty = qty.gt(0) ? roundToStep(qty, inst.stepSize) : ZERO
      if (qty.lt(inst.minQty)) qty = ZERO
      cut(qty, code)
      if (qty.isZero()) continue
    }
    own.add(dir, qty)
    funds?.value.use(inst, level, qty)
    if (pairExposure !== undefined && pairDir !== 0) pairExposure.add(pairDir as 1 | -1, qty)
    notional = notional.plus(qty.times(level.price))
    kept.push(qty.eq(level.qty) ? level : { ...level, qty })
  }
  if (limits.maxRestingNotional !== undefined && notional.gt(limits.maxRestingNotional)) {
    return err(
      rejection(
        QuoteRiskReason.MAX_RESTING_NOTIONAL,
        `Quotes worth "${notional.toFixed()}" (max "${limits.maxRestingNotional.toFixed()}")`,
        { notional: str(notional), maxRestingNotional: str(limits.maxRestingNotional) },
      ),
    )
  }
  return ok({ ...t, levels: kept, trimmed })
}
