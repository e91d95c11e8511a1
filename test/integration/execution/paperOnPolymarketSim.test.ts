/**
 * The PaperTrader on PolymarketSim's books (received through PolymarketMarketStream, the market channel): a YES + NO group
 * walks both outcome-token books with exact averages and settles at 1 and 0 when the simulator resolves the market.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BookSnapshot, Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { PolymarketMarketStream, PolymarketRest } from '../../../src/exchanges/polymarket/index.js'
import { OrderGroup, PaperTrader } from '../../../src/execution/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

let sim: PolymarketSim
let clob: PolymarketMarketStream

beforeEach(async () => {
  sim = await PolymarketSim.start({ seed: 42 })
  clob = new PolymarketMarketStream({
    rest: new PolymarketRest({ restUrl: sim.restUrl }),
    wsUrl: sim.wsUrl,
    reconnectBaseMs: 20,
  })
  clob.events.on('error', () => {})
  clob.events.on('dataError', () => {})
})

afterEach(async () => {
  await clob.close()
  await sim.close()
})

function avgOf(book: BookSnapshot, qty: Decimal): Decimal {
  let left = qty
  let notional = new Decimal(0)
  for (const [p, q] of book.asks) {
    if (left.lte(0)) break
    const take = Decimal.min(left, new Decimal(q))
    notional = notional.plus(new Decimal(p).times(take))
    left = left.minus(take)
  }
  expect(left.lte(0)).toBe(true)
  return notional.div(qty)
}

describe('PaperTrader on PolymarketSim books', () => {
  it('buys YES and NO as a group with exact averages, then settles at 1 and 0', async () => {
    const market = sim.markets.find((m) => m.tickSize === '0.01') ?? sim.markets[0]
    if (market === undefined) throw new Error('no market')
    const [yesTok, noTok] = market.tokens
    const inst = (tokenId: string, outcome: string): Instrument => ({
      venue: 'polymarket',
      symbol: tokenId,
      base: outcome,
      quote: 'pUSD',
      kind: 'outcome',
      tickSize: new Decimal(market.tickSize),
      stepSize: new Decimal('0.01'),
      minQty: new Decimal(market.minOrderSize),
      outcome: { tokenId, conditionId: market.conditionId, outcome, negRisk: market.negRisk },
    })
    const yes = inst(yesTok.tokenId, yesTok.outcome)
    const no = inst(noTok.tokenId, noTok.outcome)
    const paper = new PaperTrader({
      instruments: [yes, no],
      balances: { pUSD: '1000' },
      accountCurrency: 'pUSD',
      takerFeeRate: '0',
    })
    const books = new Map<string, BookSnapshot>()
    clob.events.on('book', (b) => {
      books.set(b.symbol, b)
      paper.onBook({ ...b, venue: 'polymarket' })
    })
    clob.subscribe([yes.symbol, no.symbol])
    const t0 = Date.now()
    while (books.size < 2 && Date.now() - t0 < 8_000) await new Promise((r) => setTimeout(r, 10))
    expect(books.size).toBe(2)
    const yesBook = books.get(yes.symbol) as BookSnapshot
    const noBook = books.get(no.symbol) as BookSnapshot
    const qty = Decimal.min(new Decimal(yesBook.asks[0]?.[1] ?? 0), new Decimal(noBook.asks[0]?.[1] ?? 0))
      .plus(1)
      .toDecimalPlaces(2, Decimal.ROUND_DOWN)
    const wantYes = avgOf(yesBook, qty)
    const wantNo = avgOf(noBook, qty)

    const group = new OrderGroup({ client: paper, instruments: [yes, no] })
    const leg = (i: Instrument, id: string) => ({
      clientOrderId: id,
      venue: 'polymarket',
      symbol: i.symbol,
      side: 'BUY' as const,
      type: 'MARKET' as const,
      qty,
      strategyId: 'arb',
    })
    const out = await group.execute([leg(yes, 'y1'), leg(no, 'n1')])
    expect(out.status).toBe('COMPLETED')
    expect(out.legs[0]?.order?.avgFillPrice?.toDecimalPlaces(20).eq(wantYes.toDecimalPlaces(20))).toBe(true)
    expect(out.legs[1]?.order?.avgFillPrice?.toDecimalPlaces(20).eq(wantNo.toDecimalPlaces(20))).toBe(true)
    const cost = wantYes.plus(wantNo).times(qty)
    expect(
      paper.portfolio.cash('pUSD').toDecimalPlaces(20).eq(new Decimal(1000).minus(cost).toDecimalPlaces(20)),
    ).toBe(true)

    sim.resolveMarket(market.conditionId, yes.symbol)
    paper.settle('polymarket', yes.symbol, 1)
    paper.settle('polymarket', no.symbol, 0)
    expect(paper.portfolio.positions()).toHaveLength(0)
    expect(
      paper.portfolio
        .cash('pUSD')
        .toDecimalPlaces(20)
        .eq(new Decimal(1000).minus(cost).plus(qty).toDecimalPlaces(20)),
    ).toBe(true)
  })
})
