import { SIM_LEVERAGE_BRACKETS } from '../engine.js'
import { futuresBalanceJson, positionJson, spotAccountJson } from '../json/account.js'
import { activeSymbols, futuresAccountJson, positionV3Json } from '../json/futuresAccount.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1, FAPI23, SAPI1, SPOT } from './prefixes.js'

function account(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const now = () => v.now()
  if (r.market === 'spot') return spotAccountJson(acc, now)
  return futuresAccountJson(v.engine, acc, now, r.prefix === '/fapi/v2' ? 2 : 3)
}

/**
 * v2 lists every symbol in the v2 layout; v3 only symbols with a position or open orders, in the v3 layout.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 */
function positionRisk(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const now = () => v.now()
  if (r.prefix === '/fapi/v2') {
    const list = r.params.has('symbol') ? [r.symbol()] : [...v.engine.markets.usdm.values()]
    return list.map((m) => positionJson(v.engine, acc, m, now))
  }
  const only = r.params.has('symbol') ? r.symbol().spec.symbol : undefined
  return activeSymbols(v.engine, acc)
    .filter((m) => only === undefined || m.spec.symbol === only)
    .map((m) => positionV3Json(v.engine, acc, m, now))
}

function leverageBracket(v: BinanceVenue, r: BinanceRequest): unknown {
  r.auth()
  const list = r.params.has('symbol') ? [r.symbol()] : [...v.engine.markets.usdm.values()]
  return list.map((m) => ({
    symbol: m.spec.symbol,
    notionalCoef: 1.0,
    brackets: SIM_LEVERAGE_BRACKETS.map((b) => ({ ...b })),
  }))
}

function setLeverage(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const lev = Number(r.params.get('leverage'))
  return v.engine.setLeverage(acc, r.symbol().spec.symbol, lev)
}

/**
 * Per-symbol margin type and leverage; an unknown symbol is `-1121`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Symbol-Config
 */
function symbolConfig(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const list = r.params.has('symbol') ? [r.symbol()] : [...v.engine.markets.usdm.values()]
  return list.map((m) => {
    const leverage = v.engine.leverageOf(acc, m.spec.symbol)
    const allowed = SIM_LEVERAGE_BRACKETS.filter((b) => b.initialLeverage >= leverage)
    const cap = allowed[allowed.length - 1]?.notionalCap ?? 0
    return {
      symbol: m.spec.symbol,
      marginType: 'CROSSED',
      isAutoAddMargin: 'false',
      leverage,
      maxNotionalValue: String(cap),
    }
  })
}

/**
 * Spot maker/taker fees per symbol (the sim charges 0.1 % both ways, as `GET /api/v3/account` reports).
 * https://developers.binance.com/docs/wallet/asset/trade-fee
 */
function tradeFee(v: BinanceVenue, r: BinanceRequest): unknown {
  r.auth()
  const list = r.params.has('symbol') ? [r.symbol()] : [...v.engine.markets.spot.values()]
  return list.map((m) => ({ symbol: m.spec.symbol, makerCommission: '0.001', takerCommission: '0.001' }))
}

/** Account state of spot and USD-M: balances, positions, leverage, fees. */
export const accountRoutes: readonly BinanceRouteSpec[] = [
  { method: 'GET', path: '/account', at: SPOT, handler: account },
  { method: 'GET', path: '/account', at: FAPI23, handler: account },
  {
    method: 'GET',
    path: '/balance',
    at: FAPI23,
    handler: (v, r) => [futuresBalanceJson(v.engine, r.auth(), () => v.now())],
  },
  { method: 'GET', path: '/positionRisk', at: FAPI23, handler: positionRisk },
  { method: 'GET', path: '/leverageBracket', at: FAPI1, handler: leverageBracket },
  { method: 'POST', path: '/leverage', at: FAPI1, handler: setLeverage },
  { method: 'GET', path: '/symbolConfig', at: FAPI1, handler: symbolConfig },
  {
    method: 'GET',
    path: '/positionSide/dual',
    at: FAPI1,
    handler: (v, r) => {
      r.auth()
      return { dualSidePosition: v.hedgeMode }
    },
  },
  { method: 'GET', path: '/asset/tradeFee', at: SAPI1, handler: tradeFee },
]
