import { describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock } from '../core/index.js'
import { Portfolio } from '../execution/index.js'
import { account, D, instrument, market, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)
/** ETH quoted in BTC, in an account that counts in USDT. */
const ethbtc = instrument({
  symbol: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: D('0.00001'),
  minNotional: D('0.0001'),
})
/** 10,000 USDT of equity, a BTC valued at 50,000 USDT: 0.2 BTC. */
const usdt = (rates: Record<string, string> = { BTC: '50000' }): Partial<AccountSnapshot> => ({
  valuation: {
    currency: 'USDT',
    rates: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, D(v)])),
  },
})

function make(config: RiskManagerConfig = {}) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, maxPositionsPerInstrument: 5, ...config })
  const at = { priceTs: T0 }
  const evaluate = (a: Partial<AccountSnapshot>, over: Parameters<typeof signal>[0] = {}, price = '0.05') =>
    risk.evaluate(
      signal({ symbol: 'ETHBTC', stopPrice: D('0.049'), ...over }),
      account(a),
      market({ instrument: ethbtc, price: D(price), ...at }),
    )
  return { risk, clock, evaluate }
}

const qtyOf = (r: ReturnType<ReturnType<typeof make>['evaluate']>) =>
  r.ok ? r.value.qty.toString() : r.error.code

