import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/index.js'
import { decodeUsdmUserEvent } from './decodeUserEvent.js'
import { TriggeredOrderLinks } from './TriggeredOrderLinks.js'
import type { BinanceAlgoUpdate, BinanceOrderTradeUpdate } from './wire.js'

function otu(i: number, x: string, X: string, o: { q?: string; l?: string; t?: number; S?: string } = {}) {
  const l = o.l ?? '0'
  const r = decodeUsdmUserEvent({
    e: 'ORDER_TRADE_UPDATE',
    E: 1,
    T: 1,
    o: {
      s: 'BTCUSDT',
      c: `algo-${i}`,
      S: o.S ?? 'SELL',
      o: 'MARKET',
      f: 'GTC',
      q: o.q ?? '0.02',
      p: '0',
      ap: l === '0' ? '0' : '100',
      x,
      X,
      i,
      l,
      z: l,
      L: l === '0' ? '0' : '100',
      N: 'USDT',
      n: '0',
      T: 1,
      t: o.t ?? 0,
      m: false,
      R: true,
    },
  })
  if (!r.ok || r.value.kind !== 'orderTrade') throw new Error('bad fixture')
  return r.value.update
}

function algo(X: string, ai = '', q = '0.02'): BinanceAlgoUpdate {
  const r = decodeUsdmUserEvent({
    e: 'ALGO_UPDATE',
    E: 1,
    T: 1,
    o: { caid: 'stop-1', aid: 5, o: 'STOP_MARKET', s: 'BTCUSDT', S: 'SELL', q, X, ai },
  })
  if (!r.ok || r.value.kind !== 'algo') throw new Error('bad fixture')
  return r.value.update
}

function setup(o: { holdMs?: number; maxEventsPerOrder?: number } = {}) {
  const clock = new ManualClock(0)
  const out: { cid: string; x: string; statusOnly: boolean }[] = []
  const links = new TriggeredOrderLinks({
    clock,
    ...o,
    emit: (u: BinanceOrderTradeUpdate, algoCid, statusOnly) =>
      out.push({ cid: algoCid ?? u.o.c, x: u.o.x, statusOnly }),
  })
  return { clock, out, links }
}

describe('TriggeredOrderLinks', () => {
  it('holds the triggered order until ALGO_UPDATE links it, then sends each event once under the algo id', () => {
    const { out, links } = setup()
    links.onAlgoUpdate(algo('TRIGGERING'))
    links.onOrderUpdate(otu(7, 'NEW', 'NEW'))
    links.onOrderUpdate(otu(7, 'TRADE', 'FILLED', { l: '0.02', t: 3 }))
    expect(out).toEqual([])
    expect(links.heldOrders).toBe(1)
    links.onAlgoUpdate(algo('TRIGGERED', '7'))
    links.onAlgoUpdate(algo('FINISHED', '7'))
    expect(out).toEqual([
      { cid: 'stop-1', x: 'NEW', statusOnly: false },
      { cid: 'stop-1', x: 'TRADE', statusOnly: false },
    ])
    links.onOrderUpdate(otu(7, 'TRADE', 'FILLED', { l: '0.02', t: 4 }))
    expect(out.at(-1)).toEqual({ cid: 'stop-1', x: 'TRADE', statusOnly: false })
    expect(links.heldOrders).toBe(0)
  })

  it('an order never linked goes out under its own id after the bound; a late link sends its state only', () => {
    const { clock, out, links } = setup({ holdMs: 1000 })
    links.onAlgoUpdate(algo('TRIGGERING'))
    links.onOrderUpdate(otu(7, 'TRADE', 'FILLED', { l: '0.02', t: 3 }))
    clock.advance(999)
    expect(out).toEqual([])
    clock.advance(1)
    expect(out).toEqual([{ cid: 'algo-7', x: 'TRADE', statusOnly: false }])
    links.onAlgoUpdate(algo('TRIGGERED', '7'))
    expect(out).toEqual([
      { cid: 'algo-7', x: 'TRADE', statusOnly: false },
      { cid: 'stop-1', x: 'TRADE', statusOnly: true },
    ])
  })

  it('holds nothing without a matching TRIGGERING algo order (other side, other quantity, stale)', () => {
    const { clock, out, links } = setup({ holdMs: 1000 })
    links.onOrderUpdate(otu(1, 'NEW', 'NEW'))
    links.onAlgoUpdate(algo('TRIGGERING'))
    links.onOrderUpdate(otu(2, 'NEW', 'NEW', { S: 'BUY' }))
    links.onOrderUpdate(otu(3, 'NEW', 'NEW', { q: '0.5' }))
    clock.advance(1001)
    links.onOrderUpdate(otu(4, 'NEW', 'NEW'))
    expect(out.map((e) => e.cid)).toEqual(['algo-1', 'algo-2', 'algo-3', 'algo-4'])
    expect(links.heldOrders).toBe(0)
  })

  it('bounds the events held per order, releases on a rejected algo order, and flushes on close', () => {
    const { out, links } = setup({ maxEventsPerOrder: 2 })
    links.onAlgoUpdate(algo('TRIGGERING'))
    links.onOrderUpdate(otu(7, 'NEW', 'NEW'))
    links.onOrderUpdate(otu(7, 'TRADE', 'PARTIALLY_FILLED', { l: '0.01', t: 1 }))
    expect(out).toHaveLength(0)
    links.onOrderUpdate(otu(7, 'TRADE', 'FILLED', { l: '0.01', t: 2 }))
    expect(out.map((e) => e.cid)).toEqual(['algo-7', 'algo-7', 'algo-7'])

    const b = setup()
    b.links.onAlgoUpdate(algo('TRIGGERING'))
    b.links.onOrderUpdate(otu(8, 'NEW', 'NEW'))
    b.links.onAlgoUpdate(algo('REJECTED'))
    expect(b.out.map((e) => e.cid)).toEqual(['algo-8'])

    const c = setup()
    c.links.onAlgoUpdate(algo('TRIGGERING'))
    c.links.onOrderUpdate(otu(9, 'NEW', 'NEW'))
    c.links.flush()
    expect(c.out.map((e) => e.cid)).toEqual(['algo-9'])
    c.clock.advance(10_000)
    expect(c.out).toHaveLength(1)
  })

  it('a link learned over REST (actualOrderId) sends the order state once, then later events, under the algo id', () => {
    const { out, links } = setup()
    // The stream missed the ALGO_UPDATEs (reconnecting): the order went out under its own id.
    links.onOrderUpdate(otu(9, 'NEW', 'NEW', { q: '0.01' }))
    links.link('9', 'stop-1')
    links.link('9', 'stop-1')
    links.onOrderUpdate(otu(9, 'TRADE', 'PARTIALLY_FILLED', { q: '0.01', l: '0.004', t: 5 }))
    links.onAlgoUpdate(algo('TRIGGERED', '9'))
    expect(out).toEqual([
      { cid: 'algo-9', x: 'NEW', statusOnly: false },
      { cid: 'stop-1', x: 'NEW', statusOnly: true },
      { cid: 'stop-1', x: 'TRADE', statusOnly: false },
    ])
  })
})
