import { describe, expect, it } from 'vitest'
import { ManualClock, type Order } from '../core/index.js'
import { Decimal } from '../decimal/index.js'
import type { TradekitErrorCode } from '../errors/index.js'
import {
  account,
  D,
  FakeExecutor,
  instrument,
  market,
  openOrder,
  position,
  signal,
} from './__fixtures__/builders.js'
import type { EmergencyStopEvent, TradingStateChangedEvent } from './events.js'
import { withTimeout } from './killSwitch.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)

function make(flatten = false) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({
    clock,
    killSwitch: { cancelTimeoutMs: 5000, submitTimeoutMs: 3000, flatten },
  })
  const states: TradingStateChangedEvent[] = []
  const stops: EmergencyStopEvent[] = []
  risk.events.on('risk.stateChanged', (e) => states.push(e))
  risk.events.on('risk.emergencyStopped', (e) => stops.push(e))
  return { risk, clock, states, stops }
}

const orders = (prefix: string, n: number): Order[] =>
  Array.from({ length: n }, (_, i) => openOrder(`${prefix}${i}`))

describe('emergencyStop', () => {
  it('halts synchronously, cancels everything on every executor and reports it', async () => {
    const { risk, states, stops } = make()
    const a = new FakeExecutor(['binance'], orders('a', 2))
    const b = new FakeExecutor(['polymarket'], orders('b', 1))
    risk.registerExecutor(a)
    risk.registerExecutor(b)
    const p = risk.emergencyStop('operator panic')
    expect(risk.state).toBe('HALTED') // before any await
    expect(states[0]).toMatchObject({ to: 'HALTED', reason: 'KILL_SWITCH', detail: 'operator panic' })
    const report = await p
    expect([...report.canceled].sort()).toEqual(['a0', 'a1', 'b0'])
    expect(report.notCanceled).toEqual([])
    expect(report.complete).toBe(true)
    expect(report.reason).toBe('operator panic')
    expect(stops).toHaveLength(1)
    expect(risk.evaluate(signal(), account(), market({ priceTs: T0 })).ok).toBe(false)
  })

  it('bounds a cancel-all that hangs and reports its orders as not cancelled', async () => {
    const { risk, clock } = make()
    const good = new FakeExecutor(['binance'], orders('g', 1))
    const hung = new FakeExecutor(['binance-usdm'], orders('h', 2), 'hang')
    risk.registerExecutor(good)
    risk.registerExecutor(hung)
    let settled = false
    const p = risk.emergencyStop('exchange unresponsive').then((r) => {
      settled = true
      return r
    })
    await clock.advanceAsync(4999)
    expect(settled).toBe(false)
    await clock.advanceAsync(1)
    const report = await p
    expect(report.canceled).toEqual(['g0'])
    expect(report.notCanceled.map((o) => o.clientOrderId)).toEqual(['h0', 'h1'])
    expect(report.notCanceled[0]?.error.code).toBe('TIMEOUT')
    expect(report.notCanceled[0]?.executorVenues).toEqual(['binance-usdm'])
    expect(report.complete).toBe(false)
    // A late failure of the hung call is swallowed (no unhandled rejection).
    hung.failLater?.(new Error('late'))
    await Promise.resolve()
    expect(clock.pendingTimers).toBe(0)
  })

  it('reports cancels that reject, throw synchronously or partly fail, and executors that cannot list orders', async () => {
    const { risk } = make()
    const rejecting = new FakeExecutor(['v1'], orders('r', 1), 'reject')
    const throwing = new FakeExecutor(['v2'], [], 'throw')
    const partial = new FakeExecutor(['v3'], orders('p', 3), 'partial')
    const blind = new FakeExecutor(['v4'], [], 'reject')
    blind.openOrders = () => {
      throw new Error('cannot list')
    }
    for (const ex of [rejecting, throwing, partial, blind]) risk.registerExecutor(ex)
    const report = await risk.emergencyStop('chaos')
    expect(report.canceled).toEqual(['p0'])
    const ids = report.notCanceled.map((o) => o.clientOrderId)
    expect(ids).toEqual(expect.arrayContaining(['r0', 'p1', 'p2', null]))
    expect(report.notCanceled.find((o) => o.clientOrderId === 'r0')?.error.code).toBe('ORDER_REJECTED')
    expect(report.notCanceled.filter((o) => o.clientOrderId === null)).toHaveLength(2) // throwing + blind
    expect(report.complete).toBe(false)
  })

  it('is idempotent: concurrent and repeated calls share one run while HALTED', async () => {
    const { risk, stops } = make()
    const ex = new FakeExecutor(['binance'], orders('o', 1))
    risk.registerExecutor(ex)
    const p1 = risk.emergencyStop('first')
    const p2 = risk.emergencyStop('second')
    expect(p2).toBe(p1)
    const r1 = await p1
    const r3 = await risk.emergencyStop('third')
    expect(r3).toBe(r1)
    expect(ex.cancelAllCalls).toBe(1)
    expect(stops).toHaveLength(1)
    risk.resume()
    await risk.emergencyStop('after resume')
    expect(ex.cancelAllCalls).toBe(2)
  })

  it('runs again to flatten when asked after a run that did not flatten (during it or after it)', async () => {
    for (const when of ['after', 'during'] as const) {
      const { risk, clock } = make()
      const ex = new FakeExecutor(['binance'], orders('o', 1))
      risk.registerExecutor(ex)
      risk.evaluate(signal(), account(), market({ priceTs: clock.now(), instrument: instrument() }))
      const positions = [position('BTCUSDT', '2')]
      const first = risk.emergencyStop('breaker MAX_DRAWDOWN') // cancels only
      if (when === 'after') await first
      const flat = risk.emergencyStop('operator: flatten everything', { flatten: true, positions })
      expect(await risk.emergencyStop('again', { flatten: true, positions })).toBe(await flat)
      expect((await first).flattened).toEqual([])
      expect(ex.submitted.map((i) => `${i.symbol} ${i.side} ${i.qty.toFixed()} ${i.reduceOnly}`)).toEqual([
        'BTCUSDT SELL 2 true',
      ])
      expect((await flat).flattened).toHaveLength(1)
      // Nothing new asked for: the last report again.
      expect(await risk.emergencyStop('once more')).toBe(await flat)
      expect(ex.submitted).toHaveLength(1)
    }
  })

  it('flattens positions with reduce-only market orders, rounded down to the step', async () => {
    const { risk, clock } = make(true)
    const ex = new FakeExecutor(['binance'], [])
    risk.registerExecutor(ex)
    // The manager learns the instrument (step 0.001) and positions from what it evaluates.
    const positions = [position('BTCUSDT', '0.12345'), position('ETHUSDT', '-2'), position('XRPUSDT', '0')]
    risk.evaluate(
      signal({ intent: 'EXIT', side: 'SELL' }),
      account({ positions }),
      market({ priceTs: clock.now() }),
    )
    const report = await risk.emergencyStop('flatten all')
    expect(ex.submitted.map((i) => [i.symbol, i.side, i.type, i.qty.toString(), i.reduceOnly])).toEqual([
      ['BTCUSDT', 'SELL', 'MARKET', '0.123', true],
      ['ETHUSDT', 'BUY', 'MARKET', '2', true],
    ])
    expect(report.flattened).toHaveLength(2)
    expect(report.complete).toBe(true)
  })

  it('reports positions it could not flatten: no executor, dust, a hanging submit', async () => {
    const { risk, clock } = make()
    const ex = new FakeExecutor(['binance'], [], 'ok', 'hang')
    risk.registerExecutor(ex)
    risk.evaluate(signal(), account(), market({ priceTs: clock.now(), instrument: instrument() }))
    const p = risk.emergencyStop('flatten', {
      flatten: true,
      positions: [position('BTCUSDT', '1'), position('BTCUSDT', '0.0001'), position('ABC', '1', 'elsewhere')],
    })
    await clock.advanceAsync(3000)
    const report = await p
    expect(report.flattened).toEqual([])
    const byQty = Object.fromEntries(report.notFlattened.map((n) => [n.qty, n.error.code]))
    expect(byQty).toEqual({ '1': expect.any(String), '0.0001': 'INVALID_STATE' })
    expect(report.notFlattened.find((n) => n.venue === 'elsewhere')?.error.code).toBe('INVALID_STATE')
    expect(report.notFlattened.find((n) => n.venue === 'binance' && n.qty === '1')?.error.code).toBe(
      'TIMEOUT',
    )
  })

  it('flattens what is settled of a holding and reports the shares the venue has not settled yet', async () => {
    const { risk, clock } = make()
    const ex = new FakeExecutor(['binance'], [])
    risk.registerExecutor(ex)
    risk.evaluate(signal(), account(), market({ priceTs: clock.now(), instrument: instrument() }))
    const pending = (qty: string, unsettled: string) => ({
      ...position('BTCUSDT', qty),
      unsettledQty: new Decimal(unsettled),
    })
    const report = await risk.emergencyStop('flatten', { flatten: true, positions: [pending('3', '1')] })
    expect(ex.submitted.map((i) => [i.side, i.qty.toString()])).toEqual([['SELL', '2']])
    expect(report.notFlattened.map((n) => [n.qty, n.error.code, n.error.message])).toEqual([
      ['1', 'INVALID_STATE', expect.stringMatching(/not settled yet/)],
    ])
    const none = await make().risk.emergencyStop('flatten', { flatten: true, positions: [pending('1', '1')] })
    expect(none.flattened).toEqual([])
    expect(none.notFlattened.map((n) => n.qty)).toEqual(['1'])
  })

  it('feeds venue rejections of registered executors to the rejection-rate breaker', () => {
    const clock = new ManualClock(T0)
    const risk = new RiskManager({
      clock,
      breakers: { rejectionRate: { minSamples: 3, maxRejectedFraction: 0.6 } },
    })
    const ex = new FakeExecutor(['binance'], [])
    const unregister = risk.registerExecutor(ex)
    const ev = (id: string) => ({ type: 'x', order: openOrder(id), tsEvent: T0 })
    ex.bus.emit('order.accepted', ev('a'))
    ex.bus.emit('order.filled', { ...ev('a'), type: 'order.filled', fills: [] }) // same order: counted once
    ex.bus.emit('order.rejected', ev('b'))
    expect(risk.state).toBe('ACTIVE')
    ex.bus.emit('order.rejected', ev('c'))
    expect(risk.state).toBe('HALTED') // 2 of 3
    unregister()
    expect(ex.bus.listenerCount('order.rejected')).toBe(0)
  })

  it('does not count refusals whose code says the request was throttled or not sent', () => {
    const risk = new RiskManager({
      clock: new ManualClock(T0),
      breakers: { rejectionRate: { minSamples: 3, maxRejectedFraction: 0.6 } },
    })
    const ex = new FakeExecutor(['binance'], [])
    risk.registerExecutor(ex)
    const rejected = (id: string, code?: TradekitErrorCode) =>
      ex.bus.emit('order.rejected', {
        type: 'order.rejected',
        order: openOrder(id),
        ...(code === undefined ? {} : { code }),
        tsEvent: T0,
      })
    const notVerdicts = [
      'RATE_LIMITED',
      'BANNED',
      'CIRCUIT_OPEN',
      'QUEUE_FULL',
      'INVALID_STATE',
      'CONFIG_INVALID',
      'ORDER_OUTCOME_UNKNOWN',
    ] as const
    for (const code of notVerdicts) rejected(`n-${code}`, code)
    expect(risk.state).toBe('ACTIVE')
    // The venue's verdicts count, with a code or without one (a REJECTED order update).
    rejected('v0', 'EXCHANGE_REJECTED')
    rejected('v1', 'INSUFFICIENT_FUNDS')
    expect(risk.state).toBe('ACTIVE') // 2 responses: below minSamples
    rejected('v2')
    expect(risk.state).toBe('HALTED')
  })
})

