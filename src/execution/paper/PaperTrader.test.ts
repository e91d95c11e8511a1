import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock, SystemClock } from '../../core/clock.js'
import { TypedEmitter } from '../../core/events.js'
import { type MarketDataEvents, ORDER_EVENTS, type OrderIntent } from '../../core/ports.js'
import type { BookSnapshot, Fill, Instrument, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Portfolio } from '../Portfolio.js'
import { BTCPERP, BTCUSDT, YES } from '../testing/fixtures.js'
import { PaperTrader, type PaperTraderConfig, type SlippageRecord } from './PaperTrader.js'

let n = 0
const intent = (
  o: Omit<Partial<OrderIntent>, 'qty' | 'price'> & { qty: string | Decimal; price?: string | Decimal },
  inst: Instrument = BTCUSDT,
): OrderIntent => {
  const { qty, price, ...rest } = o
  return {
    clientOrderId: `o${++n}`,
    venue: inst.venue,
    symbol: inst.symbol,
    side: 'BUY',
    type: price === undefined ? 'MARKET' : 'LIMIT',
    strategyId: 's',
    ...rest,
    qty: new Decimal(qty),
    ...(price !== undefined ? { price: new Decimal(price) } : {}),
  }
}

const book = (
  bids: [number, number][],
  asks: [number, number][],
  inst: Instrument = BTCUSDT,
  ts = 0,
): BookSnapshot => ({
  venue: inst.venue,
  symbol: inst.symbol,
  bids,
  asks,
  tsEvent: ts,
})

function setup(extra: Partial<PaperTraderConfig> = {}) {
  const clock = new ManualClock(1_000)
  const paper = new PaperTrader({
    instruments: [BTCUSDT, BTCPERP, YES],
    balances: { USDT: '100000' },
    clock,
    makerFeeRate: '0.0002',
    takerFeeRate: '0.001',
    ...extra,
  })
  const fills: Fill[] = []
  const slips: SlippageRecord[] = []
  const events: string[] = []
  paper.events.on('order.filled', (e) => fills.push(...e.fills))
  paper.events.on('slippage.recorded', (e) => slips.push(e.record))
  for (const ev of ORDER_EVENTS) {
    paper.events.on(ev, (e) => events.push(`${ev}:${e.order.clientOrderId}`))
  }
  paper.events.on('error', (e) => {
    throw e
  })
  return { clock, paper, fills, slips, events }
}

const ASKS: [number, number][] = [
  [100, 1],
  [101, 2],
  [102, 3],
]
const BIDS: [number, number][] = [
  [99, 5],
  [98, 5],
]

describe('PaperTrader market orders walk the book', () => {
  it('fills level by level with the exact average, taker fees and recorded slippage', async () => {
    const { paper, fills, slips } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '4' }))
    expect(o.status).toBe('FILLED')
    expect(fills.map((f) => [f.price.toString(), f.qty.toString(), f.liquidity])).toEqual([
      ['100', '1', 'TAKER'],
      ['101', '2', 'TAKER'],
      ['102', '1', 'TAKER'],
    ])
    expect(o.avgFillPrice?.toString()).toBe('101')
    expect(fills.reduce((s, f) => s.plus(f.fee), new Decimal(0)).toString()).toBe('0.404')
    expect(slips[0]?.slippage.toString()).toBe('1')
    expect(slips[0]?.slippageBps.toString()).toBe('100')
    expect(paper.portfolio.cash('USDT').toString()).toBe(
      new Decimal(100000).minus(404).minus('0.404').toString(),
    )
    expect(paper.portfolio.position('fake', 'BTCUSDT')?.qty.toString()).toBe('4')
  })

  it('reports a market order that walks three levels as one order.filled carrying its three fills', async () => {
    const { paper } = setup()
    const filled: Array<{ status: string; filledQty: string; fills: string[] }> = []
    paper.events.on('order.filled', (e) =>
      filled.push({
        status: e.order.status,
        filledQty: e.order.filledQty.toString(),
        fills: e.fills.map((f) => `${f.qty.toString()}@${f.price.toString()}`),
      }),
    )
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(intent({ qty: '4' }))
    expect(filled).toEqual([{ status: 'FILLED', filledQty: '4', fills: ['1@100', '2@101', '1@102'] }])
  })

  it('fills partially when the depth runs out and expires the rest', async () => {
    const { paper, events } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '10' }))
    expect(o.status).toBe('EXPIRED')
    expect(o.filledQty.toString()).toBe('6')
    expect(o.avgFillPrice?.toDecimalPlaces(30).eq(new Decimal(608).div(6).toDecimalPlaces(30))).toBe(true)
    expect(events.at(-1)).toBe(`order.expired:${o.clientOrderId}`)
  })

  it('consumes liquidity until the next book', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(intent({ qty: '2' }))
    const second = await paper.submit(intent({ qty: '1' }))
    expect(second.avgFillPrice?.toString()).toBe('101')
    paper.onBook(book(BIDS, ASKS))
    const third = await paper.submit(intent({ qty: '1' }))
    expect(third.avgFillPrice?.toString()).toBe('100')
  })

  it('sells into the bids', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(intent({ qty: '3' }))
    const s = await paper.submit(intent({ side: 'SELL', qty: '3' }))
    expect(s.avgFillPrice?.toString()).toBe('99')
  })

  it('without a book fills from the last trade with the fallback slippage', async () => {
    const { paper, slips } = setup({ fallbackSlippageBps: 10 })
    paper.onTrade({
      venue: 'fake',
      symbol: 'BTCUSDT',
      tradeId: '1',
      price: 100,
      qty: 1,
      side: 'BUY',
      tsEvent: 0,
    })
    const o = await paper.submit(intent({ qty: '1' }))
    expect(o.status).toBe('FILLED')
    expect(o.avgFillPrice?.toString()).toBe('100.1')
    expect(slips[0]?.fromFallback).toBe(true)
  })

  it('rejects a market order when no price was ever seen', async () => {
    const { paper } = setup()
    const o = await paper.submit(intent({ qty: '1' }))
    expect(o.status).toBe('REJECTED')
  })
})

