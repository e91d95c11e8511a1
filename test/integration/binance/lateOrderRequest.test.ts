import { afterEach, describe, expect, it } from 'vitest'
import { ExchangeError } from '../../../src/errors/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { Decimal, type Harness, harness, req, waitFor } from './helpers.js'

// Binance refuses a signed request whose `timestamp` is more than `recvWindow` older than server time (-1021,
// "Timestamp for this request is outside of the recvWindow", nothing executed):
// https://developers.binance.com/docs/binance-spot-api-docs/rest-api/endpoint-security-type ("Timing security").
// An order request that waited in our own rate limiter must therefore carry the time it was made, not the time it
// left: otherwise a placement the executor has given up on (looked up, not known, REJECTED) still lands later.

const RECV_WINDOW = 1000
/** The order budget frees up this long after it was spent: longer than recvWindow plus the executor's look-ups. */
const BUDGET_FREES_MS = 3000

let h: Harness | undefined
let exec: OrderExecutor | undefined
afterEach(async () => {
  await exec?.shutdown({ timeoutMs: 1000 })
  await h?.close()
  exec = undefined
  h = undefined
})

/**
 * Spends the USD-M client's order budget (as other orders would), so the next placement waits in our limiter for
 * about `BUDGET_FREES_MS`: the window holds one order and is fixed (it frees at multiples of its length), so the
 * budget is spent just after a window starts.
 */
async function spendOrderBudget(hh: Harness): Promise<void> {
  await hh.usdm.exchangeInfo() // the venue's published limits are applied first, then shrunk here
  const limiter = hh.usdm.rest.limiter
  limiter.resizeWindow('ORDERS_10S', 1, BUDGET_FREES_MS)
  await new Promise((r) => setTimeout(r, BUDGET_FREES_MS - (limiter.now() % BUDGET_FREES_MS) + 20))
  await limiter.acquire({ cost: { ORDERS_10S: 1 } })
}

function resting(hh: Harness): ReturnType<typeof req> {
  const mid = new Decimal(hh.sim.midPrice('usdm', 'BTCUSDT'))
  return req({
    venue: 'binance-usdm',
    type: 'LIMIT',
    price: mid.minus(1000).toDecimalPlaces(1),
    timeInForce: 'GTC',
  })
}

describe.each(['rest', 'ws-api'] as const)(
  'an order request held in our limiter past recvWindow (%s)',
  (entry) => {
    it('is refused by the venue (-1021), never placed late', async () => {
      h = await harness({}, { recvWindow: RECV_WINDOW, orderEntry: entry })
      await spendOrderBudget(h)
      const order = resting(h)
      const err = await h.usdm.placeOrder(order).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(ExchangeError)
      expect((err as ExchangeError).venueCode).toBe(-1021)
      expect(h.sim.ledger.openOrders('usdm').map((o) => o.clientOrderId)).not.toContain(order.clientOrderId)
    })

    it('leaves nothing resting that the executor holds as REJECTED after its look-ups', async () => {
      h = await harness({}, { recvWindow: RECV_WINDOW, orderEntry: entry })
      const hh = h
      exec = new OrderExecutor({
        adapter: hh.usdm,
        requestTimeoutMs: 1500, // shorter than the budget wait, long enough for start()'s reconciliation on a busy machine
        queryAttempts: 2,
        queryIntervalMs: 100,
      })
      await exec.start()
      await spendOrderBudget(hh)
      const { clientOrderId } = await exec.submit({ ...resting(hh), strategyId: 'late' })
      const ex = exec
      await waitFor(() => ex.order(clientOrderId)?.status === 'REJECTED', 10_000, 'the look-ups to give up')
      // The placement leaves our limiter once the budget frees up; give it time to reach the venue.
      await waitFor(() => hh.usdm.rest.limiter.snapshot().queued.ORDER === 0, 10_000, 'the limiter to drain')
      await new Promise((r) => setTimeout(r, 500))
      expect(hh.sim.ledger.openOrders('usdm').map((o) => o.clientOrderId)).not.toContain(clientOrderId)
      expect(ex.order(clientOrderId)?.status).toBe('REJECTED')
    })
  },
)
