import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { TypedEmitter } from '../../core/events.js'
import type { ExecutionClient, ExecutionEvents } from '../../core/ports.js'
import type { BookSnapshot, Order, Side } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { QuoteManagerEvents } from '../QuoteManager.js'
import { QuoteMetrics } from './QuoteMetrics.js'

const D = (v: string | number): Decimal => new Decimal(v)

/** A full garbage collection (V8's `gc`, exposed at run time: no `--expose-gc` flag needed). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

function setup() {
  const clock = new ManualClock(0)
  const quotes = new TypedEmitter<QuoteManagerEvents>()
  const exec = new TypedEmitter<ExecutionEvents>()
  const open: Order[] = []
  const client = { events: exec, openOrders: () => open } as Pick<ExecutionClient, 'events' | 'openOrders'>
  const metrics = new QuoteMetrics({
    quotes: { events: quotes },
    client: client as ExecutionClient,
    clock,
    markoutsMs: [1_000, 10_000],
    rewards: { maxSpread: 0.03, minSize: 20 },
  })
  const place = (cid: string, side: Side, price: string, qty: string): Order => {
    quotes.emit('quote.sent', {
      type: 'quote.sent',
      clientOrderId: cid,
      strategyId: 'mm',
      venue: 'pm',
      symbol: 'yes',
      side,
      price: D(price),
      qty: D(qty),
      tsEvent: clock.now(),
    })
    const o: Order = {
      clientOrderId: cid,
      venue: 'pm',
      symbol: 'yes',
      side,
      type: 'LIMIT',
      qty: D(qty),
      price: D(price),
      status: 'OPEN',
      filledQty: D(0),
      tsCreated: 0,
      tsUpdated: 0,
    }
    open.push(o)
    return o
  }
  /** The order as the client has it now (its open-orders entry, replaced at each change as a client does). */
  const current = (o: Order): number => open.findIndex((x) => x.clientOrderId === o.clientOrderId)
  const fill = (o: Order, qty: string) => {
    const i = current(o)
    const before = open[i] ?? o
    const after: Order = { ...before, filledQty: before.filledQty.plus(qty) }
    if (i >= 0) open[i] = after
    exec.emit('order.filled', {
      type: 'order.filled',
      order: after,
      tsEvent: clock.now(),
      fills: [
        {
          venue: 'pm',
          symbol: 'yes',
          clientOrderId: o.clientOrderId,
          tradeId: `t${clock.now()}`,
          side: o.side,
          price: o.price as Decimal,
          qty: D(qty),
          fee: D(0),
          feeAsset: 'pUSD',
          liquidity: 'MAKER',
          tsEvent: clock.now(),
        },
      ],
    })
  }
  /** What a real client emits when it cancels, rejects or acknowledges an order. */
  const status = (o: Order, to: 'order.canceled' | 'order.rejected' | 'order.accepted'): void => {
    const i = current(o)
    const before = open[i] ?? o
    if (i >= 0 && to !== 'order.accepted') open.splice(i, 1)
    const next: Order = {
      ...before,
      status: to === 'order.canceled' ? 'CANCELED' : to === 'order.rejected' ? 'REJECTED' : 'OPEN',
    }
    exec.emit(to, { type: to, order: next, tsEvent: clock.now() })
  }
  const book = (bid: number, ask: number): BookSnapshot => ({
    venue: 'pm',
    symbol: 'yes',
    bids: [[bid, 100]],
    asks: [[ask, 100]],
    tsEvent: clock.now(),
  })
  return { clock, metrics, place, fill, status, book, open, quotes, exec }
}

