import { BoundedMap } from '../core/BoundedMap.js'
import type { AccountSnapshot, OrderIntent, Side } from '../core/index.js'
import { equalDecimals } from '../decimal/compareDecimals.js'
import type { Decimal } from '../decimal/index.js'
import { plus } from '../decimal/plusMinus.js'
import { product } from '../decimal/product.js'
import { netPositionQty } from './checks/netPositionQty.js'

/** Bound on approved entries reserved at once; past it the oldest stops counting (see {@link EntryReservations}). */
export const MAX_ENTRY_RESERVATIONS = 1_000

/** An approved entry that no account snapshot has shown yet: it counts like a resting entry order. */
export interface EntryReservation {
  readonly clientOrderId: string
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  /** The approved quantity. */
  readonly qty: Decimal
  /** The netted position on the instrument when the entry was approved (`undefined`: none). */
  readonly position: Decimal | undefined
  /** The price the caps valued it at (the higher of the market and its limit, for a buy). */
  readonly price: Decimal
  /** The leverage it was sized with (1 for spot): it takes `qty × price ÷ leverage` of the free margin when it fills. */
  readonly leverage: number
  /** The value of one unit of its quote currency in the account currency (`undefined`: it is the account currency). */
  readonly rate?: Decimal | undefined
  /** The asset a spot or outcome-token buy pays its notional in (its quote asset; `undefined`: it spends no cash). */
  readonly spends?: string | undefined
  /** When it stops counting, epoch ms. */
  readonly until: number
}

/** Which venues a registered executor trades, whose order events then reach the manager (`RegisteredExecutors`). */
export interface HeardVenues {
  hears(venue: string): boolean
}

/** What the pre-trade checks read of the reservations: those still counted (see {@link EntryReservations.sweep}). */
export interface ReservedEntries {
  readonly size: number
  values(): IterableIterator<EntryReservation>
  /** The margin the reserved entries take when they fill, summed in the account currency (`undefined`: none). */
  margin(): Decimal | undefined
  /** What the reserved spot and outcome-token buys paying in `asset` spend of it, their notional (`undefined`: none). */
  cash(asset: string): Decimal | undefined
}

/**
 * The entries a RiskManager approved that no account snapshot shows yet (the live `OrderExecutor` lists an order only
 * after its submit throttle; a group's legs are decided on one snapshot): each counts like a resting entry order
 * against `maxNotional`, `maxPositionFraction`, `maxPositionsPerInstrument` and `maxOpenPositions`, and its margin
 * comes off the snapshot's free margin (a listed order's is held by the account), so two approvals on one snapshot
 * cannot each take the whole room. A reservation, keyed by its client order id, ends when a snapshot
 * lists that id among its open orders (it counts there from then on), when a registered executor reports on the order
 * ({@link EntryReservations.release}), when the manager cannot hear its executor and the snapshot's position on the
 * instrument moved (a fill was booked), or after its lifetime (an approval never submitted).
 *
 * @example
 * ```ts
 * const reservations = new EntryReservations(60_000)
 * reservations.reserve(intent, undefined, now, { price: new Decimal('100'), leverage: 1 })
 * reservations.sweep(account, now, { hears: (venue) => venue === 'binance' }) // drops what the snapshot shows
 * ```
 */
export class EntryReservations implements ReservedEntries {
  /** By client order id, oldest first; past its capacity the oldest is forgotten (in O(1)). */
  readonly #byId: BoundedMap<string, EntryReservation>
  readonly #ttlMs: number

  constructor(ttlMs: number, max = MAX_ENTRY_RESERVATIONS) {
    this.#ttlMs = ttlMs
    this.#byId = new BoundedMap(max)
  }

  /** How many entries are reserved. */
  get size(): number {
    return this.#byId.size
  }

  /** The reservations, oldest first. */
  *values(): IterableIterator<EntryReservation> {
    for (const [, r] of this.#byId.entries()) yield r
  }

  /**
   * Reserves an approved entry until `now + ttlMs`: `position` is the netted position it was approved against,
   * `price` and `leverage` what it was valued and sized at.
   */
  reserve(
    intent: OrderIntent,
    position: Decimal | undefined,
    now: number,
    valued: {
      readonly price: Decimal
      readonly leverage: number
      readonly rate?: Decimal | undefined
      readonly spends?: string | undefined
    },
  ): void {
    this.#byId.setNewest(intent.clientOrderId, {
      clientOrderId: intent.clientOrderId,
      venue: intent.venue,
      symbol: intent.symbol,
      side: intent.side,
      qty: intent.qty,
      position,
      price: valued.price,
      leverage: valued.leverage,
      rate: valued.rate,
      spends: valued.spends,
      until: now + this.#ttlMs,
    })
  }

  /** The margin the reserved entries take when they fill, summed in the account currency (`undefined`: none). */
  margin(): Decimal | undefined {
    if (this.#byId.size === 0) return undefined
    let sum: Decimal | undefined
    for (const [, r] of this.#byId.entries()) {
      const notional = r.rate === undefined ? product(r.qty, r.price) : product(r.qty, r.price).times(r.rate)
      const m = r.leverage === 1 ? notional : notional.div(r.leverage)
      sum = sum === undefined ? m : plus(sum, m)
    }
    return sum
  }

  /** What the reserved spot and outcome-token buys paying in `asset` spend of it, their notional (`undefined`: none). */
  cash(asset: string): Decimal | undefined {
    if (this.#byId.size === 0) return undefined
    let sum: Decimal | undefined
    for (const [, r] of this.#byId.entries()) {
      if (r.spends !== asset) continue
      const m = product(r.qty, r.price)
      sum = sum === undefined ? m : plus(sum, m)
    }
    return sum
  }

  /** Ends the reservation of `clientOrderId`, if any (its executor reported on it, or its group was denied). */
  release(clientOrderId: string): void {
    if (this.#byId.size > 0) this.#byId.delete(clientOrderId)
  }

  /**
   * Drops the reservations that `account` shows or that ended: listed among its open orders, past their lifetime, or
   * (on a venue no registered executor trades: `heard.hears(venue)` false) with the netted position on the instrument
   * no longer the one approved against. Nothing to do, and nothing allocated, when none is reserved.
   */
  sweep(account: AccountSnapshot, now: number, heard: HeardVenues): void {
    if (this.#byId.size === 0) return
    for (const o of account.openOrders) {
      // A malformed entry is no order of ours (and must not fail an exit): the checks that read orders judge it.
      if (typeof o === 'object' && o !== null && this.#byId.has(o.clientOrderId))
        this.#byId.delete(o.clientOrderId)
    }
    for (const [id, r] of this.#byId.entries()) {
      if (now >= r.until || (!heard.hears(r.venue) && positionMoved(r, account))) this.#byId.delete(id)
    }
  }
}

/** Whether the snapshot's netted position on `r`'s instrument differs from the one `r` was approved against. */
function positionMoved(r: EntryReservation, account: AccountSnapshot): boolean {
  const now = netPositionQty(account.positions, r.venue, r.symbol)
  if (!now.ok) return false // unreadable: keep counting it (an entry there is denied anyway)
  const before = r.position
  const after = now.value
  const flatBefore = before === undefined || before.isZero()
  const flatAfter = after === undefined || after.isZero()
  if (flatBefore || flatAfter) return flatBefore !== flatAfter
  return !equalDecimals(before as Decimal, after as Decimal)
}
