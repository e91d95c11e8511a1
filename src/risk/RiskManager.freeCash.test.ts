import { describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock } from '../core/index.js'
import { Portfolio } from '../execution/index.js'
import { account, D, instrument, market, openOrder, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)
/** BTC quoted in USDC, traded from an account that holds mostly USDT (a stablecoin valued at 1 USDT). */
const btcusdc = instrument({ symbol: 'BTCUSDC', quote: 'USDC' })
const perp = instrument({ symbol: 'BTCUSDC', quote: 'USDC', kind: 'perpetual' })
/** 10,000 USDT and 100 USDC: 10,100 of equity and free margin, of which a BTCUSDC buy may spend 100. */
const mixed = (free: Record<string, string> = { USDT: '10000', USDC: '100' }): Partial<AccountSnapshot> => ({
  equity: D('10100'),
  freeMargin: D('10100'),
  freeCash: Object.fromEntries(Object.entries(free).map(([k, v]) => [k, D(v)])),
})

function make(config: RiskManagerConfig = {}) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, maxPositionsPerInstrument: 5, ...config })
  const evaluate = (a: Partial<AccountSnapshot>, over: Parameters<typeof signal>[0] = {}, inst = btcusdc) =>
    risk.evaluate(
      signal({ symbol: 'BTCUSDC', ...over }),
      account(a),
      market({ instrument: inst, priceTs: T0 }),
    )
  return { risk, clock, evaluate }
}

const qtyOf = (r: ReturnType<ReturnType<typeof make>['evaluate']>) =>
  r.ok ? r.value.qty.toString() : r.error.code

describe('RiskManager: a spot buy spends its quote asset’s own cash', () => {
  it('caps a BTCUSDC buy at the free USDC (× 0.95 safety), not the whole account’s free margin', () => {
    // Without freeCash the 10,100 of free margin sizes it: 1 % of 10,100 over a stop 2 below is 50.5 BTC (capped by
    // the position fraction); the venue would refuse it for want of USDC.
    const { freeCash: _, ...unsplit } = mixed()
    expect(Number(qtyOf(make().evaluate(unsplit)))).toBeGreaterThan(1)
    const r = make().evaluate(mixed())
    expect(qtyOf(r)).toBe('0.95') // 95 USDC at 100
  })

  it('refuses a buy when the snapshot lists no cash of its quote asset, naming the asset', () => {
    const r = make().evaluate(mixed({ USDT: '10000' }))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INSUFFICIENT_MARGIN')
    expect(r.error.values).toMatchObject({ asset: 'USDC', freeCash: '0' })
    expect(r.error.message).toContain('"USDC"')
  })

  it('takes what approved entries not listed yet spend of the asset off it: two buys on one snapshot', () => {
    const { evaluate } = make()
    const snap = mixed({ USDT: '10000', USDC: '150' })
    expect(qtyOf(evaluate(snap))).toBe('1.425') // 142.5 of 150
    // The first approval spends 142.5 USDC when it fills: 7.5 left, 95 % of it.
    expect(qtyOf(evaluate(snap))).toBe('0.071')
    const third = evaluate(mixed({ USDT: '10000', USDC: '140' }))
    expect(third.ok).toBe(false)
    if (!third.ok) expect(third.error.values).toMatchObject({ asset: 'USDC', reservedCash: '149.6' })
  })

  it('keeps the free margin when it is the smaller bound', () => {
    const r = make().evaluate({ ...mixed({ USDC: '1000000' }), freeMargin: D('100') })
    expect(qtyOf(r)).toBe('0.95') // 95 of the 100 of free margin
  })

  it('does not bound a perpetual, a sell or an exit by cash', () => {
    // A perpetual is margined: free margin alone.
    expect(qtyOf(make().evaluate(mixed({ USDT: '10000' }), {}, perp))).not.toBe('INSUFFICIENT_MARGIN')
    // An exit sells what is held.
    const exit = make().evaluate(
      { ...mixed({ USDT: '10000' }), positions: [position('BTCUSDC', '2')] },
      { intent: 'EXIT', side: 'SELL', stopPrice: undefined },
    )
    expect(qtyOf(exit)).toBe('2')
  })

  it('a reserved sell, or a perpetual entry, spends no cash: only reserved spot buys paying in the asset count', () => {
    const { evaluate } = make({ maxPositionsPerInstrument: 5 })
    const snap = mixed()
    // A perpetual BUY and a spot SELL entry on instruments quoted in USDC are approved and reserved...
    expect(qtyOf(evaluate(snap, {}, perp))).not.toBe('INSUFFICIENT_MARGIN')
    const ethusdc = instrument({ symbol: 'ETHUSDC', quote: 'USDC' })
    evaluate(
      { ...snap, positions: [position('ETHUSDC', '1')] },
      { symbol: 'ETHUSDC', side: 'SELL', stopPrice: D('102') },
      ethusdc,
    )
    // ...and the next BTCUSDC buy still has its 100 USDC.
    expect(qtyOf(evaluate(snap))).toBe('0.95')
  })

  it('refuses a malformed freeCash as invalid input, and an entry only', () => {
    const bad = make().evaluate({ ...mixed(), freeCash: 'lots' as unknown as AccountSnapshot['freeCash'] })
    expect(bad.ok ? '' : bad.error.values).toMatchObject({ field: 'freeCash' })
    const nan = make().evaluate({
      ...mixed(),
      freeCash: { USDC: Number.NaN as unknown as ReturnType<typeof D> },
    })
    expect(nan.ok ? '' : nan.error.values).toMatchObject({ field: 'freeCash', asset: 'USDC' })
  })
})

