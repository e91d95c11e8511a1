import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AccountSnapshot,
  ManualClock,
  type MarketSnapshot,
  type Signal,
  validateOrderRequest,
} from '../core/index.js'
import { Decimal, isMultipleOf } from '../decimal/index.js'
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
import type { RiskManagerConfig } from './config.js'
import type { RiskApprovedEvent, RiskDeniedEvent, RiskResizedEvent } from './events.js'
import { RiskManager } from './RiskManager.js'
import { MemoryStateStore } from './StateStore.js'

const T0 = Date.UTC(2026, 0, 15, 12)

function make(config: RiskManagerConfig = {}) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, ...config })
  const approved: RiskApprovedEvent[] = []
  const denied: RiskDeniedEvent[] = []
  const resized: RiskResizedEvent[] = []
  risk.events.on('risk.approved', (e) => approved.push(e))
  risk.events.on('risk.denied', (e) => denied.push(e))
  risk.events.on('risk.resized', (e) => resized.push(e))
  const mkt = (over: Partial<MarketSnapshot> = {}) => market({ priceTs: clock.now(), ...over })
  const evaluate = (
    s: Partial<Signal> = {},
    a: Partial<AccountSnapshot> = {},
    m: Partial<MarketSnapshot> = {},
  ) => risk.evaluate(signal(s), account(a), mkt(m))
  return { risk, clock, approved, denied, resized, evaluate, mkt }
}

function codeOf(r: ReturnType<RiskManager['evaluate']>): string {
  return r.ok ? 'APPROVED' : r.error.code
}

describe('RiskManager.evaluate: approval', () => {
  it('sizes a fixed-fractional entry, rounds to the step and emits its inputs', () => {
    const { evaluate, approved } = make()
    const r = evaluate()
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const intent = r.value
    expect(intent.qty.toString()).toBe('50') // 1 % of 10000 over a 2.00 stop
    expect(intent).toMatchObject({
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      reduceOnly: false,
      strategyId: 's1',
    })
    expect(intent.stopPrice?.toString()).toBe('98')
    expect(intent.clientOrderId).toMatch(/^tk-[a-z0-9]+-0$/)
    expect(intent.clientOrderId.length).toBeLessThanOrEqual(36) // Binance's newClientOrderId limit
    expect(validateOrderRequest(intent).ok).toBe(true)
    // Two managers on the same clock and prefix never generate the same id (found by the chaos soak).
    const other = make().evaluate()
    expect(other.ok && other.value.clientOrderId).not.toBe(intent.clientOrderId)
    expect(approved).toHaveLength(1)
    expect(approved[0]?.sizing).toMatchObject({
      method: 'fixedFractional',
      rawQty: '50',
      qty: '50',
      cappedBy: [],
    })
    expect(approved[0]?.account.equity.toString()).toBe('10000')
    expect(approved[0]?.market.price.toString()).toBe('100')
  })

  it('derives the stop from ATR when the signal has none', () => {
    const { evaluate, approved } = make()
    const r = evaluate({ stopPrice: undefined }, {}, { atr: 2 })
    expect(r.ok && r.value.stopPrice?.toString()).toBe('97') // 100 - 1.5 × 2
    expect(r.ok && r.value.qty.toFixed()).toBe('33.333')
    expect(approved[0]?.sizing.stopFromAtr).toBe(true)
  })

  it('rounds a LIMIT price so it is never more aggressive and sizes against it', () => {
    const { evaluate } = make()
    const r = evaluate({ orderType: 'LIMIT', limitPrice: D('99.999'), stopPrice: D('97.99') })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.price?.toString()).toBe('99.99')
    expect(r.value.qty.toString()).toBe('50')
    expect(r.value.timeInForce).toBe('GTC')
    expect(validateOrderRequest(r.value).ok).toBe(true)
  })

  it('uses the sizing of the symbol, then the strategy, then the default', () => {
    const { evaluate } = make({
      sizing: { method: 'fixedFractional', riskFraction: 0.01 },
      sizingByStrategy: { notional: { method: 'fixedNotional', notional: '1000' } },
      sizingBySymbol: { 'binance:ETHUSDT': { method: 'volatilityTarget', targetVolatility: 0.01 } },
    })
    const n = evaluate({ strategyId: 'notional' })
    expect(n.ok && n.value.qty.toString()).toBe('10')
    const eth = instrument({ symbol: 'ETHUSDT' })
    const v = evaluate({ symbol: 'ETHUSDT', strategyId: 'notional' }, {}, { instrument: eth, atr: 4 })
    expect(v.ok && v.value.qty.toString()).toBe('25') // 10000 × 0.01 / 4
  })

  it('supports capped fractional Kelly', () => {
    const { evaluate } = make({
      sizing: { method: 'kelly', winRate: 0.55, payoffRatio: 1.5, maxRiskFraction: 0.005 },
    })
    const r = evaluate()
    expect(r.ok && r.value.qty.toString()).toBe('25') // 0.5 % of 10000 over 2
    const none = make({ sizing: { method: 'kelly', winRate: 0.3, payoffRatio: 1 } }).evaluate()
    expect(codeOf(none)).toBe('NO_EDGE')
  })

  it('caps the size and emits risk.resized', () => {
    const { evaluate, resized } = make({ maxNotional: '1000' })
    const r = evaluate()
    expect(r.ok && r.value.qty.toString()).toBe('10')
    expect(resized[0]).toMatchObject({ requestedQty: '50', qty: '10', cappedBy: ['maxNotional'] })
  })

  it('caps by free margin × leverage × safety', () => {
    const { evaluate } = make({ leverage: 5, marginSafetyFactor: 0.5 })
    const perp = instrument({ kind: 'perpetual', maxLeverage: 20 })
    const r = evaluate({}, { freeMargin: D('1000') }, { instrument: perp })
    expect(r.ok && r.value.qty.toString()).toBe('25') // 1000 × 5 × 0.5 / 100
  })

  it('scales before it divides: a scaled size that lands exactly on a step is not one step short', () => {
    // 10,000 × 0.0075 ÷ 7 × 0.7 is exactly 7.5; dividing first gave 7.4999… and rounded down to 7.499.
    const { evaluate, approved } = make({
      scaleByConfidence: true,
      sizing: { method: 'fixedFractional', riskFraction: 0.0075 },
    })
    const r = evaluate({ stopPrice: D('93'), confidence: 0.7 })
    expect(r.ok && r.value.qty.toString()).toBe('7.5')
    expect(approved[0]?.sizing.rawQty.startsWith('10.714285')).toBe(true) // the method's size, before scaling
  })

  it('scales by confidence when asked', () => {
    const r = make({ scaleByConfidence: true }).evaluate({ confidence: 0.5 })
    expect(r.ok && r.value.qty.toString()).toBe('25')
    expect(codeOf(make({ scaleByConfidence: true }).evaluate({ confidence: Number.NaN }))).toBe(
      'INVALID_INPUT',
    )
  })
})

