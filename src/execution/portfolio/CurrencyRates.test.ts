import { describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { CurrencyRates, valueAt } from './CurrencyRates.js'

describe('CurrencyRates', () => {
  it('values amounts in the account currency; an asset without a rate is not valued', () => {
    const rates = new CurrencyRates('USDT', { pUSD: 1, EUR: '1.1' })
    expect(rates.get('USDT')?.toString()).toBe('1')
    expect(rates.value(new Decimal(5), 'EUR')?.toString()).toBe('5.5')
    expect(rates.value(new Decimal(5), 'USDT')?.toString()).toBe('5')
    expect(rates.value(new Decimal(5), 'GBP')).toBeUndefined()
    expect(rates.value(new Decimal(5), undefined)).toBeUndefined()
    rates.set('GBP', '1.25')
    expect(rates.value(new Decimal(4), 'GBP')?.toString()).toBe('5')
    expect([...rates.entries()].map(([a]) => a)).toEqual(['pUSD', 'EUR', 'USDT', 'GBP'])
  })

  it('refuses a rate for the account currency and rates that are not > 0', () => {
    const rates = new CurrencyRates('USDT')
    expect(() => rates.set('USDT', 2)).toThrow(/account currency/)
    expect(() => rates.set('EUR', 0)).toThrow(/> 0/)
    expect(() => rates.set('EUR', '-1')).toThrow()
    expect(() => new CurrencyRates('USDT', { USDT: 1 })).toThrow(/account currency/)
  })

  it('valueAt multiplies by the rate', () => {
    expect(valueAt(new Decimal(3), new Decimal('0.5')).toString()).toBe('1.5')
  })
})
