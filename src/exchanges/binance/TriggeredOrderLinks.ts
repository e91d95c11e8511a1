import type * as z from 'zod/mini'
import { BoundedMap } from '../../core/BoundedMap.js'
import type { Clock } from '../../core/index.js'
import type { AlgoUpdateSchema, OrderTradeUpdateSchema } from './wire.js'

type OrderTradeUpdate = z.output<typeof OrderTradeUpdateSchema>
type AlgoUpdate = z.output<typeof AlgoUpdateSchema>

/** Options of {@link TriggeredOrderLinks}. */
export interface TriggeredOrderLinksConfig {
  /** Time source of the hold timers. */
  clock: Clock
  /**
   * Sends one `ORDER_TRADE_UPDATE` on: under `algoCid` (the algo order's client id) once linked, else under its own
   * id. `statusOnly`: the order's state alone, its fill (if any) already went out.
   */
  emit: (u: OrderTradeUpdate, algoCid: string | undefined, statusOnly: boolean) => void
  /** Longest hold of an order's events while its `ALGO_UPDATE` link is awaited, ms (default 2 s). */
  holdMs?: number
  /** Most events held per order (default 50); one more sends them all under the order's own id. */
  maxEventsPerOrder?: number
  /** Most orders held at once (default 100); one more sends the oldest under its own id. */
  maxHeldOrders?: number
}

interface Held {
  readonly algoCid: string
  readonly events: OrderTradeUpdate[]
  timer: unknown
}

interface Triggering {
  readonly symbol: string
  readonly side: string
  readonly qty: string
  /** When the TRIGGERING update came: past the hold bound it matches nothing. */
  readonly sinceMs: number
  /** The order held for it, if one was matched. */
  orderId: string | undefined
}

const ENDED = new Set(['FINISHED', 'CANCELED', 'EXPIRED', 'REJECTED'])

/**
 * Links the order a USD-M conditional (algo) order triggers to the algo order, so each of its trades is reported
 * once. While an `ALGO_UPDATE` says TRIGGERING with no order id yet, the first order of that symbol, side and quantity
 * is held (bounded in time and count); the linking `ALGO_UPDATE` (`ai`) releases it under the algo's client id, the
 * bound under its own. Events that already went out are never replayed: a late link sends only the order's state.
 */
export class TriggeredOrderLinks {
  readonly #clock: Clock
  readonly #emit: TriggeredOrderLinksConfig['emit']
  readonly #holdMs: number
  readonly #maxEvents: number
  readonly #maxHeld: number
  /** Actual order id of a triggered algo order → the algo's client id. */
  readonly #linked = new BoundedMap<string, string>(1000)
  /** Algo orders seen TRIGGERING and not linked yet, by client algo id. */
  readonly #triggering = new BoundedMap<string, Triggering>(100)
  /** Events held by venue order id, oldest order first. */
  readonly #held = new Map<string, Held>()
  /** Last update sent under its own id, by venue order id: a late link sends it again as a status only. */
  readonly #sent = new BoundedMap<string, OrderTradeUpdate>(200)

  constructor(config: TriggeredOrderLinksConfig) {
    this.#clock = config.clock
    this.#emit = config.emit
    this.#holdMs = config.holdMs ?? 2000
    this.#maxEvents = config.maxEventsPerOrder ?? 50
    this.#maxHeld = config.maxHeldOrders ?? 100
  }

  /** Orders whose events are held now (for tests and metrics). */
  get heldOrders(): number {
    return this.#held.size
  }

