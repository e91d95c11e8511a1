/**
 * Findings of the independent scenario tests (issue 21): closing orders on the entries' grid, the kill switch on
 * instruments never evaluated, the drawdown peak, and a non-positive equity.
 */
import { describe, expect, it } from 'vitest'
import { ManualClock, type Signal } from '../core/index.js'
import { account, D, FakeExecutor, instrument, market, position, signal } from './__fixtures__/builders.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)
// Binance LOT_SIZE: valid quantities are minQty + k × stepSize (0.005, 0.015, …, 0.095, 0.105).
const offGrid = instrument({ symbol: 'SOLUSDT', stepSize: D('0.01'), minQty: D('0.005') })
const code = (r: ReturnType<RiskManager['evaluate']>) => (r.ok ? 'APPROVED' : r.error.code)
const exit = (over: Partial<Signal> = {}) => signal({ side: 'SELL', intent: 'EXIT', ...over })

describe('RiskManager scenarios', () => {
  it('an EXIT rounds down on the grid entries use: the step measured from minQty', () => {
    const risk = new RiskManager({ clock: new ManualClock(T0) })
    const r = risk.evaluate(
      exit({ symbol: 'SOLUSDT' }),
      account({ positions: [position('SOLUSDT', '0.1')] }),
      market({ instrument: offGrid, priceTs: T0 }),
    )
    expect(r.ok && r.value.qty.toFixed()).toBe('0.095')
    // Less than minQty left: nothing tradable, not an undersized order.
    const dust = risk.evaluate(
      exit({ symbol: 'SOLUSDT' }),
      account({ positions: [position('SOLUSDT', '0.004')] }),
      market({ instrument: offGrid, priceTs: T0 }),
    )
    expect(code(dust)).toBe('QUANTITY_ZERO')
  })

  it('the kill switch flattens an instrument it never evaluated, rounded like entries', async () => {
    const risk = new RiskManager({ clock: new ManualClock(T0), instruments: [offGrid] })
    const ex = new FakeExecutor(['binance'], [])
    risk.registerExecutor(ex)
    const eth = instrument({ symbol: 'ETHUSDT', stepSize: D('0.01'), minQty: D('0.005') })
    risk.addInstrument(eth)
    const report = await risk.emergencyStop('flatten', {
      flatten: true,
      positions: [position('SOLUSDT', '0.1'), position('ETHUSDT', '-0.237')],
    })
    expect(ex.submitted.map((i) => `${i.symbol} ${i.side} ${i.qty.toFixed()}`)).toEqual([
      'SOLUSDT SELL 0.095',
      'ETHUSDT BUY 0.235',
    ])
    expect(report.complete).toBe(true)
  })

  it('a snapshot’s peakEquity does not move the drawdown peak (a first snapshot with a higher peak does not halt)', () => {
    const risk = new RiskManager({ clock: new ManualClock(T0) })
    const mkt = market({ priceTs: T0 })
    // The portfolio once saw 20 000; this manager starts now at 10 000: no drawdown yet.
    expect(code(risk.evaluate(signal(), account({ equity: D('10000'), peakEquity: D('20000') }), mkt))).toBe(
      'APPROVED',
    )
    risk.update(account({ equity: D('10000'), peakEquity: D('50000') }))
    expect(risk.state).toBe('ACTIVE')
    expect(risk.guard.status().peakEquity?.toString()).toBe('10000')
    // Its own peak still counts: 10 % below it (the default maxDrawdownFraction) halts.
    risk.update(account({ equity: D('9000') }))
    expect(risk.state).toBe('HALTED')
  })

  it('a non-positive equity: INVALID_INPUT with no peak to measure from, TRADING_HALTED as a drawdown after one', () => {
    const mkt = market({ priceTs: T0 })
    const fresh = new RiskManager({ clock: new ManualClock(T0) })
    expect(code(fresh.evaluate(signal(), account({ equity: D('-100') }), mkt))).toBe('INVALID_INPUT')
    expect(fresh.state).toBe('ACTIVE')
    const seen = new RiskManager({ clock: new ManualClock(T0) })
    expect(code(seen.evaluate(signal(), account(), mkt))).toBe('APPROVED')
    expect(code(seen.evaluate(signal(), account({ equity: D('-100') }), mkt))).toBe('TRADING_HALTED')
  })
})
