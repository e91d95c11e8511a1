import {
  type AccountSnapshot,
  type AccountValuation,
  err,
  type Instrument,
  type MarketSnapshot,
  ok,
  type Result,
  type Signal,
} from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import { positive, readDecimal } from '../sizing.js'
import { RiskReason, type RiskRejection, type RiskValues, rejection } from '../types.js'
import type { RiskInputs } from './RiskCheckContext.js'

/**
 * Instruments whose tick and step were already read, with those values and their `venue:symbol` key (a `WeakMap`
 * owned by the caller; one key string per instrument, so the maps it indexes hash it once).
 */
export type CheckedInstruments = WeakMap<object, CheckedInstrument>

/** What {@link CheckedInstruments} remembers of one instrument. */
export interface CheckedInstrument {
  readonly tick: Decimal
  readonly step: Decimal
  readonly venue?: string
  readonly symbol?: string
  readonly key?: string
}

/** An `INVALID_INPUT` rejection (a module function: a closure made per decision costs on the hot path). */
function invalid(message: string, values: RiskValues = {}): Result<never, RiskRejection> {
  return err(rejection(RiskReason.INVALID_INPUT, message, values))
}

/**
 * The first step of every decision: checks that the signal, account and market are well-formed (objects, a valid
 * side, intent and order type, an instrument matching the signal, positive tick and step, finite equity and free
 * margin, position and order arrays) and returns them typed for the checks. Never throws on plain data.
 *
 * @example
 * ```ts
 * const r = readRiskInputs(signal, account, market)
 * if (!r.ok) console.log(r.error.code) // 'INVALID_INPUT' or 'INSTRUMENT_MISMATCH'
 * ```
 */
export function readRiskInputs(
  signal: Signal,
  account: AccountSnapshot,
  market: MarketSnapshot,
  checked?: CheckedInstruments,
): Result<RiskInputs, RiskRejection> {
  if (typeof signal !== 'object' || signal === null) return invalid('Signal is not an object')
  if (typeof account !== 'object' || account === null) return invalid('Account is missing')
  if (typeof market !== 'object' || market === null) return invalid('Market is missing')
  const { side } = signal
  if (side !== 'BUY' && side !== 'SELL') return invalid(`Invalid side "${String(side)}"`)
  if (signal.intent !== 'ENTRY' && signal.intent !== 'EXIT') {
    return invalid(`Invalid intent "${String(signal.intent)}"`)
  }
  const orderType = signal.orderType ?? 'MARKET'
  if (orderType !== 'MARKET' && orderType !== 'LIMIT') {
    return invalid(`Invalid order type "${String(orderType)}"`)
  }
  const inst = market.instrument
  if (typeof inst !== 'object' || inst === null) return invalid('Instrument is missing')
  if (inst.venue !== signal.venue || inst.symbol !== signal.symbol) {
    return err(
      rejection(
        RiskReason.INSTRUMENT_MISMATCH,
        `Signal "${signal.venue}:${signal.symbol}" does not match market "${inst.venue}:${inst.symbol}"`,
        { signal: `${signal.venue}:${signal.symbol}`, market: `${inst.venue}:${inst.symbol}` },
      ),
    )
  }
  // An instrument already read with these very tick and step values (Decimals are immutable) is not read again.
  let filters = checked?.get(inst)
  if (filters === undefined || filters.tick !== inst.tickSize || filters.step !== inst.stepSize) {
    const t = positive('tickSize', inst.tickSize)
    if (!t.ok) return t
    const s = positive('stepSize', inst.stepSize)
    if (!s.ok) return s
    filters = { tick: t.value, step: s.value }
    if (t.value === inst.tickSize && s.value === inst.stepSize) checked?.set(inst, filters)
  }
  let key = filters.key
  if (key === undefined || filters.venue !== inst.venue || filters.symbol !== inst.symbol) {
    key = `${inst.venue}:${inst.symbol}`
    if (checked?.get(inst) === filters) {
      checked.set(inst, {
        tick: filters.tick,
        step: filters.step,
        venue: inst.venue,
        symbol: inst.symbol,
        key,
      })
    }
  }
  const equity = readDecimal(account.equity)
  if (equity === undefined) return invalid(`Invalid equity "${String(account.equity)}"`, { field: 'equity' })
  const freeMargin = readDecimal(account.freeMargin)
  if (freeMargin === undefined) {
    return invalid(`Invalid free margin "${String(account.freeMargin)}"`, { field: 'freeMargin' })
  }
  if (!Array.isArray(account.positions) || !Array.isArray(account.openOrders)) {
    return invalid('Account positions and open orders must be arrays')
  }
  // An EXIT is never sized against the account: it needs no rate (a malformed one must not block it).
  const rate = signal.intent === 'ENTRY' ? quoteRate(account, inst.quote) : UNCONVERTED
  if (!rate.ok) return rate
  const cash = side === 'BUY' && signal.intent === 'ENTRY' ? quoteFreeCash(account, inst) : NO_CASH_BOUND
  if (!cash.ok) return cash
  if (rate.value === null) {
    const currency = (account.valuation as AccountValuation).currency
    return invalid(
      `No rate values "${inst.quote}" in the account currency "${currency}": an entry on "${key}" cannot be sized against the account (set one: Portfolio currencies or setRate)`,
      { field: 'valuation', quote: String(inst.quote), currency },
    )
  }
  return ok({
    signal,
    account,
    market,
    inst,
    key,
    side,
    orderType,
    tick: filters.tick,
    step: filters.step,
    accountEquity: equity,
    accountFreeMargin: freeMargin,
    positions: account.positions,
    quoteRate: rate.value ?? undefined,
    quoteFreeCash: cash.value,
  })
}

