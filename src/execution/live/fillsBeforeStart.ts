import type { Logger } from '../../core/logger.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Fill, Order } from '../../core/types.js'
import { StateError } from '../../errors/index.js'

/**
 * How far a venue's trade time may round down: Polymarket's `match_time` is in whole seconds. A fill is taken for one
 * from before the start only when its time is older by at least this (a trade in the second before the start counts
 * as one since: an unknown order's is reported, an adopted order's booked).
 */
const TRADE_TIME_RESOLUTION_MS = 1000

/**
 * Which fills a live OrderExecutor must not book because the state it read at `start()` holds them already. A venue
 * that reports a trade's later statuses (Polymarket: `MINED`, `CONFIRMED`, `FAILED`) sends them to a restarted bot too:
 * - a fill of an order it does not know is reported on `error`, unless its trade is older than the start (its effect is
 *   in the balances read at start: logged); a reversal of such a trade is reported once, since the venue takes back
 *   what those balances hold;
 * - a fill of an order it took over at start (adopted from the venue's open orders, with the venue's filled quantity)
 *   whose trade is older than the start is counted in that quantity: logged, not booked again (checked on every
 *   delivery, a fills lookup's too).
 * Remembers the last `capacity` such fills and adopted orders.
 *
 * @example
 * ```ts
 * const before = new FillsBeforeStart(10_000, log, (e) => bus.emit('error', e))
 * before.started(clock.now())
 * if (before.counted(fill, fillKey(fill), orders.get(fill.clientOrderId))) return // not booked
 * ```
 */
export class FillsBeforeStart {
  readonly #unknownFills: RecentIds<string>
  readonly #adopted: RecentIds<string>
  readonly #log: Logger
  readonly #report: (e: StateError) => void
  #startedAt = Number.NEGATIVE_INFINITY

  constructor(capacity: number, log: Logger, report: (e: StateError) => void) {
    this.#unknownFills = new RecentIds(capacity)
    this.#adopted = new RecentIds(capacity)
    this.#log = log
    this.#report = report
  }

  /** The executor started at `now` (epoch ms): it reads the venue's balances and open orders from then on. */
  started(now: number): void {
    this.#startedAt = now
  }

  /** The executor took an open order over from the venue at start, with the venue's filled quantity. */
  adopted(clientOrderId: string): void {
    this.#adopted.add(clientOrderId)
  }

  /**
   * Whether `fill` (fill key `key`) of `order` (`undefined`: not known) must not be booked: always for an unknown
   * order (reported unless from before the start), and for an adopted order when it traded before the start.
   */
  counted(fill: Fill, key: string, order: Order | undefined): boolean {
    const { clientOrderId, tradeId } = fill
    const before = fill.tsEvent + TRADE_TIME_RESOLUTION_MS <= this.#startedAt
    if (order !== undefined) {
      if (!before || !this.#adopted.has(clientOrderId)) return false
      this.#log.info({ clientOrderId, tradeId }, 'fill from before this start: in the adopted quantity')
      return true
    }
    if (before) {
      this.#unknownFills.add(key)
      this.#log.info({ clientOrderId, tradeId }, 'fill of an unknown order from before this start')
    } else this.#report(new StateError(`Fill "${tradeId}" for unknown order "${clientOrderId}"`))
    return true
  }

  /** The venue reversed a fill (fill key `key`) never booked: reported once if it traded before the start. */
  reversed(fill: Fill, key: string): undefined {
    if (!this.#unknownFills.delete(key)) return
    const { clientOrderId, tradeId } = fill
    const why = `The venue reversed trade "${tradeId}" of order "${clientOrderId}" from before this start: the balances read at start hold what it took back (reconcile with the venue)`
    const details = { clientOrderId, tradeId, side: fill.side, qty: fill.qty.toFixed() }
    this.#report(new StateError(why, { details }))
  }
}
