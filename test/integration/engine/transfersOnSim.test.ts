/**
 * Deposits and withdrawals end to end on BinanceSim, spot and USD-M, over loopback: `sim.transfer` changes the account
 * and pushes what Binance sends (spot `balanceUpdate` + `outboundAccountPosition`, USD-M `ACCOUNT_UPDATE` with reason
 * `DEPOSIT` / `WITHDRAW`); a live OrderExecutor relays `account.transferred`; the TradingEngine books it once in its
 * Portfolio and in the RiskManager. A deposit on a losing day does not hide the loss from the daily-loss breaker; a
 * withdrawal does not trip the drawdown breaker; the absolute balance updates (the `outboundAccountPosition`, in either
 * order, and the executor's own reconcile) never move the cash a second time in the engine's default wiring.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { AccountTransferEvent, Balance } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { TradingEngine } from '../../../src/index.js'
import { MemoryStateStore, RiskManager, type TransferRecordedEvent } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { waitFor } from '../../helpers/waitFor.js'

/** Noon UTC: the risk day cannot roll over during a test (the engine, portfolio and breakers run on a manual clock). */
const T0 = Date.UTC(2026, 2, 10, 12)
const KEYS = { apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' }

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

type Market = 'spot' | 'usdm'

/** A TradingEngine with one live OrderExecutor on a fresh BinanceSim market, holding 1 BTC (spot) or long 1 BTCUSDT. */
async function setup(market: Market) {
  const sim = await BinanceSim.start({ tickMs: 0, seed: 5, symbols: ['BTCUSDT'] })
  cleanups.push(() => sim.close())
  const adapter =
    market === 'spot'
      ? new BinanceSpot({ ...sim.urls.spot, ...KEYS })
      : new BinanceUsdm({ ...sim.urls.usdm, ...KEYS })
  cleanups.push(() => adapter.close())
  const exec = new OrderExecutor({ adapter, queryIntervalMs: 50, requestTimeoutMs: 5_000 })
  const errors: unknown[] = []
  exec.events.on('error', (e) => errors.push(e))
  await exec.start()
  cleanups.push(() => exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 }))
  const btc = await adapter.instrument('BTCUSDT')
  const clock = new ManualClock(T0)
  const wallet = () => (market === 'spot' ? sim.ledger.spotBalance('USDT').free : sim.ledger.futuresWallet())
  const portfolio = new Portfolio({ balances: { USDT: wallet() }, instruments: [btc], clock })
  const risk = new RiskManager({
    clock,
    store: new MemoryStateStore(),
    breakers: {
      drawdown: { maxDrawdownFraction: 0.1 },
      dailyLoss: { maxLossFraction: 0.05, action: 'HALTED' },
    },
  })
  const engine = new TradingEngine({
    clock,
    feeds: [],
    strategies: [],
    risk,
    executors: [exec],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
    shutdown: { cancelOpenOrders: false, timeoutMs: 2_000 },
  })
  engine.events.on('error', (e) => errors.push(e))
  const relayed: AccountTransferEvent[] = []
  engine.events.on('account.transferred', (e) => relayed.push(e))
  const recorded: TransferRecordedEvent[] = []
  risk.events.on('risk.transferRecorded', (e) => recorded.push(e))
  /** Every absolute USDT balance the executor reported (`account.updated`: user stream and reconciles). */
  const absolute: string[] = []
  exec.events.on('account.updated', (e) => {
    const b = e.balances?.find((x: Balance) => x.asset === 'USDT')
    if (b !== undefined) absolute.push(b.free.plus(b.locked).toFixed())
  })
  await engine.start()
  cleanups.push(() => engine.stop())

  await exec.submit({
    clientOrderId: `buy-${market}`,
    venue: adapter.venue,
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    qty: new Decimal('1'),
    strategyId: 'manual',
  })
  await waitFor(() => portfolio.positionQty(adapter.venue, 'BTCUSDT').gt(0), 10_000, 'the buy filled')
  await waitFor(() => portfolio.cash('USDT').toFixed() === wallet(), 10_000, 'the fill booked like the venue')
  // Marked where the market stands; the breakers have seen the day start (the engine fed them on the fill).
  const qty = portfolio.positionQty(adapter.venue, 'BTCUSDT')
  const m0 = new Decimal(sim.midPrice(market, 'BTCUSDT'))
  portfolio.mark(adapter.venue, 'BTCUSDT', m0)
  risk.update(portfolio.snapshot())
  const e0 = portfolio.equity()
  const { dayStartEquity: dayStart, peakEquity: peak } = risk.status()
  if (dayStart === undefined || peak === undefined) throw new Error('the breakers saw no equity')
  expect(risk.state).toBe('ACTIVE')
  /** Marks BTC so that the trading loss of the day is `fraction` of the day's starting equity. */
  const loseFraction = (fraction: string) => {
    const target = dayStart.times(new Decimal(1).minus(fraction))
    portfolio.mark(adapter.venue, 'BTCUSDT', m0.minus(e0.minus(target).div(qty)).toDecimalPlaces(2))
  }
  return { sim, exec, portfolio, risk, relayed, recorded, absolute, errors, e0, dayStart, peak, loseFraction }
}

