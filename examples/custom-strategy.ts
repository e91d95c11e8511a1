/**
 * A strategy written from scratch: buy when the close breaks the highest high of the last N candles (a Donchian
 * breakout) with a protective stop at the channel's low; exit when the close falls below the channel's middle.
 * It only emits signals — the RiskManager sizes them and the PaperTrader executes — and it is backtested here.
 *
 *   npx tsx examples/custom-strategy.ts
 */
import { Backtester, syntheticCandles } from '../src/backtest/index.js'
import { type Candle, Decimal, type Instrument } from '../src/index.js'
import { Donchian } from '../src/indicators/index.js'
import type { Strategy, StrategyContext } from '../src/strategies/index.js'

class ChannelBreakout implements Strategy<{ candles: Candle[] }> {
  readonly id = 'channel-breakout'
  readonly requirements
  readonly #channel: Donchian
  #prevUpper: number | undefined
  #history: Candle[] = []

  constructor(
    readonly venue: string,
    readonly symbol: string,
    readonly period = 20,
  ) {
    this.requirements = { instruments: [{ venue, symbol }], candles: ['1m'] }
    this.#channel = new Donchian(period)
  }

  onCandle(c: Candle, ctx: StrategyContext): void {
    this.#history = [...this.#history.slice(-this.period * 2), c]
    const prevUpper = this.#prevUpper
    const ch = this.#channel.update(c)
    if (ch === undefined) return
    this.#prevUpper = ch.upper
    const long = ctx.position(this.venue, this.symbol)?.qty.gt(0) ?? false
    if (!long && prevUpper !== undefined && c.close > prevUpper) {
      ctx.signal({
        venue: this.venue,
        symbol: this.symbol,
        side: 'BUY',
        intent: 'ENTRY',
        stopPrice: new Decimal(ch.lower.toFixed(2)),
        reason: `close ${c.close.toFixed(2)} broke the ${this.period}-candle high ${prevUpper.toFixed(2)}`,
      })
    } else if (long && c.close < ch.middle) {
      ctx.signal({
        venue: this.venue,
        symbol: this.symbol,
        side: 'SELL',
        intent: 'EXIT',
        reason: 'back inside the channel',
      })
    }
  }

  snapshot() {
    return { candles: this.#history }
  }

  restore(state: { candles: Candle[] }) {
    this.#channel.reset()
    this.#prevUpper = undefined
    for (const c of state.candles) this.#prevUpper = this.#channel.update(c)?.upper
    this.#history = [...state.candles]
  }
}

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
const report = await new Backtester({
  instruments: [btc],
  balances: { USDT: '10000' },
  strategies: () => [new ChannelBreakout('binance', 'BTCUSDT', 20)],
  risk: { sizing: { method: 'fixedFractional', riskFraction: 0.01 } },
}).run(syntheticCandles(5000, { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', seed: 5 }))
console.log(
  `signals ${report.signals}, trades ${report.tradeCount}, return ${(report.totalReturn * 100).toFixed(2)}%, max drawdown ${(report.maxDrawdown * 100).toFixed(2)}%`,
)
console.log(`denied by reason: ${JSON.stringify(report.deniedByCode)}`)
for (const c of report.stateChanges) {
  console.log(`${new Date(c.at).toISOString()}  risk ${c.from} -> ${c.to} (${c.reason})`)
}
