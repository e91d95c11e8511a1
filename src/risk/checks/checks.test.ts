import { describe, expect, it } from 'vitest'
import { D, instrument, openOrder, position } from '../__fixtures__/builders.js'
import { type CheckCase, checkContext, T0 } from '../__fixtures__/checkContext.js'
import type { RiskRejection } from '../types.js'
import { checkConfidence } from './checkConfidence.js'
import { checkCorrelation } from './checkCorrelation.js'
import { checkEntryPrice } from './checkEntryPrice.js'
import { checkEquity } from './checkEquity.js'
import { checkInstrumentState } from './checkInstrumentState.js'
import { checkLeverage } from './checkLeverage.js'
import { checkMargin } from './checkMargin.js'
import { checkMarketData } from './checkMarketData.js'
import { checkMaxOpenPositions } from './checkMaxOpenPositions.js'
import { checkMaxPositionsPerInstrument } from './checkMaxPositionsPerInstrument.js'
import { checkOrderRate } from './checkOrderRate.js'
import { checkPositionConflict } from './checkPositionConflict.js'
import { checkPositionInput } from './checkPositionInput.js'
import { checkRewardRisk } from './checkRewardRisk.js'
import { checkStop } from './checkStop.js'
import { checkStopDistance } from './checkStopDistance.js'
import { checkTakeProfit } from './checkTakeProfit.js'
import { checkTradingHalted } from './checkTradingHalted.js'
import { checkTradingReducing } from './checkTradingReducing.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

type Row = readonly [
  name: string,
  check: (ctx: RiskCheckContext) => RiskRejection | undefined,
  input: CheckCase,
  code: string | undefined,
]

