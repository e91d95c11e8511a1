import { describe, expect, it } from 'vitest'
import type * as z from 'zod/mini'
import { ManualClock } from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import { isTradekitError, OrderOutcomeUnknownError, OrderRejectedError } from '../../errors/index.js'
import type { BinanceCall, BinanceRest } from './BinanceRest.js'
import { OpenOrderLimits } from './OpenOrderLimits.js'
import { UsdmAlgoOrders } from './UsdmAlgoOrders.js'

/** Binance's Query Algo Order example (trade/rest-api/Query-Algo-Order) with the status a test gives it. */
const record = (algoStatus: string, actualOrderId = '') => ({
  algoId: 2146760,
  clientAlgoId: '6B2I9XVcJpCjqPAJ4YoFX7',
  algoType: 'CONDITIONAL',
  orderType: 'TAKE_PROFIT',
  symbol: 'BNBUSDT',
  side: 'SELL',
  positionSide: 'BOTH',
  timeInForce: 'GTC',
  quantity: '0.01',
  algoStatus,
  actualOrderId,
  actualPrice: '0.00000',
  triggerPrice: '750.000',
  price: '750.000',
  icebergQuantity: null,
  tpTriggerPrice: '0.000',
  tpPrice: '0.000',
  slTriggerPrice: '0.000',
  slPrice: '0.000',
  tpOrderType: '',
  selfTradePreventionMode: 'EXPIRE_MAKER',
  workingType: 'CONTRACT_PRICE',
  priceMatch: 'NONE',
  closePosition: false,
  priceProtect: false,
  reduceOnly: false,
  createTime: 1750485492076,
  updateTime: 1750514545091,
  triggerTime: 0,
  goodTillDate: 0,
})

/** The order the take-profit placed (Query Order layout, trade/rest-api/Query-Order): canceled, 0.004 of 0.01 filled. */
const actualOrder = {
  avgPrice: '750.10000',
  clientOrderId: 'x-triggered-8886774',
  cumQuote: '3.00040',
  executedQty: '0.004',
  orderId: 8886774,
  origQty: '0.01',
  origType: 'LIMIT',
  price: '750.000',
  reduceOnly: false,
  side: 'SELL',
  positionSide: 'BOTH',
  status: 'CANCELED',
  stopPrice: '0',
  closePosition: false,
  symbol: 'BNBUSDT',
  time: 1750514540000,
  timeInForce: 'GTC',
  type: 'LIMIT',
  activatePrice: '0',
  priceRate: '0',
  updateTime: 1750514545091,
  workingType: 'CONTRACT_PRICE',
  priceProtect: false,
}

/** An algo-order unit over a scripted REST layer: `answers` by path, every call recorded. */
function unit(answers: Record<string, (params: Record<string, unknown>) => unknown>) {
  const calls: Array<{ method: string; path: string; params: Record<string, unknown> }> = []
  const linked: Array<[string, string]> = []
  const rest: Pick<BinanceRest, 'call'> = {
    call: async <S extends z.ZodMiniType>(c: BinanceCall<S>): Promise<z.output<S>> => {
      const params: Record<string, unknown> = { ...c.params }
      calls.push({ method: c.method ?? 'GET', path: c.path, params })
      const answer = answers[`${c.method ?? 'GET'} ${c.path}`]
      if (answer === undefined) throw new Error(`unexpected ${c.method} ${c.path}`)
      return c.schema.parse(answer(params))
    },
  }
  const algo = new UsdmAlgoOrders({
    rest,
    clock: new ManualClock(0),
    limits: new OpenOrderLimits(),
    submitError: (_req, e) => e,
    undecodable: (cid, _symbol, cause, action) =>
      new OrderOutcomeUnknownError(cid, `lost ${action}`, { cause }),
    onTriggered: (id, cid) => linked.push([id, cid]),
  })
  return { algo, calls, linked }
}

