import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderIntent } from '../../core/ports.js'
import type { BookSnapshot } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { PaperTrader } from './PaperTrader.js'

let n = 0
const intent = (side: 'BUY' | 'SELL', qty: string, price?: string): OrderIntent => ({
  clientOrderId: `l${++n}`,
  venue: BTCUSDT.venue,
  symbol: BTCUSDT.symbol,
  side,
  type: price === undefined ? 'MARKET' : 'LIMIT',
  qty: new Decimal(qty),
  ...(price !== undefined ? { price: new Decimal(price) } : {}),
  strategyId: 's',
})
const book = (bid: number, ask: number, tsEvent: number): BookSnapshot => ({
  venue: BTCUSDT.venue,
  symbol: BTCUSDT.symbol,
  bids: [[bid, 5]],
  asks: [[ask, 5]],
  tsEvent,
})

function setup() {
  const clock = new ManualClock(10_000)
  const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
  paper.events.on('error', (e) => {
    throw e
  })
  return { clock, paper }
}

describe('PaperTrader: a late book changes nothing', () => {
  it('a book older than the one held (a second stream’s) is not walked, fills nothing and marks nothing', async () => {
    const { paper } = setup()
    paper.onBook(book(99, 100, 5_000))
    const resting = await paper.submit(intent('BUY', '1', '99.5'))
    expect(resting.status).toBe('OPEN')
    // Delivered after the newer one: its ask at 90 would fill the resting bid, and a market buy at 90.
    paper.onBook(book(89, 90, 4_000))
    expect(paper.order(resting.clientOrderId)?.status).toBe('OPEN')
    const buy = await paper.submit(intent('BUY', '1'))
    expect(buy.avgFillPrice?.toString()).toBe('100')
    expect(paper.portfolio.staleMarks).toBe(1)
    // As new as the one held: taken (it crosses the resting bid, which fills at its price).
    paper.onBook(book(89, 99, 5_000))
    expect(paper.order(resting.clientOrderId)?.status).toBe('FILLED')
  })

  it('a book held with a stamp ahead of the clock does not freeze the books', async () => {
    const { paper } = setup()
    paper.onBook(book(99, 100, 900_000)) // a bad stamp
    paper.onBook(book(109, 110, 9_000))
    expect((await paper.submit(intent('BUY', '1'))).avgFillPrice?.toString()).toBe('110')
  })
})