describe('emergencyStop on a breaker halt', () => {
  it('runs the kill switch when a breaker halts, if configured', async () => {
    const clock = new ManualClock(T0)
    const risk = new RiskManager({
      clock,
      killSwitch: { onBreakerHalt: true },
      breakers: { drawdown: { maxDrawdownFraction: 0.1 } },
    })
    const ex = new FakeExecutor(['binance'], orders('o', 2))
    risk.registerExecutor(ex)
    const stops: EmergencyStopEvent[] = []
    risk.events.on('risk.emergencyStopped', (e) => stops.push(e))
    risk.update(account({ equity: D('10000') }))
    risk.update(account({ equity: D('9000') }))
    expect(risk.state).toBe('HALTED')
    expect(ex.cancelAllCalls).toBe(1)
    await clock.advanceAsync(0)
    expect(stops[0]?.report.reason).toBe('breaker MAX_DRAWDOWN')
    expect(stops[0]?.report.canceled).toEqual(['o0', 'o1'])
    // A manual halt leaves resting orders alone.
    const manual = new RiskManager({ clock, killSwitch: { onBreakerHalt: true } })
    const ex2 = new FakeExecutor(['binance'], orders('m', 1))
    manual.registerExecutor(ex2)
    manual.halt('maintenance')
    expect(ex2.cancelAllCalls).toBe(0)
  })

  it('never rejects, even with an executor whose properties throw', async () => {
    const { risk } = make(true)
    const evil = new FakeExecutor(['binance'], [])
    Object.defineProperty(evil, 'venues', {
      get() {
        throw new Error('evil')
      },
    })
    risk.registerExecutor(evil)
    const report = await risk.emergencyStop('evil', { positions: [position('BTCUSDT', '1')] })
    expect(report.complete).toBe(false)
    expect(report.notFlattened[0]?.error.code).toBe('INVALID_STATE')
  })
})

