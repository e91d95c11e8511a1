import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeAccountTrades, decodeAlgoOrder } from './decodeRest.js'
import { algoOrderToOrder, executionReportToEvent, orderTradeUpdateToEvent } from './mapping.js'
import {
  AlgoUpdateSchema,
  BinanceErrorBodySchema,
  ExecutionReportSchema,
  OrderTradeUpdateSchema,
} from './wire.js'

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

describe('user-data mapping (documented examples)', () => {
  it('executionReport (inside the WebSocket API envelope) -> order update', () => {
    const env = fixture('ws_executionReport_ok.json')
    expect(env.subscriptionId).toBe(0)
    const r = ExecutionReportSchema.parse(env.event)
    const m = executionReportToEvent(r, 'binance')
    expect(m?.order).toMatchObject({
      clientOrderId: 'mUvoqJxFIILMdfAW5iGSOW',
      symbol: 'ETHBTC',
      status: 'OPEN',
      type: 'LIMIT',
      timeInForce: 'GTC',
      venueOrderId: '4293153',
    })
    expect(m?.order.price?.toString()).toBe('0.1026441')
    expect(m?.fill).toBeUndefined()
  })

  it('executionReport TRADE carries a fill; a cancel reports the original client id (C)', () => {
    const base = fixture('ws_executionReport_ok.json').event
    const trade = executionReportToEvent(
      ExecutionReportSchema.parse({
        ...base,
        x: 'TRADE',
        X: 'PARTIALLY_FILLED',
        l: '0.4',
        z: '0.4',
        L: '0.1',
        n: '0.0004',
        N: 'ETH',
        t: 77,
        m: true,
        Z: '0.04',
      }),
      'binance',
    )
    expect(trade?.fill).toMatchObject({ tradeId: '77', liquidity: 'MAKER', feeAsset: 'ETH' })
    expect(trade?.fill?.qty.toString()).toBe('0.4')
    expect(trade?.order.avgFillPrice?.toString()).toBe('0.1')
    const cancel = executionReportToEvent(
      ExecutionReportSchema.parse({
        ...base,
        x: 'CANCELED',
        X: 'CANCELED',
        c: 'cancel-req',
        C: 'mUvoqJxFIILMdfAW5iGSOW',
      }),
      'binance',
    )
    expect(cancel?.order.clientOrderId).toBe('mUvoqJxFIILMdfAW5iGSOW')
  })

  it('a malformed executionReport fails the schema (negative quantity)', () => {
    const base = fixture('ws_executionReport_ok.json').event
    expect(ExecutionReportSchema.safeParse({ ...base, q: '-1' }).success).toBe(false)
    expect(ExecutionReportSchema.safeParse({ ...base, p: 'NaN' }).success).toBe(false)
  })

  it('ORDER_TRADE_UPDATE -> order update', () => {
    const e = OrderTradeUpdateSchema.parse(fixture('ws_orderTradeUpdate_ok.json'))
    const m = orderTradeUpdateToEvent(e, 'binance-usdm')
    expect(m?.order).toMatchObject({
      clientOrderId: 'TEST',
      type: 'TRAILING_STOP_MARKET',
      status: 'OPEN',
      side: 'SELL',
    })
  })

  it("ORDER_TRADE_UPDATE trade -> fill with the venue's realized PnL (`rp`); userTrades rows carry `realizedPnl`", () => {
    // Binance's documented liquidation update (`rp` of the closed part) and Account Trade List row.
    const e = OrderTradeUpdateSchema.parse(fixture('ws_orderTradeUpdate_liquidation_ok.json').data)
    const m = orderTradeUpdateToEvent(e, 'binance-usdm')
    expect(m?.fill?.realizedPnl?.toFixed()).toBe(e.o.rp?.toFixed())
    expect(m?.fill?.realizedPnl).toBeDefined()
    const rows = fixture('rest_usdm_userTrades_ok.json')
    const order = {
      venue: 'binance-usdm',
      symbol: 'BTCUSDT',
      side: 'SELL' as const,
      clientOrderId: 'c',
      venueOrderId: '25851813',
    }
    const r = decodeAccountTrades(rows, order)
    if (!r.ok) throw r.error
    expect(r.value[0]?.realizedPnl?.toFixed()).toBe('-0.91539999')
    // Spot rows have none.
    const spot = decodeAccountTrades(fixture('rest_spot_myTrades_ok.json'), {
      ...order,
      venue: 'binance',
      venueOrderId: String(fixture('rest_spot_myTrades_ok.json')[0].orderId),
    })
    if (!spot.ok) throw spot.error
    expect(spot.value.every((f) => f.realizedPnl === undefined)).toBe(true)
  })

  it('ALGO_UPDATE -> algo order update', () => {
    const e = AlgoUpdateSchema.parse(fixture('ws_algoUpdate_ok.json'))
    const o = algoOrderToOrder(
      {
        algoId: e.o.aid,
        clientAlgoId: e.o.caid,
        orderType: e.o.o,
        symbol: e.o.s,
        side: e.o.S,
        quantity: e.o.q,
        algoStatus: e.o.X,
        triggerPrice: e.o.tp,
        price: e.o.p,
      },
      'binance-usdm',
      0,
    )
    expect(o).toMatchObject({
      clientOrderId: 'Q5xaq5EGKgXXa0fD7fs0Ip',
      status: 'CANCELED',
      type: 'TAKE_PROFIT_LIMIT',
      venueOrderId: 'algo:2148719',
    })
  })

  it('a FINISHED algo order is never decoded alone as filled: the record carries no executed quantity', () => {
    // Query Algo Order's example with algoStatus FINISHED: "the triggered conditional order has been filled or
    // canceled in the matching engine" (Event Algo Order Update); only the actual order says which.
    const finished = { ...fixture('rest_usdm_algoOrderQuery_ok.json'), algoStatus: 'FINISHED' }
    const r = decodeAlgoOrder(finished, 0)
    expect(r.ok && r.value.status === 'FILLED' && r.value.filledQty.eq(r.value.qty)).toBe(false)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.issues).toEqual(['actualOrderId: missing on a FINISHED algo order'])
    const named = decodeAlgoOrder({ ...finished, actualOrderId: '8886774' }, 0)
    expect(!named.ok && named.error.issues[0]).toBe(
      'algoStatus: FINISHED; read the order "8886774" (GET /fapi/v1/order)',
    )
  })

  it('a TRIGGERED algo order decodes alone as open with nothing filled', () => {
    const triggered = {
      ...fixture('rest_usdm_algoOrderQuery_ok.json'),
      algoStatus: 'TRIGGERED',
      actualOrderId: '8886774',
    }
    const r = decodeAlgoOrder(triggered, 0)
    if (!r.ok) throw r.error
    expect(r.value).toMatchObject({ status: 'OPEN', venueOrderId: 'algo:2146760' })
    expect(r.value.filledQty.isZero()).toBe(true)
  })

  it('error body', () => {
    expect(BinanceErrorBodySchema.parse(fixture('rest_error_timestamp.json')).code).toBe(-1021)
  })
})

describe('user-data mapping: hostile values (found by fuzzing)', () => {
  const base = () => fixture('ws_executionReport_ok.json').event
  const map = (patch: Record<string, unknown>) =>
    executionReportToEvent(ExecutionReportSchema.parse({ ...base(), ...patch }), 'binance')

  it('status and type strings never reach Object.prototype', () => {
    for (const k of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(map({ X: k })).toBeUndefined()
      expect(map({ o: k })).toBeUndefined()
    }
  })

  it('a zero cumulative quote quantity never becomes a zero average price', () => {
    const m = map({ x: 'TRADE', X: 'PARTIALLY_FILLED', l: '0.5', L: '0.1', z: '0.5', Z: '0' })
    expect(m?.order.avgFillPrice).toBeUndefined()
  })

  it('an overfill or a zero order quantity is not an order', () => {
    expect(map({ z: '5', q: '1' })).toBeUndefined()
    expect(map({ q: '0' })).toBeUndefined()
  })
})
