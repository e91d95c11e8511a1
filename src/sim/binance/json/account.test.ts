import { describe, expect, it } from 'vitest'
import { SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import { futuresBalanceJson, positionJson, premiumJson, spotAccountJson } from './account.js'
import { futuresAccountJson } from './futuresAccount.js'

describe('Binance account payloads', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 2)
  const acc = engine.addAccount('k', { USDT: '5' }, '1000')
  const now = () => 42

  it('shapes spot and USD-M accounts', () => {
    expect(spotAccountJson(acc, now)).toMatchObject({
      accountType: 'SPOT',
      updateTime: 42,
      balances: [{ asset: 'USDT', free: '5.00000000', locked: '0.00000000' }],
    })
    expect(futuresBalanceJson(engine, acc, now)).toMatchObject({ asset: 'USDT', balance: '1000.00000000' })
    expect(futuresAccountJson(engine, acc, now)).toMatchObject({
      totalWalletBalance: '1000.00000000',
      positions: [],
    })
  })

  it('shapes a flat position and the premium index', () => {
    const m = engine.market('usdm', 'BTCUSDT')
    expect(positionJson(engine, acc, m, now)).toMatchObject({
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      updateTime: 42,
    })
    expect(premiumJson(m, 1)).toMatchObject({ symbol: 'BTCUSDT', nextFundingTime: 28_800_000, time: 1 })
  })
})