describe('emergencyStop: unconfirmed cancels and instrument specs', () => {
  it('reports an order still PENDING_CANCEL after cancel-all as not cancelled (it may still fill)', async () => {
    const { risk } = make()
    const ex = new FakeExecutor(
      ['binance'],
      [openOrder('slow', { status: 'PENDING_CANCEL' }), openOrder('ok')],
    )
    // The venue confirmed one cancel; the other is still in flight when cancel-all returns.
    ex.cancelAll = async () => {
      ex.cancelAllCalls++
      ex.orders = ex.orders.filter((o) => o.clientOrderId === 'slow')
      return { canceled: ['ok'], failed: [] }
    }
    risk.registerExecutor(ex)
    const report = await risk.emergencyStop('panic')
    expect(report.canceled).toEqual(['ok'])
    expect(report.notCanceled.map((o) => [o.clientOrderId, o.venue, o.symbol, o.error.code])).toEqual([
      ['slow', 'binance', 'BTCUSDT', 'INVALID_STATE'],
    ])
    expect(report.notCanceled[0]?.error.message).toMatch(/PENDING_CANCEL/)
    expect(report.complete).toBe(false)
  })

  it('still trusts a cancel the executor confirmed, whatever status its list shows', async () => {
    const { risk } = make()
    const ex = new FakeExecutor(['binance'], [openOrder('a', { status: 'PENDING_CANCEL' })])
    ex.cancelAll = async () => ({ canceled: ['a'], failed: [] }) // the list is not updated yet
    risk.registerExecutor(ex)
    const report = await risk.emergencyStop('panic')
    expect(report.canceled).toEqual(['a'])
    expect(report.complete).toBe(true)
  })

  it('rounds a flatten with the newest spec: one evaluated after addInstrument wins, and vice versa', async () => {
    for (const order of ['added first', 'evaluated first'] as const) {
      const { risk, clock } = make(true)
      const ex = new FakeExecutor(['binance'], [])
      risk.registerExecutor(ex)
      const old = instrument() // step 0.001
      const changed = instrument({ stepSize: D('0.01'), minQty: D('0.01') }) // the venue changed its LOT_SIZE
      const evaluateWith = (i: typeof old) =>
        risk.evaluate(signal(), account(), market({ priceTs: clock.now(), instrument: i }))
      if (order === 'added first') {
        risk.addInstrument(old)
        evaluateWith(changed)
      } else {
        evaluateWith(old)
        risk.addInstrument(changed)
      }
      await risk.emergencyStop('flatten', { positions: [position('BTCUSDT', '0.123')] })
      expect(
        ex.submitted.map((i) => i.qty.toString()),
        order,
      ).toEqual(['0.12'])
    }
  })

  it('rounds a flatten with the spec of the latest evaluation, not the first one it saw', async () => {
    const { risk, clock } = make(true)
    const ex = new FakeExecutor(['binance'], [])
    risk.registerExecutor(ex)
    for (const i of [instrument(), instrument({ stepSize: D('0.01'), minQty: D('0.01') })]) {
      risk.evaluate(signal(), account(), market({ priceTs: clock.now(), instrument: i }))
    }
    await risk.emergencyStop('flatten', { positions: [position('BTCUSDT', '0.123')] })
    expect(ex.submitted.map((i) => i.qty.toString())).toEqual(['0.12'])
  })
})

describe('withTimeout', () => {
  it('resolves, rejects with a typed error, and clears its timer', async () => {
    const clock = new ManualClock(0)
    await expect(withTimeout(async () => 1, 10, clock, 'x')).resolves.toBe(1)
    await expect(
      withTimeout(
        () => {
          throw new Error('sync')
        },
        10,
        clock,
        'x',
      ),
    ).rejects.toMatchObject({ message: 'sync' })
    expect(clock.pendingTimers).toBe(0)
    const p = withTimeout(() => new Promise(() => {}), 10, clock, 'slow thing')
    clock.advance(10)
    await expect(p).rejects.toMatchObject({ code: 'TIMEOUT', timeoutMs: 10 })
    expect(D(1).toString()).toBe('1')
  })
})
