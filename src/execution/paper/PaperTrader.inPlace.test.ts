import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { ORDER_EVENTS, type OrderIntent } from '../../core/ports.js'
import { SeededRandom } from '../../core/random.js'
import type { Instrument, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Portfolio } from '../Portfolio.js'
import { BTCPERP, BTCUSDT } from '../testing/fixtures.js'
import { PaperTrader } from './PaperTrader.js'

// An order no one has seen (no listener of its events, none of the portfolio's fills) is accepted and filled in place
// instead of copied at each step: what it ends as, and every account figure, must be what the copies give.
/** An order as JSON with its keys in their order (the shape a copy would have). */
const shape = (o: Order | undefined) =>
  o === undefined ? 'none' : `${Object.keys(o).join()}|${JSON.stringify(o)}`

const trader = (listened: boolean, lookups = false) => {
  const clock = new ManualClock(1_000)
  const portfolio = new Portfolio({ balances: { USDT: '1000000' }, instruments: [BTCUSDT, BTCPERP], clock })
  const paper = new PaperTrader({
    instruments: [BTCUSDT, BTCPERP],
    portfolio,
    clock,
    makerFeeRate: '0.0002',
    takerFeeRate: '0.001',
  })
  const seen: Order[] = []
  /** Orders looked up while the portfolio booked their fills, as they were then. */
  const looked: [Order, string][] = []
  if (lookups) {
    portfolio.events.on('fill.applied', (e) => {
      const o = paper.order(e.applied.fill.clientOrderId)
      if (o !== undefined) looked.push([o, shape(o)])
    })
  }
  if (listened) {
    for (const ev of ORDER_EVENTS) paper.events.on(ev, (e) => seen.push(e.order))
    portfolio.events.on('fill.applied', () => {})
  }
  return { clock, paper, portfolio, seen, looked }
}

describe('PaperTrader: orders no one has seen change in place', () => {
  it('ends every order, fill and account figure as the copying path does (1,000 random orders)', async () => {
    const r = new SeededRandom(2020)
    const a = trader(true)
    const b = trader(false)
    const c = trader(false, true) // no order listener; a fill listener that looks the order up
    const ids: string[] = []
    const returned: [Order, string][] = [] // each order b's submit resolved with, as it was then
    for (let i = 0; i < 1_000; i++) {
      const inst: Instrument = r.next() < 0.7 ? BTCUSDT : BTCPERP
      const mid = 60_000 + r.int(-500, 500)
      const levels = (side: 1 | -1) =>
        Array.from({ length: r.int(1, 4) }, (_, k): [number, number] => [
          mid + side * (k + 1) * 0.5,
          r.int(1, 30) / 100,
        ])
      const book = { venue: inst.venue, symbol: inst.symbol, bids: levels(-1), asks: levels(1), tsEvent: i }
      const limit = r.next() < 0.3
      const intent: OrderIntent = {
        clientOrderId: `c${i}`,
        venue: inst.venue,
        symbol: inst.symbol,
        side: r.next() < 0.55 ? 'BUY' : 'SELL',
        type: limit ? 'LIMIT' : 'MARKET',
        qty: new Decimal(r.int(1, 40)).div(100),
        strategyId: r.next() < 0.5 ? 's1' : 's2',
        ...(limit ? { price: new Decimal(mid + r.int(-3, 3) * 0.5), timeInForce: 'GTC' as const } : {}),
      }
      const outcomes: string[] = []
      const ms = r.int(0, 2)
      for (const t of [a, b, c]) {
        t.clock.advance(ms)
        t.paper.onBook(book)
        const o = await t.paper.submit(intent).catch((e: Error) => e.message)
        outcomes.push(typeof o === 'string' ? o : shape(o))
        if (t === b && typeof o !== 'string') returned.push([o, shape(o)])
      }
      expect(outcomes[1]).toBe(outcomes[0])
      expect(outcomes[2]).toBe(outcomes[0])
      ids.push(intent.clientOrderId)
    }
    for (const id of ids) expect(shape(b.paper.order(id))).toBe(shape(a.paper.order(id)))
    for (const id of ids) expect(shape(c.paper.order(id))).toBe(shape(a.paper.order(id)))
    expect(JSON.stringify(c.portfolio.snapshot())).toBe(JSON.stringify(a.portfolio.snapshot()))
    // What a fill listener looked up never changed afterwards either.
    expect(c.looked.length).toBe(c.portfolio.fillCount)
    for (const [o, then] of c.looked) expect(shape(o)).toBe(then)
    expect(JSON.stringify(b.portfolio.snapshot())).toBe(JSON.stringify(a.portfolio.snapshot()))
    expect(JSON.stringify(b.portfolio.strategyPositions('s1'))).toBe(
      JSON.stringify(a.portfolio.strategyPositions('s1')),
    )
    expect(b.portfolio.fillCount).toBe(a.portfolio.fillCount)
    expect(a.portfolio.fillCount).toBeGreaterThan(300)
    expect(a.seen.length).toBeGreaterThan(2_000)
    // An order handed out is never changed afterwards (later fills of a resting order are copies).
    for (const [o, then] of returned) expect(shape(o)).toBe(then)
    expect(returned.some(([o]) => b.paper.order(o.clientOrderId) !== o)).toBe(true)
  })
})
