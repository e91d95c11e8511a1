import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { QuoteTargets } from '../core/quotes.js'
import type { Position } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { LadderMarketMaker } from './LadderMarketMaker.js'
import { allocateCollateral, type LadderShape, planLadder } from './marketMaking/planLadder.js'
import { StrategyRunner } from './StrategyRunner.js'

// The curve of Polymarket/poly-market-maker's "amm" strategy (poly_market_maker/strategies/amm.py, docs/strategies/amm.md):
// cumulative buy size down to p_t is L·(1/√p_t − 1/√p) with L = y / (√p − √p_l); cumulative sell size up to p_t is
// L/√p_u − L/√p_t + x with L = x / (1/√p − 1/√p_u).
const D = (v: string | number): Decimal => new Decimal(v)
const shape: LadderShape = {
  spread: D('0.02'),
  depth: D('0.04'),
  delta: D('0.01'),
  minPrice: D('0.05'),
  maxPrice: D('0.95'),
  tickSize: D('0.01'),
}
const sum = (xs: Decimal[]): number => xs.reduce((a, b) => a.plus(b), D(0)).toNumber()

describe('planLadder', () => {
  it('prices run from price ± spread in steps of delta to spread + depth, within [minPrice, maxPrice]', () => {
    const l = planLadder(D('0.5'), 60, 100, shape)
    expect(l.buys.map((b) => b.price.toFixed())).toEqual(['0.48', '0.47', '0.46', '0.45', '0.44'])
    expect(l.sells.map((b) => b.price.toFixed())).toEqual(['0.52', '0.53', '0.54', '0.55', '0.56'])
    const edge = planLadder(D('0.08'), 60, 100, shape)
    expect(edge.buys.map((b) => b.price.toFixed())).toEqual(['0.06', '0.05'])
  })

  it('sizes follow the curve (hand-computed for p 0.5, y 100, x 60), rounded down to 0.01', () => {
    const l = planLadder(D('0.5'), 60, 100, shape)
    // L = 100 / (√0.5 − √0.44) = 2284.05; sizes = differences of the cumulative curve.
    expect(l.buys.map((b) => b.qty.toFixed())).toEqual(['66.6', '34.88', '36.01', '37.21', '38.47'])
    expect(l.sells.map((b) => b.qty.toFixed())).toEqual(['21.15', '10.12', '9.84', '9.57', '9.31'])
  })

  it('cumulative sizes stay on the curve at every level, and the sells add up to the shares held', () => {
    const p = 0.37
    const x = 250
    const y = 400
    const wide = { ...shape, depth: D('0.2') }
    const l = planLadder(D(p), x, y, wide)
    const pl = 0.37 - 0.02 - 0.2
    const lb = y / (Math.sqrt(p) - Math.sqrt(pl))
    l.buys.forEach((_, k) => {
      const curve = lb * (1 / Math.sqrt(l.buys[k]?.price.toNumber() as number) - 1 / Math.sqrt(p))
      const have = sum(l.buys.slice(0, k + 1).map((b) => b.qty))
      expect(have).toBeLessThanOrEqual(curve + 1e-9)
      expect(curve - have).toBeLessThan(0.01 * (k + 1))
    })
    expect(sum(l.sells.map((s) => s.qty))).toBeLessThanOrEqual(x)
    expect(x - sum(l.sells.map((s) => s.qty))).toBeLessThan(0.01 * l.sells.length + 1e-9)
    // The buy ladder never commits more collateral than it was given.
    expect(l.buys.reduce((a, b) => a + b.price.toNumber() * b.qty.toNumber(), 0)).toBeLessThanOrEqual(y)
  })

  it('splits collateral between the two tokens as the reference does', () => {
    expect(allocateCollateral(100, 0, 0, 1, 1)).toEqual([50, 50])
    // y_a = (10 − 0 + 100·1) / (1 + 1) = 55.
    expect(allocateCollateral(100, 10, 0, 1, 1)).toEqual([55, 45])
    expect(allocateCollateral(100, 500, 0, 1, 1)).toEqual([100, 0])
  })
})

describe('LadderMarketMaker', () => {
  it('quotes both tokens: sells from held shares, buys from the split collateral, levels under the minimum dropped', () => {
    const mm = new LadderMarketMaker({
      tokenId: 'yes',
      complementTokenId: 'no',
      minPrice: 0.05,
      maxPrice: 0.95,
      spread: 0.02,
      depth: 0.04,
      delta: 0.01,
      collateral: 200,
    })
    const positions: Position[] = [
      { venue: 'polymarket', symbol: 'yes', qty: D(60), realizedPnl: D(0), unrealizedPnl: D(0) },
    ]
    const runner = new StrategyRunner(mm, {
      clock: new ManualClock(0),
      positions: () => positions,
      openOrders: () => [],
      cancelOrders: async () => ({ canceled: [], failed: [] }),
    })
    const sets: QuoteTargets[] = []
    runner.events.on('quote.stated', (t) => sets.push(t))
    runner.start()
    runner.book({ venue: 'polymarket', symbol: 'yes', bids: [[0.49, 10]], asks: [[0.51, 10]], tsEvent: 0 })
    const levels = sets[0]?.levels ?? []
    const sells = levels.filter((l) => l.side === 'SELL')
    expect(sells.every((l) => l.symbol === 'yes')).toBe(true)
    expect(sells.map((l) => l.qty.toFixed())).toEqual(['21.15', '10.12', '9.84', '9.57', '9.31'])
    const cost = (s: string) =>
      levels
        .filter((l) => l.side === 'BUY' && l.symbol === s)
        .reduce((a, l) => a + l.price.toNumber() * l.qty.toNumber(), 0)
    // y_a = (21.15 + 200·φ) / 2φ > y_b: the token with shares to sell gets more of the collateral.
    expect(cost('yes')).toBeGreaterThan(cost('no'))
    expect(cost('yes') + cost('no')).toBeLessThanOrEqual(200)
    expect(levels.every((l) => l.qty.gte(5))).toBe(true)
    expect(sets[0]?.outcomePair).toEqual(['yes', 'no'])
  })
})
