import type { Logger } from '../../core/logger.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Fill } from '../../core/types.js'
import { StateError } from '../../errors/index.js'

/**
 * How far a venue's trade time may round down: Polymarket's `match_time` is in whole seconds. A fill is taken for one
 * from before the start only when its time is older by at least this (one in the second before the start is reported).
 */
const TRADE_TIME_RESOLUTION_MS = 1000

/**
 * The fills of orders a live OrderExecutor does not know, reported on `error`, except those whose trades happened
 * before it started: a venue that reports a trade's later statuses (Polymarket: `MINED`, `CONFIRMED`) sends them to a
 * restarted bot too, and what such a trade bought or sold is in the balances read at start (logged, not an error). A
 * reversal of one of those is an error again: the venue takes back what those balances hold. Remembers the last
 * `capacity` such fills.
 *
 * @example
 * ```ts
 * const unknown = new UnknownOrderFills(10_000, log, (e) => bus.emit('error', e))
 * unknown.started(clock.now())
 * if (order === undefined) return unknown.filled(fill, fillKey(fill))
 * ```
 */
export class UnknownOrderFills {
  readonly #beforeStart: RecentIds<string>
  readonly #log: Logger
  readonly #report: (e: StateError) => void
  #startedAt = Number.NEGATIVE_INFINITY

  constructor(capacity: number, log: Logger, report: (e: StateError) => void) {
    this.#beforeStart = new RecentIds(capacity)
    this.#log = log
    this.#report = report
  }

  /** The executor started at `now` (epoch ms): trades of unknown orders before it are in the balances it reads. */
  started(now: number): void {
    this.#startedAt = now
  }

  /** A fill (fill key `key`) of an order not known: reported, unless it traded before the start (remembered then). */
  filled(fill: Fill, key: string): undefined {
    const { clientOrderId, tradeId } = fill
    if (fill.tsEvent + TRADE_TIME_RESOLUTION_MS <= this.#startedAt) {
      this.#beforeStart.add(key)
      this.#log.info({ clientOrderId, tradeId }, 'fill of an unknown order from before this start')
    } else this.#report(new StateError(`Fill "${tradeId}" for unknown order "${clientOrderId}"`))
    return undefined
  }

  /** The venue reversed a fill (fill key `key`) never applied: reported once if it traded before the start. */
  reversed(fill: Fill, key: string): undefined {
    if (!this.#beforeStart.delete(key)) return
    const { clientOrderId, tradeId } = fill
    const why = `The venue reversed trade "${tradeId}" of order "${clientOrderId}" from before this start: the balances read at start hold what it took back (reconcile with the venue)`
    const details = { clientOrderId, tradeId, side: fill.side, qty: fill.qty.toFixed() }
    this.#report(new StateError(why, { details }))
  }
}