  /** Routes one `ORDER_TRADE_UPDATE`: sent now (linked or not a candidate), or held for its link. */
  onOrderUpdate(u: OrderTradeUpdate): void {
    const id = String(u.o.i)
    const algoCid = this.#linked.get(id)
    if (algoCid !== undefined) {
      this.#emit(u, algoCid, false)
      return
    }
    const held = this.#held.get(id)
    if (held !== undefined) {
      held.events.push(u)
      if (held.events.length > this.#maxEvents) this.#release(id, undefined)
      return
    }
    const candidate = this.#candidateFor(u)
    if (candidate === undefined) {
      this.#sendOwn(u)
      return
    }
    const [candidateCid, t] = candidate
    t.orderId = id
    if (this.#held.size >= this.#maxHeld) {
      const oldest = this.#held.keys().next().value
      if (oldest !== undefined) this.#release(oldest, undefined)
    }
    const entry: Held = { algoCid: candidateCid, events: [u], timer: undefined }
    entry.timer = this.#clock.setTimeout(() => this.#release(id, undefined), this.#holdMs)
    this.#held.set(id, entry)
  }

  /** Reads one `ALGO_UPDATE`: records a TRIGGERING algo order, links its order (`ai`) and releases what was held. */
  onAlgoUpdate(u: AlgoUpdate): void {
    const o = u.o
    const ai = o.ai !== undefined && o.ai !== '' ? o.ai : undefined
    if (ai !== undefined) {
      this.link(ai, o.caid)
      return
    }
    if (o.X === 'TRIGGERING') {
      if (!this.#triggering.has(o.caid))
        this.#triggering.set(o.caid, {
          symbol: o.s,
          side: o.S,
          qty: o.q.toString(),
          sinceMs: this.#clock.now(),
          orderId: undefined,
        })
      return
    }
    if (ENDED.has(o.X)) {
      const t = this.#triggering.get(o.caid)
      this.#triggering.delete(o.caid)
      // Ended with no order linked: an order held for it was someone else's.
      if (t?.orderId !== undefined && this.#held.get(t.orderId)?.algoCid === o.caid)
        this.#release(t.orderId, undefined)
    }
  }

  /**
   * Links a triggered order to its algo order (`ALGO_UPDATE` `ai`, or a REST read of the algo order's
   * `actualOrderId`): what was held goes out under the algo's client id, and so do later events. Idempotent.
   */
  link(actualOrderId: string, algoCid: string): void {
    this.#triggering.delete(algoCid)
    if (this.#linked.has(actualOrderId)) return
    this.#linked.set(actualOrderId, algoCid)
    if (this.#held.has(actualOrderId)) {
      this.#release(actualOrderId, algoCid)
      return
    }
    const last = this.#sent.get(actualOrderId)
    this.#sent.delete(actualOrderId)
    // Its events went out under its own id already: the algo order gets the state, never the fills again.
    if (last !== undefined) this.#emit(last, algoCid, true)
  }

  /** Sends everything held under the orders' own ids and stops the timers (on close). */
  flush(): void {
    for (const id of [...this.#held.keys()]) this.#release(id, undefined)
  }

  /** The TRIGGERING algo order not matched yet that `u` may be the triggered order of. */
  #candidateFor(u: OrderTradeUpdate): [string, Triggering] | undefined {
    const o = u.o
    const since = this.#clock.now() - this.#holdMs
    for (const [caid, t] of this.#triggering.entries()) {
      if (t.orderId !== undefined || t.sinceMs < since || t.symbol !== o.s || t.side !== o.S) continue
      // A close-position algo order carries no quantity: any quantity matches.
      if (t.qty !== '0' && !o.q.eq(t.qty)) continue
      return [caid, t]
    }
    return undefined
  }

  #sendOwn(u: OrderTradeUpdate): void {
    this.#sent.set(String(u.o.i), u)
    this.#emit(u, undefined, false)
  }

  /** Sends an order's held events, under `algoCid` when linked, else under its own id. */
  #release(id: string, algoCid: string | undefined): void {
    const held = this.#held.get(id)
    if (held === undefined) return
    this.#held.delete(id)
    this.#clock.clearTimeout(held.timer as never)
    // Never linked in time: the algo order holds nothing more back (a late link sends the order's state only).
    if (algoCid === undefined && this.#triggering.get(held.algoCid)?.orderId === id)
      this.#triggering.delete(held.algoCid)
    for (const e of held.events) {
      if (algoCid !== undefined) this.#emit(e, algoCid, false)
      else this.#sendOwn(e)
    }
  }
}