describe('Portfolio.snapshot: freeCash', () => {
  it('lists each cash asset less what paper holds and open orders commit of it, in that asset', () => {
    const clock = new ManualClock(T0)
    const portfolio = new Portfolio({
      balances: { USDT: '10000', USDC: '500' },
      currencies: { USDC: '1' },
      instruments: [btcusdc, instrument()],
      clock,
    })
    const snap = portfolio.snapshot()
    expect(snap.freeCash?.USDC?.toString()).toBe('500')
    expect(snap.freeCash?.USDT?.toString()).toBe('10000')
    portfolio.hold('paper-1', 'USDC', D('100'))
    expect(portfolio.snapshot().freeCash?.USDC?.toString()).toBe('400')
    // A live bid of 2 at 90 on BTCUSDC the account follows (held by the venue, not here): 180 USDC; one on BTCUSDT
    // commits USDT.
    const bid = openOrder('live-1', { symbol: 'BTCUSDC', qty: D('2'), price: D('90'), status: 'OPEN' })
    const usdtBid = openOrder('live-2', { qty: D('1'), price: D('90'), status: 'OPEN' })
    const withOrders = portfolio.snapshot([bid, usdtBid])
    expect(withOrders.freeCash?.USDC?.toString()).toBe('220')
    expect(withOrders.freeCash?.USDT?.toString()).toBe('9910')
    expect(withOrders.freeMargin.toString()).toBe('10130') // 9,910 + 220: the same sums in the account currency
  })

  it('a spot holding is a position, not cash: BTC held on BTCUSDT does not pay an ETHBTC buy', () => {
    const clock = new ManualClock(T0)
    const btcusdt = instrument()
    const ethbtc = instrument({ symbol: 'ETHBTC', base: 'ETH', quote: 'BTC', tickSize: D('0.00001') })
    const portfolio = new Portfolio({
      balances: { USDT: '100000' },
      currencies: { BTC: '50000' },
      instruments: [btcusdt, ethbtc],
      clock,
    })
    const bought = portfolio.applyFill({
      venue: 'binance',
      symbol: 'BTCUSDT',
      clientOrderId: 'c1',
      tradeId: 't1',
      side: 'BUY',
      price: D('50000'),
      qty: D('1'),
      fee: D('0'),
      feeAsset: 'USDT',
      liquidity: 'TAKER',
      tsEvent: T0,
    })
    expect(bought.ok).toBe(true)
    // Spent on ETHBTC, the BTC would leave the BTCUSDT position claiming a bitcoin the wallet no longer has (its exit
    // refused by the venue): sell it on BTCUSDT first, or hold BTC as cash.
    const ask = openOrder('live-ask', { side: 'SELL', qty: D('0.4'), price: D('60000'), status: 'OPEN' })
    expect(portfolio.snapshot([ask]).freeCash?.BTC).toBeUndefined()
    const risk = new RiskManager({ clock })
    const buy = risk.evaluate(
      signal({ symbol: 'ETHBTC', stopPrice: D('0.049') }),
      portfolio.snapshot(),
      market({ instrument: ethbtc, price: D('0.05'), priceTs: T0 }),
    )
    expect(buy.ok ? '' : buy.error.values).toMatchObject({ asset: 'BTC', freeCash: '0' })
  })

  it('a perpetual order takes margin, not cash: the snapshot’s freeCash leaves it out', () => {
    const portfolio = new Portfolio({
      accountCurrency: 'USDC',
      balances: { USDC: '100' },
      instruments: [perp],
      clock: new ManualClock(T0),
    })
    const bid = openOrder('perp-bid', { symbol: 'BTCUSDC', qty: D('1'), price: D('90'), status: 'OPEN' })
    const snap = portfolio.snapshot([bid])
    expect(snap.freeCash?.USDC?.toString()).toBe('100')
    expect(snap.freeMargin.toString()).toBe('10') // its margin at leverage 1
  })

  it('sizes a BTCUSDC buy within the USDC a Portfolio holds', () => {
    const clock = new ManualClock(T0)
    const portfolio = new Portfolio({
      balances: { USDT: '10000', USDC: '100' },
      currencies: { USDC: '1' },
      instruments: [btcusdc],
      clock,
    })
    const risk = new RiskManager({ clock })
    const r = risk.evaluate(
      signal({ symbol: 'BTCUSDC' }),
      portfolio.snapshot(),
      market({ instrument: btcusdc, priceTs: T0 }),
    )
    expect(qtyOf(r)).toBe('0.95')
  })
})
