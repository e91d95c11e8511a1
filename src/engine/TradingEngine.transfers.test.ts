import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { AccountTransferEvent } from '../core/ports.js'
import { Decimal } from '../decimal/index.js'
import type { TradekitError } from '../errors/index.js'
import { Portfolio } from '../execution/index.js'
import { FakeExecutor } from '../risk/__fixtures__/builders.js'
import { RiskManager, type TransferRecordedEvent } from '../risk/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

const T0 = Date.UTC(2026, 0, 15, 12)

function setup() {
  const clock = new ManualClock(T0)
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
  const risk = new RiskManager({
    clock,
    breakers: {
      drawdown: { maxDrawdownFraction: 0.1 },
      dailyLoss: { maxLossFraction: 0.05, action: 'HALTED' },
    },
  })
  const venue = new FakeExecutor(['binance'], [])
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'sim', venue: 'binance', source: new Feed(), staleAfterMs: 120_000 }],
    strategies: [],
    risk,
    executors: [venue],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
  })
  const relayed: AccountTransferEvent[] = []
  const recorded: TransferRecordedEvent[] = []
  const errors: TradekitError[] = []
  engine.events.on('account.transferred', (e) => relayed.push(e))
  engine.events.on('error', (e) => errors.push(e))
  risk.events.on('risk.transferRecorded', (e) => recorded.push(e))
  const transfer = (asset: string, amount: string): void =>
    void venue.bus.emit('account.transferred', {
      type: 'account.transferred',
      venue: 'binance',
      asset,
      amount: new Decimal(amount),
      reason: 'balanceUpdate',
      tsEvent: T0,
    })
  return { portfolio, risk, engine, transfer, relayed, recorded, errors }
}

describe('TradingEngine: venue-reported transfers', () => {
  it('a withdrawal of half the account moves the cash and the breakers together: no halt', async () => {
    const t = setup()
    await t.engine.start()
    t.risk.update(t.portfolio.snapshot())
    t.transfer('USDT', '-5000')
    expect(t.portfolio.cash('USDT').toFixed()).toBe('5000')
    expect(t.recorded.map((e) => [e.amount, e.peakEquity, e.dayStartEquity])).toEqual([
      ['-5000', '5000', '5000'],
    ])
    // The engine fed the breakers the new equity at once: nothing tripped.
    expect(t.risk.status().lastEquity?.toFixed()).toBe('5000')
    expect(t.risk.state).toBe('ACTIVE')
    expect(t.relayed).toHaveLength(1)
    await t.engine.stop()
  })

  it('a deposit moves the peak with it; an asset without a rate is booked but not valued; a refused one is reported', async () => {
    const t = setup()
    await t.engine.start()
    t.risk.update(t.portfolio.snapshot())
    t.transfer('USDT', '2500')
    expect(t.risk.status().peakEquity?.toFixed()).toBe('12500')
    t.transfer('BTC', '1') // no rate for BTC: its cash does not count in the equity either
    expect(t.portfolio.cash('BTC').toFixed()).toBe('1')
    expect(t.recorded).toHaveLength(1)
    t.transfer('ETH', '-1') // more than the portfolio holds: refused, the breakers untouched
    expect(t.errors.map((e) => e.code)).toEqual(['INSUFFICIENT_FUNDS'])
    expect(t.recorded).toHaveLength(1)
    expect(t.relayed.map((e) => e.asset)).toEqual(['USDT', 'BTC', 'ETH'])
    expect(t.risk.state).toBe('ACTIVE')
    await t.engine.stop()
  })
})
