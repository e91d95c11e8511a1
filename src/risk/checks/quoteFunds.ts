import type { QuoteLevel, QuoteTargets } from '../../core/quotes.js'
import type { Instrument, Order } from '../../core/types.js'
import { isAboveZero, isFinitePositive } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { err, ok, type Result } from '../../errors/result.js'
import { unfilledQty } from '../pendingEntries.js'
import { readDecimal } from '../sizing.js'
import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { OthersExposureInputs, SideQty } from './othersExposure.js'
import { quoteFreeCash } from './readRiskInputs.js'

const ZERO = new Decimal(0)

/** Whether the venue funds `inst`'s orders from balances (spot, outcome tokens), not margin (perpetuals). */
export function fundedByBalances(inst: Instrument | undefined): inst is Instrument {
  return inst !== undefined && inst.kind !== 'perpetual'
}

/** What {@link QuoteFunds.of} reads besides the set. */
export interface QuoteFundsInputs extends OthersExposureInputs {
  /** Share of each quote asset's free cash the bids may spend. Default 1. */
  readonly cashShare?: number | undefined
  /** The instrument of a symbol of the set's venue (`undefined`: unknown, its levels are cut for want of data). */
  readonly instrument: (symbol: string) => Instrument | undefined
  /** The account's net position on a symbol of the set's venue. */
  readonly position: (symbol: string) => Decimal
  /** What of that position is not sellable yet (bought in trades the venue has not settled; 0 when none). */
  readonly unsettled: (symbol: string) => Decimal
  /** What other orders and quotes may still fill on the set's symbols ({@link othersExposure}), when counted. */
  readonly others: (symbol: string) => Readonly<SideQty>
}

/**
 * What a quote set's levels on spot and outcome-token instruments may use: the venue funds such an order from balances
 * (a bid pays its quote asset up front, an ask sells what is held), so levels beyond them are refused there, and each
 * refusal feeds the rejection-rate breaker. Perpetual levels take margin and are not bounded here.
 */
export class QuoteFunds {
  /** Quote asset → what the set's bids may still cost (`undefined`: the snapshot lists no `freeCash`). */
  readonly #cash: Map<string, Decimal> | undefined
  /** Symbol → what the set's asks may still sell. */
  readonly #held = new Map<string, Decimal>()

  private constructor(cash: Map<string, Decimal> | undefined) {
    this.#cash = cash
  }

