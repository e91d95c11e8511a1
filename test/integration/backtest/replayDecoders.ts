/**
 * Replay decoders of recorded market sessions, built on the venues' live decoders (the same code the market streams
 * run): Binance USD-M depth and trades, and Polymarket's market channel, whose `price_change` deltas are applied to a
 * `PolymarketBookSync` per token exactly as `PolymarketMarketStream` does (a `book` snapshot first; a recorded
 * `GET /book` REST answer, the stream's resync, replaces the book too).
 */
import type { RecordedMessage, ReplayDecoder, ReplayEvent } from '../../../src/backtest/index.js'
import { decodeMarketEvent as decodeBinance } from '../../../src/exchanges/binance/index.js'
import {
  decodeFrame,
  decodeMarketEvent as decodePolymarket,
  decodeRestBook,
  PolymarketBookSync,
} from '../../../src/exchanges/polymarket/index.js'

/** Binance USD-M: partial depth (a frame without an event time gets its receive time, as live) and trades. */
export const binanceUsdmDecoder: ReplayDecoder = (m: RecordedMessage) => {
  if (m.src !== 'ws') return { ok: true, value: [] }
  const r = decodeBinance(m.data, 'usdm')
  if (!r.ok) return r
  const e = r.value
  const out: ReplayEvent[] = []
  if (e.type === 'trade') out.push({ kind: 'trade', value: e })
  if (e.type === 'bookDepth') {
    const { venue, symbol, bids, asks, lastUpdateId } = e
    out.push({
      kind: 'book',
      value: { venue, symbol, bids, asks, sequence: lastUpdateId, tsEvent: e.tsEvent || m.t },
    })
  }
  return { ok: true, value: out }
}

/** Polymarket's market channel (a fresh decoder per replay: it keeps one synced book per token). */
export function polymarketDecoder(): ReplayDecoder {
  const books = new Map<string, PolymarketBookSync>()
  const sync = (tokenId: string): PolymarketBookSync => {
    let b = books.get(tokenId)
    if (b === undefined) {
      b = new PolymarketBookSync({ tokenId })
      books.set(tokenId, b)
    }
    return b
  }
  return (m: RecordedMessage) => {
    if (m.src === 'rest') {
      const tokenId = /^GET \/book\?token_id=([^&]+)/.exec(m.ch)?.[1]
      if (tokenId === undefined) return { ok: true, value: [] }
      const r = decodeRestBook(JSON.parse(m.data))
      if (!r.ok) return r
      const b = sync(decodeURIComponent(tokenId))
      b.applySnapshot({ ...r.value, tsEvent: r.value.tsEvent ?? m.t, hash: r.value.hash ?? '' })
      return { ok: true, value: b.isSynced ? [{ kind: 'book', value: b.book.snapshot() }] : [] }
    }
    const f = decodeFrame(m.data, decodePolymarket)
    const first = f.errors[0]
    if (first !== undefined && f.events.length === 0) return { ok: false, error: first }
    const out: ReplayEvent[] = []
    for (const ev of f.events) {
      if (ev.type === 'book') {
        const b = sync(ev.tokenId)
        b.applySnapshot(ev)
        if (b.isSynced) out.push({ kind: 'book', value: b.book.snapshot() })
      } else if (ev.type === 'price_change') {
        const touched = new Set<PolymarketBookSync>()
        for (const c of ev.changes) {
          const b = books.get(c.tokenId)
          if (b?.applyChange(c, ev.tsEvent)) touched.add(b)
        }
        for (const b of touched) out.push({ kind: 'book', value: b.book.snapshot() })
      } else if (ev.type === 'last_trade_price') {
        out.push({
          kind: 'trade',
          value: {
            venue: 'polymarket',
            symbol: ev.tokenId,
            tradeId: `${ev.tokenId}:${ev.tsEvent}:${ev.price}:${ev.size}`,
            price: ev.price,
            qty: ev.size,
            side: ev.side,
            tsEvent: ev.tsEvent,
          },
        })
      }
    }
    return { ok: true, value: out }
  }
}
