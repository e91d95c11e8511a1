import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RecordedMessage } from '../../core/replay.js'
import { binanceReplayDecoder } from './binanceReplayDecoder.js'

// Payloads from the documented fixtures (sources in __fixtures__/SOURCES.md).
const DIR = join(import.meta.dirname, '__fixtures__')
const raw = (name: string): string => readFileSync(join(DIR, name), 'utf8')
const ws = (data: string, t = 1_700_000_000_000): RecordedMessage => ({ t, src: 'ws', ch: 'binance', data })

describe('binanceReplayDecoder', () => {
  it('emits partial depth as a book stamped with the receive time (the frame has no event time)', () => {
    const stream = JSON.stringify({
      stream: 'bnbbtc@depth5',
      data: JSON.parse(raw('ws_partialDepth_spot.json')),
    })
    const r = binanceReplayDecoder('spot')(ws(stream))
    if (!r.ok) throw r.error
    expect(r.value).toHaveLength(1)
    const [e] = r.value
    if (e?.kind !== 'book') throw new Error('expected a book')
    expect(e.value.bids).toEqual([[0.0024, 10]])
    expect(e.value.asks).toEqual([[0.0026, 100]])
    expect(e.value.sequence).toBe(160)
    expect(e.value.tsEvent).toBe(1_700_000_000_000)
  })

  it('emits trades and candles as the live stream does; REST bodies and diffs carry no event', () => {
    const decode = binanceReplayDecoder('usdm')
    const t = decode(ws(raw('ws_aggTrade_usdm.json')))
    expect(t.ok && t.value[0]?.kind).toBe('trade')
    const c = binanceReplayDecoder('spot')(ws(raw('ws_kline_ok.json')))
    expect(c.ok && c.value[0]?.kind).toBe('candle')
    expect(decode({ t: 1, src: 'rest', ch: 'GET /fapi/v1/depth', data: '{}' })).toEqual({
      ok: true,
      value: [],
    })
    const d = decode(ws(raw('ws_depthUpdate_usdm.json')))
    expect(d).toEqual({ ok: true, value: [] })
  })

  it('reports a malformed frame', () => {
    expect(binanceReplayDecoder('spot')(ws('{"e":"trade","p":"NaN"}')).ok).toBe(false)
    expect(binanceReplayDecoder('spot')(ws(raw('ws_depthUpdate_negative.json'))).ok).toBe(false)
  })
})
