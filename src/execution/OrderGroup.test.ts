import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderIntent } from '../core/ports.js'
import type { Fill, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { OrderExecutor } from './live/OrderExecutor.js'
import { OrderGroup } from './OrderGroup.js'
import { PaperTrader } from './paper/PaperTrader.js'
import { FakeExchangeAdapter } from './testing/FakeExchangeAdapter.js'
import { BTCPERP, BTCUSDT, NO, YES } from './testing/fixtures.js'

let n = 0
const leg = (
  inst: Instrument,
  o: Omit<Partial<OrderIntent>, 'qty' | 'price'> & { qty: string; price?: string },
): OrderIntent => {
  const { qty, price, ...rest } = o
  return {
    clientOrderId: `g${++n}`,
    venue: inst.venue,
    symbol: inst.symbol,
    side: 'BUY',
    type: price === undefined ? 'MARKET' : 'LIMIT',
    strategyId: 'arb',
    ...rest,
    qty: new Decimal(qty),
    ...(price !== undefined ? { price: new Decimal(price) } : {}),
  }
}

const execs: OrderExecutor[] = []
afterEach(async () => {
  for (const e of execs.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

function paperSetup() {
  const clock = new ManualClock(0)
  const paper = new PaperTrader({
    instruments: [YES, NO, BTCUSDT, BTCPERP],
    balances: { USDT: '10000' },
    clock,
    takerFeeRate: '0',
  })
  paper.onBook({ venue: 'fake', symbol: YES.symbol, bids: [[0.44, 1000]], asks: [[0.45, 1000]], tsEvent: 0 })
  paper.onBook({ venue: 'fake', symbol: NO.symbol, bids: [[0.52, 1000]], asks: [[0.53, 40]], tsEvent: 0 })
  return { clock, paper }
}

/** A reversal of `qty` of order `cid` on `inst` (a fill's identity: a new trade id each time unless given). */
let trades = 0
const reversal = (inst: Instrument, cid: string, qty: Decimal, tradeId = `rt${++trades}`) => ({
  venue: inst.venue,
  symbol: inst.symbol,
  tradeId,
  clientOrderId: cid,
  qty,
})

describe('OrderGroup', () => {
  it('completes when every leg fills', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO] })
    const out = await g.execute([
      leg(YES, { qty: '30', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '30', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.status).toBe('COMPLETED')
    expect(out.legs.map((l) => l.fate)).toEqual(['FILLED', 'FILLED'])
  })

  it('rebalance: a leg reversed after completion (failed settlement) is unwound from the other legs', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO], maxUnwindSlippageBps: 300 })
    const yesLeg = leg(YES, { qty: '30', price: '0.45', timeInForce: 'IOC' })
    const out = await g.execute([yesLeg, leg(NO, { qty: '30', price: '0.53', timeInForce: 'IOC' })])
    expect(out.status).toBe('COMPLETED')
    // The venue reverses 20 of the YES leg: 20 NO are sold back, 10 pairs remain.
    const after = await g.rebalance(out, reversal(YES, yesLeg.clientOrderId, new Decimal(20)))
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => l.fate)).toEqual(['REVERSED', 'UNWOUND'])
    expect(after.legs[1]?.unwindOrder?.side).toBe('SELL')
    expect(after.legs[1]?.unwindOrder?.filledQty.toFixed()).toBe('20')
    expect(paper.portfolio.position('fake', NO.symbol)?.qty.toFixed()).toBe('10')
    expect(after.legs.map((l) => l.heldQty?.toFixed())).toEqual(['10', '10'])
    // The rest reversed too (pass the latest outcome; a new client order id each time); a stranger is refused.
    const again = await g.rebalance(after, reversal(YES, yesLeg.clientOrderId, new Decimal(10)))
    expect(again.status).toBe('UNWOUND')
    expect(again.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0'])
    expect(paper.portfolio.position('fake', NO.symbol)?.qty.toFixed() ?? '0').toBe('0')
    await expect(g.rebalance(out, reversal(YES, 'nope', new Decimal(1)))).rejects.toThrow(/not a leg/)
  })

  it('rebalance with a hedge: the hedge is asked for the excess only', async () => {
    const { paper, clock } = paperSetup()
    const asked: string[] = []
    const g = new OrderGroup({
      client: paper,
      clock,
      instruments: [YES, NO],
      onFailure: 'HEDGE',
      hedge: (x) => {
        asked.push(`${x.order.symbol} ${x.filledQty.toFixed()}`)
        return leg(NO, { side: 'SELL', qty: x.filledQty.toFixed(), price: '0.52', timeInForce: 'IOC' })
      },
    })
    const yesLeg = leg(YES, { qty: '30', price: '0.45', timeInForce: 'IOC' })
    const out = await g.execute([yesLeg, leg(NO, { qty: '30', price: '0.53', timeInForce: 'IOC' })])
    expect(out.status).toBe('COMPLETED')
    const after = await g.rebalance(out, reversal(YES, yesLeg.clientOrderId, new Decimal(20)))
    expect(asked).toEqual([`${NO.symbol} 20`])
    expect(after.status).toBe('HEDGED')
    expect(paper.portfolio.position('fake', NO.symbol)?.qty.toFixed()).toBe('10')
  })

  it('a partly filled leg: the filled legs are unwound within the slippage bound', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO], maxUnwindSlippageBps: 300 })
    // NO has only 40 on the ask: that leg fills 40 of 100 and expires.
    const out = await g.execute([
      leg(YES, { qty: '100', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.status).toBe('UNWOUND')
    const [yes, no] = out.legs
    expect(yes?.fate).toBe('UNWOUND')
    expect(yes?.unwindOrder?.side).toBe('SELL')
    // 0.45 × (1 − 3 %) = 0.4365 → rounded up to 0.44: never worse than the bound.
    expect(yes?.unwindOrder?.price?.toString()).toBe('0.44')
    expect(yes?.unwindOrder?.filledQty.toString()).toBe('100')
    expect(no?.fate).toBe('UNWOUND')
    expect(no?.filledQty.toString()).toBe('40')
    expect(paper.portfolio.positions()).toHaveLength(0)
  })

  it('an unwind that cannot be done within the bound leaves a residual and reports FAILED', async () => {
    const { paper, clock } = paperSetup()
    paper.onBook({ venue: 'fake', symbol: YES.symbol, bids: [[0.3, 1000]], asks: [[0.45, 1000]], tsEvent: 0 })
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO], maxUnwindSlippageBps: 100 })
    const out = await g.execute([
      leg(YES, { qty: '100', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.status).toBe('FAILED')
    expect(out.legs[0]?.fate).toBe('PARTIALLY_UNWOUND')
    expect(out.legs[0]?.residualQty.toString()).toBe('100')
  })

  it('an unwind that leaves exposure is retried with a widening bound until flat', async () => {
    const { paper, clock } = paperSetup()
    // YES bids only at 0.43: 1 % and 3 % under the 0.45 fill are not enough, 5 % is.
    paper.onBook({
      venue: 'fake',
      symbol: YES.symbol,
      bids: [[0.43, 1000]],
      asks: [[0.45, 1000]],
      tsEvent: 0,
    })
    const g = new OrderGroup({
      client: paper,
      clock,
      instruments: [YES, NO],
      maxUnwindSlippageBps: 100,
      unwindRetryStepBps: 200,
      unwindSlippageCapBps: 700,
    })
    const out = await g.execute([
      leg(YES, { qty: '100', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.status).toBe('UNWOUND')
    const yes = out.legs[0]
    expect(yes?.fate).toBe('UNWOUND')
    expect(yes?.residualQty.toFixed()).toBe('0')
    // 0.4455 → 0.45, 0.4365 → 0.44, 0.4275 → 0.43 (each rounded toward the fill); a new client order id each time.
    expect(yes?.unwindOrders?.map((o) => o.price?.toFixed())).toEqual(['0.45', '0.44', '0.43'])
    expect(new Set(yes?.unwindOrders?.map((o) => o.clientOrderId)).size).toBe(3)
    expect(yes?.unwindOrder?.filledQty.toFixed()).toBe('100')
    expect(paper.portfolio.positions()).toHaveLength(0)
  })

  it('retries stop at the cap: what is left is FAILED, after exactly one order per bound', async () => {
    const { paper, clock } = paperSetup()
    paper.onBook({ venue: 'fake', symbol: YES.symbol, bids: [[0.3, 1000]], asks: [[0.45, 1000]], tsEvent: 0 })
    const g = new OrderGroup({
      client: paper,
      clock,
      instruments: [YES, NO],
      maxUnwindSlippageBps: 100,
      unwindRetryStepBps: 300,
      unwindSlippageCapBps: 500,
    })
    const out = await g.execute([
      leg(YES, { qty: '100', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.status).toBe('FAILED')
    // Bounds 100, 400, then the cap 500 (not 700).
    expect(out.legs[0]?.unwindOrders?.map((o) => o.price?.toFixed())).toEqual(['0.45', '0.44', '0.43'])
    expect(out.legs[0]?.residualQty.toFixed()).toBe('100')
    const once = new OrderGroup({ client: paper, clock, instruments: [YES, NO], unwindRetryStepBps: 0 })
    const single = await once.execute([
      leg(YES, { qty: '10', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'FOK' }),
    ])
    expect(single.legs[0]?.unwindOrders).toHaveLength(1)
  })

  it('rejects a retry cap under the first bound; without a cap, a first bound over 1000 bps is the cap', async () => {
    const { paper, clock } = paperSetup()
    expect(
      () => new OrderGroup({ client: paper, maxUnwindSlippageBps: 300, unwindSlippageCapBps: 200 }),
    ).toThrow(/unwindSlippageCapBps/)
    paper.onBook({ venue: 'fake', symbol: YES.symbol, bids: [[0.1, 1000]], asks: [[0.45, 1000]], tsEvent: 0 })
    const wide = new OrderGroup({ client: paper, clock, instruments: [YES, NO], maxUnwindSlippageBps: 2_000 })
    const out = await wide.execute([
      leg(YES, { qty: '10', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'FOK' }),
    ])
    // One unwind at 20 % (0.36), no retry past it.
    expect(out.legs[0]?.unwindOrders?.map((o) => o.price?.toFixed())).toEqual(['0.36'])
  })

  it('rebalance of a failed group: a leg reversed after its unwind sold it is bought back to flat', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO], maxUnwindSlippageBps: 300 })
    // NO fills 40 of 100 and expires: both legs are unwound (YES 100, NO 40), the group is flat.
    const noLeg = leg(NO, { qty: '100', price: '0.53', timeInForce: 'IOC' })
    const fills: Fill[] = []
    paper.portfolio.events.on('fill.applied', (e) => fills.push(e.applied.fill))
    const out = await g.execute([leg(YES, { qty: '100', price: '0.45', timeInForce: 'IOC' }), noLeg])
    expect(out.status).toBe('UNWOUND')
    // Then the venue reverses the NO buy (a failed settlement): its unwind sold 40 that are no longer there.
    const fill = fills.find((f) => f.clientOrderId === noLeg.clientOrderId)
    if (fill === undefined) throw new Error('no fill')
    expect(fill.qty.toFixed()).toBe('40')
    paper.onBook({ venue: 'fake', symbol: NO.symbol, bids: [[0.52, 1000]], asks: [[0.53, 1000]], tsEvent: 0 })
    const after = await g.rebalance(out, fill)
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => l.fate)).toEqual(['UNWOUND', 'REVERSED'])
    const buyBack = after.legs[1]?.unwindOrder
    expect(buyBack?.side).toBe('BUY')
    expect(buyBack?.filledQty.toFixed()).toBe('40')
    expect(buyBack?.price?.toFixed()).toBe('0.54') // 0.53 × 1.03 = 0.5459, rounded down toward the fill
    expect(after.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0'])
    // A reversal of an unwind's own fill: the leg holds it again and is unwound again.
    const sold = after.legs[0]?.unwindOrder
    if (sold === undefined) throw new Error('no unwind')
    const again = await g.rebalance(after, reversal(YES, sold.clientOrderId, new Decimal(100)))
    expect(again.legs[0]?.unwindOrder?.side).toBe('SELL')
    expect(again.legs[0]?.unwindOrder?.qty.toFixed()).toBe('100')
    // This paper account never saw that reversal (it holds no YES to sell): the sale is refused, 100 stay counted.
    expect(again.status).toBe('FAILED')
    expect(again.legs.map((l) => l.heldQty?.toFixed())).toEqual(['100', '0'])
  })

  it('a resting leg that does not fill in time is cancelled', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({
      client: paper,
      clock,
      instruments: [YES, NO],
      legTimeoutMs: 1000,
      maxUnwindSlippageBps: 300,
    })
    const p = g.execute([leg(YES, { qty: '10', price: '0.45' }), leg(NO, { qty: '10', price: '0.50' })])
    await clock.advanceAsync(1000)
    const out = await p
    expect(out.legs.map((l) => l.fate)).toEqual(['UNWOUND', 'CANCELED'])
    expect(paper.openOrders()).toHaveLength(0)
  })

  it('stops waiting for a resting leg as soon as another leg fails', async () => {
    const { paper, clock } = paperSetup()
    const g = new OrderGroup({ client: paper, clock, instruments: [YES, NO], legTimeoutMs: 60_000 })
    // YES rests (not marketable), NO is a FOK that cannot fill: the group fails without waiting a minute.
    const out = await g.execute([
      leg(YES, { qty: '10', price: '0.40' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'FOK' }),
    ])
    expect(out.legs.map((l) => l.fate)).toEqual(['CANCELED', 'EXPIRED'])
    expect(out.status).toBe('UNWOUND')
    expect(clock.now()).toBe(0)
  })

  it('hedges instead of unwinding when configured', async () => {
    const { paper, clock } = paperSetup()
    paper.onBook({ venue: 'fake', symbol: BTCUSDT.symbol, bids: [[99, 10]], asks: [[100, 10]], tsEvent: 0 })
    paper.onBook({
      venue: 'fake',
      symbol: BTCPERP.symbol,
      bids: [[99.5, 10]],
      asks: [[100.5, 10]],
      tsEvent: 0,
    })
    const g = new OrderGroup({
      client: paper,
      clock,
      onFailure: 'HEDGE',
      hedge: (x) => leg(BTCPERP, { side: 'SELL', qty: x.filledQty.toString() }),
    })
    const out = await g.execute([
      leg(BTCUSDT, { qty: '1' }),
      leg(NO, { qty: '100', price: '0.53', timeInForce: 'FOK' }),
    ])
    expect(out.status).toBe('HEDGED')
    expect(out.legs.map((l) => l.fate)).toEqual(['HEDGED', 'EXPIRED'])
    expect(paper.portfolio.position('fake', BTCPERP.symbol)?.qty.toString()).toBe('-1')
  })

  it('live: a rejected leg makes the group unwind the other on the venue', async () => {
    const clock = new ManualClock(0)
    const adapter = new FakeExchangeAdapter('fake', [YES, NO], () => clock.now())
    adapter.setPrice(YES.symbol, '0.45')
    adapter.rejectSymbol(NO.symbol, 'market not accepting orders')
    const exec = new OrderExecutor({ adapter, clock })
    execs.push(exec)
    await exec.start()
    const g = new OrderGroup({ client: exec, clock, instruments: [YES, NO] })
    const out = await g.execute([
      leg(YES, { qty: '10', price: '0.45', timeInForce: 'IOC' }),
      leg(NO, { qty: '10', price: '0.53', timeInForce: 'IOC' }),
    ])
    expect(out.legs.map((l) => l.fate)).toEqual(['UNWOUND', 'REJECTED'])
    expect(out.status).toBe('UNWOUND')
    const unwind = out.legs[0]?.unwindOrder
    expect(unwind?.side).toBe('SELL')
    expect(adapter.orders.get(unwind?.clientOrderId ?? '')?.status).toBe('FILLED')
  })

  it('rejects a group with duplicate leg ids', async () => {
    const { paper } = paperSetup()
    const g = new OrderGroup({ client: paper })
    const a = leg(YES, { qty: '1' })
    await expect(g.execute([a, a])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })
})
