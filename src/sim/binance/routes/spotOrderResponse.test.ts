import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BinanceSim } from '../BinanceSim.js'

type Json = Record<string, unknown>

// POST /api/v3/order answers in the layout `newOrderRespType` asks for, over real HTTP on 127.0.0.1, as
// binance-spot-api-docs rest-api.md documents it: ACK (ids and time), RESULT (the order), FULL (and its fills); by
// default FULL for MARKET and LIMIT orders and ACK for the other types.
describe('spot order response types', () => {
  let sim: BinanceSim
  let low: string
  let n = 0
  beforeAll(async () => {
    sim = await BinanceSim.start({ seed: 5, tickMs: 0 })
    low = (Number(sim.midPrice('spot', 'BTCUSDT')) * 0.9).toFixed(2)
  })
  afterAll(() => sim.close())

  async function place(params: Json): Promise<{ status: number; body: Json }> {
    n++
    const q = new URLSearchParams({
      symbol: 'BTCUSDT',
      side: 'BUY',
      quantity: '0.001',
      newClientOrderId: `rt-${n}`,
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      timestamp: String(sim.now()),
    }).toString()
    const signature = createHmac('sha256', sim.apiSecret).update(q).digest('hex')
    const r = await fetch(`${sim.restUrl}/api/v3/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${q}&signature=${signature}`,
    })
    return { status: r.status, body: (await r.json()) as Json }
  }
  const limit = { type: 'LIMIT', timeInForce: 'GTC', price: '' }
  const ACK_KEYS = ['clientOrderId', 'orderId', 'orderListId', 'symbol', 'transactTime']

  it('answers ACK with the ids and the time only', async () => {
    const { status, body } = await place({ ...limit, price: low, newOrderRespType: 'ACK' })
    expect(status).toBe(200)
    expect(Object.keys(body).sort()).toEqual(ACK_KEYS)
    expect(body).toMatchObject({ symbol: 'BTCUSDT', orderListId: -1, clientOrderId: `rt-${n}` })
  })

  it('answers RESULT with the order and no fills, FULL with its fills', async () => {
    const result = await place({ type: 'MARKET', newOrderRespType: 'RESULT' })
    expect(result.body).toMatchObject({ status: 'FILLED', type: 'MARKET', executedQty: '0.00100' })
    expect(result.body).not.toHaveProperty('fills')
    const full = await place({ type: 'MARKET', newOrderRespType: 'FULL' })
    expect(full.body).toMatchObject({ status: 'FILLED' })
    expect((full.body.fills as unknown[]).length).toBeGreaterThan(0)
  })

  it('defaults to FULL for MARKET and LIMIT orders and to ACK for the other types', async () => {
    expect((await place({ type: 'MARKET' })).body).toHaveProperty('fills')
    expect((await place({ ...limit, price: low })).body).toMatchObject({ status: 'NEW', fills: [] })
    const maker = await place({ type: 'LIMIT_MAKER', price: low })
    expect(maker.status).toBe(200)
    expect(Object.keys(maker.body).sort()).toEqual(ACK_KEYS)
  })

  it('refuses a response type Binance does not know (-1100), placing nothing', async () => {
    const open = sim.ledger.openOrders('spot').length
    const { status, body } = await place({ ...limit, price: low, newOrderRespType: 'SHORT' })
    expect(status).toBe(400)
    expect(body.code).toBe(-1100)
    expect(sim.ledger.openOrders('spot')).toHaveLength(open)
  })
})