describe('PaperTrader limit orders', () => {
  it('rests behind the visible queue and fills from trades at its price as maker', async () => {
    const { paper, fills } = setup({ queuePosition: 1 })
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '2', price: '99' }))
    expect(o.status).toBe('OPEN')
    const trade = (qty: number, price = 99) =>
      paper.onTrade({
        venue: 'fake',
        symbol: 'BTCUSDT',
        tradeId: String(qty),
        price,
        qty,
        side: 'SELL',
        tsEvent: 0,
      })
    trade(3)
    expect(fills).toHaveLength(0)
    trade(3) // 5 ahead: 1 reaches us
    expect(fills.map((f) => [f.qty.toString(), f.liquidity, f.price.toString()])).toEqual([
      ['1', 'MAKER', '99'],
    ])
    expect(fills[0]?.fee.toString()).toBe('0.0198')
    trade(0.5, 98) // trades through our price: the rest fills
    expect(paper.order(o.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(o.clientOrderId)?.filledQty.toString()).toBe('2')
  })

  it("books a resting order's fill to its strategy however many orders passed while it rested", async () => {
    // The portfolio remembers the last 16 ended orders' strategies (dedupeWindow); 40 pass while this one rests.
    const clock = new ManualClock(1_000)
    const portfolio = new Portfolio({
      balances: { USDT: '1000000' },
      instruments: [BTCUSDT],
      clock,
      dedupeWindow: 16,
    })
    const paper = new PaperTrader({ instruments: [BTCUSDT], portfolio, clock, takerFeeRate: '0.001' })
    paper.onBook(book([[60_000, 100]], [[60_001, 100]]))
    const resting = await paper.submit(intent({ qty: '0.01', price: '59000', strategyId: 'mm' }))
    for (let i = 0; i < 40; i++)
      await paper.submit(intent({ qty: '0.01', side: i % 2 === 0 ? 'BUY' : 'SELL', strategyId: 'other' }))
    paper.onBook(book([[58_000, 100]], [[58_999, 100]])) // the ask crosses the resting bid
    expect(paper.order(resting.clientOrderId)?.status).toBe('FILLED')
    expect(portfolio.strategyPositions('mm').map((p) => p.qty.toFixed())).toEqual(['0.01'])
    expect(portfolio.strategyPositions('other')).toEqual([])
  })

  it('keeps its queue when a partial-depth snapshot no longer reaches its price', async () => {
    const { paper, fills } = setup({ queuePosition: 1 })
    paper.onBook(
      book(
        [
          [99.5, 1],
          [99, 1],
          [98, 5],
        ],
        ASKS,
      ),
    )
    await paper.submit(intent({ qty: '1', price: '98' })) // 5 ahead of it
    // A 2-level snapshot: 98 is beyond the depth shown, not emptied.
    paper.onBook(
      book(
        [
          [99.5, 1],
          [99, 1],
        ],
        ASKS,
      ),
    )
    const trade = (tradeId: string, qty: number) =>
      paper.onTrade({ venue: 'fake', symbol: 'BTCUSDT', tradeId, price: 98, qty, side: 'SELL', tsEvent: 0 })
    trade('a', 4)
    expect(fills).toHaveLength(0) // still 1 ahead
    trade('b', 1.5)
    expect(fills.map((f) => f.qty.toString())).toEqual(['0.5'])
    // A level within the depth shown but absent did empty: the queue there is gone.
    paper.onBook(
      book(
        [
          [99.5, 1],
          [99, 1],
          [97, 1],
        ],
        ASKS,
      ),
    )
    trade('c', 0.2)
    expect(fills.map((f) => f.qty.toString())).toEqual(['0.5', '0.2'])
  })

  /** A book whose bid at 99 shows `at99` (none: emptied) over 5 at 98, at time `ts`; a sale printed at 99. */
  const queueRig = async (start = 10) => {
    const { paper, fills } = setup({ queuePosition: 1 })
    const bids = (at99: number | undefined, ts: number) =>
      paper.onBook(book(at99 === undefined ? [[98, 5]] : [[99, at99], ...BIDS.slice(1)], ASKS, BTCUSDT, ts))
    const sale = (tradeId: string, qty: number, tsEvent: number) =>
      paper.onTrade({ venue: 'fake', symbol: 'BTCUSDT', tradeId, price: 99, qty, side: 'SELL', tsEvent })
    bids(5, start)
    await paper.submit(intent({ qty: '2', price: '99' })) // 5 ahead of it
    return { paper, fills, bids, sale }
  }

  it('a book that shows a trade before its print moves the queue up once, not twice', async () => {
    const { fills, bids, sale } = await queueRig()
    bids(2, 20) // a sale of 3 at 99, shown before its print
    sale('a', 3, 19) // its print, no newer than that book: the queue is 2 already
    expect(fills).toHaveLength(0)
    sale('b', 3, 21) // a newer sale of 3: 2 ahead, 1 reaches us
    expect(fills.map((f) => f.qty.toString())).toEqual(['1'])
  })

  it('a level a book shrank without a print (cancellations ahead) stays shrunk when a newer print comes', async () => {
    const { fills, bids, sale } = await queueRig()
    bids(3, 20) // 2 cancelled ahead: 3 left
    sale('a', 2, 25) // newer than the book: all of it counts, 1 ahead
    expect(fills).toHaveLength(0)
    bids(undefined, 40) // a sale emptied 99 before its print: the 1 ahead is gone
    sale('b', 3, 39) // its print: the 1 the book took, then 2 of ours (not the 2 cancelled before, again)
    expect(fills.map((f) => f.qty.toString())).toEqual(['2'])
  })

  it('a print is credited only against the book that could show it: not a cancellation an earlier book showed', async () => {
    const { fills, bids, sale } = await queueRig()
    bids(3, 20) // 2 cancelled ahead
    bids(undefined, 40) // a sale at 30 emptied the level: 3 ahead taken, and 1 of ours
    sale('a', 4, 30)
    expect(fills.map((f) => f.qty.toString())).toEqual(['1'])
    const refill = await queueRig()
    refill.bids(2, 20) // 3 cancelled ahead
    refill.bids(8, 40) // a sale of 3 at 30 took the 2 ahead and 1 of ours; 8 joined behind us
    refill.sale('a', 3, 30)
    expect(refill.fills.map((f) => f.qty.toString())).toEqual(['1'])
  })

  it('a print stamped in the same ms as the books around it is credited once, not counted again', async () => {
    for (const ts of [0, 500]) {
      const { fills, bids, sale } = await queueRig(ts) // 5 ahead, read from a book at ts
      bids(2, ts) // a sale of 3 shown before its print
      sale('a', 3, ts)
      sale('b', 2, ts + 1) // takes the 2 ahead: nothing reaches the order
      expect(fills).toHaveLength(0)
    }
    const { fills, bids, sale } = await queueRig()
    bids(5, 100) // a book at 100, before a sale at 100
    bids(2, 200) // shows that sale of 3
    sale('a', 3, 100)
    expect(fills).toHaveLength(0)
  })

  it('a print older than the book an order’s queue was read from is in that queue already', async () => {
    const { paper, fills, bids, sale } = await queueRig() // o1: 5 ahead, read from the book at 10
    sale('x', 6, 9) // before that book: nothing of it reaches o1
    expect(fills).toHaveLength(0)
    bids(2, 20) // a sale of 3 at 19 shown before its print: o1 has 2 ahead
    const o2 = await paper.submit(intent({ qty: '2', price: '99' })) // 2 + o1's 2 ahead, read from the book at 20
    sale('a', 3, 19) // that print: in both queues already
    sale('b', 2, 30) // a newer sale of 2 takes the 2 ahead of o1: nothing reaches o1, nor o2 behind it
    expect(fills).toHaveLength(0)
    sale('c', 3, 31) // o1 fills 2, then o2 1
    expect(fills.map((f) => [f.clientOrderId === o2.clientOrderId ? 'o2' : 'o1', f.qty.toString()])).toEqual([
      ['o1', '2'],
      ['o2', '1'],
    ])
  })

  it('front of the queue fills on the first trade at its price', async () => {
    const { paper, fills } = setup({ queuePosition: 0 })
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(intent({ qty: '1', price: '99' }))
    paper.onTrade({
      venue: 'fake',
      symbol: 'BTCUSDT',
      tradeId: 'x',
      price: 99,
      qty: 0.4,
      side: 'SELL',
      tsEvent: 0,
    })
    expect(fills[0]?.qty.toString()).toBe('0.4')
  })

  it('fills when a later book crosses through it, at its own price', async () => {
    const { paper, fills } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '2', price: '99.5' }))
    paper.onBook(
      book(
        [[99, 1]],
        [
          [99.2, 1.5],
          [99.6, 4],
        ],
      ),
    )
    expect(fills.map((f) => [f.qty.toString(), f.price.toString()])).toEqual([['1.5', '99.5']])
    expect(paper.order(o.clientOrderId)?.status).toBe('PARTIALLY_FILLED')
  })

  it('a marketable limit takes up to its price and rests the remainder', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '5', price: '101' }))
    expect(o.status).toBe('PARTIALLY_FILLED')
    expect(o.filledQty.toString()).toBe('3')
    expect(paper.openOrders()).toHaveLength(1)
    // The resting remainder holds cash.
    expect(paper.portfolio.freeCash('USDT').lt(paper.portfolio.cash('USDT'))).toBe(true)
  })

  it('IOC expires the remainder, FOK fills all or nothing', async () => {
    const { paper, fills } = setup()
    paper.onBook(book(BIDS, ASKS))
    const ioc = await paper.submit(intent({ qty: '5', price: '101', timeInForce: 'IOC' }))
    expect([ioc.status, ioc.filledQty.toString()]).toEqual(['EXPIRED', '3'])
    paper.onBook(book(BIDS, ASKS))
    const before = fills.length
    const fok = await paper.submit(intent({ qty: '5', price: '101', timeInForce: 'FOK' }))
    expect([fok.status, fok.filledQty.toString()]).toEqual(['EXPIRED', '0'])
    expect(fills.length).toBe(before)
    const fok2 = await paper.submit(intent({ qty: '3', price: '101', timeInForce: 'FOK' }))
    expect(fok2.status).toBe('FILLED')
  })

  it('POST_ONLY is rejected when it would take, rests otherwise', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const cross = await paper.submit(intent({ qty: '1', price: '100', timeInForce: 'POST_ONLY' }))
    expect(cross.status).toBe('REJECTED')
    expect(cross.reason).toMatch(/would immediately match/)
    const rest = await paper.submit(intent({ qty: '1', price: '99.99', timeInForce: 'POST_ONLY' }))
    expect(rest.status).toBe('OPEN')
  })

  it('GTD expires on the clock', async () => {
    const { paper, clock } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '1', price: '90', timeInForce: 'GTD', expireAt: 6_000 }))
    clock.advance(4_000)
    expect(paper.order(o.clientOrderId)?.status).toBe('OPEN')
    clock.advance(1_000)
    expect(paper.order(o.clientOrderId)?.status).toBe('EXPIRED')
    expect(paper.portfolio.freeCash('USDT').eq(paper.portfolio.cash('USDT'))).toBe(true)
  })

  it('GTD a month out stays open on the system clock (past the longest platform timer)', async () => {
    const { paper } = setup({ clock: new SystemClock() })
    paper.onBook({ ...book(BIDS, ASKS), tsEvent: Date.now() })
    const expireAt = Date.now() + 30 * 86_400_000
    const o = await paper.submit(intent({ qty: '1', price: '90', timeInForce: 'GTD', expireAt }))
    await new Promise((r) => setTimeout(r, 30))
    expect(paper.order(o.clientOrderId)?.status).toBe('OPEN')
    await paper.cancel(o.clientOrderId)
  })

  it('cancels, releasing the held cash', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '1', price: '90' }))
    const c = await paper.cancel(o.clientOrderId)
    expect(c.status).toBe('CANCELED')
    await expect(paper.cancel(o.clientOrderId)).rejects.toMatchObject({ code: 'ORDER_REJECTED' })
    expect(paper.portfolio.freeCash('USDT').toString()).toBe('100000')
  })

  it('a stop-market triggers when the market reaches its trigger price', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(intent({ qty: '1' }))
    const stop = await paper.submit(
      intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }),
    )
    expect(stop.status).toBe('OPEN')
    paper.onTrade({
      venue: 'fake',
      symbol: 'BTCUSDT',
      tradeId: 'a',
      price: 96,
      qty: 1,
      side: 'SELL',
      tsEvent: 0,
    })
    expect(paper.order(stop.clientOrderId)?.status).toBe('OPEN')
    paper.onBook(book([[94, 3]], [[95, 3]]))
    expect(paper.order(stop.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(stop.clientOrderId)?.avgFillPrice?.toString()).toBe('94')
  })
})

