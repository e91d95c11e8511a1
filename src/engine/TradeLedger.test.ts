import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { Fill, Instrument, Side } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { Portfolio } from '../execution/index.js'
import { BTCPERP, BTCUSDT, testFill } from '../execution/testing/fixtures.js'
import { type ClosedTrade, TradeLedger } from './TradeLedger.js'

let tid = 0
const fill = (side: Side, qty: string, price: string, fee: string, extra: Partial<Fill> = {}): Fill =>
  testFill(BTCPERP, side, qty, price, { tradeId: `t${++tid}`, fee: new Decimal(fee), tsEvent: tid, ...extra })

/** A portfolio on `inst` whose applied fills feed a ledger, as the TradingEngine wires them. */
function rig(inst: Instrument = BTCPERP, reversible = false) {
  const portfolio = new Portfolio({
    balances: { USDT: '100000' },
    instruments: [inst],
    clock: new ManualClock(0),
    ...(reversible ? { reversibleKinds: [inst.kind] } : {}),
  })
  const ledger = new TradeLedger()
  const closed: ClosedTrade[] = []
  const reopened: ClosedTrade[] = []
  portfolio.events.on('fill.applied', (e) => {
    const t = ledger.apply(e.applied)
    if (t !== undefined) closed.push(t)
  })
  portfolio.events.on('fill.reversed', (e) => {
    const t = ledger.reverse(e.applied)
    if (t !== undefined) reopened.push(t)
  })
  const apply = (f: Fill): void => {
    const r = portfolio.applyFill(f)
    if (!r.ok) throw r.error
  }
  return { portfolio, ledger, closed, reopened, apply }
}

