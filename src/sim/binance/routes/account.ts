import { SIM_LEVERAGE_BRACKETS } from '../engine.js'
import { futuresAccountJson, futuresBalanceJson, positionJson, spotAccountJson } from '../json/account.js'
import type { BinanceRequest, BinanceRoute, BinanceVenue } from './BinanceRoute.js'

function account(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const now = () => v.now()
  return r.market === 'spot' ? spotAccountJson(acc, now) : futuresAccountJson(v.engine, acc, now)
}

function positionRisk(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const symbol = r.params.get('symbol')
  return [...v.engine.markets.usdm.values()]
    .filter((m) => symbol === null || m.spec.symbol === symbol)
    .map((m) => positionJson(v.engine, acc, m, () => v.now()))
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

/** Account state of spot and USD-M: balances, positions, leverage. */
export const accountRoutes: readonly BinanceRoute[] = [
  { method: 'GET', path: '/account', handler: account },
  {
    method: 'GET',
    path: '/balance',
    handler: (v, r) => [futuresBalanceJson(v.engine, r.auth(), () => v.now())],
  },
  { method: 'GET', path: '/positionRisk', handler: positionRisk },
  { method: 'GET', path: '/leverageBracket', handler: leverageBracket },
  { method: 'POST', path: '/leverage', handler: setLeverage },
  {
    method: 'GET',
    path: '/positionSide/dual',
    handler: (v, r) => {
      r.auth()
      return { dualSidePosition: v.hedgeMode }
    },
  },
]