describe('a FINISHED algo order (filled or canceled in the matching engine)', () => {
  it('is queried through its actual order: status, fills and id under the algo order client id', async () => {
    const { algo, calls, linked } = unit({
      'GET /fapi/v1/algoOrder': () => record('FINISHED', '8886774'),
      'GET /fapi/v1/order': () => actualOrder,
    })
    const o = await algo.query('6B2I9XVcJpCjqPAJ4YoFX7')
    expect(o).toMatchObject({
      clientOrderId: '6B2I9XVcJpCjqPAJ4YoFX7',
      venueOrderId: '8886774',
      status: 'CANCELED',
      type: 'MARKET',
      symbol: 'BNBUSDT',
    })
    expect(o?.filledQty.toFixed()).toBe('0.004')
    expect(o?.avgFillPrice?.toFixed()).toBe('750.1')
    expect(calls.map((c) => [c.method, c.path, c.params])).toEqual([
      ['GET', '/fapi/v1/algoOrder', { clientAlgoId: '6B2I9XVcJpCjqPAJ4YoFX7' }],
      ['GET', '/fapi/v1/order', { symbol: 'BNBUSDT', orderId: '8886774' }],
    ])
    // The user stream learns the link too: the order's later events go out under the algo order's id.
    expect(linked).toEqual([['8886774', '6B2I9XVcJpCjqPAJ4YoFX7']])
  })

  it('that names no actual order is refused, never guessed', async () => {
    const { algo, calls } = unit({ 'GET /fapi/v1/algoOrder': () => record('FINISHED') })
    const e = await algo.query('6B2I9XVcJpCjqPAJ4YoFX7').catch((x: unknown) => x)
    expect(isTradekitError(e, 'EXCHANGE_DATA_INVALID')).toBe(true)
    expect(calls).toHaveLength(1)
  })

  it('an untriggered or canceled one is read from the algo record alone', async () => {
    for (const status of ['NEW', 'CANCELED']) {
      const { algo, calls } = unit({ 'GET /fapi/v1/algoOrder': () => record(status) })
      const o = await algo.query('6B2I9XVcJpCjqPAJ4YoFX7')
      expect(o?.status).toBe(status === 'NEW' ? 'OPEN' : 'CANCELED')
      expect(o?.filledQty.isZero()).toBe(true)
      expect(calls).toHaveLength(1)
    }
  })
})

describe('cancel of a triggered algo order (Binance cancels only an active one: -2011)', () => {
  const cid = '6B2I9XVcJpCjqPAJ4YoFX7'
  const refused = () => {
    throw new OrderRejectedError('binance-usdm', 'Binance -2011: Unknown order sent.', { venueCode: -2011 })
  }

  it('TRIGGERED: cancels its actual order by id, reported under the algo order client id', async () => {
    const { algo, calls, linked } = unit({
      'DELETE /fapi/v1/algoOrder': refused,
      'GET /fapi/v1/algoOrder': () => record('TRIGGERED', '8886774'),
      'DELETE /fapi/v1/order': () => actualOrder,
    })
    const o = await algo.cancel('BNBUSDT', cid)
    expect(o).toMatchObject({ clientOrderId: cid, venueOrderId: '8886774', status: 'CANCELED' })
    expect(calls.map((c) => [c.method, c.path, c.params])).toEqual([
      ['DELETE', '/fapi/v1/algoOrder', { clientAlgoId: cid }],
      ['GET', '/fapi/v1/algoOrder', { clientAlgoId: cid }],
      ['DELETE', '/fapi/v1/order', { symbol: 'BNBUSDT', orderId: '8886774' }],
    ])
    expect(linked).toEqual([['8886774', cid]])
  })

  it('an unreadable answer to that cancel leaves its outcome unknown', async () => {
    const { algo } = unit({
      'DELETE /fapi/v1/algoOrder': refused,
      'GET /fapi/v1/algoOrder': () => record('TRIGGERED', '8886774'),
      'DELETE /fapi/v1/order': () => ({ ...actualOrder, status: 'NOT_A_STATUS' }),
    })
    const e = await algo.cancel('BNBUSDT', cid).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
    expect((e as Error).message).toBe('lost cancel')
  })

  it('FINISHED or not yet triggered: the refusal stands and nothing else is cancelled', async () => {
    for (const status of ['FINISHED', 'TRIGGERING', 'CANCELED']) {
      const { algo, calls } = unit({
        'DELETE /fapi/v1/algoOrder': refused,
        'GET /fapi/v1/algoOrder': () => record(status, status === 'FINISHED' ? '8886774' : ''),
      })
      const e = await algo.cancel('BNBUSDT', cid).catch((x: unknown) => x)
      expect(e).toMatchObject({ venueCode: -2011 })
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'DELETE /fapi/v1/algoOrder',
        'GET /fapi/v1/algoOrder',
      ])
    }
  })
})

describe('MAX_NUM_ALGO_ORDERS per symbol', () => {
  it('reads and counts the open algo orders of the order symbol only', async () => {
    const open = { ...record('NEW'), symbol: 'BTCUSDT', clientAlgoId: 'btc-stop' }
    const { algo, calls } = unit({
      'GET /fapi/v1/openAlgoOrders': (p) => (p.symbol === 'BTCUSDT' ? [open] : []),
    })
    const stop = (symbol: string, clientOrderId: string) => ({
      clientOrderId,
      venue: 'binance-usdm',
      symbol,
      side: 'SELL' as const,
      type: 'STOP_MARKET' as const,
      qty: new Decimal('0.01'),
      triggerPrice: new Decimal('2000'),
      reduceOnly: true,
    })
    await algo.checkCap(stop('ETHUSDT', 'eth-stop'), 1)
    const e = await algo.checkCap(stop('BTCUSDT', 'btc-stop-2'), 1).catch((x: unknown) => x)
    expect(isTradekitError(e, 'VALIDATION_FAILED') && e.details.filter).toBe('MAX_NUM_ALGO_ORDERS')
    expect(calls.map((c) => c.params)).toEqual([{ symbol: 'ETHUSDT' }, { symbol: 'BTCUSDT' }])
  })
})
