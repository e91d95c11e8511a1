import { afterEach, describe, expect, it } from 'vitest'
import { decodeUsdmUserEvent } from '../../../src/exchanges/binance/decodeUserEvent.js'
import { ConfigError } from '../../../src/index.js'
import { type Harness, harness, req } from './helpers.js'

/**
 * Binance's own `ACCOUNT_UPDATE` example (hedge-mode account: BOTH / LONG / SHORT positions of one symbol):
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 */
const DOCS_ACCOUNT_UPDATE = {
  e: 'ACCOUNT_UPDATE',
  E: 1564745798939,
  T: 1564745798938,
  a: {
    m: 'ORDER',
    B: [
      { a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' },
      { a: 'BUSD', wb: '1.00000000', cw: '0.00000000', bc: '-49.12345678' },
    ],
    P: [
      {
        s: 'BTCUSDT',
        pa: '0',
        ep: '0.00000',
        bep: '0',
        cr: '200',
        up: '0',
        mt: 'isolated',
        iw: '0.00000000',
        ps: 'BOTH',
      },
      {
        s: 'BTCUSDT',
        pa: '20',
        ep: '6563.66500',
        bep: '6563.6',
        cr: '0',
        up: '2850.21200',
        mt: 'isolated',
        iw: '13200.70726908',
        ps: 'LONG',
      },
      {
        s: 'BTCUSDT',
        pa: '-10',
        ep: '6563.86000',
        bep: '6563.6',
        cr: '-45.04000000',
        up: '-1423.15600',
        mt: 'isolated',
        iw: '6570.42511771',
        ps: 'SHORT',
      },
    ],
  },
}

describe('USD-M hedge mode (one-way mode only)', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('the documented hedge-mode ACCOUNT_UPDATE is refused, naming each side, never collapsed by symbol', () => {
    const r = decodeUsdmUserEvent(DOCS_ACCOUNT_UPDATE)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
    expect(r.error.issues).toEqual([
      'a.P.1.ps: "LONG" BTCUSDT (hedge mode is not supported)',
      'a.P.2.ps: "SHORT" BTCUSDT (hedge mode is not supported)',
    ])
  })

  it('a one-way ACCOUNT_UPDATE (ps BOTH) decodes', () => {
    const oneWay = {
      ...DOCS_ACCOUNT_UPDATE,
      a: { ...DOCS_ACCOUNT_UPDATE.a, P: [DOCS_ACCOUNT_UPDATE.a.P[0]] },
    }
    const r = decodeUsdmUserEvent(oneWay)
    expect(r.ok && r.value.kind === 'account' && r.value.positions.length).toBe(1)
  })

  it('an unknown position side is refused', () => {
    const odd = {
      ...DOCS_ACCOUNT_UPDATE,
      a: { ...DOCS_ACCOUNT_UPDATE.a, P: [{ ...DOCS_ACCOUNT_UPDATE.a.P[0], ps: 'NET' }] },
    }
    expect(decodeUsdmUserEvent(odd).ok).toBe(false)
  })

  it('one-way is detected at start (GET /fapi/v1/positionSide/dual) and trading proceeds', async () => {
    h = await harness()
    expect(await h.usdm.positionMode()).toBe('one-way')
    await h.usdm.startUserData()
    const ack = await h.usdm.placeOrder(req({ venue: 'binance-usdm' }))
    expect(ack.order.status).toBe('FILLED')
    expect(h.sim.requestLog.filter((l) => l.path === '/fapi/v1/positionSide/dual').length).toBe(2)
  })

  it('a hedge-mode account is refused with a ConfigError at start and before any order is sent', async () => {
    h = await harness({ hedgeMode: true })
    expect(await h.usdm.positionMode()).toBe('hedge')
    const start = await h.usdm.startUserData().catch((e: unknown) => e)
    expect(start).toBeInstanceOf(ConfigError)
    expect(start).toMatchObject({
      code: 'CONFIG_INVALID',
      issues: ['dualSidePosition: must be false (one-way mode)'],
    })
    await expect(h.usdm.placeOrder(req({ venue: 'binance-usdm' }))).rejects.toBeInstanceOf(ConfigError)
    expect(h.sim.requestLog.some((l) => l.method === 'POST' && l.path === '/fapi/v1/order')).toBe(false)
  })
})