/** No bound from the quote asset's own cash (one shared answer, as {@link UNCONVERTED}). */
const NO_CASH_BOUND: Result<undefined, never> = ok(undefined)
const NO_CASH = new Decimal(0)

/**
 * What a spot or outcome-token BUY may spend of its quote asset: the snapshot's `freeCash` of it (none when the asset
 * is not listed), `undefined` when the snapshot does not tell cash assets apart or the instrument is a perpetual
 * (margined, bounded by the free margin alone). A malformed `freeCash` is an `INVALID_INPUT`.
 */
export function quoteFreeCash(
  account: AccountSnapshot,
  inst: Instrument,
): Result<Decimal | undefined, RiskRejection> {
  const free = account.freeCash
  if (free === undefined || inst.kind === 'perpetual') return NO_CASH_BOUND
  if (typeof free !== 'object' || free === null)
    return invalid('Account freeCash must be an object of amounts per asset', { field: 'freeCash' })
  const raw = typeof inst.quote === 'string' && Object.hasOwn(free, inst.quote) ? free[inst.quote] : undefined
  if (raw === undefined) return ok(NO_CASH)
  const d = readDecimal(raw)
  if (d === undefined) {
    return invalid(`Invalid free cash "${String(raw)}" of "${String(inst.quote)}"`, {
      field: 'freeCash',
      asset: String(inst.quote),
    })
  }
  return ok(d)
}

/** No conversion (one shared answer: a decision's hot path allocates none for it). */
const UNCONVERTED: Result<undefined, never> = ok(undefined)

/**
 * The value of one unit of `quote` in the account's currency when the account says it is another one: `undefined`
 * when no conversion applies (no valuation, or the quote is the account currency), `null` when the account has no rate
 * for it. A malformed valuation is an `INVALID_INPUT`.
 */
function quoteRate(
  account: AccountSnapshot,
  quote: unknown,
): Result<Decimal | undefined | null, RiskRejection> {
  const v = account.valuation
  if (v === undefined) return UNCONVERTED
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.currency !== 'string' ||
    typeof v.rates !== 'object' ||
    v.rates === null
  )
    return invalid('Account valuation must have a currency and rates', { field: 'valuation' })
  if (quote === v.currency) return UNCONVERTED
  const raw = typeof quote === 'string' && Object.hasOwn(v.rates, quote) ? v.rates[quote] : undefined
  if (raw === undefined) return ok(null)
  const r = positive('valuation.rates', raw)
  return r.ok ? ok(r.value) : r
}
