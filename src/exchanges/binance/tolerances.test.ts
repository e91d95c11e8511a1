import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeUsdmUserEvent } from './decodeUserEvent.js'
import { orderTradeUpdateToEvent } from './mapping.js'

/** USD-M "Event: Order Update" example (developers.binance.com, USD-M Futures User Data Streams): see SOURCES.md. */
const docs = (): { e: string; o: Record<string, unknown> } =>
  JSON.parse(readFileSync(new URL('./__fixtures__/ws_orderTradeUpdate_ok.json', import.meta.url), 'utf8'))

const withO = (o: Record<string, unknown>) => {
  const d = docs()
  return { ...d, o: { ...d.o, ...o } }
}

describe('USD-M ORDER_TRADE_UPDATE tolerances', () => {
  it('"n": null (with "N": null) decodes: the commission is absent, like a missing n', () => {
    const r = decodeUsdmUserEvent(withO({ n: null, N: null }))
    expect(r.ok && r.value.kind).toBe('orderTrade')
  })

  it('a trade with "n": null gets the documented default fee 0 in the commission asset default USDT', () => {
    const r = decodeUsdmUserEvent(
      withO({
        o: 'MARKET',
        x: 'TRADE',
        X: 'FILLED',
        l: '0.001',
        z: '0.001',
        L: '7100',
        t: 9,
        n: null,
        N: null,
      }),
    )
    if (!r.ok || r.value.kind !== 'orderTrade') throw new Error('expected orderTrade')
    const m = orderTradeUpdateToEvent(r.value.update, 'binance-usdm')
    expect(m?.fill?.fee.toFixed()).toBe('0')
    expect(m?.fill?.feeAsset).toBe('USDT')
  })

  it('a malformed fee, price or quantity is still refused', () => {
    for (const bad of [{ n: 'abc' }, { n: '' }, { L: 'NaN' }, { l: '-1' }, { q: '' }, { ap: '1e5' }]) {
      const r = decodeUsdmUserEvent(withO(bad))
      expect(r.ok).toBe(false)
    }
  })
})
