import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderIntent } from '../../core/ports.js'
import type { Candle, Fill, Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { BTCPERP, BTCUSDT } from '../testing/fixtures.js'
import { PaperTrader } from './PaperTrader.js'

// A candle backtest: no book, so a market order fills at the last price moved 5 bps against it (half-up to the tick).
let n = 0
const intent = (
  o: Omit<Partial<OrderIntent>, 'qty'> & { qty: string },
  inst: Instrument = BTCUSDT,
): OrderIntent => ({
  clientOrderId: `c${++n}`,
  venue: inst.venue,
  symbol: inst.symbol,
  side: 'BUY',
  type: 'MARKET',
  strategyId: 's',
  ...o,
  qty: new Decimal(o.qty),
})
const MINUTE = 60_000
const candle = (
  i: number,
  open: number,
  high: number,
  low: number,
  close: number,
  inst = BTCUSDT,
): Candle => ({
  venue: inst.venue,
  symbol: inst.symbol,
  interval: '1m',
  openTime: i * MINUTE,
  closeTime: (i + 1) * MINUTE - 1,
  open,
  high,
  low,
  close,
  volume: 10,
  isClosed: true,
})

function setup() {
  const clock = new ManualClock(0)
  const paper = new PaperTrader({ instruments: [BTCUSDT, BTCPERP], balances: { USDT: '100000' }, clock })
  const fills: Fill[] = []
  paper.events.on('order.filled', (e) => fills.push(...e.fills))
  paper.events.on('error', (e) => {
    throw e
  })
  /** Feeds candle `c` as a backtest does: the clock at its close. */
  const feed = (c: Candle) => {
    clock.advanceTo(c.closeTime)
    paper.onCandle(c)
  }
  return { clock, paper, fills, feed }
}

describe('PaperTrader: stop and take-profit orders on candles', () => {
  it('a sell stop fires when a candle trades through its trigger though it closes above it, filled from the trigger', async () => {
    const { paper, fills, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    await paper.submit(intent({ qty: '1' }))
    const stop = await paper.submit(
      intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }),
    )
    feed(candle(1, 99, 101, 96, 99.5)) // not reached
    expect(paper.order(stop.clientOrderId)?.status).toBe('OPEN')
    feed(candle(2, 99, 101, 94, 99.5)) // down to 94, back to 99.5: a stop there was hit at 95
    expect(paper.order(stop.clientOrderId)?.status).toBe('FILLED')
    expect(fills.at(-1)?.price.toString()).toBe('94.95') // 95 less 5 bps, to the tick
    expect(paper.portfolio.positionQty('fake', 'BTCUSDT').toString()).toBe('0')
  })

  it('a candle that opens past the trigger fills it from the open (a gap), not from the trigger', async () => {
    const { paper, fills, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    await paper.submit(intent({ qty: '1' }))
    await paper.submit(intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }))
    feed(candle(1, 90, 92, 88, 91))
    expect(fills.at(-1)?.price.toString()).toBe('89.96') // the open, 90, less 5 bps: 89.955
  })

  it('a stop and a take-profit both inside one candle: the one its path reaches first fills, the other expires (reduce-only)', async () => {
    for (const [close, first] of [
      [96, 'TAKE_PROFIT_MARKET'], // closed down: up to its high first
      [104, 'STOP_MARKET'], // closed up: down to its low first
    ] as const) {
      const { paper, feed } = setup()
      feed(candle(0, 100, 100, 100, 100, BTCPERP))
      await paper.submit(intent({ qty: '1' }, BTCPERP))
      const exit = { side: 'SELL' as const, qty: '1', reduceOnly: true }
      const stop = await paper.submit(
        intent({ ...exit, type: 'STOP_MARKET', triggerPrice: new Decimal(95) }, BTCPERP),
      )
      const tp = await paper.submit(
        intent({ ...exit, type: 'TAKE_PROFIT_MARKET', triggerPrice: new Decimal(105) }, BTCPERP),
      )
      feed(candle(1, 100, 106, 94, close, BTCPERP))
      const [won, lost] = first === 'STOP_MARKET' ? [stop, tp] : [tp, stop]
      expect(paper.order(won.clientOrderId)?.status).toBe('FILLED')
      expect(paper.order(lost.clientOrderId)?.status).toBe('EXPIRED')
      expect(paper.portfolio.positionQty('fake', BTCPERP.symbol).toString()).toBe('0')
    }
  })

  it('an order armed during a candle meets the part of its path after it (its low may have come before the order)', async () => {
    const { clock, paper, fills, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    await paper.submit(intent({ qty: '1' }))
    clock.advanceTo(MINUTE + 30_000) // half-way through candle 1
    const stop = await paper.submit(
      intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }),
    )
    feed(candle(1, 99, 101, 94, 99.5)) // low a third in, before the stop: 97.5 → 101 → 99.5 after it
    expect(paper.order(stop.clientOrderId)?.status).toBe('OPEN')
    const before = fills.length
    feed(candle(2, 99, 99, 93, 97)) // armed before this one opened: its path decides
    expect(paper.order(stop.clientOrderId)?.status).toBe('FILLED')
    expect(fills.length).toBe(before + 1)
    expect(fills.at(-1)?.price.toString()).toBe('94.95')
  })

  it('a stop placed just after a candle opened (a submit latency) still meets the low that came later', async () => {
    const { clock, paper, fills, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    await paper.submit(intent({ qty: '1' }))
    clock.advanceTo(MINUTE + 50) // 50 ms into candle 1
    const stop = await paper.submit(
      intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }),
    )
    feed(candle(1, 99, 101, 94, 99.5)) // down to 94 a third in, then up: it closes above the stop
    expect(paper.order(stop.clientOrderId)?.status).toBe('FILLED')
    expect(fills.at(-1)?.price.toString()).toBe('94.95') // from its trigger, 5 bps against it
  })

  it('with a book held, the close alone triggers (its trades and mids trigger as they come, at their prices)', async () => {
    const { paper, feed } = setup()
    paper.onBook({ venue: 'fake', symbol: 'BTCUSDT', bids: [[99.9, 10]], asks: [[100, 10]], tsEvent: 0 })
    await paper.submit(intent({ qty: '1' }))
    const stop = await paper.submit(
      intent({ side: 'SELL', type: 'STOP_MARKET', qty: '1', triggerPrice: new Decimal(95) }),
    )
    feed(candle(1, 99, 101, 94, 99.5)) // walking the book held would fill the stop at 99.9, above its trigger
    expect(paper.order(stop.clientOrderId)?.status).toBe('OPEN')
  })

  it('a stop-limit a candle fired rests at its limit from there: the candle’s prices before it fill nothing', async () => {
    const { paper, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    const stop = await paper.submit(
      intent({ type: 'STOP_LIMIT', qty: '1', triggerPrice: new Decimal(105), price: new Decimal(104) }),
    )
    feed(candle(1, 100, 106, 90, 105)) // down to 90 first, then up through 105: it rests at 104 after the low
    expect(paper.order(stop.clientOrderId)?.status).toBe('OPEN')
    expect(paper.order(stop.clientOrderId)?.filledQty.toString()).toBe('0')
    feed(candle(2, 105, 105, 103, 104.5)) // then the market comes down through 104
    expect(paper.order(stop.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(stop.clientOrderId)?.avgFillPrice?.toString()).toBe('104')
  })
})