  /**
   * The funds of `t`'s spot and outcome instruments: `cashShare` of each quote asset's free cash
   * (`AccountSnapshot.freeCash`) with the cost of the set's own resting bids added back (the set replaces them; a
   * refresh cancels before it places) and the other strategies' approved bids not resting yet taken off; each
   * instrument's holding (its position, never below zero, less what is not settled yet) less what other orders and
   * quotes may sell of it. An unreadable open order or `freeCash` is an `INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const funds = QuoteFunds.of(targets, { account, quoteOwner, reserved, instrument, position, unsettled, others })
   * if (funds.ok) funds.value.room(btcusdt, bid) // how much the bid may still buy
   * ```
   */
  static of(t: QuoteTargets, inp: QuoteFundsInputs): Result<QuoteFunds, RiskRejection> {
    const funded = (symbol: string): Instrument | undefined => {
      const inst = inp.instrument(symbol)
      return fundedByBalances(inst) ? inst : undefined
    }
    const funds = new QuoteFunds(inp.account.freeCash !== undefined ? new Map() : undefined)
    const cash = funds.#cash
    for (const symbol of t.symbols) {
      const inst = funded(symbol)
      if (inst === undefined) continue
      const held = minus(Decimal.max(ZERO, inp.position(symbol)), inp.unsettled(symbol))
      funds.#held.set(symbol, minus(held, inp.others(symbol).sell))
      if (cash !== undefined && !cash.has(inst.quote)) {
        const free = quoteFreeCash(inp.account, inst)
        if (!free.ok) return free
        cash.set(inst.quote, free.value ?? ZERO)
      }
    }
    // What each other strategy's open bids cost per instrument (`sid\0symbol`); the set's own are added back.
    const openBids = new Map<string, Decimal>()
    const owner = inp.quoteOwner
    for (const o of inp.account.openOrders) {
      const inst = o.venue === t.venue ? funded(o.symbol) : undefined
      const reducing = o.reduceOnly === true && o.side === 'SELL' && funds.#held.has(o.symbol)
      const sid = owner?.(o.clientOrderId)
      const bid = cash !== undefined && o.side === 'BUY' && o.reduceOnly !== true && sid !== undefined
      if (inst === undefined || (!reducing && !bid)) continue
      const left = unfilledQty(o)
      if (!left.ok) return left
      if (left.value === undefined) continue
      // A reduce-only sell (an EXIT) still sells the holding: the inventory limits skip it, the funds may not.
      const held = reducing ? funds.#held.get(o.symbol) : undefined
      if (held !== undefined) funds.#held.set(o.symbol, minus(held, left.value))
      if (!bid) continue
      const price = readDecimal(o.price)
      if (price === undefined || !isFinitePositive(price)) return unreadablePrice(o)
      const cost = left.value.times(price)
      if (sid === t.strategyId && t.symbols.includes(o.symbol)) funds.#add(inst.quote, cost)
      else
        openBids.set(`${sid}\u0000${o.symbol}`, plus(openBids.get(`${sid}\u0000${o.symbol}`) ?? ZERO, cost))
    }
    if (cash === undefined) return ok(funds)
    // The other strategies' approved bids not resting yet, on every instrument of the venue paying in a bounded asset.
    for (const symbol of new Set([...t.symbols, ...(inp.reservedSymbols?.() ?? [])])) {
      const inst = funded(symbol)
      if (inst === undefined) continue
      for (const [sid, levels] of inp.reserved?.(symbol) ?? []) {
        if (sid === t.strategyId && t.symbols.includes(symbol)) continue // superseded by the set
        let approved = ZERO
        for (const l of levels) if (l.side === 'BUY') approved = approved.plus(l.qty.times(l.price))
        const unplaced = minus(approved, openBids.get(`${sid}\u0000${symbol}`) ?? ZERO)
        if (isAboveZero(unplaced)) funds.#add(inst.quote, unplaced.neg())
      }
    }
    const share = inp.cashShare ?? 1
    if (share !== 1) for (const [asset, left] of cash) cash.set(asset, left.times(share))
    return ok(funds)
  }

  /**
   * How much `level` of `inst` may still trade: a bid what its quote asset's cash left buys at its price, an ask what
   * is left of the holding (`undefined`: not bounded, a perpetual, or a bid when the snapshot lists no `freeCash`).
   */
  room(inst: Instrument, level: QuoteLevel): Decimal | undefined {
    if (!fundedByBalances(inst)) return undefined
    const left = level.side === 'BUY' ? this.#cash?.get(inst.quote) : this.#held.get(level.symbol)
    if (left === undefined) return undefined
    const room = Decimal.max(ZERO, left)
    return level.side === 'BUY' ? room.div(level.price) : room
  }

  /** Takes `qty` kept of `level` off what the next levels may use: its cost (a bid), or the quantity (an ask). */
  use(inst: Instrument, level: QuoteLevel, qty: Decimal): void {
    if (!fundedByBalances(inst)) return
    if (level.side === 'BUY') this.#add(inst.quote, qty.times(level.price).neg())
    else {
      const held = this.#held.get(level.symbol)
      if (held !== undefined) this.#held.set(level.symbol, minus(held, qty))
    }
  }

  /** Adds `amount` to what bids paying in `asset` may cost, when that asset is bounded. */
  #add(asset: string, amount: Decimal): void {
    const left = this.#cash?.get(asset)
    if (left !== undefined) this.#cash?.set(asset, plus(left, amount))
  }
}

/** An open bid whose limit price cannot be read: never counted as free. */
function unreadablePrice(o: Order): Result<never, RiskRejection> {
  const shown = String(o.price).slice(0, 64)
  const id = String(o.clientOrderId).slice(0, 64)
  return err(
    rejection(RiskReason.INVALID_INPUT, `Invalid price "${shown}" of open order "${id}"`, {
      field: 'openOrders.price',
      value: shown,
      clientOrderId: id,
    }),
  )
}
