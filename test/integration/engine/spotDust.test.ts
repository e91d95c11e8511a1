/**
 * Binance spot takes a buy's commission in the base asset (BinanceSim does, as the venue does without BNB fees): an
 * exit sells the position rounded down to the step and leaves dust no order can sell. That dust must not keep the
 * position open: with the default `maxPositionsPerInstrument` of 1, a strategy that enters and exits in turn trades
 * round trip after round trip on the live path (OrderExecutor, BinanceSpot, loopback BinanceSim), each round trip closed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Candle, Fill, Instrument } from '../../../src/core/types.js'
import { BinanceMarketStream, BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { SystemClock, TradingEngine } from '../../../src/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import type { Strategy, StrategyContext } from '../../../src/strategies/index.js'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Enters on a closed candle when it holds no position and has no order open, exits on the next one when it does. */
class InAndOut implements Strategy {
  readonly id = 'in-and-out'
  readonly requirements
  constructor(readonly inst: Instrument) {
    this.requirements = {
      instruments: [{ venue: inst.venue, symbol: inst.symbol }],
      candles: ['1s' as const],
    }
  }
  onCandle(c: Candle, ctx: StrategyContext): void {
    if (c.isClosed !== true || ctx.openOrders().length > 0) return
    const held = ctx.position(c.venue, c.symbol) !== undefined
    ctx.signal({
      venue: c.venue,
      symbol: c.symbol,
      side: held ? 'SELL' : 'BUY',
      intent: held ? 'EXIT' : 'ENTRY',
      reason: held ? 'out' : 'in',
    })
  }
}

describe('spot dust on BinanceSim', () => {
  it('the dust a base-asset commission leaves after an exit is not an open position: round trips go on', async () => {
    const clock = new SystemClock()
    const sim = await BinanceSim.start({ seed: 7, tickMs: 20 })
    cleanups.push(() => sim.close())
    const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
    cleanups.push(() => spot.close())
    const stream = new BinanceMarketStream({ market: 'spot', streamUrl: sim.urls.spot.streamUrl })
    cleanups.push(() => stream.close())
    const exec = new OrderExecutor({ adapter: spot })
    exec.events.on('error', () => {})
    await exec.start()
    cleanups.push(() => exec.shutdown({ timeoutMs: 2_000 }))
    const btc = await spot.instrument('BTCUSDT')
    const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
    // Defaults but for the sizing, the stop and the data age: maxPositionsPerInstrument is 1.
    const risk = new RiskManager({
      clock,
      maxDataAgeMs: 600_000,
      requireStop: false,
      sizing: { method: 'fixedNotional', notional: '50' },
    })
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'binance-spot', venue: btc.venue, source: stream }],
      strategies: [new InAndOut(btc)],
      risk,
      executors: [exec],
      portfolio,
      instruments: [btc],
    })
    cleanups.push(() => engine.stop())
    const fills: Fill[] = []
    const closed: string[] = []
    const denied: string[] = []
    engine.events.on('order.filled', (e) => fills.push(...e.fills))
    engine.events.on('trade.closed', (e) => closed.push(e.trade.side))
    engine.events.on('order.denied', (e) => denied.push(e.code))
    await engine.start()
    await stream.subscribe(['btcusdt@kline_1s'])
    await until(() => closed.length >= 2)
    await engine.stop()

    const buys = fills.filter((f) => f.side === 'BUY')
    expect(buys.length).toBeGreaterThanOrEqual(2) // re-entered after the first exit
    expect(buys.every((f) => f.feeAsset === 'BTC')).toBe(true) // the venue's base-asset commission
    expect(denied).not.toContain('MAX_POSITIONS_PER_INSTRUMENT')
    // Whatever is left after the last exit is dust at most: not listed as open, flagged where it is shown.
    const left = portfolio.position(btc.venue, 'BTCUSDT')
    if (portfolio.positions().length === 0 && left !== undefined && !left.qty.isZero()) {
      expect(left.dust).toBe(true)
      expect(left.qty.abs().lt(btc.stepSize)).toBe(true)
    }
    expect(portfolio.checkInvariants().ok).toBe(true)
  }, 40_000)
})
