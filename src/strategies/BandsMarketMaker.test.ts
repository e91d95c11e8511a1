import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { QuoteTargets } from '../core/quotes.js'
import type { Order, Position } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { BandsMarketMaker } from './BandsMarketMaker.js'
import { type BandOrder, type BandsInput, planBands } from './marketMaking/planBands.js'
import { StrategyRunner } from './StrategyRunner.js'

// Hand-computed cases for the band arithmetic of Polymarket/poly-market-maker
// (poly_market_maker/strategies/bands.py, bands_strategy.py; docs/strategies/bands.md): one band
// {minMargin 0.01, avgMargin 0.02, maxMargin 0.03, minSize 20, avgSize 30, maxSize 40} around a target of 0.50
// spans (0.47, 0.49] for buys of either token; a sell of the other token at q sits at 1 − q.
const D = (v: string | number): Decimal => new Decimal(v)
const band = {
  minMargin: D('0.01'),
  avgMargin: D('0.02'),
  maxMargin: D('0.03'),
  minSize: D(20),
  avgSize: D(30),
  maxSize: D(40),
}
const order = (id: string, symbol: string, side: 'BUY' | 'SELL', price: string, size: number): BandOrder => ({
  id,
  symbol,
  side,
  price: D(price),
  size: D(size),
})
const input = (over: Partial<BandsInput> = {}): BandsInput => ({
  bands: [band],
  tokenId: 'yes',
  complementTokenId: 'no',
  targetPrice: D('0.5'),
  orders: [],
  balances: { token: D(0), complement: D(0) },
  tickSize: D('0.01'),
  sizeStep: D('0.01'),
  minOrderSize: D(5),
  ...over,
})
const show = (l: { symbol: string; side: string; price: Decimal; qty: Decimal }): string =>
  `${l.side} ${l.symbol} ${l.price.toFixed()} ${l.qty.toFixed()}`

describe('planBands (hand-computed)', () => {
  it('an empty band is filled up to avgSize on both tokens: a buy of each at target − avgMargin', () => {
    const p = planBands(input())
    expect(p.place.map(show)).toEqual(['BUY yes 0.48 30', 'BUY no 0.48 30'])
    expect(p.cancel).toEqual([])
  })

  it('sells the other token (held shares) before the equivalent buy: 12 NO held → sell 12 NO at 0.52, buy 18 YES', () => {
    const p = planBands(input({ balances: { token: D(0), complement: D(12) } }))
    expect(p.place.map(show)).toEqual(['SELL no 0.52 12', 'BUY yes 0.48 18', 'BUY no 0.48 30'])
  })

  it('cancels a band over maxSize down to avgSize, nearest the target first in the first band', () => {
    // Band of YES-buys: 25 @0.48 (a), 10 @0.49 (b), and a NO sell of 10 @0.52 (c, at 0.48): 45 > 40.
    // Nearest first: b (45 → 35, still > 30), then a or c at equal distance: c comes off (35 → 25).
    const orders = [
      order('a', 'yes', 'BUY', '0.48', 25),
      order('b', 'yes', 'BUY', '0.49', 10),
      order('c', 'no', 'SELL', '0.52', 10),
    ]
    const p = planBands(input({ orders, balances: { token: D(0), complement: D(10) } }))
    expect(p.cancel.map((o) => o.id).sort()).toEqual(['b', 'c'])
    expect(p.keep.map((o) => o.id)).toEqual(['a'])
    // 25 ≥ minSize 20: nothing placed in the YES band; the NO band is still empty.
    expect(p.place.map(show)).toEqual(['BUY no 0.48 30'])
  })

  it('places up to avgSize when under minSize, counting what rests: 15 resting → buy 15 more', () => {
    const p = planBands(input({ orders: [order('a', 'yes', 'BUY', '0.48', 15)] }))
    expect(p.keep.map((o) => o.id)).toEqual(['a'])
    expect(p.place.map(show)).toEqual(['BUY yes 0.48 15', 'BUY no 0.48 30'])
  })

  it('a YES sell counts in the NO band at 1 − price: 10 YES @0.52 → buy only 20 NO', () => {
    const p = planBands(
      input({
        orders: [order('s', 'yes', 'SELL', '0.52', 10)],
        balances: { token: D(10), complement: D(0) },
      }),
    )
    expect(p.keep.map((o) => o.id)).toEqual(['s'])
    expect(p.place.map(show)).toEqual(['BUY yes 0.48 30', 'BUY no 0.48 20'])
  })

  it('cancels orders outside every band, and keeps new prices on the tick grid inside the band', () => {
    // Target 0.505: YES band (0.475, 0.495] → 0.485 rounds to 0.49; NO target 0.495: (0.465, 0.485] → 0.48.
    const p = planBands(input({ targetPrice: D('0.505'), orders: [order('far', 'yes', 'BUY', '0.45', 30)] }))
    expect(p.cancel.map((o) => o.id)).toEqual(['far'])
    expect(p.place.map(show)).toEqual(['BUY yes 0.49 30', 'BUY no 0.48 30'])
  })

  it('bounds new buys by the collateral, and drops orders under the minimum size', () => {
    // 20 USDC: 20 / 0.48 = 41.66 → 30 YES (14.40 spent), then 5.60 / 0.48 = 11.66 NO.
    const p = planBands(input({ collateral: D(20) }))
    expect(p.place.map(show)).toEqual(['BUY yes 0.48 30', 'BUY no 0.48 11.66'])
    const poor = planBands(input({ collateral: D(2) }))
    expect(poor.place).toEqual([])
  })
})

describe('BandsMarketMaker', () => {
  it('states one quote set over both tokens from the book mid, sells first, with the outcome pair', () => {
    const mm = new BandsMarketMaker({
      venue: 'polymarket',
      tokenId: 'yes',
      complementTokenId: 'no',
      bands: [{ minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 }],
    })
    const positions: Position[] = [
      { venue: 'polymarket', symbol: 'no', qty: D(12), realizedPnl: D(0), unrealizedPnl: D(0) },
    ]
    const orders: Order[] = []
    const runner = new StrategyRunner(mm, {
      clock: new ManualClock(0),
      positions: () => positions,
      openOrders: () => orders,
      cancelOrders: async () => ({ canceled: [], failed: [] }),
    })
    const sets: QuoteTargets[] = []
    runner.events.on('quote.stated', (t) => sets.push(t))
    runner.start()
    runner.book({ venue: 'polymarket', symbol: 'yes', bids: [[0.49, 100]], asks: [[0.51, 100]], tsEvent: 0 })
    expect(sets).toHaveLength(1)
    expect(sets[0]?.outcomePair).toEqual(['yes', 'no'])
    expect(sets[0]?.symbols).toEqual(['yes', 'no'])
    expect(sets[0]?.levels.map(show)).toEqual(['SELL no 0.52 12', 'BUY yes 0.48 18', 'BUY no 0.48 30'])
  })

  it('refuses overlapping bands and inconsistent sizes', () => {
    const b = { minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 }
    expect(
      () =>
        new BandsMarketMaker({ tokenId: 'y', complementTokenId: 'n', bands: [b, { ...b, minMargin: 0.02 }] }),
    ).toThrow(/overlap/)
    expect(
      () => new BandsMarketMaker({ tokenId: 'y', complementTokenId: 'n', bands: [{ ...b, minSize: 50 }] }),
    ).toThrow(/Sizes/)
  })
})