describe('PaperTrader: limit orders on candles', () => {
  it('a candle fills a resting limit it traded through; one placed during it, only by what came after it', async () => {
    const { clock, paper, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    const before = await paper.submit(intent({ type: 'LIMIT', qty: '1', price: new Decimal(95) }))
    clock.advanceTo(MINUTE + 6_000) // a tenth into candle 1: its low (a third in) is still ahead
    const soon = await paper.submit(intent({ type: 'LIMIT', qty: '1', price: new Decimal(95) }))
    clock.advanceTo(MINUTE + 30_000) // half-way: the low is past
    const late = await paper.submit(intent({ type: 'LIMIT', qty: '1', price: new Decimal(95) }))
    feed(candle(1, 100, 102, 90, 101))
    expect(paper.order(before.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(soon.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(late.clientOrderId)?.status).toBe('OPEN')
    feed(candle(2, 101, 101, 94, 96)) // resting before this one opened: its low fills it
    expect(paper.order(late.clientOrderId)?.status).toBe('FILLED')
    expect(paper.order(late.clientOrderId)?.avgFillPrice?.toString()).toBe('95')
  })

  it('an order resting since before the candle keeps its whole range after a partial fill during it', async () => {
    const { clock, paper, feed } = setup()
    feed(candle(0, 100, 100, 100, 100))
    const bid = await paper.submit(intent({ type: 'LIMIT', qty: '2', price: new Decimal(95) }))
    clock.advanceTo(MINUTE + 40_000) // a print at its price 40 s into candle 1 fills 1 (nothing ahead: no book)
    paper.onTrade({
      ...BTCUSDT,
      price: 95,
      qty: 1,
      side: 'SELL',
      tradeId: 'a',
      tsEvent: clock.now(),
    } as never)
    expect(paper.order(bid.clientOrderId)?.filledQty.toString()).toBe('1')
    feed(candle(1, 100, 102, 90, 101)) // its low, a third in, came while the order rested: the rest fills
    expect(paper.order(bid.clientOrderId)?.status).toBe('FILLED')
  })
})