describe('RiskManager.evaluate: pre-trade checks', () => {
  it.each([
    ['stop on the wrong side', { stopPrice: D('101') }, 'STOP_WRONG_SIDE'],
    ['stop equal to entry', { stopPrice: D('100') }, 'STOP_WRONG_SIDE'],
    ['stop tighter than 0.1 %', { stopPrice: D('99.91') }, 'STOP_TOO_TIGHT'],
    ['take-profit on the wrong side', { takeProfitPrice: D('99') }, 'TAKE_PROFIT_WRONG_SIDE'],
    ['reward:risk below 1', { takeProfitPrice: D('101.99') }, 'REWARD_RISK_TOO_LOW'],
    ['no stop and no ATR', { stopPrice: undefined }, 'MISSING_STOP'],
    ['NaN stop', { stopPrice: new Decimal(Number.NaN) }, 'INVALID_INPUT'],
    ['negative stop', { stopPrice: D('-1') }, 'INVALID_INPUT'],
    ['bad side', { side: 'HOLD' as never }, 'INVALID_INPUT'],
    ['bad intent', { intent: 'MAYBE' as never }, 'INVALID_INPUT'],
    ['bad order type', { orderType: 'STOP_MARKET' as never }, 'INVALID_INPUT'],
    ['LIMIT without a price', { orderType: 'LIMIT' as const }, 'INVALID_INPUT'],
    ['another instrument', { symbol: 'ETHUSDT' }, 'INSTRUMENT_MISMATCH'],
  ])('denies %s', (_name, patch, code) => {
    const { evaluate, denied } = make()
    const r = evaluate(patch)
    expect(codeOf(r)).toBe(code)
    expect(denied).toHaveLength(1)
    expect(denied[0]?.rejection.code).toBe(code)
  })

  it('denies an instrument whose maxQty or minNotional is malformed (INVALID_INPUT), never sizing as if it had none', () => {
    const malformed = [
      { maxQty: D(Number.NaN) },
      { maxQty: D(0) },
      { maxQty: D(-1) },
      { minNotional: D(Number.NaN) },
      { minNotional: D(-5) },
    ]
    for (const over of malformed) {
      const r = make().evaluate({}, {}, { instrument: instrument(over) })
      expect(
        r.ok ? 'APPROVED' : `${r.error.code} ${r.error.values.field}`,
        String(Object.values(over)[0]),
      ).toBe(`INVALID_INPUT ${Object.keys(over)[0]}`)
    }
    const fine = [{ maxQty: undefined }, { minNotional: undefined }, { minNotional: D(0) }]
    for (const over of fine)
      expect(codeOf(make().evaluate({}, {}, { instrument: instrument(over) }))).toBe('APPROVED')
  })

  it('accepts a reward:risk exactly at the minimum', () => {
    expect(codeOf(make().evaluate({ takeProfitPrice: D('102') }))).toBe('APPROVED')
  })

  it('reports the numbers behind a tight stop', () => {
    const r = make().evaluate({ stopPrice: D('99.95') })
    expect(!r.ok && r.error.values).toMatchObject({
      stopDistance: '0.05',
      stopDistanceFraction: '0.0005',
      minStopDistanceFraction: 0.001,
      minStopDistance: '0.1',
    })
  })

  it('enforces the minimum stop in ticks', () => {
    const { evaluate } = make({ minStopDistanceFraction: 0, minStopTicks: 5 })
    const coarse = instrument({ tickSize: D('0.5') })
    expect(codeOf(evaluate({ stopPrice: D('98') }, {}, { instrument: coarse }))).toBe('STOP_TOO_TIGHT')
    expect(codeOf(evaluate({ stopPrice: D('97.5') }, {}, { instrument: coarse }))).toBe('APPROVED')
  })

  it('denies stale and future-stamped market data', () => {
    const { risk, clock, mkt } = make({ maxDataAgeMs: 1000 })
    expect(codeOf(risk.evaluate(signal(), account(), mkt({ priceTs: clock.now() - 1000 })))).toBe('APPROVED')
    expect(codeOf(risk.evaluate(signal(), account(), mkt({ priceTs: clock.now() - 1001 })))).toBe(
      'STALE_MARKET_DATA',
    )
    expect(codeOf(risk.evaluate(signal(), account(), mkt({ priceTs: clock.now() + 5000 })))).toBe(
      'STALE_MARKET_DATA',
    )
  })

  it('checks leverage against 1 and the instrument maximum', () => {
    expect(codeOf(make({ leverage: 2 }).evaluate())).toBe('LEVERAGE_OUT_OF_RANGE') // spot: max 1
    const perp = instrument({ kind: 'perpetual', maxLeverage: 10 })
    expect(codeOf(make({ leverage: 10 }).evaluate({}, {}, { instrument: perp }))).toBe('APPROVED')
    expect(codeOf(make({ leverageBySymbol: { BTCUSDT: 11 } }).evaluate({}, {}, { instrument: perp }))).toBe(
      'LEVERAGE_OUT_OF_RANGE',
    )
  })

  it('denies without free margin and with invalid equity', () => {
    const { evaluate } = make()
    expect(codeOf(evaluate({}, { freeMargin: D('0') }))).toBe('INSUFFICIENT_MARGIN')
    expect(codeOf(evaluate({}, { freeMargin: D('-5') }))).toBe('INSUFFICIENT_MARGIN')
    expect(codeOf(evaluate({}, { equity: new Decimal(Number.NaN) }))).toBe('INVALID_INPUT')
    // Zero equity is a 100 % drawdown: the breaker halts before the sign check even runs.
    expect(codeOf(evaluate({}, { equity: D('0') }))).toBe('TRADING_HALTED')
    const noBreakers = make({ breakers: { drawdown: false, dailyLoss: false } })
    expect(codeOf(noBreakers.evaluate({}, { equity: D('0') }))).toBe('INVALID_INPUT')
  })

  it('limits open positions in total and per instrument', () => {
    const { evaluate } = make({ maxOpenPositions: 2 })
    const two = [position('ETHUSDT', 1), position('SOLUSDT', -3)]
    expect(codeOf(evaluate({}, { positions: two }))).toBe('MAX_OPEN_POSITIONS')
    const pending = [openOrder('o1', { symbol: 'ETHUSDT' }), openOrder('o2', { symbol: 'XRPUSDT' })]
    expect(codeOf(evaluate({}, { openOrders: pending }))).toBe('MAX_OPEN_POSITIONS')
    expect(codeOf(evaluate({}, { positions: [position('BTCUSDT', 1)] }))).toBe('MAX_POSITIONS_PER_INSTRUMENT')
    expect(codeOf(evaluate({}, { openOrders: [openOrder('o3')] }))).toBe('MAX_POSITIONS_PER_INSTRUMENT')
    const reduceOnly = [openOrder('o4', { reduceOnly: true })]
    expect(codeOf(evaluate({}, { openOrders: reduceOnly }))).toBe('APPROVED')
  })

  it('adds to a position within the caps when pyramiding is allowed, and refuses to flip one', () => {
    const { evaluate } = make({ maxPositionsPerInstrument: 2, maxPositionFraction: 0.6 })
    const r = evaluate({}, { positions: [position('BTCUSDT', 40)] })
    expect(r.ok && r.value.qty.toString()).toBe('20') // 6000 cap - 4000 held
    expect(
      codeOf(evaluate({ side: 'SELL', stopPrice: D('102') }, { positions: [position('BTCUSDT', 40)] })),
    ).toBe('POSITION_CONFLICT')
  })

  it('scales by correlated same-direction positions: 1.0, 0.7, 0.5, then denies', () => {
    const config = {
      correlation: { groups: { majors: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'binance:BNBUSDT'] } },
    }
    // One manager per case: each approval would count against the next (it is not in these snapshots).
    const qty = (positions: ReturnType<typeof position>[]) => {
      const r = make(config).evaluate({}, { positions })
      return r.ok ? r.value.qty.toString() : r.error.code
    }
    expect(qty([])).toBe('50')
    expect(qty([position('ETHUSDT', 1)])).toBe('35')
    expect(qty([position('ETHUSDT', -1)])).toBe('50') // opposite direction does not count
    expect(qty([position('ETHUSDT', 1), position('XRPUSDT', 1)])).toBe('35') // XRP is not in the group
    expect(qty([position('ETHUSDT', 1), position('SOLUSDT', 2)])).toBe('25')
    expect(qty([position('ETHUSDT', 1), position('SOLUSDT', 2), position('BNBUSDT', 3)])).toBe(
      'CORRELATION_LIMIT',
    )
  })

  it('rejects sizes below the instrument minimums instead of sending them', () => {
    const { evaluate } = make()
    const bigStep = instrument({ stepSize: D('100'), minQty: D('100') })
    expect(codeOf(evaluate({}, {}, { instrument: bigStep }))).toBe('QUANTITY_ZERO')
    const minNotional = instrument({ minNotional: D('100000') })
    expect(codeOf(evaluate({}, {}, { instrument: minNotional }))).toBe('BELOW_MIN_NOTIONAL')
  })

  it("never sizes above the signal's maxQty (entries and exits), and refuses a maxQty that is not > 0", () => {
    const { evaluate, approved } = make()
    const r = evaluate({ maxQty: D('7.5') })
    expect(r.ok && r.value.qty.toFixed()).toBe('7.5') // 50 without the cap
    expect(approved[0]?.sizing.cappedBy).toContain('signalMaxQty')
    const exit = evaluate(
      { intent: 'EXIT', side: 'SELL', stopPrice: undefined, maxQty: D('0.5') },
      { positions: [position('BTCUSDT', '1.2')] },
    )
    expect(exit.ok && exit.value.qty.toFixed()).toBe('0.5')
    for (const bad of [D('0'), D('-1'), D('NaN')])
      expect(codeOf(evaluate({ maxQty: bad }))).toBe('INVALID_INPUT')
  })

  it('denies the order over the rate limit', () => {
    const { evaluate, risk } = make({
      maxPositionsPerInstrument: 100,
      maxPositionFraction: 100,
      breakers: { orderRate: { perInstrument: { maxOrders: 2, windowMs: 60_000 } } },
    })
    expect(codeOf(evaluate())).toBe('APPROVED')
    expect(codeOf(evaluate())).toBe('APPROVED')
    expect(codeOf(evaluate())).toBe('ORDER_RATE_LIMITED')
    expect(risk.state).toBe('REDUCING')
  })
})

