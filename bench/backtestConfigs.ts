/**
 * The two backtest configurations measured by `bench/backtest.bench.ts` and pinned by
 * `test/integration/backtest/reportsUnchanged.test.ts` (whose JSON reports must stay byte-identical while the hot
 * paths get faster):
 * - `quiet`: the docs' EmaCrossover 9/21 setup with fixed-fractional sizing and every breaker on its defaults, but a
 *   losing streak that only halts after 1000 losses (the defaults halt after 5, and a halted engine is not a bot
 *   worth measuring);
 * - `tradeHeavy`: fixed 1,000 USDT orders, breakers off, no stop required: thousands of trades.
 */
import type { BacktesterConfig } from '../src/backtest/index.js'
import type { Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { EmaCrossover } from '../src/strategies/index.js'

export const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' } as const

export const btc: Instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
}

/** Backtester config of one named setup. */
export function backtestConfig(name: 'quiet' | 'tradeHeavy'): BacktesterConfig {
  const strategies = () => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })]
  if (name === 'quiet')
    return {
      instruments: [btc],
      balances: { USDT: '10000' },
      strategies,
      risk: {
        sizing: { method: 'fixedFractional', riskFraction: 0.01 },
        maxPositionFraction: 0.25,
        breakers: {
          dailyLoss: { resetAtDayStart: true },
          drawdown: { maxDrawdownFraction: 0.5 },
          consecutiveLosses: { reduceAfter: 5, haltAfter: 50, cooldownMs: 3_600_000 },
        },
      },
      paper: { takerFeeRate: '0.001' },
    }
  return {
    instruments: [btc],
    balances: { USDT: '100000' },
    strategies,
    risk: {
      sizing: { method: 'fixedNotional', notional: '1000' },
      requireStop: false,
      breakers: {
        dailyLoss: false,
        drawdown: false,
        consecutiveLosses: false,
        orderRate: false,
        rejectionRate: false,
      },
    },
    paper: { takerFeeRate: '0.001' },
  }
}
