import { describe, expect, it } from 'vitest'
import type { Candle, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import type { Strategy, StrategyContext } from '../strategies/index.js'
import { Backtester } from './Backtester.js'
import { syntheticCandles } from './sources.js'

const spot = (symbol: string, base: string, quote: string): Instrument => ({
  venue: 'binance',
  symbol,
  base,
  quote,
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
})
const btcusdt = spot('BTCUSDT', 'BTC', 'USDT')
const ethbtc = spot('ETHBTC', 'ETH', 'BTC')

/** Buys each symbol once, on its first candle. */
function buyOnFirstCandle(): Strategy {
  const bought = new Set<string>()
  return {
    id: 'buy-first',
    requirements: {
      instruments: [
        { venue: 'binance', symbol: 'BTCUSDT' },
        { venue: 'binance', symbol: 'ETHBTC' },
      ],
      candles: ['1m'],
    },
    onCandle(c: Candle, ctx: StrategyContext) {
      if (bought.has(c.symbol)) return
      bought.add(c.symbol)
      ctx.signal({ venue: c.venue, symbol: c.symbol, side: 'BUY', intent: 'ENTRY', reason: 'first candle' })
    },
  }
}

/** 20 one-minute bars of both pairs, interleaved oldest first. */
function candles(): Candle[] {
  const a = [...syntheticCandles(20, { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', seed: 1 })]
  const b = [...syntheticCandles(20, { venue: 'binance', symbol: 'ETHBTC', interval: '1m', seed: 2 })]
  return a.flatMap((c, i) => [c, b[i] as Candle])
}

describe('Backtester: fees in several assets', () => {
  it('`fees` counts the account currency only; `feesByAsset` has every fee asset, unconverted', async () => {
    const mk = (instruments: Instrument[], currencies: Record<string, string> = { BTC: '60000' }) =>
      new Backtester({
        instruments,
        balances: { USDT: '100000', BTC: '1000' },
        currencies,
        strategies: () => [buyOnFirstCandle()],
        risk: {
          sizing: { method: 'fixedNotional', notional: '50' },
          requireStop: false,
          breakers: {
            dailyLoss: false,
            drawdown: false,
            consecutiveLosses: false,
            orderRate: false,
            rejectionRate: false,
          },
        },
        paper: { takerFeeRate: '0.01' },
      })
    const r = await mk([btcusdt, ethbtc]).run(candles())
    const usdtOnly = await mk([btcusdt]).run(candles().filter((c) => c.symbol === 'BTCUSDT'))
    expect(r.errors).toEqual([])
    expect(r.signals).toBe(2)
    expect(r.denied).toBe(0)
    // The same BTCUSDT fill as the run without ETHBTC: `fees` is its USDT fee, the ETHBTC fee in BTC is not added.
    expect(usdtOnly.fees).toBeGreaterThan(0.4)
    expect(r.fees).toBe(usdtOnly.fees)
    // 1 % of ≈ 50 USDT on BTCUSDT and 1 % of ≈ 50 BTC on ETHBTC: two fees in two currencies.
    const byAsset = r.feesByAsset ?? {}
    expect(Object.keys(byAsset).sort()).toEqual(['BTC', 'USDT'])
    expect(Number(byAsset.USDT)).toBeGreaterThan(0.4)
    expect(Number(byAsset.BTC)).toBeGreaterThan(0.4)
    expect(r.fees).toBe(Number(byAsset.USDT))
  })

  it('refuses a rate that is not above zero, or one for the account currency, when constructed', () => {
    const bad: Record<string, string>[] = [{ BTC: '-1' }, { BTC: '0' }, { BTC: 'abc' }, { USDT: '1' }]
    for (const currencies of bad) {
      expect(
        () =>
          new Backtester({
            instruments: [btcusdt, ethbtc],
            balances: { USDT: '1000' },
            currencies,
            strategies: () => [buyOnFirstCandle()],
          }),
      ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
    }
  })

  it('an entry quoted in an asset the account does not value is refused, not sized against USDT equity', async () => {
    const r = await new Backtester({
      instruments: [btcusdt, ethbtc],
      balances: { USDT: '100000', BTC: '1000' },
      strategies: () => [buyOnFirstCandle()],
      risk: { sizing: { method: 'fixedNotional', notional: '50' }, requireStop: false },
    }).run(candles())
    expect(r.signals).toBe(2)
    expect(r.denied).toBe(1)
    expect(r.deniedByCode).toEqual({ INVALID_INPUT: 1 })
    // The BTCUSDT entry trades (its USDT fee); ETHBTC paid no BTC fee (no other fee asset is listed).
    expect(r.fees).toBeGreaterThan(0)
    expect(r.feesByAsset).toBeUndefined()
  })
})
