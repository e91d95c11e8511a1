import { describe, expect, it } from 'vitest'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Portfolio } from '../Portfolio.js'
import { BTCPERP, BTCUSDT, testFill } from '../testing/fixtures.js'
import { StrategyLedger } from './StrategyLedger.js'

let n = 0
const fill = (
  over: Omit<Partial<Fill>, 'qty' | 'price'> & {
    cid: string
    side: Fill['side']
    qty: string
    price: string
  },
): Fill => {
  const { cid, side, qty, price, ...rest } = over
  return testFill(BTCPERP, side, qty, price, { clientOrderId: cid, tradeId: `t${++n}`, tsEvent: n, ...rest })
}
const share = (l: StrategyLedger, sid: string) => {
  const p = l.positions(sid, () => new Decimal(110))[0]
  return p === undefined
    ? '0'
    : `${p.qty.toFixed()} @ ${p.entryPrice?.toFixed()} r ${p.realizedPnl.toFixed()} u ${p.unrealizedPnl.toFixed()}`
}

describe('StrategyLedger', () => {
  it('a re-attributed order takes its new strategy and becomes the newest (forgotten last)', () => {
    const l = new StrategyLedger(2)
    l.attribute('c1', 's1')
    l.attribute('c2', 's2')
    l.attribute('c1', 's3') // re-attributed: now the newest
    expect(l.strategyOf('c1')).toBe('s3')
    l.attribute('c3', 's4') // over the window: c2 (the oldest) goes, not c1
    expect(l.strategyOf('c2')).toBeUndefined()
    expect(l.strategyOf('c1')).toBe('s3')
    expect(l.strategyOf('c3')).toBe('s4')
    l.attribute('c3', 's4') // the newest again, unchanged
    l.attribute('c4', 's5')
    expect(l.strategyOf('c1')).toBeUndefined()
    expect(l.strategyOf('c3')).toBe('s4')
  })

  it('keeps an open order attributed until it ends, then among the last `window` ended ones', () => {
    const l = new StrategyLedger(2)
    l.attribute('rest', 'mm')
    for (let i = 0; i < 10; i++) {
      l.attribute(`o${i}`, 's')
      l.finish(`o${i}`) // ended at once: only the last two ended stay
    }
    expect(l.strategyOf('rest')).toBe('mm') // open all along
    expect(l.strategyOf('o9')).toBe('s')
    expect(l.strategyOf('o8')).toBe('s')
    expect(l.strategyOf('o7')).toBeUndefined()
    l.finish('rest')
    expect(l.strategyOf('rest')).toBe('mm') // the newest ended now
    l.finish('rest') // twice: nothing moves
    l.finish('never-attributed')
    expect(l.strategyOf('never-attributed')).toBeUndefined()
    for (const id of ['x', 'y']) {
      l.attribute(id, 's')
      l.finish(id)
    }
    expect(l.strategyOf('rest')).toBeUndefined()
    // A host that never reports an end: past `window` open attributions the oldest is forgotten (bounded).
    for (const id of ['p1', 'p2', 'p3']) l.attribute(id, 's')
    expect(['p1', 'p2', 'p3'].map((id) => l.strategyOf(id))).toEqual([undefined, 's', 's'])
  })

  it('an order re-attributed after it ended is open again, under its new strategy', () => {
    const l = new StrategyLedger(2)
    l.attribute('c1', 's1')
    l.finish('c1')
    l.attribute('c1', 's2')
    l.attribute('c2', 's3')
    expect(l.strategyOf('c1')).toBe('s2')
    l.finish('c1')
    expect(l.strategyOf('c1')).toBe('s2')
  })

  it('books each fill to the strategy that sent its order: entry average, realized PnL, flips', () => {
    const l = new StrategyLedger(100)
    l.attribute('a1', 'a')
    l.attribute('a2', 'a')
    l.attribute('b1', 'b')
    l.apply(fill({ cid: 'a1', side: 'BUY', qty: '2', price: '100' }), BTCPERP)
    l.apply(fill({ cid: 'b1', side: 'SELL', qty: '1', price: '105' }), BTCPERP)
    l.apply(fill({ cid: 'a1', side: 'BUY', qty: '2', price: '110' }), BTCPERP)
    expect(share(l, 'a')).toBe('4 @ 105 r 0 u 20')
    expect(share(l, 'b')).toBe('-1 @ 105 r 0 u -5')
    // a sells 6: closes its 4 (+20 realized), opens a short of 2 at 110.
    l.apply(fill({ cid: 'a2', side: 'SELL', qty: '6', price: '110' }), BTCPERP)
    expect(share(l, 'a')).toBe('-2 @ 110 r 20 u 0')
    // A fill of an order nobody attributed counts at the venue level only.
    l.apply(fill({ cid: 'manual', side: 'BUY', qty: '9', price: '100' }), BTCPERP)
    expect(l.strategies().sort()).toEqual(['a', 'b'])
  })

  it('undoes a reversed fill, and takes a spot fee paid in the base asset off the share', () => {
    const l = new StrategyLedger(100)
    l.attribute('a1', 'a')
    const f = fill({
      cid: 'a1',
      side: 'BUY',
      qty: '1',
      price: '100',
      symbol: BTCUSDT.symbol,
      fee: new Decimal('0.001'),
      feeAsset: 'BTC',
    })
    l.apply(f, BTCUSDT)
    expect(l.positions('a', () => undefined)[0]?.qty.toFixed()).toBe('0.999')
    l.reverse(f)
    expect(l.positions('a', () => undefined)).toEqual([])
    l.reverse(f) // twice: nothing more
    expect(l.positions('a', () => undefined)).toEqual([])
  })

  it('in a Portfolio: venue-level positions net every strategy; the snapshot carries the asked strategy’s share', () => {
    const p = new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCPERP] })
    p.attribute('a1', 'a')
    p.attribute('b1', 'b')
    expect(p.applyFill(fill({ cid: 'a1', side: 'BUY', qty: '3', price: '100' })).ok).toBe(true)
    expect(p.applyFill(fill({ cid: 'b1', side: 'SELL', qty: '1', price: '100' })).ok).toBe(true)
    expect(p.position('fake', BTCPERP.symbol)?.qty.toFixed()).toBe('2')
    expect(p.strategyPositions('a').map((x) => x.qty.toFixed())).toEqual(['3'])
    expect(p.snapshot(undefined, { strategyId: 'b' }).strategyPositions?.map((x) => x.qty.toFixed())).toEqual(
      ['-1'],
    )
    expect(p.snapshot().strategyPositions).toBeUndefined()
    // Venue quantity no strategy's fills explain (a reconciliation, a liquidation) is reported as unattributed.
    expect(p.snapshot(undefined, { strategyId: 'a' }).unattributedPositions).toEqual([])
    p.reconcileWith({
      positions: [
        {
          venue: 'fake',
          symbol: BTCPERP.symbol,
          qty: new Decimal(5),
          entryPrice: new Decimal(100),
          realizedPnl: new Decimal(0),
          unrealizedPnl: new Decimal(0),
        },
      ],
    })
    expect(
      p.snapshot(undefined, { strategyId: 'a' }).unattributedPositions?.map((x) => x.qty.toFixed()),
    ).toEqual(['3'])
  })
})
