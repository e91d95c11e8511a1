import { type Clock, sleep } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { ExchangeAdapter } from '../../core/ports.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { StateError, toTradekitError } from '../../errors/index.js'
import type { OpenOrders } from '../OpenOrders.js'
import { SYNTHETIC_TRADE_PREFIX, SyntheticFills } from './syntheticFills.js'
import { withTimeout } from './throttle.js'

const ZERO = new Decimal(0)
/** Longest pause between two fills lookups of one order. */
const MAX_LOOKUP_DELAY_MS = 30_000
/** Orders whose synthesized quantity is remembered until their real fills come, at most. */
const MAX_SYNTHESIZED = 10_000

/** What {@link FillsRecovery} needs from the executor that owns the orders. */
export interface FillsRecoveryHost {
  readonly adapter: ExchangeAdapter
  readonly clock: Clock
  readonly log: Logger
  readonly orders: OpenOrders
  /** Bound on each adapter request. */
  readonly requestTimeoutMs: number
  /** Successful lookups that fall short before a fill is synthesized. */
  readonly queryAttempts: number
  /** Pause before looking again (doubled after each failed lookup). */
  readonly queryIntervalMs: number
  isClosed(): boolean
  /** Runs background work whose failure goes to the `error` event. */
  background(p: Promise<unknown>): void
  /** Applies the fills of one update (deduplicated by trade id; one `order.filled` per order). */
  onFills(fills: readonly Fill[]): void
  /** Merges the venue's view of an order (`adopt`: track an unknown open order). */
  applyVenueOrder(v: Order, adopt: boolean): void
  /** Moves a PENDING_NEW order to OPEN. */
  markOpen(order: Order, venueOrderId: string | undefined): void
  /** Takes the quantity and price of the venue's record of an order amended lately (before its fills are counted). */
  adoptTerms(v: Order): void
}

/** An order whose venue-reported fills have not all arrived. */
interface MissingFills {
  venue: Order
  /** Lookups that succeeded but did not cover the venue's filled quantity. */
  lookups: number
  /** Lookups that failed. */
  failures: number
  scheduled: boolean
}

/**
 * Recovers fills the user stream did not deliver, for the live OrderExecutor. When the venue reports more filled
 * quantity than the fills received, the venue's own record of the order's fills (`adapter.orderFills`: real trade
 * ids and fees, duplicates dropped by trade id) is read; a failed lookup is retried with backoff (`queryIntervalMs`,
 * doubling, at most 30 s) and never answered by a made-up fill. Only without `orderFills`, or when `queryAttempts`
 * successful lookups still fall short, is the missing quantity synthesized from the venue's filled quantity and
 * average price (trade id `reconcile:<id>:<filledQty>`, fee 0).
 *
 * @example
 * ```ts
 * const recovery = new FillsRecovery(host)
 * await recovery.recover(await adapter.queryOrder(symbol, clientOrderId)) // fills it finds go to host.onFills
 * ```
 */
export class FillsRecovery {
  readonly #host: FillsRecoveryHost
  readonly #missing = new Map<string, MissingFills>()
  /** Quantities synthesized per order whose real fills may still come (counted once, see {@link SyntheticFills}). */
  readonly synthesized = new SyntheticFills(MAX_SYNTHESIZED)
  /** Aborted by close(): ends the waits before the next lookups at once (a shutdown is not held up by them). */
  readonly #stop = new AbortController()

  constructor(host: FillsRecoveryHost) {
    this.#host = host
  }

