import { TypedEmitter } from '../../core/events.js'
import { isTerminalStatus } from '../../core/orderState.js'
import type { CancelAllResult, ExecutionClient, ExecutionEvents, OrderIntent } from '../../core/ports.js'
import type { Fill, Order, OrderStatus } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'

/** What a test scripts for one submitted order: the updates to apply, in order, right after `submit` resolves. */
export type ScriptedUpdate = {
  readonly status: OrderStatus
  readonly filledQty?: string
  readonly price?: string
}

/**
 * An {@link ExecutionClient} whose venue is a script (tests of OrderGroup and GroupRouter): each submit resolves
 * PENDING_NEW and then applies `onSubmit`'s updates; `update` moves an order later; `cancel` obeys `cancelMode`.
 */
export class ScriptedClient implements ExecutionClient {
  readonly venues = ['fake']
  readonly #bus = new TypedEmitter<ExecutionEvents>({ onUnhandledError: () => undefined })
  readonly events = this.#bus
  readonly orders = new Map<string, Order>()
  readonly submitted: OrderIntent[] = []
  readonly cancels: string[] = []
  /** `confirm`: cancels end the order CANCELED; `throw`: every cancel throws and nothing changes. */
  cancelMode: 'confirm' | 'throw' = 'confirm'
  /** The updates applied to an order right after it is submitted. */
  onSubmit: (intent: OrderIntent) => readonly ScriptedUpdate[] = () => []

  /** Records and acknowledges the order, then applies its scripted updates on the next microtask. */
  async submit(intent: OrderIntent): Promise<Order> {
    this.submitted.push(intent)
    const order: Order = {
      ...intent,
      status: 'PENDING_NEW',
      filledQty: new Decimal(0),
      tsCreated: 0,
      tsUpdated: 0,
    }
    this.orders.set(intent.clientOrderId, order)
    const updates = this.onSubmit(intent)
    queueMicrotask(() => {
      for (const u of updates) this.update(intent.clientOrderId, u)
    })
    return order
  }

  /** Moves order `cid` to `u` and emits the matching order event. */
  update(cid: string, u: ScriptedUpdate): Order {
    const prev = this.orders.get(cid)
    if (prev === undefined) throw new ValidationError(`Unknown order "${cid}"`)
    const filledQty = u.filledQty !== undefined ? new Decimal(u.filledQty) : prev.filledQty
    const price = u.price !== undefined ? new Decimal(u.price) : (prev.avgFillPrice ?? prev.price)
    const order: Order = {
      ...prev,
      status: u.status,
      filledQty,
      ...(filledQty.gt(0) && price !== undefined ? { avgFillPrice: price } : {}),
    }
    this.orders.set(cid, order)
    const delta = filledQty.minus(prev.filledQty)
    if (delta.gt(0))
      this.#bus.emit('order.filled', {
        type: 'order.filled',
        order,
        fills: [this.fill(cid, delta)],
        tsEvent: 0,
      })
    else if (u.status === 'CANCELED')
      this.#bus.emit('order.canceled', { type: 'order.canceled', order, tsEvent: 0 })
    else if (u.status === 'EXPIRED')
      this.#bus.emit('order.expired', { type: 'order.expired', order, tsEvent: 0 })
    else if (u.status === 'REJECTED')
      this.#bus.emit('order.rejected', { type: 'order.rejected', order, tsEvent: 0 })
    else this.#bus.emit('order.accepted', { type: 'order.accepted', order, tsEvent: 0 })
    return order
  }

  /** A fill of `qty` on order `cid` (what a `fill.reversed` would carry). */
  fill(cid: string, qty: Decimal): Fill {
    const o = this.orders.get(cid)
    if (o === undefined) throw new ValidationError(`Unknown order "${cid}"`)
    return {
      venue: o.venue,
      symbol: o.symbol,
      clientOrderId: cid,
      tradeId: `${cid}-t`,
      side: o.side,
      price: o.avgFillPrice ?? o.price ?? new Decimal(1),
      qty,
      fee: new Decimal(0),
      feeAsset: 'USDC',
      liquidity: 'TAKER',
      tsEvent: 0,
    }
  }

  /** Cancels per `cancelMode`. */
  async cancel(clientOrderId: string): Promise<Order> {
    this.cancels.push(clientOrderId)
    const o = this.orders.get(clientOrderId)
    if (this.cancelMode === 'throw' || o === undefined) throw new ValidationError('cancel refused')
    if (isTerminalStatus(o.status)) return o
    return this.update(clientOrderId, { status: 'CANCELED' })
  }

  /** Cancels every open order. */
  async cancelAll(): Promise<CancelAllResult> {
    const canceled: string[] = []
    for (const o of this.openOrders()) {
      await this.cancel(o.clientOrderId)
      canceled.push(o.clientOrderId)
    }
    return { canceled, failed: [] }
  }

  /** Orders not yet terminal. */
  openOrders(): readonly Order[] {
    return [...this.orders.values()].filter((o) => !isTerminalStatus(o.status))
  }

  /** Nothing to stop. */
  async shutdown(): Promise<void> {}
}
