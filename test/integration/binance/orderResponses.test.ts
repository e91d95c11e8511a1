import { afterEach, describe, expect, it } from 'vitest'
import { BinanceFuturesOrderSchema } from '../../../src/exchanges/binance/wire.js'
import { OrderOutcomeUnknownError } from '../../../src/index.js'
import { Decimal, type Harness, harness, req } from './helpers.js'

/**
 * Binance USD-M "Cancel Order (TRADE)" response example, no `avgPrice` (the New Order example is of the same shape):
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Cancel-Order
 */
const DOCS_USDM_CANCEL = {
  clientOrderId: 'myOrder1',
  cumQty: '0',
  cumQuote: '0',
  executedQty: '0',
  orderId: 283194212,
  origQty: '11',
  origType: 'TRAILING_STOP_MARKET',
  price: '0',
  reduceOnly: false,
  side: 'BUY',
  positionSide: 'SHORT',
  status: 'CANCELED',
  stopPrice: '9300',
  closePosition: false,
  symbol: 'BTCUSDT',
  timeInForce: 'GTC',
  type: 'TRAILING_STOP_MARKET',
  activatePrice: '9020',
  priceRate: '0.3',
  updateTime: 1571110484038,
  workingType: 'CONTRACT_PRICE',
  priceProtect: false,
  priceMatch: 'NONE',
  selfTradePreventionMode: 'NONE',
  goodTillDate: 1693207680000,
}

type Rewrite = (method: string, path: string, body: Record<string, unknown>) => unknown

/** A harness whose REST responses pass through `rewrite` (JSON object bodies only). */
async function rewriting(rewrite: { fn: Rewrite | undefined }): Promise<Harness> {
  const fetchThrough: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    const fn = rewrite.fn
    if (fn === undefined) return res
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const text = await res.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return new Response(text, { status: res.status, headers: res.headers })
    }
    const out =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? fn(init?.method ?? 'GET', url.pathname, body as Record<string, unknown>)
        : body
    return new Response(JSON.stringify(out), { status: res.status, headers: res.headers })
  }
  return harness({}, { fetch: fetchThrough })
}

describe('responses to order requests', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('decodes the documented USD-M cancel response without avgPrice', () => {
    const r = BinanceFuturesOrderSchema.safeParse(DOCS_USDM_CANCEL)
    expect(r.success).toBe(true)
    expect(r.data?.avgPrice).toBeUndefined()
  })

  it('USD-M new order and cancel responses without avgPrice decode', async () => {
    const rw: { fn: Rewrite | undefined } = {
      fn: (m, p, b) => {
        if (p === '/fapi/v1/order' && (m === 'POST' || m === 'DELETE')) delete b.avgPrice
        return b
      },
    }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('usdm', 'BTCUSDT'))
    const r = req({ venue: 'binance-usdm', type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(1) })
    const ack = await h.usdm.placeOrder(r)
    expect(ack.order.status).toBe('OPEN')
    expect(ack.order.avgFillPrice).toBeUndefined()
    const cancelled = await h.usdm.cancelOrder('BTCUSDT', r.clientOrderId)
    expect(cancelled.status).toBe('CANCELED')
  })

  it('an undecodable USD-M new-order response is outcome-unknown (the order is live), not a data error', async () => {
    const rw: { fn: Rewrite | undefined } = {
      fn: (m, p, b) => (p === '/fapi/v1/order' && m === 'POST' ? { ...b, executedQty: 'garbage' } : b),
    }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('usdm', 'BTCUSDT'))
    const r = req({ venue: 'binance-usdm', type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(1) })
    const e = await h.usdm.placeOrder(r).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
    expect(e).toMatchObject({ code: 'ORDER_OUTCOME_UNKNOWN', clientOrderId: r.clientOrderId })
    rw.fn = undefined
    // Reconcile by client id: the venue holds it.
    expect((await h.usdm.queryOrder('BTCUSDT', r.clientOrderId))?.status).toBe('OPEN')
  })

  it('an unknown status in a USD-M new-order response is outcome-unknown', async () => {
    const rw: { fn: Rewrite | undefined } = {
      fn: (m, p, b) => (p === '/fapi/v1/order' && m === 'POST' ? { ...b, status: 'NEW_STATUS' } : b),
    }
    h = await rewriting(rw)
    const r = req({ venue: 'binance-usdm' })
    await expect(h.usdm.placeOrder(r)).rejects.toBeInstanceOf(OrderOutcomeUnknownError)
  })

  it('an undecodable USD-M cancel response is outcome-unknown', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('usdm', 'BTCUSDT'))
    const r = req({ venue: 'binance-usdm', type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(1) })
    await h.usdm.placeOrder(r)
    rw.fn = (m, p, b) => (p === '/fapi/v1/order' && m === 'DELETE' ? { ...b, origQty: '' } : b)
    const e = await h.usdm.cancelOrder('BTCUSDT', r.clientOrderId).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
    expect(e).toMatchObject({ clientOrderId: r.clientOrderId, details: { action: 'cancel' } })
  })

  it('undecodable spot new-order and cancel responses are outcome-unknown', async () => {
    const rw: { fn: Rewrite | undefined } = {
      fn: (m, p, b) => (p === '/api/v3/order' && m === 'POST' ? { ...b, orderId: 'x' } : b),
    }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('spot', 'BTCUSDT'))
    const r = req({ type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(2) })
    await expect(h.spot.placeOrder(r)).rejects.toBeInstanceOf(OrderOutcomeUnknownError)
    rw.fn = (m, p, b) => (p === '/api/v3/order' && m === 'DELETE' ? { ...b, status: 'WEIRD' } : b)
    await expect(h.spot.cancelOrder('BTCUSDT', r.clientOrderId)).rejects.toBeInstanceOf(
      OrderOutcomeUnknownError,
    )
  })
})
