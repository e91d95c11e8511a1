import { describe, expect, it } from 'vitest'
import type { FundingPayment } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { PortfolioPosition } from './PortfolioEvents.js'
import { VenueFunding } from './VenueFunding.js'

const pay = (o: Partial<FundingPayment> = {}): FundingPayment => ({
  venue: 'binance-usdm',
  asset: 'USDT',
  amount: new Decimal('-0.5'),
  tsEvent: 1_000,
  ...o,
})
const pos = (
  symbol: string,
  qty: string,
  kind: PortfolioPosition['kind'] = 'perpetual',
  venue = 'binance-usdm',
) => ({ venue, symbol, qty: new Decimal(qty), kind }) as PortfolioPosition
const quotes: Record<string, string> = { BTCUSDT: 'USDT', ETHUSDT: 'USDT', BTCUSDC: 'USDC' }
const quoteOf = (_v: string, s: string) => quotes[s]

describe('VenueFunding', () => {
  it('claims a payment once: a replay (same venue, time, asset, symbol) is refused', () => {
    const f = new VenueFunding()
    expect(f.claim(pay({ symbol: 'BTCUSDT' }), [], quoteOf)).toBe('BTCUSDT')
    expect(f.claim(pay({ symbol: 'BTCUSDT' }), [], quoteOf)).toBeUndefined()
    // a replay with another amount is still the same event
    expect(f.claim(pay({ symbol: 'BTCUSDT', amount: new Decimal('-0.6') }), [], quoteOf)).toBeUndefined()
    // any of time, asset, symbol or venue differing: another payment
    expect(f.claim(pay({ symbol: 'BTCUSDT', tsEvent: 1_001 }), [], quoteOf)).toBe('BTCUSDT')
    expect(f.claim(pay({ symbol: 'BTCUSDT', asset: 'BNB' }), [], quoteOf)).toBe('BTCUSDT')
    expect(f.claim(pay({ symbol: 'ETHUSDT' }), [], quoteOf)).toBe('ETHUSDT')
    expect(f.claim(pay({ symbol: 'BTCUSDT', venue: 'other' }), [], quoteOf)).toBe('BTCUSDT')
    expect(VenueFunding.keyOf(pay())).toBe('binance-usdm|1000|USDT|')
  })

  it('forgets the oldest payments past its capacity', () => {
    const f = new VenueFunding(2)
    for (const t of [1, 2, 3]) expect(f.claim(pay({ symbol: 'X', tsEvent: t }), [], quoteOf)).toBe('X')
    expect(f.claim(pay({ symbol: 'X', tsEvent: 3 }), [], quoteOf)).toBeUndefined()
    expect(f.claim(pay({ symbol: 'X', tsEvent: 1 }), [], quoteOf)).toBe('X')
  })

  it('a payment naming no symbol goes to the only open perpetual on the venue in its asset, else to none', () => {
    const open = [
      pos('BTCUSDT', '0.5'),
      pos('ETHUSDT', '0'), // flat
      pos('BTCUSDC', '-1'), // another asset
      pos('BTCUSDT', '2', 'perpetual', 'other-venue'),
      pos('SOLUSDT', '3', 'spot'),
    ]
    expect(new VenueFunding().claim(pay(), open, (_v, s) => (s === 'SOLUSDT' ? 'USDT' : quotes[s]))).toBe(
      'BTCUSDT',
    )
    expect(new VenueFunding().claim(pay(), [...open, pos('ETHUSDT', '1')], quoteOf)).toBe('')
    expect(new VenueFunding().claim(pay(), [], quoteOf)).toBe('')
  })

  it('charge: a long pays a positive rate, a short receives it', () => {
    expect(VenueFunding.charge(new Decimal('2'), new Decimal('100'), '0.0001').toString()).toBe('-0.02')
    expect(VenueFunding.charge(new Decimal('-2'), new Decimal('100'), '0.0001').toString()).toBe('0.02')
  })
})
