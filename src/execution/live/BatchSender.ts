import type {
  ExchangeAdapter,
  OrderAck,
  OrderAmendmentOf,
  OrderBatching,
  OrderIntent,
  ReplaceOutcome,
} from '../../core/ports.js'
import type { Order, OrderStatus } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import {
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'

/** What {@link BatchSender} needs of its {@link OrderExecutor}: the steps of a single submit and cancel. */
export interface BatchSenderHost {
  readonly adapter: ExchangeAdapter
  /** Checks, throttles and tracks an intent (PENDING_NEW); `send` false in dry-run mode. */
  admit(intent: OrderIntent): Promise<{ order: Order; send: boolean }>
  /** Whether the executor was shut down (nothing is sent after that). */
  isClosed(): boolean
  /** Places one order alone (the single path; after shutdown it is not sent). */
  send(order: Order, mayResend: boolean): Promise<void>
  /** Applies a placement's answer to the tracked order. */
  placed(order: Order, outcome: Result<OrderAck>, mayResend: boolean): void
  /** Marks an order PENDING_CANCEL (throws when unknown or closed). */
  cancelling(clientOrderId: string): { symbol: string; before: OrderStatus }
  /** Applies a cancel's answer (looks the order up on an error); rejects when it is still open. */
  canceled(clientOrderId: string, symbol: string, before: OrderStatus, outcome: Result<Order>): Promise<Order>
  /** Applies the venue's order after an in-place amendment. */
  amended(order: Order): void
  /**
   * An amendment of an order from `fromQty` to `toQty` is sent; returns what to call once its answer (or the lookup
   * after its loss) was applied.
   */
  amending(clientOrderId: string, fromQty: Decimal, toQty: Decimal): () => void
  /** An adapter request bounded by the executor's `requestTimeoutMs`. */
  call<T>(p: Promise<T>, what: string): Promise<T>
  order(clientOrderId: string): Order | undefined
}

/**
 * The batch half of the live {@link OrderExecutor}: several placements or cancels in one venue request where the
 * adapter has `placeOrders` / `cancelOrders`, and one-call replaces (`replaceOrder` cancel-replace, `amendOrder`). Each
 * order goes through the same steps as a single submit or cancel, so one refused order never loses the others' state.
 */
export class BatchSender {
  readonly #host: BatchSenderHost
  /** Amendments asked for in this tick, sent once it ends (see #amendAtVenue). */
  readonly #amends: QueuedAmendment[] = []

  constructor(host: BatchSenderHost) {
    this.#host = host
  }

  /** What one request carries on the adapter's venue. */
  batching(): OrderBatching {
    const a = this.#host.adapter
    const limits = a.batchLimits
    return {
      maxPlace: a.placeOrders !== undefined && limits !== undefined ? Math.max(1, limits.place) : 1,
      maxCancel: a.cancelOrders !== undefined && limits !== undefined ? Math.max(1, limits.cancel) : 1,
      ...(a.replaceOrder !== undefined
        ? { replace: 'cancelReplace' as const }
        : a.amendOrder !== undefined
          ? { replace: 'amend' as const }
          : {}),
    }
  }

  /** Admits every intent, then places them in requests of at most `maxPlace` orders; one result per intent. */
  async submitMany(intents: readonly OrderIntent[]): Promise<ReadonlyArray<Result<Order>>> {
    const h = this.#host
    const admitted = await Promise.all(
      intents.map((i) => h.admit(i).then(ok, (e: unknown) => err(toTradekitError(e)))),
    )
    const toSend = admitted.flatMap((a) => (a.ok && a.value.send ? [a.value.order] : []))
    const { maxPlace } = this.batching()
    const placeOrders = h.adapter.placeOrders?.bind(h.adapter)
    // A shutdown while some intents waited for the rate limit: the single path leaves the admitted ones unsent.
    if (placeOrders === undefined || maxPlace <= 1 || h.isClosed()) {
      await Promise.all(toSend.map((o) => h.send(o, true)))
    } else {
      await Promise.all(
        chunks(toSend, maxPlace).map(async (chunk) => {
          const outcomes = await settleAll(h.call(placeOrders(chunk), 'placeOrders'), chunk.length)
          chunk.forEach((o, i) => {
            h.placed(o, outcomes[i] ?? err(lostAnswer(o.clientOrderId)), true)
          })
        }),
      )
    }
    return admitted.map((a) => (a.ok ? ok(h.order(a.value.order.clientOrderId) ?? a.value.order) : a))
  }

  /** Cancels in requests of at most `maxCancel` orders; one result per id (the order after, or why it is still open). */
  async cancelMany(clientOrderIds: readonly string[]): Promise<ReadonlyArray<Result<Order>>> {
    const h = this.#host
    const begun = clientOrderIds.map((cid) => {
      try {
        return ok({ cid, ...h.cancelling(cid) })
      } catch (e) {
        return err(toTradekitError(e))
      }
    })
    const todo = begun.flatMap((b) => (b.ok ? [b.value] : []))
    const { maxCancel } = this.batching()
    const cancelOrders = h.adapter.cancelOrders?.bind(h.adapter)
    const done = new Map<string, Result<Order>>()
    const settle = async (t: (typeof todo)[number], outcome: Result<Order>) => {
      done.set(
        t.cid,
        await h
          .canceled(t.cid, t.symbol, t.before, outcome)
          .then(ok, (e: unknown) => err(toTradekitError(e))),
      )
    }
    if (cancelOrders === undefined || maxCancel <= 1) {
      await Promise.all(
        todo.map(async (t) => {
          const [outcome] = await settleAll(
            h.call(h.adapter.cancelOrder(t.symbol, t.cid), 'cancelOrder').then((o) => [ok(o)]),
            1,
          )
          await settle(t, outcome ?? err(lostAnswer(t.cid)))
        }),
      )
    } else {
      await Promise.all(
        chunks(todo, maxCancel).map(async (chunk) => {
          const req = chunk.map((t) => ({ symbol: t.symbol, clientOrderId: t.cid }))
          const outcomes = await settleAll(h.call(cancelOrders(req), 'cancelOrders'), chunk.length)
          await Promise.all(chunk.map((t, i) => settle(t, outcomes[i] ?? err(lostAnswer(t.cid)))))
        }),
      )
    }
    return begun.map((b) => (b.ok ? (done.get(b.value.cid) as Result<Order>) : b))
  }

  /**
   * Replaces an open order in one request: cancel-replace (`intent` is a new order; nothing is placed when the cancel
   * fails), an amendment in place (`intent.clientOrderId` is the order's own), or, without either, a cancel then a
   * placement. Resolves with the new order as tracked; rejects when it was not placed.
   */
  async replace(clientOrderId: string, intent: OrderIntent): Promise<Order> {
    const h = this.#host
    const mode = this.batching().replace
    if (mode === 'amend') return this.#amend(clientOrderId, intent)
    const { order, send } = await h.admit(intent)
    let old: { symbol: string; before: OrderStatus }
    try {
      old = h.cancelling(clientOrderId)
    } catch (e) {
      if (send) h.placed(order, err(toTradekitError(e)), false)
      throw e
    }
    if (!send) return order
    const outcome = await this.#cancelReplace(clientOrderId, old.symbol, order, mode === 'cancelReplace')
    await h.canceled(clientOrderId, old.symbol, old.before, outcome.canceled).catch(() => undefined)
    const cancelError = outcome.canceled.ok ? undefined : outcome.canceled.error
    const placed =
      outcome.placed ??
      err(
        new StateError(`Not placed: the cancel of "${clientOrderId}" failed`, {
          ...(cancelError !== undefined ? { cause: cancelError } : {}),
        }),
      )
    h.placed(order, placed, true)
    if (!placed.ok) throw placed.error
    return h.order(order.clientOrderId) ?? order
  }

  /** The legs of a replace: one `replaceOrder` request, or a cancel and then (when it succeeded) a placement. */
  async #cancelReplace(
    clientOrderId: string,
    symbol: string,
    order: Order,
    oneCall: boolean,
  ): Promise<ReplaceOutcome> {
    const h = this.#host
    const replaceOrder = h.adapter.replaceOrder?.bind(h.adapter)
    if (oneCall && replaceOrder !== undefined) {
      try {
        return await h.call(replaceOrder(symbol, clientOrderId, order), 'replaceOrder')
      } catch (e) {
        // A refused request: neither leg happened; a lost answer: both are looked up by client order id.
        const error = toTradekitError(e)
        return { canceled: err(error), placed: err(error) }
      }
    }
    const canceled = await h
      .call(h.adapter.cancelOrder(symbol, clientOrderId), 'cancelOrder')
      .then(ok, (e: unknown) => err(toTradekitError(e)))
    if (!canceled.ok) return { canceled, placed: undefined }
    const placed = await h
      .call(h.adapter.placeOrder(order), 'placeOrder')
      .then(ok, (e: unknown) => err(toTradekitError(e)))
    return { canceled, placed }
  }

  /**
   * One amendment at the venue. Where the adapter amends in batches (`amendOrders`), the amendments asked for in the
   * same tick (a refresh moving several quotes) go together, `batchLimits.amend` a request (the newest of one order's
   * amendments in a tick stands for them all); one alone, or without batches, goes by `amendOrder`.
   */
  #amendAtVenue(amendment: OrderAmendmentOf): Promise<Order> {
    const { adapter } = this.#host
    if (adapter.amendOrders === undefined || (adapter.batchLimits?.amend ?? 1) <= 1)
      return this.#amendAlone(amendment)
    return new Promise<Order>((resolve, reject) => {
      // A second amendment of an order in the same tick replaces the first: a request carries an order once (the venue
      // refuses a repeated id), and the newer price and quantity are the ones wanted. Both resolve with its outcome.
      const same = this.#amends.find((q) => q.amendment.clientOrderId === amendment.clientOrderId)
      if (same !== undefined) {
        same.amendment = amendment
        same.waiting.push({ resolve, reject })
        return
      }
      this.#amends.push({ amendment, waiting: [{ resolve, reject }] })
      if (this.#amends.length === 1) queueMicrotask(() => this.#sendAmends())
    })
  }

  /** Sends the amendments queued in this tick: in requests of at most `batchLimits.amend`, a lone one by itself. */
  #sendAmends(): void {
    const h = this.#host
    const amendOrders = h.adapter.amendOrders?.bind(h.adapter) as NonNullable<ExchangeAdapter['amendOrders']>
    for (const chunk of chunks(this.#amends.splice(0), h.adapter.batchLimits?.amend ?? 1)) {
      const [only] = chunk
      // In a promise: an adapter that throws at once fails these amendments, not the microtask (or the others).
      const sent = Promise.resolve().then(() =>
        chunk.length === 1 && only !== undefined
          ? this.#amendAlone(only.amendment).then((o) => [ok(o)])
          : h.call(amendOrders(chunk.map((q) => q.amendment)), 'amendOrders'),
      )
      void settleAll(sent, chunk.length).then((outcomes) => {
        chunk.forEach((q, i) => {
          const r = outcomes[i] ?? err(lostAnswer(q.amendment.clientOrderId))
          for (const w of q.waiting) {
            if (r.ok) w.resolve(r.value)
            else w.reject(r.error)
          }
        })
      })
    }
  }

  /** One amendment in its own request (`amendOrder`), bounded by the executor's request timeout. */
  #amendAlone(a: OrderAmendmentOf): Promise<Order> {
    const amendOrder = this.#host.adapter.amendOrder?.bind(this.#host.adapter) as NonNullable<
      ExchangeAdapter['amendOrder']
    >
    return this.#host.call(amendOrder(a.symbol, a.clientOrderId, a.changes), 'amendOrder')
  }

  /** Amends price and quantity in place (same ids); on an error the order is looked up and the error thrown. */
  async #amend(clientOrderId: string, intent: OrderIntent): Promise<Order> {
    const h = this.#host
    const cur = h.order(clientOrderId)
    if (cur === undefined) throw new StateError(`Unknown order "${clientOrderId}"`)
    if (cur.status !== 'OPEN' && cur.status !== 'PARTIALLY_FILLED')
      throw new StateError(`Order "${clientOrderId}" is ${cur.status}: only an open order is amended`)
    if (intent.clientOrderId !== clientOrderId || intent.symbol !== cur.symbol || intent.side !== cur.side) {
      throw new ValidationError('An amendment keeps the order id, symbol and side', {
        field: 'clientOrderId',
      })
    }
    if (intent.price === undefined)
      throw new ValidationError('An amendment needs a price', { field: 'price' })
    const changes = { side: cur.side, qty: intent.qty, price: intent.price }
    // Until the answer is applied, a fill may beat it: one of a raised quantity is sized against the new quantity.
    const done = h.amending(clientOrderId, cur.qty, intent.qty)
    let v: Order
    try {
      v = await this.#amendAtVenue({ symbol: cur.symbol, clientOrderId, changes })
    } catch (e) {
      const error = toTradekitError(e)
      // Refused (the order is kept as it was) or lost: learn the order's state (its quantity and price as the venue
      // has them are taken), then report the error. The status passed is the one now, not before the call: a cancel
      // sent meanwhile (a pull) keeps its PENDING_CANCEL.
      const now = h.order(clientOrderId)?.status ?? cur.status
      await h.canceled(clientOrderId, cur.symbol, now, err(error)).catch(() => undefined)
      done()
      throw error
    }
    try {
      h.amended(v)
    } finally {
      done()
    }
    return h.order(clientOrderId) ?? v
  }
}

/**
 * An amendment waiting for the end of the tick, to share a request with the others asked for in it; `waiting`: its
 * callers (more than one when a later amendment of the same order replaced an earlier one).
 */
interface QueuedAmendment {
  amendment: OrderAmendmentOf
  readonly waiting: Array<{ resolve: (order: Order) => void; reject: (error: TradekitError) => void }>
}

/** Splits `items` into runs of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A batch request's results, or its one error as every item's result. */
async function settleAll<T>(
  p: Promise<ReadonlyArray<Result<T>>>,
  n: number,
): Promise<ReadonlyArray<Result<T>>> {
  try {
    return await p
  } catch (e) {
    const error = toTradekitError(e)
    return Array.from({ length: n }, () => err(error))
  }
}

function lostAnswer(clientOrderId: string): OrderOutcomeUnknownError {
  return new OrderOutcomeUnknownError(clientOrderId, `No answer for "${clientOrderId}" in the batch response`)
}