describe('PaperTrader venue rejections', () => {
  it.each([
    [{ qty: '1', price: '99.001' }, /PRICE_FILTER/],
    [{ qty: '1.0005', price: '99' }, /LOT_SIZE/],
    [{ qty: '0.01', price: '99' }, /NOTIONAL/],
    [{ qty: '2000', price: '99' }, /insufficient balance/],
    [{ qty: '1', price: '90', timeInForce: 'GTD' as const, expireAt: 500 }, /past/],
  ])('rejects %j', async (o, reason) => {
    const { paper, events } = setup()
    paper.onBook(book(BIDS, ASKS))
    const r = await paper.submit(intent(o))
    expect(r.status).toBe('REJECTED')
    expect(r.reason).toMatch(reason)
    expect(events.at(-1)).toBe(`order.rejected:${r.clientOrderId}`)
  })

  it('rejects selling spot not held, and reduce-only without a position', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    expect((await paper.submit(intent({ side: 'SELL', qty: '1' }))).status).toBe('REJECTED')
    paper.onBook(book(BIDS, ASKS, BTCPERP))
    const ro = await paper.submit(intent({ side: 'SELL', qty: '1', reduceOnly: true }, BTCPERP))
    expect(ro.reason).toMatch(/ReduceOnly/)
  })

  it('checks perpetual margin with leverage and opens shorts', async () => {
    const { paper } = setup()
    paper.onBook(book([[100, 5000]], [[100.1, 5000]], BTCPERP))
    expect((await paper.submit(intent({ side: 'SELL', qty: '1500' }, BTCPERP))).reason).toMatch(
      /Margin is insufficient/,
    )
    paper.portfolio.setLeverage('fake', BTCPERP.symbol, 20)
    const o = await paper.submit(intent({ side: 'SELL', qty: '1500' }, BTCPERP))
    expect(o.status).toBe('FILLED')
    expect(paper.portfolio.position('fake', BTCPERP.symbol)?.qty.toString()).toBe('-1500')
    expect(paper.applyFunding('fake', BTCPERP.symbol, '0.0001', '100').toString()).toBe('15')
  })

  it('checks perpetual margin at its boundary: what opens × price ÷ leverage, plus the taker fee on the whole order', async () => {
    // 1,000 at 100 (a sell from flat, which reduces nothing) or at 100.1 (a buy from flat, which opens all of it):
    // the notional and a 0.1 % fee. Exactly the free margin passes; a cent less does not.
    for (const [side, usdt, leverage, status] of [
      ['SELL', '100100', 1, 'FILLED'],
      ['SELL', '100099.99', 1, 'REJECTED'],
      ['SELL', '25100', 4, 'FILLED'],
      ['SELL', '25099.99', 4, 'REJECTED'],
      ['BUY', '100200.1', 1, 'FILLED'],
      ['BUY', '100200.09', 1, 'REJECTED'],
      ['BUY', '25125.1', 4, 'FILLED'],
      ['BUY', '25125.09', 4, 'REJECTED'],
    ] as const) {
      const { paper } = setup({ balances: { USDT: usdt } })
      paper.onBook(book([[100, 5000]], [[100.1, 5000]], BTCPERP))
      paper.portfolio.setLeverage('fake', BTCPERP.symbol, leverage)
      const price = side === 'SELL' ? '100' : '100.1'
      const o = await paper.submit(intent({ side, qty: '1000', price }, BTCPERP))
      expect(`${side} ${usdt} at ${leverage}x: ${o.status}`).toBe(
        `${side} ${usdt} at ${leverage}x: ${status}`,
      )
    }
    // A quantity of over 40 digits is rounded to 40 before its margin is computed, as decimal.js rounds `qty − 0`:
    // 3 × 10,000,000,000 needs exactly the 30,000,000,000 held.
    const fine = {
      ...BTCPERP,
      tickSize: new Decimal('1'),
      stepSize: new Decimal('1e-30'),
      minQty: new Decimal('1e-30'),
    }
    const long = new PaperTrader({
      instruments: [fine],
      balances: { USDT: '30000000000' },
      takerFeeRate: '0',
    })
    long.onBook(book([[2, 1]], [[4, 1]], fine))
    const qty = new Decimal('10000000000.000000000000000000000000000005')
    expect((await long.submit(intent({ qty, price: '3' }, fine))).status).toBe('OPEN')
    // Reduce-only: at most the position, and only against it.
    const { paper } = setup()
    paper.onBook(book([[100, 5000]], [[100.1, 5000]], BTCPERP))
    await paper.submit(intent({ side: 'SELL', qty: '5' }, BTCPERP))
    const over = await paper.submit(intent({ qty: '5.001', reduceOnly: true }, BTCPERP))
    expect(over.reason).toMatch(/ReduceOnly/)
    expect(
      (await paper.submit(intent({ side: 'SELL', qty: '1', reduceOnly: true }, BTCPERP))).reason,
    ).toMatch(/ReduceOnly/)
    expect((await paper.submit(intent({ qty: '5', reduceOnly: true }, BTCPERP))).status).toBe('FILLED')
    expect(paper.portfolio.positionQty('fake', BTCPERP.symbol).isZero()).toBe(true)
  })

  it('throws (no venue involved) for an invalid intent, an unknown instrument or a duplicate id', async () => {
    const { paper } = setup()
    await expect(paper.submit(intent({ qty: '0' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(paper.submit({ ...intent({ qty: '1' }), symbol: 'NOPE' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    const i = intent({ qty: '1', price: '90' })
    paper.onBook(book(BIDS, ASKS))
    await paper.submit(i)
    await expect(paper.submit(i)).rejects.toMatchObject({ code: 'INVALID_STATE' })
  })

  it('a refused submit nobody awaits is not an unhandled rejection, with or without latency', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      for (const latencyMs of [0, 5]) {
        const { paper } = setup({ latencyMs })
        void paper.submit(intent({ qty: '0' })) // invalid: rejected, and nobody listens
        void paper.submit({ ...intent({ qty: '1' }), symbol: 'NOPE' })
      }
      // Node reports unhandled rejections after the microtask queue drains: give it a macrotask.
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('PaperTrader: a reduce-only order never opens or flips a position', () => {
  const perpBook = (ts = 0) => book(BIDS, ASKS, BTCPERP, ts)
  it('a bracket: the take-profit closes the long, then the stop-loss triggers and expires instead of going short', async () => {
    const { paper, events } = setup()
    paper.onBook(perpBook())
    await paper.submit(intent({ qty: '2' }, BTCPERP)) // long 2
    const tp = await paper.submit(intent({ side: 'SELL', qty: '2', price: '105', reduceOnly: true }, BTCPERP))
    const sl = await paper.submit(
      intent(
        { side: 'SELL', type: 'STOP_MARKET', qty: '2', triggerPrice: new Decimal(95), reduceOnly: true },
        BTCPERP,
      ),
    )
    paper.onTrade({ ...BTCPERP, price: 106, qty: 5, side: 'BUY', tradeId: 'a', tsEvent: 1 } as never) // through the TP
    expect(paper.order(tp.clientOrderId)?.status).toBe('FILLED')
    paper.onTrade({ ...BTCPERP, price: 94, qty: 5, side: 'SELL', tradeId: 'b', tsEvent: 2 } as never) // the SL triggers
    // Reference: position = Σ signed fills = +2 − 2 = 0, and the stop-loss has nothing to reduce.
    expect(paper.portfolio.positionQty(BTCPERP.venue, BTCPERP.symbol).toString()).toBe('0')
    expect([
      paper.order(sl.clientOrderId)?.status,
      paper.order(sl.clientOrderId)?.filledQty.toString(),
    ]).toEqual(['EXPIRED', '0'])
    expect(events.at(-1)).toBe(`order.expired:${sl.clientOrderId}`)
  })

  it('a resting reduce-only limit fills only what is left of the position, then expires', async () => {
    const { paper } = setup()
    paper.onBook(perpBook())
    await paper.submit(intent({ qty: '2' }, BTCPERP)) // long 2
    const ro = await paper.submit(intent({ side: 'SELL', qty: '2', price: '105', reduceOnly: true }, BTCPERP))
    const free = paper.portfolio.freeCash('USDT')
    expect(free.eq(paper.portfolio.cash('USDT'))).toBe(true) // it can only close: no margin held for it
    await paper.submit(intent({ side: 'SELL', qty: '1.5', reduceOnly: true }, BTCPERP)) // market: long 0.5 left
    paper.onTrade({ ...BTCPERP, price: 106, qty: 5, side: 'BUY', tradeId: 'a', tsEvent: 1 } as never)
    expect(paper.portfolio.positionQty(BTCPERP.venue, BTCPERP.symbol).toString()).toBe('0')
    expect(paper.order(ro.clientOrderId)?.filledQty.toString()).toBe('0.5')
    paper.onBook(book([[106, 5]], [[107, 5]], BTCPERP)) // a book crossing it again: nothing to reduce, it expires
    expect(paper.order(ro.clientOrderId)?.status).toBe('EXPIRED')
    expect(paper.portfolio.positionQty(BTCPERP.venue, BTCPERP.symbol).toString()).toBe('0')
    expect(paper.portfolio.freeCash('USDT').eq(paper.portfolio.cash('USDT'))).toBe(true)
  })
})

describe('PaperTrader outcome tokens', () => {
  it('trades inside (0, 1) only and settles at 0 or 1', async () => {
    const { paper } = setup()
    paper.onBook(
      book(
        [[0.4, 1000]],
        [
          [0.42, 500],
          [0.43, 500],
        ],
        YES,
      ),
    )
    expect((await paper.submit(intent({ qty: '10', price: '1' }, YES))).reason).toMatch(/inside \(0, 1\)/)
    const o = await paper.submit(intent({ qty: '600' }, YES))
    expect(o.avgFillPrice?.toString()).toBe(
      new Decimal('0.42').times(500).plus(new Decimal('0.43').times(100)).div(600).toString(),
    )
    const open = await paper.submit(intent({ qty: '10', price: '0.3' }, YES))
    paper.settle('fake', YES.symbol, 1)
    expect(paper.order(open.clientOrderId)?.status).toBe('CANCELED')
    expect(paper.portfolio.position('fake', YES.symbol)?.qty.isZero()).toBe(true)
  })
})

describe('PaperTrader latency and shutdown', () => {
  it('processes after the latency against the book at that time', async () => {
    const { paper, clock } = setup({ latencyMs: 50 })
    paper.onBook(book(BIDS, ASKS))
    let done: Order | undefined
    const p = paper.submit(intent({ qty: '1' })).then((o) => {
      done = o
    })
    expect(paper.openOrders()[0]?.status).toBe('PENDING_NEW')
    paper.onBook(book(BIDS, [[105, 10]]))
    await clock.advanceAsync(50)
    await p
    expect(done?.avgFillPrice?.toString()).toBe('105')
  })

  it('shutdown refuses new orders and cancels open ones unless told to keep them', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const a = await paper.submit(intent({ qty: '1', price: '90' }))
    await paper.shutdown()
    expect(paper.order(a.clientOrderId)?.status).toBe('CANCELED')
    await expect(paper.submit(intent({ qty: '1' }))).rejects.toMatchObject({ code: 'INVALID_STATE' })

    const k = setup()
    k.paper.onBook(book(BIDS, ASKS))
    const b = await k.paper.submit(intent({ qty: '1', price: '90' }))
    await k.paper.shutdown({ cancelOpenOrders: false })
    expect(k.paper.order(b.clientOrderId)?.status).toBe('OPEN')
  })

  it('shutdown completes in-flight submits', async () => {
    const { paper, clock } = setup({ latencyMs: 1_000 })
    paper.onBook(book(BIDS, ASKS))
    const p = paper.submit(intent({ qty: '1', price: '90' }))
    const s = paper.shutdown({ timeoutMs: 10 })
    await clock.advanceAsync(10)
    await s
    const o = await p
    expect(paper.order(o.clientOrderId)?.status).toBe('CANCELED')
  })
})

describe('PaperTrader market data wiring', () => {
  it('connect() follows a market-data source; candles fill resting orders they trade through', async () => {
    const { paper } = setup()
    const feed = new TypedEmitter<MarketDataEvents>()
    const detach = paper.connect({ events: feed })
    feed.emit('trade', {
      venue: 'fake',
      symbol: 'BTCUSDT',
      tradeId: '1',
      price: 100,
      qty: 1,
      side: 'BUY',
      tsEvent: 0,
    })
    const o = await paper.submit(intent({ qty: '1', price: '95' }))
    expect(o.status).toBe('OPEN')
    const candle = {
      venue: 'fake',
      symbol: 'BTCUSDT',
      interval: '1m',
      openTime: 0,
      closeTime: 59_999,
      open: 100,
      close: 99,
      volume: 10,
      isClosed: true,
    }
    feed.emit('candle', { ...candle, high: 101, low: 95 })
    expect(paper.order(o.clientOrderId)?.status).toBe('OPEN') // touched, not traded through
    feed.emit('candle', { ...candle, high: 100, low: 94.5 })
    expect(paper.order(o.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(o.clientOrderId)?.avgFillPrice?.toString()).toBe('95')
    detach()
    feed.emit('trade', {
      venue: 'fake',
      symbol: 'BTCUSDT',
      tradeId: '2',
      price: 50,
      qty: 1,
      side: 'SELL',
      tsEvent: 0,
    })
    expect(paper.portfolio.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('99')
  })
})

describe('PaperTrader book walking (property)', () => {
  it('fills min(qty, depth) at an average between the best and the worst level used, fees on the notional', async () => {
    const level = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5000 }))
    await fc.assert(
      fc.asyncProperty(
        fc.array(level, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 100, max: 100_000 }),
        async (lv, q) => {
          // Ascending distinct ask prices from cumulative steps.
          let px = 100
          const asks = lv.map(([step, size]) => {
            px += step / 100
            return [Number(px.toFixed(2)), size / 1000] as [number, number]
          })
          const { paper, fills } = setup()
          paper.onBook(book([[99, 1]], asks))
          const qty = new Decimal(q).div(1000)
          const o = await paper.submit(intent({ qty }))
          const depth = asks.reduce((s, [, a]) => s.plus(a), new Decimal(0))
          expect(o.filledQty.eq(Decimal.min(qty, depth))).toBe(true)
          expect(o.status).toBe(qty.lte(depth) ? 'FILLED' : 'EXPIRED')
          const avg = o.avgFillPrice as Decimal
          expect(avg.gte(asks[0]?.[0] as number)).toBe(true)
          expect(avg.lte(fills.at(-1)?.price as Decimal)).toBe(true)
          const notional = fills.reduce((s, f) => s.plus(f.price.times(f.qty)), new Decimal(0))
          const fees = fills.reduce((s, f) => s.plus(f.fee), new Decimal(0))
          expect(fees.eq(notional.times('0.001'))).toBe(true)
          expect(paper.portfolio.position('fake', 'BTCUSDT')?.qty.eq(o.filledQty)).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('PaperTrader: our resting orders share the liquidity that fills them', () => {
  const print = (paper: PaperTrader, qty: number, price = 99, side: 'BUY' | 'SELL' = 'SELL') =>
    paper.onTrade({ venue: 'fake', symbol: 'BTCUSDT', tradeId: `p${++n}`, price, qty, side, tsEvent: 0 })

  it('one print at our price fills our orders there in time priority, its quantity once', async () => {
    const { paper, fills } = setup({ queuePosition: 0 })
    paper.onBook(book(BIDS, ASKS))
    const first = await paper.submit(intent({ qty: '1', price: '99' }))
    const second = await paper.submit(intent({ qty: '1', price: '99' }))
    print(paper, 1)
    expect(fills.map((f) => [f.clientOrderId, f.qty.toString()])).toEqual([[first.clientOrderId, '1']])
    expect(paper.order(second.clientOrderId)?.filledQty.toString()).toBe('0')
    print(paper, 0.5) // the first is gone: the second is at the front now
    expect(paper.order(second.clientOrderId)?.filledQty.toString()).toBe('0.5')
  })

  it('a new order rests behind our own earlier orders at its price; a cancelled one moves it up', async () => {
    const { paper } = setup({ queuePosition: 0 })
    paper.onBook(book(BIDS, ASKS))
    const first = await paper.submit(intent({ qty: '2', price: '99' }))
    const second = await paper.submit(intent({ qty: '1', price: '99' }))
    await paper.cancel(first.clientOrderId)
    print(paper, 1)
    expect(paper.order(second.clientOrderId)?.status).toBe('FILLED')
  })

  it('a crossing book fills our orders from its depth once: the first in time takes it, the next what is left', async () => {
    const { paper, fills } = setup()
    paper.onBook(book(BIDS, ASKS))
    const a = await paper.submit(intent({ qty: '1', price: '99.5' }))
    const b = await paper.submit(intent({ qty: '1', price: '99.5' }))
    paper.onBook(book([[99, 1]], [[99.2, 1.5]]))
    expect(fills.map((f) => [f.clientOrderId, f.qty.toString(), f.price.toString()])).toEqual([
      [a.clientOrderId, '1', '99.5'],
      [b.clientOrderId, '0.5', '99.5'],
    ])
    // What the crossing fills took is gone for a market order on the same snapshot too.
    const m = await paper.submit(intent({ qty: '1' }))
    expect([m.status, m.filledQty.toString()]).toEqual(['EXPIRED', '0'])
  })

  it('a crossing book fills our highest bid first, whatever the order they were placed in', async () => {
    const { paper, fills } = setup()
    paper.onBook(book([[99, 5]], [[100, 5]]))
    const post = { qty: '1', timeInForce: 'POST_ONLY' as const }
    const deep = await paper.submit(intent({ ...post, price: '99.5' }))
    const inner = await paper.submit(intent({ ...post, price: '99.8' }))
    paper.onBook(book([[99, 5]], [[99.2, 1]])) // a seller reaches both: the 1 at 99.2 goes to the best bid
    expect(fills.map((f) => [f.clientOrderId, f.price.toString(), f.qty.toString()])).toEqual([
      [inner.clientOrderId, '99.8', '1'],
    ])
    expect(paper.order(deep.clientOrderId)?.filledQty.toString()).toBe('0')
  })

  it('a crossing book fills our lowest ask first, time priority only within one price', async () => {
    const { paper, fills } = setup()
    paper.onBook(book([[99, 5]], [[100, 5]], BTCPERP))
    const ask = (price: string) =>
      paper.submit(intent({ side: 'SELL', qty: '1', price, timeInForce: 'POST_ONLY' }, BTCPERP))
    const high = await ask('100.5')
    const first = await ask('100.2')
    const second = await ask('100.2')
    paper.onBook(book([[100.8, 1.5]], [[101, 5]], BTCPERP))
    expect(fills.map((f) => [f.clientOrderId, f.price.toString(), f.qty.toString()])).toEqual([
      [first.clientOrderId, '100.2', '1'],
      [second.clientOrderId, '100.2', '0.5'],
    ])
    expect(paper.order(high.clientOrderId)?.filledQty.toString()).toBe('0')
  })

  it('a trade or a candle through several of our bids fills the highest first', async () => {
    const { paper, fills } = setup()
    paper.onBook(book([[99, 5]], [[100, 5]]))
    const deep = await paper.submit(intent({ qty: '1', price: '99.5' }))
    const inner = await paper.submit(intent({ qty: '1', price: '99.8' }))
    print(paper, 1, 99)
    expect(fills.map((f) => f.clientOrderId)).toEqual([inner.clientOrderId, deep.clientOrderId])
    fills.length = 0
    const low = await paper.submit(intent({ qty: '1', price: '99.1' }))
    const high = await paper.submit(intent({ qty: '1', price: '99.3' }))
    const candle = { venue: 'fake', symbol: 'BTCUSDT', interval: '1m', openTime: 0, closeTime: 59_999 }
    paper.onCandle({ ...candle, open: 99.5, high: 99.6, low: 98, close: 99, volume: 10, isClosed: true })
    expect(fills.map((f) => f.clientOrderId)).toEqual([high.clientOrderId, low.clientOrderId])
  })
})

describe('PaperTrader: a book that still shows the liquidity a resting order took', () => {
  it('does not fill it again; only what the level gains fills, and a level that went starts afresh', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const o = await paper.submit(intent({ qty: '3', price: '99.5' }))
    const filled = () => paper.order(o.clientOrderId)?.filledQty.toString()
    for (let i = 0; i < 3; i++) paper.onBook(book([[99, 1]], [[99.2, 1]]))
    expect(filled()).toBe('1')
    paper.onBook(book([[99, 1]], [[99.2, 1.5]])) // the level grew by 0.5
    expect(filled()).toBe('1.5')
    paper.onBook(book([[99, 1]], [[99.8, 1]])) // the level went
    paper.onBook(book([[99, 1]], [[99.2, 1]])) // new liquidity at that price
    expect(filled()).toBe('2.5')
  })

  it('a FOK counts the other levels in full when a carried level shows less than was taken (as its walk does)', async () => {
    const { paper } = setup()
    paper.onBook(book(BIDS, ASKS))
    const rest = await paper.submit(intent({ qty: '1', price: '99.5' }))
    paper.onBook(
      book(BIDS, [
        [99.5, 2],
        [101, 10],
      ]),
    ) // the resting buy takes 1 of 99.5
    expect(paper.order(rest.clientOrderId)?.status).toBe('FILLED')
    // 99.5 still shown, with less than the 1 taken: nothing is left there, and all 10 at 101 are.
    paper.onBook(
      book(BIDS, [
        [99.5, 0.5],
        [101, 10],
      ]),
    )
    const fok = await paper.submit(intent({ qty: '10', price: '101', timeInForce: 'FOK' }))
    expect([fok.status, fok.filledQty.toString()]).toEqual(['FILLED', '10'])
    // Reference: the same order as IOC takes the same 10 from the same book.
    paper.onBook(
      book(BIDS, [
        [99.5, 0.5],
        [101, 10],
      ]),
    )
    const ioc = await paper.submit(intent({ qty: '10', price: '101', timeInForce: 'IOC' }))
    expect([ioc.status, ioc.filledQty.toString()]).toEqual(['FILLED', '10'])
  })

  it('a FOK fills exactly when the same IOC would fill in full, after any carried crossings (property)', async () => {
    const level = fc.tuple(fc.integer({ min: 100, max: 104 }), fc.integer({ min: 1, max: 6 }))
    const asks = fc
      .uniqueArray(level, { selector: (l) => l[0], minLength: 1, maxLength: 4 })
      .map((ls) => ls.sort((a, b) => a[0] - b[0]) as [number, number][])
    await fc.assert(
      fc.asyncProperty(
        fc.array(asks, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 100, max: 104 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 100, max: 104 }),
        async (books, restPx, restQty, qty, limit) => {
          const run = async (timeInForce: 'FOK' | 'IOC') => {
            const { paper } = setup()
            paper.onBook(book([[99, 5]], [[105, 50]]))
            await paper.submit(intent({ qty: String(restQty), price: String(restPx) }))
            for (const a of books) paper.onBook(book([[99, 5]], a)) // the resting buy crosses some of them
            return paper.submit(intent({ qty: String(qty), price: String(limit), timeInForce }))
          }
          const fok = await run('FOK')
          const ioc = await run('IOC')
          const full = ioc.filledQty.eq(qty)
          expect([fok.status, fok.filledQty.toString()]).toEqual(
            full ? ['FILLED', String(qty)] : ['EXPIRED', '0'],
          )
        },
      ),
      { numRuns: 300 },
    )
  })
})
