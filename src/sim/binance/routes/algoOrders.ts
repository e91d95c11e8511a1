import { SimApiError } from '../engine.js'
import { algoJson } from '../json/orders.js'
import { algoOrderParams } from '../orderParams.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1 } from './prefixes.js'

function placeAlgo(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const input = algoOrderParams(m, p)
  const a = v.engine.placeAlgo(
    acc,
    {
      clientAlgoId: p.get('clientAlgoId') ?? `sim${v.clockNow()}`,
      symbol: m.spec.symbol,
      ...input,
      workingType: p.get('workingType') === 'MARK_PRICE' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
      reduceOnly: p.get('reduceOnly') === 'true',
      timeInForce: p.get('timeInForce') ?? 'GTC',
    },
    v.now(),
  )
  return algoJson(a, m)
}

function cancelAlgo(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const algoId = r.params.has('algoId') ? Number(r.params.get('algoId')) : undefined
  const a = v.engine.cancelAlgo(acc, algoId, r.params.get('clientAlgoId') ?? undefined, v.now())
  return { algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: '200', msg: 'success' }
}

function openAlgoOrders(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const p = r.params
  return v.engine.algoOrders
    .filter(
      (a) =>
        a.account === acc.apiKey &&
        a.algoStatus === 'NEW' &&
        (!p.has('symbol') || a.symbol === p.get('symbol')),
    )
    .map((a) => algoJson(a, v.engine.market('usdm', a.symbol)))
}

function queryAlgo(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const algoId = r.params.has('algoId') ? Number(r.params.get('algoId')) : undefined
  const cid = r.params.get('clientAlgoId')
  const a = v.engine.findAlgo(acc.apiKey, algoId, cid)
  if (a === undefined) throw new SimApiError(400, -2013, 'Order does not exist.')
  return algoJson(a, v.engine.market('usdm', a.symbol))
}

/** USD-M conditional (algo) orders: place, cancel, query, list open. */
export const algoOrderRoutes: readonly BinanceRouteSpec[] = [
  { method: 'POST', path: '/algoOrder', at: FAPI1, handler: placeAlgo },
  { method: 'DELETE', path: '/algoOrder', at: FAPI1, handler: cancelAlgo },
  { method: 'GET', path: '/openAlgoOrders', at: FAPI1, handler: openAlgoOrders },
  { method: 'GET', path: '/algoOrder', at: FAPI1, handler: queryAlgo },
]
