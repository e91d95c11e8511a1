/**
 * The contract every {@link ExecutionClient} honours (PaperTrader and the live OrderExecutor alike), so strategy
 * and risk code runs unchanged on both. It produces named async cases that throw on failure, so any test runner
 * can run them:
 *
 * ```ts
 * for (const c of executionClientContractCases(spec)) it(c.name, c.run)
 * ```
 */
import { canTransition } from '../../core/orderState.js'
import { type ExecutionClient, ORDER_EVENTS, type OrderIntent } from '../../core/ports.js'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { isTradekitError } from '../../errors/index.js'

/** A client under test, plus how to drive its venue. */
export interface ExecutionClientHarness {
  readonly client: ExecutionClient
  /** Venue and symbol to trade; `restingPrice` is a BUY limit price that does not cross (it rests). */
  readonly venue: string
  readonly symbol: string
  readonly restingPrice: Decimal
  /** A quantity the venue fills in full for a MARKET BUY. */
  readonly qty: Decimal
  /** Lets queued async work (and the clock, if manual) run. */
  settle(): Promise<void>
  /** Releases everything (sockets, servers, timers). */
  close(): Promise<void>
}

/** What the contract needs: a label and a factory of fresh harnesses. */
export interface ExecutionClientContractSpec {
  name: string
  create: () => Promise<ExecutionClientHarness>
}

/** One named contract check; `run` rejects with an Error describing the first violation. */
export interface ExecutionClientContractCase {
  name: string
  run: () => Promise<void>
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg)
}

/** Records every order event and checks each status change against the order state machine. */
function recorder(client: ExecutionClient) {
  const seq = new Map<string, Order[]>()
  const names: string[] = []
  const problems: string[] = []
  for (const ev of ORDER_EVENTS) {
    client.events.on(ev, (e: { type: string; order: Order; tsEvent: number }) => {
      if (e.type !== ev) problems.push(`event "${ev}" carries type "${e.type}"`)
      if (!Number.isFinite(e.tsEvent)) problems.push(`event "${ev}" has no tsEvent`)
      names.push(`${ev}:${e.order.clientOrderId}`)
      const list = seq.get(e.order.clientOrderId) ?? []
      const prev = list.at(-1)
      if (
        prev !== undefined &&
        prev.status !== e.order.status &&
        !canTransition(prev.status, e.order.status)
      ) {
        problems.push(`illegal ${prev.status} -> ${e.order.status} on ${e.order.clientOrderId}`)
      }
      list.push(e.order)
      seq.set(e.order.clientOrderId, list)
    })
  }
  return { seq, names, problems }
}

let counter = 0
function intent(h: ExecutionClientHarness, o: Partial<OrderIntent> = {}): OrderIntent {
  counter++
  return {
    clientOrderId: `ct-${counter}-${Math.floor(Math.random() * 1e6).toString(36)}`,
    venue: h.venue,
    symbol: h.symbol,
    side: 'BUY',
    type: 'LIMIT',
    qty: h.qty,
    price: h.restingPrice,
    timeInForce: 'GTC',
    strategyId: 'contract',
    ...o,
  }
}

async function withHarness(
  spec: ExecutionClientContractSpec,
  fn: (h: ExecutionClientHarness) => Promise<void>,
) {
  const h = await spec.create()
  try {
    await fn(h)
  } finally {
    await h.close()
  }
}

