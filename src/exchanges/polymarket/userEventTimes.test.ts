import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeUserEvent } from './decode.js'

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'))

/**
 * User-channel times by magnitude. The `order` and `trade` examples of Polymarket's User Channel docs
 * (https://docs.polymarket.com/market-data/websocket/user-channel) carry `timestamp` in epoch seconds
 * ("1672290687", "1672290701"), as do 2025 captures; 2024 captures carry milliseconds (user_order_ok.json,
 * user_trade_ok.json: nautilus_trader's captured frames, see __fixtures__/SOURCES.md).
 */
describe('Polymarket user-channel timestamps', () => {
  it('reads the documented seconds as milliseconds (never January 1970)', () => {
    const o = decodeUserEvent(fixture('user_order_seconds_ok.json'))
    const t = decodeUserEvent(fixture('user_trade_seconds_ok.json'))
    expect(o.ok && o.value.tsEvent).toBe(1672290687000)
    expect(t.ok && t.value.tsEvent).toBe(1672290701000)
  })

  it('keeps milliseconds as they are', () => {
    const o = decodeUserEvent(fixture('user_order_ok.json'))
    const t = decodeUserEvent({ ...fixture('user_trade_ok.json'), timestamp: 1672290701000 })
    expect(o.ok && o.value.tsEvent).toBe(1725842520990)
    expect(t.ok && t.value.tsEvent).toBe(1672290701000)
  })

  it('reads a 2025 capture in seconds', () => {
    const t = decodeUserEvent(fixture('user_trade_confirmedSeconds2025_ok.json'))
    expect(t.ok && t.value.tsEvent).toBe(1762776436000)
  })

  it('reads a trade’s match time: `match_time` (captures), `matchtime` (the docs’ example); an unreadable one is left out', () => {
    const mined = decodeUserEvent(fixture('user_trade_mined2024_ok.json'))
    expect(mined.ok && mined.value.type === 'trade' && [mined.value.matchTime, mined.value.tsEvent]).toEqual([
      1725868859000, 1725868885871,
    ])
    const docs = decodeUserEvent(fixture('user_trade_seconds_ok.json'))
    expect(docs.ok && docs.value.type === 'trade' && docs.value.matchTime).toBe(1672290701000)
    for (const bad of ['soon', '', '42', null]) {
      const r = decodeUserEvent({ ...fixture('user_trade_mined2024_ok.json'), match_time: bad })
      expect(r.ok && r.value.type === 'trade' && r.value.matchTime).toBeUndefined()
    }
  })

  it('refuses a time that fits neither unit', () => {
    for (const timestamp of ['1', '42', '1672290687000000', '16722906870', '', 'soon']) {
      const r = decodeUserEvent({ ...fixture('user_order_ok.json'), timestamp })
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.issues.join()).toContain('timestamp')
    }
  })
})
