import type { OrderBatching, OrderIntent } from '../core/ports.js'
import type { Order } from '../core/types.js'
import { StateError, toTradekitError } from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'

/** In process there is no venue request to save: any number of orders per call, a replace is a cancel and a place. */
const IN_PROCESS: OrderBatching = {
  maxPlace: Number.MAX_SAFE_INTEGER,
  maxCancel: Number.MAX_SAFE_INTEGER,
  replace: 'cancelReplace',
}

/**
 * The batch methods of an `ExecutionClient` made of its single calls, for a client that has no venue request to
 * save (PaperTrader): `submitMany` / `cancelMany` run each order on its own (one result each, one failure never
 * touches the others) and `replace` cancels, then places only when the cancel succeeded.
 */
export abstract class BatchBySteps {
  /** Venue ids the client trades on. */
  abstract readonly venues: readonly string[]
  /** Sends one intent. */
  abstract submit(intent: OrderIntent): Promise<Order>
  /** Cancels one order. */
  abstract cancel(clientOrderId: string): Promise<Order>

  /** What one call carries: in process, any number of orders; `replace` is `cancelReplace`. */
  batching(venue: string): OrderBatching | undefined {
    return this.venues.includes(venue) ? IN_PROCESS : undefined
  }

  /** Submits each intent; one result per intent, in order. */
  submitMany(intents: readonly OrderIntent[]): Promise<ReadonlyArray<Result<Order>>> {
    return Promise.all(intents.map((i) => this.submit(i).then(ok, (e: unknown) => err(toTradekitError(e)))))
  }

  /** Cancels each order; one result per id, in order. */
  cancelMany(clientOrderIds: readonly string[]): Promise<ReadonlyArray<Result<Order>>> {
    return Promise.all(
      clientOrderIds.map((cid) => this.cancel(cid).then(ok, (e: unknown) => err(toTradekitError(e)))),
    )
  }

  /** Cancels `clientOrderId`, then places `intent` when the cancel succeeded (rejects otherwise). */
  async replace(clientOrderId: string, intent: OrderIntent): Promise<Order> {
    const canceled = await this.cancel(clientOrderId)
    if (canceled.status !== 'CANCELED') {
      throw new StateError(`Not replaced: "${clientOrderId}" is ${canceled.status}`)
    }
    return this.submit(intent)
  }
}