describe('QuoteMetrics', () => {
  it('spread captured, fill ratio, inventory and markouts (hand-computed)', () => {
    const { clock, metrics, place, fill, book } = setup()
    metrics.onBook(book(0.49, 0.51)) // mid 0.50
    const bid = place('b', 'BUY', '0.48', '30')
    const ask = place('a', 'SELL', '0.52', '30')
    fill(bid, '10') // captured (0.50 − 0.48) × 10 = 0.2
    clock.advance(500)
    fill(ask, '20') // captured (0.52 − 0.50) × 20 = 0.4
    clock.advance(600) // t = 1100: the bid's 1 s horizon (1000) is due, the ask's (1500) not yet
    metrics.onBook(book(0.45, 0.47)) // mid 0.46: bid markout 0.46 − 0.48 = −0.02 per share
    clock.advance(400) // t = 1500
    metrics.onBook(book(0.45, 0.47)) // ask markout 0.52 − 0.46 = +0.06 per share
    const r = metrics.report()
    expect(r.spreadCaptured.toFixed()).toBe('0.6')
    expect(r.fills).toBe(2)
    expect(r.fillRatio).toBe(0.5) // 30 of 60
    expect(r.inventory.map((x) => x.qty.toFixed())).toEqual(['10', '-10'])
    const m1 = r.markouts[0]
    expect(m1?.count).toBe(2)
    expect(m1?.perShare).toBeCloseTo(0.02, 10) // (−0.02 + 0.06) / 2
    expect(m1?.total).toBeCloseTo(-0.2 + 1.2, 10)
    expect(r.markouts[1]?.count).toBe(0)
  })

  it('counts reward-eligible resting time: within maxSpread of the mid and at least minSize open', () => {
    const { clock, metrics, place, book } = setup()
    metrics.onBook(book(0.49, 0.51)) // mid 0.50
    place('near', 'BUY', '0.48', '30') // 0.02 from the mid: eligible
    place('far', 'BUY', '0.45', '30') // 0.05: not
    place('small', 'SELL', '0.51', '10') // under minSize: not
    clock.advance(2_000)
    metrics.onBook(book(0.49, 0.51))
    expect(metrics.report().rewardEligibleMs).toBe(2_000)
    metrics.onBook(book(0.43, 0.45)) // mid 0.44: 'near' is now 0.04 away, 'far' 0.01
    clock.advance(1_000)
    expect(metrics.report().rewardEligibleMs).toBe(3_000)
  })

  it('a quote placed 50 s after the last book counts from its placement: 10 s of a 60 s gap', () => {
    const { clock, metrics, place, book } = setup()
    metrics.onBook(book(0.49, 0.51))
    clock.advance(50_000)
    place('q1', 'BUY', '0.49', '50')
    clock.advance(10_000)
    metrics.onBook(book(0.49, 0.51))
    expect(metrics.report().rewardEligibleMs).toBe(10_000)
  })

  it('a quote cancelled 59 s into a 60 s gap counts its 59 s', () => {
    const { clock, metrics, place, status, book } = setup()
    metrics.onBook(book(0.49, 0.51))
    const q = place('q1', 'BUY', '0.49', '50')
    clock.advance(59_000)
    status(q, 'order.canceled')
    clock.advance(1_000)
    metrics.onBook(book(0.49, 0.51))
    expect(metrics.report().rewardEligibleMs).toBe(59_000)
  })

  it('a quote counts from its acknowledgement; one the venue refused never rested and counts nothing', () => {
    const { clock, metrics, place, status, book } = setup()
    metrics.onBook(book(0.49, 0.51))
    const acked = place('acked', 'BUY', '0.49', '50')
    const refused = place('refused', 'SELL', '0.51', '50')
    clock.advance(2_000)
    metrics.onBook(book(0.49, 0.51)) // both still unanswered: counted for now (4 s)
    clock.advance(3_000)
    status(acked, 'order.accepted') // it rests from t = 5 s
    status(refused, 'order.rejected')
    clock.advance(5_000)
    metrics.onBook(book(0.49, 0.51))
    expect(metrics.report().rewardEligibleMs).toBe(5_000)
  })

  it('a fill that leaves less than the minimum size open stops the count at the fill', () => {
    const { clock, metrics, place, fill, book } = setup()
    metrics.onBook(book(0.49, 0.51))
    const q = place('q1', 'BUY', '0.49', '50')
    clock.advance(4_000)
    fill(q, '40') // 10 open: under minSize 20
    clock.advance(6_000)
    metrics.onBook(book(0.49, 0.51))
    expect(metrics.report().rewardEligibleMs).toBe(4_000)
  })

  it('forgets a quote once it is done: 170,000 placed and cancelled leave the first collectable', async () => {
    const { clock, metrics, quotes, exec, book } = setup()
    metrics.onBook(book(0.49, 0.51))
    const order = (cid: string): Order => ({
      clientOrderId: cid,
      venue: 'pm',
      symbol: 'yes',
      side: 'BUY',
      type: 'LIMIT',
      qty: D(50),
      price: D('0.49'),
      status: 'CANCELED',
      filledQty: D(0),
      tsCreated: 0,
      tsUpdated: 0,
    })
    const sendAndCancel = (cid: string): WeakRef<object> => {
      const sent = {
        type: 'quote.sent' as const,
        clientOrderId: cid,
        strategyId: 'mm',
        venue: 'pm',
        symbol: 'yes',
        side: 'BUY' as const,
        price: D('0.49'),
        qty: D(50),
        tsEvent: clock.now(),
      }
      quotes.emit('quote.sent', sent)
      clock.advance(1)
      exec.emit('order.canceled', { type: 'order.canceled', order: order(cid), tsEvent: clock.now() })
      return new WeakRef(sent)
    }
    const first = sendAndCancel('q0')
    for (let i = 1; i < 170_000; i++) sendAndCancel(`q${i}`)
    await new Promise((r) => setImmediate(r)) // a WeakRef holds its target until the job that made it ends
    collectGarbage()
    expect(first.deref()).toBeUndefined()
    const r = metrics.report()
    expect([r.quotesPlaced, r.rewardEligibleMs]).toEqual([170_000, 170_000])
  })

  it('ignores fills of orders that are not its quotes', () => {
    const { metrics, fill } = setup()
    const other: Order = {
      clientOrderId: 'x',
      venue: 'pm',
      symbol: 'yes',
      side: 'BUY',
      type: 'LIMIT',
      qty: D(5),
      price: D('0.5'),
      status: 'OPEN',
      filledQty: D(0),
      tsCreated: 0,
      tsUpdated: 0,
    }
    fill(other, '5')
    expect(metrics.report().fills).toBe(0)
  })
})