const feed = { code: 'FEED_UNHEALTHY', reason: 'feed "binance": no trade for 30 s' }
const majors = { correlation: { groups: { majors: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'] } } }
const rate1 = {
  breakers: { orderRate: { perInstrument: { maxOrders: 1, windowMs: 60_000 }, action: 'DENY' as const } },
}

const rows: readonly Row[] = [
  ['trading halted: ACTIVE passes', checkTradingHalted, {}, undefined],
  ['trading halted: HALTED denies', checkTradingHalted, { guard: (g) => g.halt('stop') }, 'TRADING_HALTED'],
  [
    'trading halted: HALTED denies exits',
    checkTradingHalted,
    { signal: { intent: 'EXIT' }, guard: (g) => g.halt('x') },
    'TRADING_HALTED',
  ],
  ['trading halted: REDUCING passes', checkTradingHalted, { guard: (g) => g.reduce('x') }, undefined],

  ['instrument: ACTIVE passes', checkInstrumentState, {}, undefined],
  [
    'instrument: HALTED denies entries',
    checkInstrumentState,
    { restriction: { state: 'HALTED', cause: feed } },
    'FEED_UNHEALTHY',
  ],
  [
    'instrument: HALTED denies exits',
    checkInstrumentState,
    { signal: { intent: 'EXIT' }, restriction: { state: 'HALTED', cause: feed } },
    'FEED_UNHEALTHY',
  ],
  [
    'instrument: REDUCING denies entries',
    checkInstrumentState,
    { restriction: { state: 'REDUCING', cause: feed } },
    'FEED_UNHEALTHY',
  ],
  [
    'instrument: REDUCING passes exits',
    checkInstrumentState,
    { signal: { intent: 'EXIT' }, restriction: { state: 'REDUCING', cause: feed } },
    undefined,
  ],
  [
    'instrument: a host code is kept',
    checkInstrumentState,
    { restriction: { state: 'HALTED', cause: { code: 'DELISTING', reason: 'r' } } },
    'DELISTING',
  ],

  [
    'position input: readable',
    checkPositionInput,
    { account: { positions: [position('BTCUSDT', 1)] } },
    undefined,
  ],
  [
    'position input: NaN qty',
    checkPositionInput,
    { account: { positions: [{ ...position('BTCUSDT', 1), qty: D(Number.NaN) }] } },
    'INVALID_INPUT',
  ],
  [
    'position input: other instruments are not read',
    checkPositionInput,
    { account: { positions: [{ ...position('ETHUSDT', 1), qty: D(Number.NaN) }] } },
    undefined,
  ],

  ['trading reducing: ACTIVE passes', checkTradingReducing, {}, undefined],
  [
    'trading reducing: REDUCING denies',
    checkTradingReducing,
    { guard: (g) => g.reduce('news') },
    'TRADING_REDUCING',
  ],
  [
    'trading reducing: losing-streak cooldown',
    checkTradingReducing,
    {
      config: { breakers: { consecutiveLosses: { reduceAfter: 1, haltAfter: 2 } } },
      guard: (g) => g.recordTradeResult(D(-1)),
    },
    'COOLDOWN',
  ],

  ['equity: positive passes', checkEquity, {}, undefined],
  ['equity: zero denies', checkEquity, { account: { equity: D(0) } }, 'INVALID_INPUT'],

  ['market data: fresh passes', checkMarketData, {}, undefined],
  ['market data: zero price', checkMarketData, { market: { price: D(0) } }, 'INVALID_INPUT'],
  ['market data: NaN time', checkMarketData, { market: { priceTs: Number.NaN } }, 'INVALID_INPUT'],
  ['market data: 5 s old passes', checkMarketData, { market: { priceTs: T0 - 5_000 } }, undefined],
  ['market data: 5.001 s old', checkMarketData, { market: { priceTs: T0 - 5_001 } }, 'STALE_MARKET_DATA'],
  ['market data: from the future', checkMarketData, { market: { priceTs: T0 + 1_001 } }, 'STALE_MARKET_DATA'],

  ['position conflict: flat passes', checkPositionConflict, {}, undefined],
  [
    'position conflict: BUY while long passes',
    checkPositionConflict,
    { account: { positions: [position('BTCUSDT', 1)] } },
    undefined,
  ],
  [
    'position conflict: BUY while short',
    checkPositionConflict,
    { account: { positions: [position('BTCUSDT', -1)] } },
    'POSITION_CONFLICT',
  ],

  [
    'max open: below passes',
    checkMaxOpenPositions,
    { config: { maxOpenPositions: 2 }, account: { positions: [position('ETHUSDT', 1)] } },
    undefined,
  ],
  [
    'max open: reached',
    checkMaxOpenPositions,
    {
      config: { maxOpenPositions: 2 },
      account: { positions: [position('ETHUSDT', 1)], openOrders: [openOrder('o1', { symbol: 'SOLUSDT' })] },
    },
    'MAX_OPEN_POSITIONS',
  ],
  [
    'max open: adding to a held instrument passes',
    checkMaxOpenPositions,
    {
      config: { maxOpenPositions: 1, maxPositionsPerInstrument: 2 },
      account: { positions: [position('BTCUSDT', 1)] },
    },
    undefined,
  ],

  ['per instrument: none passes', checkMaxPositionsPerInstrument, {}, undefined],
  [
    'per instrument: a position',
    checkMaxPositionsPerInstrument,
    { account: { positions: [position('BTCUSDT', 1)] } },
    'MAX_POSITIONS_PER_INSTRUMENT',
  ],
  [
    'per instrument: an entry order',
    checkMaxPositionsPerInstrument,
    { account: { openOrders: [openOrder('o1')] } },
    'MAX_POSITIONS_PER_INSTRUMENT',
  ],
  [
    'per instrument: a reduce-only order does not count',
    checkMaxPositionsPerInstrument,
    { account: { openOrders: [openOrder('o1', { reduceOnly: true })] } },
    undefined,
  ],

  ['leverage: 1 passes', checkLeverage, {}, undefined],
  ['leverage: above the instrument max', checkLeverage, { config: { leverage: 3 } }, 'LEVERAGE_OUT_OF_RANGE'],
  [
    'leverage: within maxLeverage passes',
    checkLeverage,
    { config: { leverage: 3 }, market: { instrument: instrument({ maxLeverage: 5 }) } },
    undefined,
  ],

  ['margin: positive passes', checkMargin, {}, undefined],
  ['margin: zero', checkMargin, { account: { freeMargin: D(0) } }, 'INSUFFICIENT_MARGIN'],

  ['entry: market passes', checkEntryPrice, {}, undefined],
  [
    'entry: limit passes',
    checkEntryPrice,
    { signal: { orderType: 'LIMIT', limitPrice: D('99.5') } },
    undefined,
  ],
  ['entry: limit without price', checkEntryPrice, { signal: { orderType: 'LIMIT' } }, 'INVALID_INPUT'],
  [
    'entry: limit rounds to zero',
    checkEntryPrice,
    { signal: { orderType: 'LIMIT', limitPrice: D('0.001') } },
    'INVALID_INPUT',
  ],

  ['stop: below a BUY passes', checkStop, {}, undefined],
  ['stop: above a BUY', checkStop, { signal: { stopPrice: D('101') } }, 'STOP_WRONG_SIDE'],
  ['stop: below a SELL', checkStop, { signal: { side: 'SELL', stopPrice: D('99') } }, 'STOP_WRONG_SIDE'],
  ['stop: none, no ATR', checkStop, { signal: { stopPrice: undefined } }, 'MISSING_STOP'],
  ['stop: none, from ATR', checkStop, { signal: { stopPrice: undefined }, market: { atr: 2 } }, undefined],
  [
    'stop: none, not required (fixed notional)',
    checkStop,
    {
      signal: { stopPrice: undefined },
      config: { requireStop: false, sizing: { method: 'fixedNotional', notional: '100' } },
    },
    undefined,
  ],
  ['stop: invalid', checkStop, { signal: { stopPrice: D(-1) } }, 'INVALID_INPUT'],

  ['stop distance: 2 % passes', checkStopDistance, {}, undefined],
  [
    'stop distance: below the fraction',
    checkStopDistance,
    { signal: { stopPrice: D('99.95') } },
    'STOP_TOO_TIGHT',
  ],
  [
    'stop distance: below the ticks',
    checkStopDistance,
    { signal: { stopPrice: D('99.99') }, config: { minStopDistanceFraction: 0 } },
    'STOP_TOO_TIGHT',
  ],
  [
    'stop distance: no stop passes',
    checkStopDistance,
    {
      signal: { stopPrice: undefined },
      config: { requireStop: false, sizing: { method: 'fixedNotional', notional: '100' } },
    },
    undefined,
  ],

  ['take-profit: none passes', checkTakeProfit, {}, undefined],
  ['take-profit: required', checkTakeProfit, { config: { requireTakeProfit: true } }, 'MISSING_TAKE_PROFIT'],
  ['take-profit: above a BUY passes', checkTakeProfit, { signal: { takeProfitPrice: D('104') } }, undefined],
  [
    'take-profit: below a BUY',
    checkTakeProfit,
    { signal: { takeProfitPrice: D('99') } },
    'TAKE_PROFIT_WRONG_SIDE',
  ],
  ['take-profit: invalid', checkTakeProfit, { signal: { takeProfitPrice: D(0) } }, 'INVALID_INPUT'],

  ['reward:risk: 2:1 passes', checkRewardRisk, { signal: { takeProfitPrice: D('104') } }, undefined],
  ['reward:risk: 0.5:1', checkRewardRisk, { signal: { takeProfitPrice: D('101') } }, 'REWARD_RISK_TOO_LOW'],
  [
    'reward:risk: disabled',
    checkRewardRisk,
    { signal: { takeProfitPrice: D('101') }, config: { minRewardRisk: 0 } },
    undefined,
  ],
  ['reward:risk: no take-profit passes', checkRewardRisk, {}, undefined],

  ['correlation: outside any group passes', checkCorrelation, {}, undefined],
  [
    'correlation: within the table passes',
    checkCorrelation,
    { config: majors, account: { positions: [position('ETHUSDT', 1), position('SOLUSDT', 1)] } },
    undefined,
  ],
  [
    'correlation: beyond the table',
    checkCorrelation,
    {
      config: majors,
      account: { positions: [position('ETHUSDT', 1), position('SOLUSDT', 1), position('BNBUSDT', 1)] },
    },
    'CORRELATION_LIMIT',
  ],
  [
    'correlation: opposite direction does not count',
    checkCorrelation,
    {
      config: majors,
      account: { positions: [position('ETHUSDT', -1), position('SOLUSDT', -1), position('BNBUSDT', -1)] },
    },
    undefined,
  ],

  ['confidence: ignored by default', checkConfidence, { signal: { confidence: 7 } }, undefined],
  [
    'confidence: in range passes',
    checkConfidence,
    { signal: { confidence: 0.5 }, config: { scaleByConfidence: true } },
    undefined,
  ],
  [
    'confidence: out of range',
    checkConfidence,
    { signal: { confidence: 1.5 }, config: { scaleByConfidence: true } },
    'INVALID_INPUT',
  ],

  ['order rate: room passes', checkOrderRate, { config: rate1 }, undefined],
  [
    'order rate: window full',
    checkOrderRate,
    { config: rate1, guard: (g) => g.recordOrder('binance:BTCUSDT', T0) },
    'ORDER_RATE_LIMITED',
  ],
  [
    'order rate: another instrument passes',
    checkOrderRate,
    { config: rate1, guard: (g) => g.recordOrder('binance:ETHUSDT', T0) },
    undefined,
  ],
]

describe('risk checks', () => {
  it.each(rows)('%s', (_name, check, input, code) => {
    const r = check(checkContext(input))
    expect(r?.code).toBe(code)
    if (r !== undefined) expect(r.message.length).toBeGreaterThan(0)
  })

  it('an instrument restriction denies with the cause as code and message', () => {
    const r = checkInstrumentState(checkContext({ restriction: { state: 'HALTED', cause: feed } }))
    expect(r).toEqual({
      code: 'FEED_UNHEALTHY',
      message: feed.reason,
      values: { instrument: 'binance:BTCUSDT', instrumentState: 'HALTED' },
    })
  })

  it('rejections carry the numbers behind them', () => {
    const r = checkStopDistance(checkContext({ signal: { stopPrice: D('99.95') } }))
    expect(r?.values).toMatchObject({ stopDistance: '0.05', minStopDistance: '0.1', minStopTicks: 2 })
  })
})