for (const market of ['spot', 'usdm'] as const) {
  describe(`transfers on BinanceSim ${market}`, () => {
    it('a deposit on a losing day does not hide the loss from the daily-loss breaker; cash moves once', async () => {
      const t = await setup(market)
      t.loseFraction('0.06') // 6 % down on the day, not yet seen by the breakers
      const cashBefore = t.portfolio.cash('USDT')
      const updates = t.absolute.length
      const after = t.sim.transfer('USDT', '10000', { market })
      await waitFor(() => t.recorded.length === 1, 10_000, 'the deposit recorded')
      // The deposit went into the cash once, as the venue holds it.
      expect(t.portfolio.cash('USDT').toFixed()).toBe(cashBefore.plus(10000).toFixed())
      expect(t.portfolio.cash('USDT').toFixed()).toBe(after)
      expect(t.relayed.map((e) => [e.asset, e.amount.toFixed()])).toEqual([['USDT', '10000']])
      expect(t.relayed[0]?.reason).toBe(market === 'spot' ? 'balanceUpdate' : 'DEPOSIT')
      // Counted as equity, the deposit would lift the day over its start; recorded, the day start moved with it.
      expect(t.portfolio.equity().gt(t.dayStart)).toBe(true)
      expect(t.recorded[0]?.dayStartEquity).toBe(t.dayStart.plus(10000).toFixed())
      // 6 % of the old start is 5.45 % of the moved one: over the 5 % limit, the engine fed it at once.
      expect(t.risk.state).toBe('HALTED')
      expect(t.risk.status().reason).toBe('DAILY_LOSS')
      // The absolute balance the venue pushed next (the `outboundAccountPosition` / `ACCOUNT_UPDATE`) agrees, and
      // moved nothing: the engine does not set cash from it.
      await waitFor(() => t.absolute.slice(updates).includes(after), 10_000, 'the new balance pushed')
      expect(t.portfolio.cash('USDT').toFixed()).toBe(after)
      expect(t.errors).toEqual([])
    }, 30_000)

    it('a withdrawal does not trip the drawdown breaker; cash moves once, whatever the venue reports after', async () => {
      const t = await setup(market)
      const cashBefore = t.portfolio.cash('USDT')
      const amount = t.e0.times('0.3').toDecimalPlaces(0).neg() // 30 % of the equity: three times the drawdown limit
      // Spot: the absolute `outboundAccountPosition` first, the `balanceUpdate` after (the hazardous order).
      const after = t.sim.transfer('USDT', amount.toFixed(), { market, positionFirst: true })
      await waitFor(() => t.recorded.length === 1, 10_000, 'the withdrawal recorded')
      await waitFor(() => t.absolute.includes(after), 10_000, 'the new balance pushed')
      expect(t.portfolio.cash('USDT').toFixed()).toBe(cashBefore.plus(amount).toFixed())
      expect(t.portfolio.cash('USDT').toFixed()).toBe(after)
      expect(t.relayed[0]?.reason).toBe(market === 'spot' ? 'balanceUpdate' : 'WITHDRAW')
      expect(t.recorded[0]?.peakEquity).toBe(t.peak.plus(amount).toFixed())
      expect(t.risk.status().lastEquity?.toFixed()).toBe(t.e0.plus(amount).toFixed())
      expect(t.risk.state).toBe('ACTIVE')
      // The executor's own reconcile reads the account over REST (absolute balances): nothing moves again.
      const updates = t.absolute.length
      await t.exec.reconcile()
      expect(t.absolute.slice(updates)).toContain(after)
      expect(t.portfolio.cash('USDT').toFixed()).toBe(after)
      expect(t.recorded).toHaveLength(1)
      expect(t.risk.state).toBe('ACTIVE')
      // A real trading loss after the withdrawal still trips, measured from the moved references.
      t.loseFraction('0.1')
      t.risk.update(t.portfolio.snapshot())
      expect(t.risk.state).toBe('HALTED')
      expect(t.errors).toEqual([])
    }, 30_000)
  })
}
