import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { BinanceSim } from './BinanceSim.js'

type Json = Record<string, unknown>

let sim: BinanceSim
beforeAll(async () => {
  sim = await BinanceSim.start({ tickMs: 0, seed: 3, symbols: ['BTCUSDT'] })
})
afterAll(async () => {
  await sim.close()
})

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!cond()) throw new Error('timed out waiting for user-data events')
}

/** A raw spot user-data subscription (`userDataStream.subscribe.signature`, HMAC): the events it receives. */
async function spotEvents(): Promise<{ events: Json[]; ws: WebSocket }> {
  const ws = new WebSocket(`${sim.wsUrl}/ws-api/v3`)
  const events: Json[] = []
  let answered = false
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Json
    if (m.event !== undefined) events.push(m.event as Json)
    else answered = m.status === 200
  })
  await new Promise((r) => ws.on('open', r))
  const params: Json = { apiKey: sim.apiKey, timestamp: sim.now() }
  const payload = `apiKey=${sim.apiKey}&timestamp=${params.timestamp}`
  params.signature = createHmac('sha256', sim.apiSecret).update(payload).digest('hex')
  ws.send(JSON.stringify({ id: 1, method: 'userDataStream.subscribe.signature', params }))
  await until(() => answered)
  return { events, ws }
}

describe('BinanceSim.transfer', () => {
  it('spot: balanceUpdate (signed d) then outboundAccountPosition with the new balance, or the reverse', async () => {
    const { events, ws } = await spotEvents()
    const before = sim.ledger.spotBalance('USDT').free
    expect(sim.transfer('USDT', '2500.5')).toBe(String(Number(before) + 2500.5))
    await until(() => events.length === 2)
    const [bu, pos] = events
    expect(bu).toEqual({ e: 'balanceUpdate', E: bu?.E, a: 'USDT', d: '2500.50000000', T: bu?.T })
    expect(typeof bu?.E).toBe('number')
    expect(pos).toMatchObject({ e: 'outboundAccountPosition', B: [{ a: 'USDT', l: '0.00000000' }] })
    expect(Number((pos?.B as Json[] | undefined)?.[0]?.f)).toBe(Number(before) + 2500.5)
    sim.transfer('USDT', '-500.5', { positionFirst: true })
    await until(() => events.length === 4)
    expect(events.slice(2).map((e) => e.e)).toEqual(['outboundAccountPosition', 'balanceUpdate'])
    expect(events[3]?.d).toBe('-500.50000000')
    expect(sim.ledger.spotBalance('USDT').free).toBe(String(Number(before) + 2000))
    // A withdrawal beyond the free balance is refused and moves nothing.
    expect(() => sim.transfer('BTC', '-1000')).toThrow(/beyond the free BTC/)
    expect(() => sim.transfer('USDT', '0')).toThrow(/non-zero/)
    expect(events).toHaveLength(4)
    ws.close()
  })

  it('USD-M: ACCOUNT_UPDATE with m DEPOSIT / WITHDRAW, the new wb and cw, bc the amount, no positions', async () => {
    const r = await fetch(`${sim.restUrl}/fapi/v1/listenKey`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey },
    })
    const { listenKey } = (await r.json()) as { listenKey: string }
    const ws = new WebSocket(`${sim.wsUrl}/fstream/private/ws/${listenKey}`)
    const events: Json[] = []
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as Json))
    await new Promise((res) => ws.on('open', res))
    const before = Number(sim.ledger.futuresWallet())
    expect(sim.transfer('USDT', '1000', { market: 'usdm' })).toBe(String(before + 1000))
    sim.transfer('USDT', '-250', { market: 'usdm' })
    sim.transfer('USDT', '10', { market: 'usdm', reason: 'ASSET_TRANSFER' })
    await until(() => events.length === 3)
    const wallet = (n: number) => n.toFixed(8)
    expect(events.map((e) => e.a)).toEqual([
      {
        m: 'DEPOSIT',
        B: [{ a: 'USDT', wb: wallet(before + 1000), cw: wallet(before + 1000), bc: '1000.00000000' }],
        P: [],
      },
      {
        m: 'WITHDRAW',
        B: [{ a: 'USDT', wb: wallet(before + 750), cw: wallet(before + 750), bc: '-250.00000000' }],
        P: [],
      },
      {
        m: 'ASSET_TRANSFER',
        B: [{ a: 'USDT', wb: wallet(before + 760), cw: wallet(before + 760), bc: '10.00000000' }],
        P: [],
      },
    ])
    expect(events.every((e) => e.e === 'ACCOUNT_UPDATE' && typeof e.E === 'number')).toBe(true)
    expect(() => sim.transfer('BTC', '1', { market: 'usdm' })).toThrow(/USDT only/)
    expect(() => sim.transfer('USDT', '1', { market: 'usdm', reason: 'ORDER' })).toThrow(
      /not a transfer reason/,
    )
    expect(() => sim.transfer('USDT', String(-(before + 761)), { market: 'usdm' })).toThrow(/beyond/)
    expect(sim.ledger.futuresWallet()).toBe(String(before + 760))
    ws.close()
  })
})
