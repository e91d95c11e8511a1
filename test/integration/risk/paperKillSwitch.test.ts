/**
 * The risk layer against the real PaperTrader (an ExecutionClient) and Portfolio: approved intents are accepted by
 * the executor as they are, and the kill switch cancels the resting order and flattens the position it opened.
 */
import { describe, expect, it } from 'vitest'
import { type BookSnapshot, ManualClock, type Signal } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { PaperTrader } from '../../../src/execution/index.js'
import { BTCUSDT } from '../../../src/execution/testing/fixtures.js'
import { RiskManager } from '../../../src/risk/index.js'

const book = (ts: number): BookSnapshot => ({
  venue: BTCUSDT.venue,
  symbol: BTCUSDT.symbol,
  bids: [
    [99.9, 50],
    [99.8, 50],
  ],
  asks: [
    [100, 50],
    [100.1, 50],
  ],
  tsEvent: ts,
})

const sig = (over: Partial<Signal>): Signal => ({
  strategyId: 'it',
  venue: BTCUSDT.venue,
  symbol: BTCUSDT.symbol,
  side: 'BUY',
  intent: 'ENTRY',
  reason: 'integration',
  tsEvent: 0,
  ...over,
})

describe('RiskManager with PaperTrader', () => {
  it('sizes orders the executor accepts, then the kill switch cancels and flattens', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12))
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '10000' }, clock })
    const errors: unknown[] = []
    paper.events.on('error', (e) => errors.push(e))
    const risk = new RiskManager({ clock, maxPositionsPerInstrument: 2 })
    risk.events.on('error', (e) => errors.push(e))
    risk.registerExecutor(paper)
    paper.onBook(book(clock.now()))
    const market = () => ({ instrument: BTCUSDT, price: new Decimal('100'), priceTs: clock.now() })
    const snapshot = () => paper.portfolio.snapshot(paper.openOrders())

    // A market entry: 1 % of 10000 over a 2.00 stop = 50, capped by free margin × 0.95 and rounded to the step.
    const entry = risk.evaluate(sig({ stopPrice: new Decimal('98') }), snapshot(), market())
    expect(entry.ok).toBe(true)
    if (!entry.ok) return
    const filled = await paper.submit(entry.value)
    expect(filled.status).toBe('FILLED')
    const held = paper.portfolio.position(BTCUSDT.venue, BTCUSDT.symbol)?.qty
    expect(held?.gt(0)).toBe(true)

    // A resting limit entry far below the market (the position allows one more entry on the instrument).
    const limit = risk.evaluate(
      sig({ orderType: 'LIMIT', limitPrice: new Decimal('90'), stopPrice: new Decimal('88') }),
      snapshot(),
      market(),
    )
    expect(limit.ok).toBe(true)
    if (!limit.ok) return
    const resting = await paper.submit(limit.value)
    expect(resting.status).toBe('OPEN')

    const report = await risk.emergencyStop('integration test', {
      flatten: true,
      positions: snapshot().positions,
    })
    expect(report.canceled).toEqual([limit.value.clientOrderId])
    expect(report.notCanceled).toEqual([])
    expect(report.flattened).toHaveLength(1)
    expect(report.flattened[0]).toMatchObject({ side: 'SELL', qty: held?.toFixed() })
    expect(report.complete).toBe(true)
    expect(paper.openOrders()).toEqual([])
    expect(paper.portfolio.position(BTCUSDT.venue, BTCUSDT.symbol)?.qty.isZero() ?? true).toBe(true)
    expect(risk.state).toBe('HALTED')
    expect(risk.evaluate(sig({ stopPrice: new Decimal('98') }), snapshot(), market()).ok).toBe(false)
    expect(errors).toEqual([])
    await paper.shutdown()
  })
})