  /** The venue's last view of every order whose fills are still awaited. */
  pending(): Order[] {
    return [...this.#missing.values()].map((m) => m.venue)
  }

  /** Called after a fill was applied: the order is no longer awaited once its fills cover the venue's report. */
  applied(order: Order): void {
    const awaited = this.#missing.get(order.clientOrderId)
    if (awaited !== undefined && order.filledQty.gte(awaited.venue.filledQty))
      this.#missing.delete(order.clientOrderId)
  }

  /** Ends the waits before the next lookups at once (shutdown): nothing more is looked up. */
  close(): void {
    this.#stop.abort()
  }

  /**
   * What is still missing (at shutdown, once no lookup is left): one error per order whose fills the venue reports
   * but are not booked, with both quantities.
   */
  shortfalls(): StateError[] {
    const out: StateError[] = []
    for (const { venue: v } of this.#missing.values()) {
      const cid = v.clientOrderId
      const booked = this.#host.orders.get(cid)?.filledQty
      if (booked === undefined || !v.filledQty.gt(booked)) continue
      const [venueQty, ourQty] = [v.filledQty.toString(), booked.toString()]
      const why = `Fills of order "${cid}" missing at shutdown: venue filled ${venueQty}, booked ${ourQty}`
      out.push(
        new StateError(why, { details: { clientOrderId: cid, venueFilledQty: venueQty, bookedQty: ourQty } }),
      )
    }
    return out
  }

  /** Stops awaiting an order's fills (the order was forgotten). */
  forget(clientOrderId: string): void {
    this.#missing.delete(clientOrderId)
  }

  /**
   * Remembers an order whose fills the venue reports but we have not received, and looks again after
   * `queryIntervalMs` (doubling after each failed lookup, at most 30 s) until they are in. `lookup` says how the
   * fills lookup that found the gap went.
   */
  await(venue: Order, lookup?: 'covered-less' | 'failed'): { readonly lookups: number } {
    const h = this.#host
    const cid = venue.clientOrderId
    const m = this.#missing.get(cid) ?? { venue, lookups: 0, failures: 0, scheduled: false }
    m.venue = venue
    if (lookup === 'covered-less') m.lookups++
    if (lookup === 'failed') m.failures++
    this.#missing.set(cid, m)
    if (!m.scheduled && !h.isClosed()) {
      m.scheduled = true
      const delay = Math.min(h.queryIntervalMs * 2 ** Math.min(m.failures, 5), MAX_LOOKUP_DELAY_MS)
      h.background(
        (async () => {
          await sleep(h.clock, delay, this.#stop.signal).catch(() => undefined)
          m.scheduled = false
          if (this.#missing.get(cid) === m && !h.isClosed()) await this.recover(m.venue)
        })(),
      )
    }
    return m
  }

  /**
   * Merges the venue's view of an order, adopting an unknown open order, and recovers the fills it reports but the
   * stream did not deliver: from `orderFills` first, synthesized only as described on the class.
   */
  async recover(v: Order): Promise<void> {
    const h = this.#host
    const cid = v.clientOrderId
    // An order amended lately: the venue's quantity and price stand (an answer lost, or beaten by a fill).
    h.adoptTerms(v)
    let cur = h.orders.get(cid)
    if (cur !== undefined && v.filledQty.gt(cur.filledQty) && h.adapter.orderFills !== undefined) {
      if (!(await this.#fromVenue(v))) {
        h.applyVenueOrder(v, true)
        return
      }
      cur = h.orders.get(cid)
    }
    if (cur !== undefined && v.filledQty.gt(cur.filledQty) && v.avgFillPrice !== undefined) {
      await this.#synthesize(v, cur)
      // What could be recovered was: a synthesized fill the order refused is not looked up again and again.
      this.#missing.delete(cid)
    }
    h.applyVenueOrder(v, true)
  }

  /**
   * Reads the venue's record of the order's fills; `false` while the fills are still awaited (the lookup failed,
   * or fell short fewer than `queryAttempts` times), `true` when the caller may go on (and synthesize what is left).
   */
  async #fromVenue(v: Order): Promise<boolean> {
    const h = this.#host
    const cid = v.clientOrderId
    const orderFills = h.adapter.orderFills
    if (orderFills === undefined) return true
    try {
      const fills = await withTimeout(
        h.clock,
        orderFills.call(h.adapter, v.symbol, cid),
        h.requestTimeoutMs,
        'orderFills',
      )
      h.onFills(fills.filter((f) => f.clientOrderId === cid))
      const cur = h.orders.get(cid)
      // The venue's trade history can lag its order status: look again a few times before synthesizing.
      if (cur !== undefined && v.filledQty.gt(cur.filledQty)) {
        if (this.await(v, 'covered-less').lookups < h.queryAttempts) return false
      }
      return cur !== undefined
    } catch (e) {
      h.log.warn({ clientOrderId: cid, code: toTradekitError(e).code }, 'order fills lookup failed')
      // Never synthesize a fill (without its fee) while the venue's record may still be read: retry later.
      this.await(v, 'failed')
      return false
    }
  }

  async #synthesize(v: Order, first: Order): Promise<void> {
    const h = this.#host
    const cid = v.clientOrderId
    if (first.status === 'PENDING_NEW') h.markOpen(first, v.venueOrderId)
    let feeAsset = ''
    try {
      feeAsset = (await h.adapter.instrument(v.symbol)).quote
    } catch {
      // Unknown quote: the fill is still recorded, with an empty fee asset.
    }
    // Fills may have come while the instrument was read: only what is still missing is synthesized.
    const cur = h.orders.get(cid)
    if (cur === undefined || !v.filledQty.gt(cur.filledQty)) return
    const delta = v.filledQty.minus(cur.filledQty)
    const notional = (v.avgFillPrice ?? ZERO)
      .times(v.filledQty)
      .minus((cur.avgFillPrice ?? ZERO).times(cur.filledQty))
    const price = notional.div(delta)
    if (!price.gt(0)) return
    h.log.warn({ clientOrderId: cid, qty: delta.toString() }, 'synthesizing a fill missed by the stream')
    const fill: Fill = {
      venue: v.venue,
      symbol: v.symbol,
      clientOrderId: cid,
      ...(v.venueOrderId !== undefined ? { venueOrderId: v.venueOrderId } : {}),
      tradeId: `${SYNTHETIC_TRADE_PREFIX}${cid}:${v.filledQty.toString()}`,
      side: cur.side,
      price,
      qty: delta,
      fee: ZERO,
      feeAsset,
      liquidity: 'TAKER',
      tsEvent: v.tsUpdated,
    }
    h.onFills([fill])
    // Applied (not refused): the real fills it stands for may still come.
    if (h.orders.get(cid)?.filledQty.gt(cur.filledQty) === true) this.synthesized.record(v, fill)
  }
}