/** The contract's cases for one implementation. */
export function executionClientContractCases(
  spec: ExecutionClientContractSpec,
): ExecutionClientContractCase[] {
  const c = (
    name: string,
    fn: (h: ExecutionClientHarness) => Promise<void>,
  ): ExecutionClientContractCase => ({
    name: `${spec.name}: ${name}`,
    run: () => withHarness(spec, fn),
  })
  return [
    c('a resting limit is submitted, accepted and listed as open', async (h) => {
      const r = recorder(h.client)
      const o = await h.client.submit(intent(h))
      await h.settle()
      check(o.clientOrderId.length > 0, 'order has no client order id')
      const open = h.client.openOrders()
      check(
        open.some((x) => x.clientOrderId === o.clientOrderId && x.status === 'OPEN'),
        'order not open',
      )
      check(r.names[0] === `order.submitted:${o.clientOrderId}`, `first event was ${r.names[0]}`)
      check(r.names.includes(`order.accepted:${o.clientOrderId}`), 'no order.accepted')
      check(r.problems.length === 0, r.problems.join('; '))
    }),
    c('cancel moves it to CANCELED, once', async (h) => {
      const r = recorder(h.client)
      const o = await h.client.submit(intent(h))
      await h.settle()
      const x = await h.client.cancel(o.clientOrderId)
      await h.settle()
      check(x.status === 'CANCELED', `status ${x.status}`)
      check(h.client.openOrders().length === 0, 'still listed as open')
      check(
        r.names.filter((n) => n === `order.canceled:${o.clientOrderId}`).length === 1,
        'canceled not emitted once',
      )
      let threw = false
      try {
        await h.client.cancel(o.clientOrderId)
      } catch (e) {
        threw = isTradekitError(e)
      }
      check(threw, 'a second cancel must reject with a TradekitError')
      check(r.problems.length === 0, r.problems.join('; '))
    }),
    c('cancelAll honours the filter', async (h) => {
      const a = await h.client.submit(intent(h, { strategyId: 'a' }))
      const b = await h.client.submit(intent(h, { strategyId: 'b' }))
      await h.settle()
      const res = await h.client.cancelAll({ strategyId: 'a' })
      await h.settle()
      check(
        res.canceled.length === 1 && res.canceled[0] === a.clientOrderId,
        `canceled ${res.canceled.join()}`,
      )
      check(res.failed.length === 0, 'cancelAll failed')
      check(
        h.client
          .openOrders({ symbol: h.symbol })
          .map((o) => o.clientOrderId)
          .join() === b.clientOrderId,
        'b not open',
      )
      check(h.client.openOrders({ strategyId: 'a' }).length === 0, 'filter by strategy')
    }),
    c('a market order fills; fills add up to the filled quantity', async (h) => {
      const r = recorder(h.client)
      let sum = new Decimal(0)
      h.client.events.on('order.filled', (e) => {
        if (e.fills.length === 0) throw new Error('order.filled without fills')
        for (const fill of e.fills) {
          if (fill.clientOrderId !== e.order.clientOrderId) throw new Error('fill of another order')
          sum = sum.plus(fill.qty)
        }
      })
      const o = await h.client.submit(intent(h, { type: 'MARKET', price: undefined, timeInForce: undefined }))
      await h.settle()
      const last = r.seq.get(o.clientOrderId)?.at(-1)
      check(last?.status === 'FILLED', `status ${last?.status}`)
      check(sum.eq(h.qty) && last?.filledQty.eq(h.qty) === true, `filled ${sum.toString()}`)
      check(last?.avgFillPrice?.gt(0) === true, 'no average price')
      check(r.problems.length === 0, r.problems.join('; '))
    }),
    c('rejects an invalid intent and a duplicate client order id with TradekitErrors', async (h) => {
      let code = ''
      try {
        await h.client.submit(intent(h, { qty: new Decimal(0) }))
      } catch (e) {
        code = isTradekitError(e) ? e.code : 'not a TradekitError'
      }
      check(code === 'VALIDATION_FAILED', `invalid intent: ${code}`)
      const i = intent(h)
      await h.client.submit(i)
      await h.settle()
      code = ''
      try {
        await h.client.submit(i)
      } catch (e) {
        code = isTradekitError(e) ? e.code : 'not a TradekitError'
      }
      check(code === 'INVALID_STATE', `duplicate: ${code}`)
    }),
    c('batch methods, where present: one result per order, each order tracked on its own', async (h) => {
      const { client } = h
      if (client.submitMany === undefined || client.cancelMany === undefined || client.replace === undefined)
        return
      const r = recorder(client)
      const intents = [intent(h), intent(h, { qty: new Decimal(0) }), intent(h)]
      const placed = await client.submitMany(intents)
      await h.settle()
      check(placed.length === 3, `${placed.length} results for 3 intents`)
      check(placed[0]?.ok === true && placed[2]?.ok === true, 'a valid intent of the batch failed')
      const bad = placed[1]
      check(
        bad?.ok === false && bad.error.code === 'VALIDATION_FAILED',
        'the invalid intent did not fail alone',
      )
      const [a, , b] = intents as [OrderIntent, OrderIntent, OrderIntent]
      const open = () => client.openOrders().map((o) => o.clientOrderId)
      check(open().includes(a.clientOrderId) && open().includes(b.clientOrderId), 'batch orders not open')
      const amend = client.batching?.(h.venue)?.replace === 'amend'
      // Twice the quantity: an amendment must change something (USD-M answers -5027 otherwise).
      const next = intent(h, { qty: h.qty.times(2), ...(amend ? { clientOrderId: a.clientOrderId } : {}) })
      const replaced = await client.replace(a.clientOrderId, next)
      await h.settle()
      check(replaced.clientOrderId === next.clientOrderId, 'replace did not return the new order')
      check(open().includes(next.clientOrderId), 'the replacement is not open')
      check(amend || !open().includes(a.clientOrderId), 'the replaced order is still open')
      const canceled = await client.cancelMany([next.clientOrderId, b.clientOrderId, 'ct-unknown-order'])
      await h.settle()
      check(canceled.length === 3, `${canceled.length} results for 3 cancels`)
      check(canceled[0]?.ok === true && canceled[1]?.ok === true, 'a cancel of the batch failed')
      check(canceled[2]?.ok === false, 'cancelling an unknown order must fail, alone')
      check(open().length === 0, `still open: ${open().join()}`)
      check(r.problems.length === 0, r.problems.join('; '))
    }),
    c('shutdown cancels open orders and refuses new ones', async (h) => {
      const o = await h.client.submit(intent(h))
      await h.settle()
      const s = h.client.shutdown({ cancelOpenOrders: true, timeoutMs: 1000 })
      await h.settle()
      await s
      check(h.client.openOrders().length === 0, `still open: ${o.clientOrderId}`)
      let rejected = false
      try {
        await h.client.submit(intent(h))
      } catch (e) {
        rejected = isTradekitError(e)
      }
      check(rejected, 'submit after shutdown must reject')
    }),
  ]
}