describe('RiskManager: an instrument quoted in another currency than the account’s', () => {
  it('sizes the risk in the quote currency: 1 % of 0.2 BTC over a 0.001 BTC stop is 2 ETH, not 100,000', () => {
    expect(qtyOf(make().evaluate(usdt()))).toBe('2')
    // The same account without a valuation is taken to be in BTC (the old reading: 10,000 "BTC", up to maxQty).
    expect(qtyOf(make().evaluate({}))).toBe('9000')
  })

  it('maxNotionalBySymbol gives a cross-quoted instrument its own cap, in its quote currency', () => {
    // maxNotional 1,000 is meant in USDT; for ETHBTC it would read as 1,000 BTC (no cap). Its own entry: 0.05 BTC.
    const cfg = { maxNotional: '1000', maxNotionalBySymbol: { ETHBTC: '0.05' } }
    expect(qtyOf(make(cfg).evaluate(usdt()))).toBe('1') // 0.05 BTC at 0.05
    expect(qtyOf(make({ maxNotional: '1000' }).evaluate(usdt()))).toBe('2') // the risk budget, uncapped
    // `venue:symbol` wins over the symbol.
    const both = { maxNotionalBySymbol: { ETHBTC: '0.05', 'binance:ETHBTC': '0.025' } }
    expect(qtyOf(make(both).evaluate(usdt()))).toBe('0.5')
    expect(() => make({ maxNotionalBySymbol: { ETHBTC: '0' } })).toThrow(/maxNotionalBySymbol/)
  })

  it('caps the position at a fraction of the equity in the quote currency', () => {
    // 25 % of 0.2 BTC at 0.05: 1 ETH.
    expect(qtyOf(make({ maxPositionFraction: 0.25 }).evaluate(usdt()))).toBe('1')
  })

  it('reads free margin in the quote currency: 500 USDT free is 0.01 BTC, 0.2 ETH at 0.05 (× 0.95 safety)', () => {
    const r = make().evaluate({ ...usdt(), freeMargin: D('500') })
    expect(qtyOf(r)).toBe('0.19')
  })

  it('refuses an entry when the account has no rate for the quote currency, and still lets an exit through', () => {
    const { evaluate } = make()
    const r = evaluate(usdt({}))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT')
      expect(r.error.values).toMatchObject({ field: 'valuation', quote: 'BTC', currency: 'USDT' })
    }
    const exit = evaluate(
      { ...usdt({}), positions: [position('ETHBTC', '3')] },
      { side: 'SELL', intent: 'EXIT' },
    )
    expect(qtyOf(exit)).toBe('3')
  })

  it('refuses a malformed valuation or rate as INVALID_INPUT for an entry, never a crash; an exit goes through', () => {
    const { evaluate } = make()
    const bad = [
      { valuation: null },
      { valuation: { currency: 7, rates: {} } },
      { valuation: { currency: 'USDT', rates: null } },
      { valuation: { currency: 'USDT', rates: { BTC: D(0) } } },
      { valuation: { currency: 'USDT', rates: { BTC: 'abc' } } },
    ] as unknown as Partial<AccountSnapshot>[]
    for (const a of bad) {
      expect(qtyOf(evaluate(a))).toBe('INVALID_INPUT')
      const exit = evaluate({ ...a, positions: [position('ETHBTC', '3')] }, { side: 'SELL', intent: 'EXIT' })
      expect(qtyOf(exit)).toBe('3')
    }
  })

  it('a denial of a converted entry gives its amounts in the quote currency and says which', () => {
    const r = make().evaluate({ ...usdt(), freeMargin: D('-1') })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('INSUFFICIENT_MARGIN')
      expect(r.error.values).toMatchObject({ freeMargin: '-0.00002', quoteCurrency: 'BTC' })
    }
  })

  it('an instrument quoted in the account currency is not converted', () => {
    const clock = new ManualClock(T0)
    const risk = new RiskManager({ clock })
    const r = risk.evaluate(signal(), account(usdt()), market({ priceTs: T0 }))
    expect(qtyOf(r)).toBe('50') // 1 % of 10,000 over a stop 2 away
  })

  it('an approved entry not listed yet takes its margin in the account currency off every other decision', () => {
    const { risk, evaluate } = make()
    // 0.2 ETH at 0.05 BTC: 0.01 BTC, 500 USDT of the 1,000 free.
    const first = evaluate({ ...usdt(), freeMargin: D('1000') }, { stopPrice: D('0.04') })
    expect(qtyOf(first)).toBe('0.2')
    // A BTCUSDT entry next sees 1,000 − 500 = 500 USDT: 5 BTCUSDT at 100 (× 0.95: 4.75).
    const next = risk.evaluate(
      signal(),
      account({ ...usdt(), freeMargin: D('1000') }),
      market({ priceTs: T0 }),
    )
    expect(qtyOf(next)).toBe('4.75')
  })

  it('a Portfolio’s snapshot carries its valuation, so the engine’s decisions convert', () => {
    const clock = new ManualClock(T0)
    const portfolio = new Portfolio({
      balances: { USDT: '10000' },
      currencies: { BTC: '50000' },
      instruments: [ethbtc],
      clock,
    })
    const snap = portfolio.snapshot()
    expect(snap.valuation?.currency).toBe('USDT')
    expect(snap.valuation?.rates.BTC?.toString()).toBe('50000')
    expect(portfolio.snapshot().valuation).toBe(snap.valuation) // the same frozen object until a rate changes
    const risk = new RiskManager({ clock })
    const ethbtcBuy = () =>
      risk.evaluate(
        signal({ symbol: 'ETHBTC', stopPrice: D('0.049') }),
        portfolio.snapshot(),
        market({ instrument: ethbtc, price: D('0.05'), priceTs: T0 }),
      )
    // Sized against 0.2 BTC of equity, but the account holds no BTC to pay with: refused (the venue would).
    const none = ethbtcBuy()
    expect(none.ok ? '' : none.error.values).toMatchObject({ asset: 'BTC', freeCash: '0' })
    // With 0.1 BTC: equity 15,000 USDT is 0.3 BTC, 1 % over a 0.001 stop is 3 ETH (0.15 BTC), within 95 % of 0.1 BTC.
    portfolio.deposit('BTC', '0.1')
    expect(qtyOf(ethbtcBuy())).toBe('1.9')
    portfolio.setRate('BTC', '100000')
    expect(portfolio.snapshot().valuation?.rates.BTC?.toString()).toBe('100000')
  })
})
