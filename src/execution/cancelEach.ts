import type { CancelAllResult } from '../core/ports.js'
import type { Order } from '../core/types.js'
import { StateError, type TradekitError, toTradekitError } from '../errors/index.js'

/**
 * Cancels `orders` concurrently through `cancel` and reports which were cancelled and which were not (an order that
 * ended in another status, or a cancel that failed). The one `cancelAll` of PaperTrader and OrderExecutor.
 */
export async function cancelEach(
  orders: readonly Order[],
  cancel: (clientOrderId: string) => Promise<Order>,
): Promise<CancelAllResult> {
  const canceled: string[] = []
  const failed: { clientOrderId: string; error: TradekitError }[] = []
  await Promise.all(
    orders.map(async (o) => {
      try {
        const r = await cancel(o.clientOrderId)
        if (r.status === 'CANCELED') canceled.push(o.clientOrderId)
        else failed.push({ clientOrderId: o.clientOrderId, error: new StateError(`Order is ${r.status}`) })
      } catch (e) {
        failed.push({ clientOrderId: o.clientOrderId, error: toTradekitError(e) })
      }
    }),
  )
  return { canceled, failed }
}
