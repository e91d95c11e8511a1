// A sweep module used by the sweep test: one EMA crossover backtest per parameter set.
import type { Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { EmaCrossover } from '../../strategies/index.js'
import { Backtester } from '../Backtester.js'
import { syntheticCandles } from '../sources.js'

const btc: Instrument = {
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

export default async function run(params: { fast: number; slow: number }) {
  const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }
  const bt = new Backtester({
    instruments: [btc],
    balances: { USDT: '10000' },
    strategies: () => [new EmaCrossover({ ...labels, fast: params.fast, slow: params.slow })],
  })
  return bt.run(syntheticCandles(600, { ...labels, seed: 11 }))
}
