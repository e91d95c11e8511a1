import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { OrderOutcomeUnknownError } from '../../../src/errors/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
let sim: PolymarketSim | undefined
let clob: PolymarketAdapter | undefined

afterEach(async () => {
  await clob?.close()
  await sim?.close()
  clob = undefined
  sim = undefined
})

type Rewrite = (method: string, path: string, body: unknown) => unknown

async function start(rw: { fn: Rewrite | undefined }) {
  sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5 })
  const through: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    const fn = rw.fn
    if (fn === undefined) return res
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const text = await res.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return new Response(text, { status: res.status, headers: res.headers })
    }
    const out = fn(init?.method ?? 'GET', url.pathname, body)
    return new Response(JSON.stringify(out), { status: res.status, headers: res.headers })
  }
  clob = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    reconnectBaseMs: 20,
    fetch: through,
  })
  clob.events.on('error', () => {})
  await clob.rest.createOrDeriveApiKey()
  return { sim, clob }
}

const limit = (s: PolymarketSim, cid: string) => {
  const m = s.markets[0]!
  return {
    clientOrderId: cid,
    venue: 'polymarket',
    symbol: m.tokens[0].tokenId,
    side: 'BUY' as const,
    type: 'LIMIT' as const,
    qty: new Decimal(5),
    price: new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)),
  }
}

/**
 * The POST /order response documented by Polymarket ({ success, errorMsg, orderID, transactionsHashes, status,
 * takingAmount, makingAmount }: https://docs.polymarket.com/developers/CLOB/orders/create-order) arriving with a field
 * of the wrong type must not become a plain data error: the order may be live at the venue.
 */
describe('Polymarket responses to order requests', () => {
  it('an undecodable POST /order response is outcome-unknown, reconciled by client id', async () => {
    const rw: { fn: Rewrite | undefined } = {
      fn: (m, p, b) => (m === 'POST' && p === '/order' ? { ...(b as object), status: 42 } : b),
    }
    const { sim: s, clob: adapter } = await start(rw)
    const req = limit(s, 'pm-unknown-1')
    const e = await adapter.placeOrder(req).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
    expect(e).toMatchObject({ clientOrderId: 'pm-unknown-1' })
    rw.fn = undefined
    expect((await adapter.queryOrder(req.symbol, 'pm-unknown-1'))?.status).toBe('OPEN')
  })

  it('an undecodable cancel response is outcome-unknown', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    const { sim: s, clob: adapter } = await start(rw)
    const req = limit(s, 'pm-unknown-2')
    await adapter.placeOrder(req)
    rw.fn = (m, p, b) => (m === 'DELETE' && p === '/order' ? { canceled: 'not-a-list' } : b)
    const e = await adapter.cancelOrder(req.symbol, 'pm-unknown-2').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
    expect(e).toMatchObject({ clientOrderId: 'pm-unknown-2' })
  })
})