/** A second instrument, and limits of one order a minute per instrument: what the group and tally tests use. */
const eth = instrument({ symbol: 'ETHUSDT', base: 'ETH' })
const cfg: RiskManagerConfig = {
  maxPositionsPerInstrument: 100,
  maxPositionFraction: 100,
  breakers: { orderRate: { perInstrument: { maxOrders: 1, windowMs: 60_000 }, action: 'DENY' } },
}

describe('RiskManager.evaluateGroup: multi-leg groups, all or none', () => {
  it('approves every leg, announcing the approvals only once the whole group passed', () => {
    const { risk, approved, mkt } = make(cfg)
    const r = risk.evaluateGroup(
      [
        { signal: signal(), market: mkt() },
        { signal: signal({ symbol: 'ETHUSDT' }), market: mkt({ instrument: eth }) },
      ],
      account(),
    )
    expect(r.ok && r.value.map((i) => i.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    expect(approved.map((e) => e.intent.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
  })

  it('one leg denied: no approval, every leg rejected, and the order-rate limits are not consumed', () => {
    const { risk, approved, denied, mkt, clock, evaluate } = make(cfg)
    const stale = mkt({ instrument: eth, priceTs: clock.now() - 3_600_000 })
    const r = risk.evaluateGroup(
      [
        { signal: signal(), market: mkt() },
        { signal: signal({ symbol: 'ETHUSDT' }), market: stale },
        { signal: signal({ symbol: 'ETHUSDT', side: 'SELL', stopPrice: D('102') }), market: stale },
      ],
      account(),
    )
    expect(!r.ok && r.error.map((x) => x.code)).toEqual(['GROUP_DENIED', 'STALE_MARKET_DATA', 'GROUP_DENIED'])
    expect(approved).toEqual([])
    expect(denied.map((e) => e.rejection.code).sort()).toEqual([
      'GROUP_DENIED',
      'GROUP_DENIED',
      'STALE_MARKET_DATA',
    ])
    // BTCUSDT allows one order a minute: the denied group's first leg did not use it.
    expect(codeOf(evaluate())).toBe('APPROVED')
    expect(codeOf(evaluate())).toBe('ORDER_RATE_LIMITED')
  })

  it("later legs count the earlier legs' entries against maxNotional: legs on one instrument share its room", () => {
    const { risk, mkt } = make({
      sizing: { method: 'fixedNotional', notional: '400' },
      requireStop: false,
      maxNotional: '1000',
      maxPositionsPerInstrument: 5,
    })
    const leg = { signal: signal(), market: mkt() }
    const r = risk.evaluateGroup([leg, leg, leg], account())
    expect(r.ok && r.value.map((i) => i.qty.toFixed())).toEqual(['4', '4', '2']) // 1000 in all, not 1200
    const full = risk.evaluateGroup([{ signal: signal(), market: mkt() }], account())
    expect(!full.ok && full.error.map((x) => x.code)).toEqual(['QUANTITY_ZERO']) // the group's 10 are not listed yet
  })

  it('later legs count the earlier ones against maxOpenPositions and maxPositionsPerInstrument', () => {
    const { risk, mkt } = make({ maxOpenPositions: 2 })
    const legs = [
      { signal: signal(), market: mkt() },
      { signal: signal({ symbol: 'ETHUSDT' }), market: mkt({ instrument: eth }) },
    ]
    const r = risk.evaluateGroup(legs, account({ positions: [position('XRPUSDT', '10')] }))
    expect(!r.ok && r.error.map((x) => x.code)).toEqual(['GROUP_DENIED', 'MAX_OPEN_POSITIONS'])
    const twice = make().risk.evaluateGroup([legs[0], legs[0]] as typeof legs, account())
    expect(!twice.ok && twice.error.map((x) => x.code)).toEqual([
      'GROUP_DENIED',
      'MAX_POSITIONS_PER_INSTRUMENT',
    ])
  })

  it("a denied group takes its legs' entries back: the next decision has the whole room", () => {
    const { risk, mkt, clock, evaluate } = make({ maxNotional: '1000' })
    const stale = mkt({ instrument: eth, priceTs: clock.now() - 3_600_000 })
    const r = risk.evaluateGroup(
      [
        { signal: signal(), market: mkt() },
        { signal: signal({ symbol: 'ETHUSDT' }), market: stale },
      ],
      account(),
    )
    expect(!r.ok && r.error.map((x) => x.code)).toEqual(['GROUP_DENIED', 'STALE_MARKET_DATA'])
    const next = evaluate()
    expect(next.ok && next.value.qty.toFixed()).toBe('10')
  })

  it('later legs count the earlier ones against the rate limits', () => {
    const { risk, evaluate } = make(cfg)
    const r = risk.evaluateGroup(
      [
        { signal: signal(), market: market({ priceTs: T0 }) },
        { signal: signal(), market: market({ priceTs: T0 }) },
      ],
      account(),
    )
    expect(!r.ok && r.error.map((x) => x.code)).toEqual(['GROUP_DENIED', 'ORDER_RATE_LIMITED'])
    expect(codeOf(evaluate())).toBe('APPROVED')
  })
})

describe('RiskManager.decisions', () => {
  /** Approvals, denials, a hostile signal, an approved and a denied group: what `decisions` counts. */
  function decide(risk: RiskManager, clock: ManualClock): void {
    const mkt = (over: Partial<MarketSnapshot> = {}) => market({ priceTs: clock.now(), ...over })
    risk.evaluate(signal(), account(), mkt()) // approved
    risk.evaluate(signal(), account(), mkt()) // ORDER_RATE_LIMITED
    risk.evaluate(signal({ symbol: 'ETHUSDT', stopPrice: D('100') }), account(), mkt({ instrument: eth }))
    const hostile = Object.defineProperty(signal(), 'side', {
      get() {
        throw new Error('hostile')
      },
    })
    risk.evaluate(hostile, account(), mkt()) // INVALID_INPUT, from the catch
    clock.advance(60_000)
    const legs = [
      { signal: signal(), market: mkt() },
      { signal: signal({ symbol: 'ETHUSDT' }), market: mkt({ instrument: eth }) },
    ]
    risk.evaluateGroup(legs, account()) // both approved
    clock.advance(60_000)
    const stale = mkt({ instrument: eth, priceTs: clock.now() - 3_600_000 })
    risk.evaluateGroup(
      [legs[0] as (typeof legs)[0], { ...(legs[1] as (typeof legs)[0]), market: stale }],
      account(),
    )
  }

  it('counts one decision per evaluate and per group leg, as the events do, with or without listeners', () => {
    const { risk, clock, approved, denied } = make(cfg)
    expect(risk.decisions).toEqual({ approved: 0, denied: 0 })
    decide(risk, clock)
    expect(approved).toHaveLength(3)
    expect(denied).toHaveLength(5)
    expect(risk.decisions).toEqual({ approved: approved.length, denied: denied.length })
    const silentClock = new ManualClock(T0)
    const silent = new RiskManager({ clock: silentClock, ...cfg })
    decide(silent, silentClock)
    expect(silent.decisions).toEqual({ approved: 3, denied: 5 })
  })
})

describe('RiskManager: exits and trading states', () => {
  it('closes the whole position reduce-only with an EXIT, and refuses an EXIT with nothing to reduce', () => {
    const { evaluate } = make()
    const r = evaluate(
      { intent: 'EXIT', side: 'SELL', stopPrice: undefined },
      { positions: [position('BTCUSDT', '1.2345')] },
    )
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.value).toMatchObject({ side: 'SELL', reduceOnly: true, type: 'MARKET' })
      expect(r.value.qty.toString()).toBe('1.234')
    }
    expect(codeOf(evaluate({ intent: 'EXIT', side: 'SELL' }))).toBe('NO_POSITION_TO_REDUCE')
    expect(codeOf(evaluate({ intent: 'EXIT', side: 'BUY' }, { positions: [position('BTCUSDT', 1)] }))).toBe(
      'NO_POSITION_TO_REDUCE',
    )
  })

  it('REDUCING allows exits only; HALTED allows nothing', () => {
    const { evaluate, risk } = make()
    const long = { positions: [position('BTCUSDT', 2)] }
    risk.guard.reduce('test')
    expect(codeOf(evaluate({}, {}))).toBe('TRADING_REDUCING')
    expect(codeOf(evaluate({ intent: 'EXIT', side: 'SELL' }, long))).toBe('APPROVED')
    risk.halt('test')
    expect(codeOf(evaluate({ intent: 'EXIT', side: 'SELL' }, long))).toBe('TRADING_HALTED')
    expect(codeOf(evaluate())).toBe('TRADING_HALTED')
    risk.resume()
    expect(codeOf(evaluate())).toBe('APPROVED')
  })

  it('reports COOLDOWN during a losing-streak pause and trades again after it', () => {
    const { evaluate, risk, clock } = make({
      breakers: { consecutiveLosses: { reduceAfter: 2, haltAfter: 4, cooldownMs: 1000 } },
    })
    risk.recordTradeResult(D('-10'))
    risk.recordTradeResult(D('-10'))
    const r = evaluate()
    expect(codeOf(r)).toBe('COOLDOWN')
    expect(!r.ok && r.error.values.cooldownUntil).toBe(T0 + 1000)
    clock.advance(1000)
    expect(codeOf(evaluate({}, {}, { priceTs: clock.now() }))).toBe('APPROVED')
  })

  it('trips the daily loss breaker from the account it evaluates with', () => {
    const { evaluate, risk } = make()
    expect(codeOf(evaluate({}, { equity: D('10000') }))).toBe('APPROVED')
    expect(codeOf(evaluate({}, { equity: D('9700') }))).toBe('TRADING_HALTED')
    expect(risk.status().reason).toBe('DAILY_LOSS')
  })

  it('waits for the persisted state before approving anything', async () => {
    const store = new MemoryStateStore()
    const { evaluate, risk } = make({ store })
    expect(codeOf(evaluate())).toBe('NOT_READY')
    await risk.start()
    expect(codeOf(evaluate())).toBe('APPROVED')
    risk.halt('restart test')
    await risk.flush()
    const again = make({ store })
    await again.risk.start()
    expect(codeOf(again.evaluate())).toBe('TRADING_HALTED')
  })

  it('validates its config with readable errors', () => {
    expect(() => new RiskManager({ sizing: { method: 'fixedFractional', riskFraction: 5 } })).toThrowError(
      /sizing\.riskFraction/,
    )
    expect(() => new RiskManager({ leverage: 0.5 })).toThrowError(/leverage/)
    expect(() => new RiskManager({ unknown: 1 } as never)).toThrowError(/unknown|Unrecognized/i)
    expect(() => new RiskManager({ maxNotional: 'abc' })).toThrowError(/maxNotional/)
  })
})

describe('RiskManager: properties over hostile inputs', () => {
  const weird = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e308),
    fc.constantFrom('abc', '', '1e999'),
    fc.double().map((x) => new Decimal(x)),
    fc.double({ min: 1e-8, max: 1e8, noNaN: true }).map((x) => new Decimal(x.toPrecision(10))),
  )

  it('never throws and never approves a NaN, zero, negative or off-step quantity', () => {
    fc.assert(
      fc.property(
        fc.record({
          equity: weird,
          freeMargin: weird,
          price: weird,
          stopPrice: weird,
          takeProfitPrice: weird,
          limitPrice: weird,
          atr: fc.oneof(fc.constant(undefined), fc.double()),
          side: fc.constantFrom('BUY', 'SELL', 'X'),
          intent: fc.constantFrom('ENTRY', 'EXIT'),
          orderType: fc.constantFrom('MARKET', 'LIMIT', undefined),
          priceAge: fc.oneof(fc.integer({ min: -10_000, max: 10_000 }), fc.constant(Number.NaN)),
          posQty: fc.oneof(fc.constant(undefined), fc.double({ min: -100, max: 100, noNaN: true })),
        }),
        (x) => {
          const { risk, clock } = make({ requireStop: false })
          const sig = {
            ...signal({ side: x.side as never, intent: x.intent as never, orderType: x.orderType as never }),
            stopPrice: x.stopPrice as never,
            takeProfitPrice: x.takeProfitPrice as never,
            limitPrice: x.limitPrice as never,
          }
          const acct = account({
            equity: x.equity as never,
            freeMargin: x.freeMargin as never,
            positions: x.posQty === undefined ? [] : [position('BTCUSDT', x.posQty.toPrecision(8))],
          })
          const mkt = market({
            price: x.price as never,
            priceTs: clock.now() - x.priceAge,
            atr: x.atr as never,
          })
          const r = risk.evaluate(sig, acct, mkt)
          if (r.ok) {
            const q = r.value.qty
            expect(q.isFinite()).toBe(true)
            expect(q.gt(0)).toBe(true)
            expect(isMultipleOf(q, '0.001')).toBe(true)
            expect(validateOrderRequest(r.value).ok).toBe(true)
            if (!r.value.reduceOnly) {
              const equity = x.equity as Decimal
              expect(q.times(r.value.price ?? (x.price as Decimal)).lte(equity)).toBe(true)
            }
          } else {
            expect(typeof r.error.code).toBe('string')
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('a stop tighter than the minimum always denies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }).map((c) => new Decimal(c).div(100)),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.constantFrom('BUY', 'SELL'),
        (price, frac, side) => {
          const { evaluate } = make({ minStopDistanceFraction: 0.01, minStopTicks: 0 })
          const dist = price.times(0.01).times(frac.toFixed(6))
          const stop = side === 'BUY' ? price.minus(dist) : price.plus(dist)
          const r = evaluate({ side: side as 'BUY' | 'SELL', stopPrice: stop }, {}, { price })
          expect(r.ok).toBe(false)
          if (!r.ok) expect(['STOP_TOO_TIGHT', 'STOP_WRONG_SIDE']).toContain(r.error.code)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a halted manager approves nothing, and a reducing one nothing that adds exposure', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('HALTED', 'REDUCING'),
        fc.constantFrom('BUY', 'SELL'),
        fc.constantFrom('ENTRY', 'EXIT'),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (state, side, intent, posQty) => {
          const { evaluate, risk } = make()
          if (state === 'HALTED') risk.halt('p')
          else risk.guard.reduce('p')
          const pos = Math.abs(posQty) < 0.001 ? [] : [position('BTCUSDT', posQty.toFixed(3))]
          const stop = side === 'BUY' ? D('98') : D('102')
          const r = evaluate(
            { side: side as 'BUY' | 'SELL', intent: intent as 'ENTRY', stopPrice: stop },
            { positions: pos },
          )
          if (state === 'HALTED') expect(r.ok).toBe(false)
          else if (r.ok) {
            expect(r.value.reduceOnly).toBe(true)
            const held = new Decimal(posQty.toFixed(3))
            expect(r.value.qty.lte(held.abs())).toBe(true)
            expect(held.isNegative()).toBe(r.value.side === 'BUY')
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('survives inputs whose getters throw', () => {
    const { risk, mkt } = make()
    const evil = new Proxy(signal(), {
      get(t, k) {
        if (k === 'stopPrice') throw new Error('boom')
        return Reflect.get(t, k)
      },
    })
    const r = risk.evaluate(evil, account(), mkt())
    expect(codeOf(r)).toBe('INVALID_INPUT')
    expect(codeOf(risk.evaluate(null as never, account(), mkt()))).toBe('INVALID_INPUT')
    expect(codeOf(risk.evaluate(signal(), null as never, mkt()))).toBe('INVALID_INPUT')
    expect(codeOf(risk.evaluate(signal(), account(), { price: D(1) } as never))).toBe('INVALID_INPUT')
  })
})

describe('RiskManager order rate holds when the clock moves during an evaluation', () => {
  it('counts an approval at the time it reports, even when the clock moves during the evaluation', () => {
    let t = T0
    let reads = 0
    // A clock that moves by uneven steps every time it is read (a busy event loop): the check, the count and the
    // reported time must still be one instant.
    const clock = {
      now: () => {
        t += (reads++ * 7919) % 13
        return t
      },
      setTimeout: () => 0,
      clearTimeout: () => {},
    }
    const risk = new RiskManager({
      clock,
      breakers: {
        orderRate: {
          global: { maxOrders: 1000, windowMs: 1000 },
          perInstrument: { maxOrders: 2, windowMs: 40 },
          action: 'DENY',
        },
      },
    })
    const times: number[] = []
    risk.events.on('risk.approved', (e) => times.push(e.tsEvent))
    // The venue cancels each approved order at once: the next decision finds the instrument free again.
    const venue = new FakeExecutor(['binance'], [])
    risk.registerExecutor(venue)
    for (let i = 0; i < 200; i++) {
      const r = risk.evaluate(signal(), account({ positions: [], openOrders: [] }), market({ priceTs: t }))
      if (r.ok) {
        const order = openOrder(r.value.clientOrderId, { status: 'CANCELED' })
        venue.bus.emit('order.canceled', { type: 'order.canceled', order, tsEvent: t })
      }
    }
    expect(times.length).toBeGreaterThan(2)
    for (let i = 2; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 2] as number)).toBeGreaterThanOrEqual(40)
    }
  })
})