describe('TradeLedger', () => {
  it('dust a reducing fill leaves opens no trade (the exit of a position restored after a restart)', () => {
    const { portfolio, apply, closed, ledger } = rig(BTCUSDT)
    portfolio.restore({ positions: [{ venue: 'fake', symbol: 'BTCUSDT', qty: '1.0009', entryPrice: '90' }] })
    const spot = (side: Side, qty: string, fee = '0') =>
      testFill(BTCUSDT, side, qty, '100', { tradeId: `t${++tid}`, fee: new Decimal(fee), tsEvent: tid })
    apply(spot('SELL', '1', '0.1')) // leaves 0.0009: dust
    expect(ledger.openCount).toBe(0)
    apply(spot('BUY', '1', '0.1'))
    apply(spot('SELL', '1', '0.1'))
    expect(closed.map((t) => t.fees.toFixed())).toEqual(['0.2']) // the restored exit folded into no round trip
  })

  it('buys that stay below a step do not close their trade', () => {
    const { apply, closed, ledger } = rig(BTCUSDT)
    const spot = (side: Side, qty: string) =>
      testFill(BTCUSDT, side, qty, '100', { tradeId: `t${++tid}`, fee: new Decimal('0.1'), tsEvent: tid })
    apply(spot('BUY', '0.0005'))
    apply(spot('BUY', '0.0004'))
    expect(closed).toEqual([])
    expect(ledger.openCount).toBe(1)
  })

  it('a first fill smaller than a step opens the trade: its fee counts in the round trip', () => {
    const { apply, closed } = rig(BTCUSDT)
    const spot = (side: Side, qty: string, fee: string) =>
      testFill(BTCUSDT, side, qty, '100', { tradeId: `t${++tid}`, fee: new Decimal(fee), tsEvent: tid })
    apply(spot('BUY', '0.0005', '0.1'))
    const opened = tid
    apply(spot('BUY', '1.0005', '0.3'))
    apply(spot('SELL', '1.001', '0.2'))
    expect(closed.map((t) => [t.fees.toFixed(), t.openedAt])).toEqual([['0.6', opened]])
  })

  it('closes a spot round trip that leaves dust (a fee taken in the base asset), and opens the next one', () => {
    const { apply, closed, ledger } = rig(BTCUSDT)
    const spot = (side: Side, qty: string, fee: string, feeAsset: string) =>
      testFill(BTCUSDT, side, qty, '100', {
        tradeId: `t${++tid}`,
        fee: new Decimal(fee),
        feeAsset,
        tsEvent: tid,
      })
    apply(spot('BUY', '1.111', '0.001111', 'BTC'))
    apply(spot('SELL', '1.109', '0.1109', 'USDT'))
    expect(closed).toHaveLength(1)
    expect(ledger.openCount).toBe(0)
    apply(spot('BUY', '1', '0.001', 'BTC'))
    expect(ledger.openCount).toBe(1)
  })

  it('closes a round trip with its PnL net of every fee', () => {
    const { closed, apply, ledger } = rig()
    apply(fill('BUY', '1', '100', '0.1'))
    apply(fill('SELL', '1', '110', '0.11'))
    expect(closed).toHaveLength(1)
    expect(closed[0]?.side).toBe('BUY')
    expect(closed[0]?.pnl.toFixed()).toBe('9.79')
    expect(closed[0]?.fees.toFixed()).toBe('0.21')
    expect(ledger.openCount).toBe(0)
  })

  it('splits the fee of a flipping fill pro rata: the closing part to the closed trade, the rest to the new one', () => {
    const { closed, apply, ledger } = rig()
    apply(fill('BUY', '1', '100', '0.1'))
    // Sells 3 at 110 with a fee of 0.33: 1 closes the long (fee 0.11), 2 open a short (fee 0.22).
    apply(fill('SELL', '3', '110', '0.33'))
    expect(closed).toHaveLength(1)
    expect(closed[0]?.fees.toFixed()).toBe('0.21') // 0.1 + 0.11
    expect(closed[0]?.maxQty.toFixed()).toBe('1') // the long never held more than 1 (the short of 2 is the next trade)
    expect(closed[0]?.pnl.toFixed()).toBe('9.79') // 10 − 0.1 − 0.11
    expect(ledger.openCount).toBe(1)
    // Buys the short back at 105 with a fee of 0.21.
    apply(fill('BUY', '2', '105', '0.21'))
    expect(closed).toHaveLength(2)
    expect(closed[1]?.side).toBe('SELL')
    expect(closed[1]?.maxQty.toFixed()).toBe('2')
    expect(closed[1]?.fees.toFixed()).toBe('0.43') // 0.22 + 0.21
    expect(closed[1]?.pnl.toFixed()).toBe('9.57') // 10 − 0.22 − 0.21
  })

  it('a flipping fee that does not divide evenly is split with no rounding loss: the parts add up to the fee', () => {
    const { closed, apply, portfolio } = rig()
    apply(fill('BUY', '1', '100', '0'))
    apply(fill('SELL', '3', '100', '1')) // 1/3 and 2/3 of 1 have no finite decimal form
    apply(fill('BUY', '2', '100', '0'))
    expect(closed).toHaveLength(2)
    const [a, b] = closed as [ClosedTrade, ClosedTrade]
    expect(a.fees.plus(b.fees).toFixed()).toBe('1')
    expect(a.pnl.plus(b.pnl).toFixed()).toBe('-1')
    expect(a.pnl.plus(b.pnl).toFixed()).toBe(portfolio.realizedPnl().toFixed())
    // Pro rata within Decimal precision: the closing third is 0.333…, the opening two thirds the rest.
    expect(a.fees.toSignificantDigits(10).toFixed()).toBe('0.3333333333')
    expect(b.fees.toSignificantDigits(10).toFixed()).toBe('0.6666666667')
    expect(a.pnl.neg().eq(a.fees) && b.pnl.neg().eq(b.fees)).toBe(true)
  })

  it('a tiny opening part of a large fee is split exactly too (summed at 100 digits, not rounded back)', () => {
    const Wide = Decimal.clone({ precision: 100 })
    const { closed, apply } = rig()
    apply(fill('BUY', '1000', '100', '0'))
    apply(fill('SELL', '1000.0007', '100', '7')) // opens 0.0007 of 1000.0007
    apply(fill('BUY', '0.0007', '100', '0'))
    const [a, b] = closed as [ClosedTrade, ClosedTrade]
    expect(new Wide(a.fees.toFixed()).plus(b.fees.toFixed()).toFixed()).toBe('7')
    expect(new Wide(a.pnl.toFixed()).plus(b.pnl.toFixed()).toFixed()).toBe('-7')
    expect(b.fees.toSignificantDigits(8).toFixed()).toBe('0.0000048999966')
  })

  it('a flip whose fee is in a third asset moves neither the PnL nor the quote fees (the portfolio did not deduct it): feesByAsset has it', () => {
    const { closed, apply } = rig()
    apply(fill('BUY', '1', '100', '0', { feeAsset: 'BNB' }))
    apply(fill('SELL', '4', '110', '0.004', { feeAsset: 'BNB' }))
    apply(fill('BUY', '3', '110', '0', { feeAsset: 'BNB' }))
    expect(closed.map((t) => [t.pnl.toFixed(), t.fees.toFixed(), t.feesByAsset.BNB?.toFixed()])).toEqual([
      ['10', '0', '0.001'],
      ['0', '0', '0.003'],
    ])
  })

  it('spot fees in the base and in the quote asset: fees in the quote as deducted, feesByAsset as charged', () => {
    // Binance spot takes a buy's fee in the base asset and a sale's in the quote: never added together as charged.
    const { closed, apply } = rig(BTCUSDT)
    const spot = (side: Side, qty: string, price: string, fee: string, feeAsset: string) =>
      testFill(BTCUSDT, side, qty, price, {
        tradeId: `t${++tid}`,
        fee: new Decimal(fee),
        feeAsset,
        tsEvent: tid,
      })
    apply(spot('BUY', '1.001', '100', '0.001', 'BTC')) // 1 BTC received, a fee worth 0.1 USDT
    apply(spot('SELL', '1', '110', '0.11', 'USDT'))
    expect(closed).toHaveLength(1)
    const [t] = closed as [ClosedTrade]
    expect(t.fees.toFixed()).toBe('0.21')
    expect(Object.fromEntries(Object.entries(t.feesByAsset).map(([a, f]) => [a, f.toFixed()]))).toEqual({
      BTC: '0.001',
      USDT: '0.11',
    })
    // The PnL is net of exactly those quote fees: 1 BTC bought for 100.1 (fee included), sold for 110 less 0.11.
    expect(t.pnl.toFixed()).toBe('9.79')
  })

  it('a reversed closing fill reopens its trade as it was; the next close counts the real round trip', () => {
    const { portfolio, ledger, closed, reopened, apply } = rig(BTCPERP, true)
    apply(fill('BUY', '1', '100', '0.1'))
    const exit = fill('SELL', '1', '110', '0.11')
    apply(exit)
    expect(closed.map((t) => t.pnl.toFixed())).toEqual(['9.79'])
    expect(portfolio.reverseFill(exit).ok).toBe(true)
    expect(reopened.map((t) => t.pnl.toFixed())).toEqual(['9.79'])
    expect(ledger.openCount).toBe(1)
    apply(fill('SELL', '1', '105', '0.105'))
    // 100 → 105 less 0.1 and 0.105, not the reversed exit's 9.79 carried into it.
    expect(closed.map((t) => [t.pnl.toFixed(), t.fees.toFixed(), t.maxQty.toFixed()])).toEqual([
      ['9.79', '0.21', '1'],
      ['4.795', '0.205', '1'],
    ])
    // A reversed flip: the short it opened is gone, the long is open again.
    const flip = fill('SELL', '3', '110', '0.33')
    apply(fill('BUY', '1', '100', '0.1'))
    apply(flip)
    expect(portfolio.reverseFill(flip).ok).toBe(true)
    expect(reopened).toHaveLength(2)
    apply(fill('SELL', '1', '101', '0.101'))
    expect(closed.at(-1)?.pnl.toFixed()).toBe('0.799') // 1 − 0.1 − 0.101
    expect(closed.at(-1)?.side).toBe('BUY')
    expect(ledger.openCount).toBe(0)
  })

  it('a reversed fill that closed nothing leaves the trade in progress without its PnL and fee', () => {
    const { portfolio, closed, reopened, apply } = rig(BTCPERP, true)
    apply(fill('BUY', '1', '100', '0.1'))
    const add = fill('BUY', '1', '102', '0.102')
    apply(add)
    expect(portfolio.reverseFill(add).ok).toBe(true)
    apply(fill('SELL', '1', '110', '0.11'))
    expect(reopened).toEqual([])
    expect(closed.map((t) => [t.pnl.toFixed(), t.fees.toFixed()])).toEqual([['9.79', '0.21']])
  })

  it('a reversed closing fill with fills after it cannot reopen its trade; the result stays and no trade carries its PnL', () => {
    const { portfolio, closed, reopened, apply } = rig(BTCPERP, true)
    apply(fill('BUY', '1', '100', '0'))
    const exit = fill('SELL', '1', '110', '0')
    apply(exit)
    apply(fill('BUY', '1', '105', '0.5')) // a new trade, after the exit
    expect(portfolio.reverseFill(exit).ok).toBe(true)
    expect(reopened).toEqual([]) // the trade as it was is gone: a later fill moved the position
    apply(fill('SELL', '2', '120', '0'))
    // The new trade: its own fee, the lot given back (at 100) and its own (at 105) sold at 120; never the exit's +10.
    expect(closed.map((t) => [t.pnl.toFixed(), t.fees.toFixed(), t.maxQty.toFixed()])).toEqual([
      ['10', '0', '1'],
      ['34.5', '0.5', '2'],
    ])
  })

  it('a reversed fill of an earlier round trip opens no phantom loss', () => {
    const { portfolio, closed, reopened, apply } = rig(BTCPERP, true)
    apply(fill('BUY', '1', '100', '0'))
    const exit = fill('SELL', '1', '110', '0')
    apply(exit)
    apply(fill('BUY', '1', '100', '0'))
    apply(fill('SELL', '1', '100', '0'))
    expect(portfolio.reverseFill(exit).ok).toBe(true)
    expect(reopened).toEqual([])
    apply(fill('SELL', '1', '100', '0'))
    expect(closed.map((t) => t.pnl.toFixed())).toEqual(['10', '0', '0']) // not a −10 from the reversed exit
  })
})
