import type { ReplayDecoder, ReplayEvent } from '../../core/replay.js'
import { ExchangeDataError } from '../../errors/index.js'
import { err, ok } from '../../errors/result.js'
import { POLYMARKET_VENUE } from './constants.js'
import { decodeFrame, decodeMarketEvent, decodeRestBook, type PolymarketPriceChangeEvent } from './decode.js'
import { PolymarketBookSync } from './PolymarketBookSync.js'

const BOOK_REQUEST = /^GET \/book\?token_id=([^&]+)/

/**
 * The replay decoder of a recorded Polymarket market channel (`Recorder.recordingWebSocket` on the market stream,
 * `recordingFetch` on its REST client). It keeps one {@link PolymarketBookSync} per token, as `PolymarketMarketStream`
 * does: a `book` snapshot (or a recorded `GET /book` answer, the stream's resync) replaces the book, `price_change`
 * deltas update it, and each change comes out as a full `book`; `last_trade_price` comes out as a `trade`. A delta
 * that crosses a book unsyncs it until the next snapshot. Stateful: use a fresh decoder for every replay.
 *
 * @example
 * ```ts
 * const report = await backtester.replay(readRecording('polymarket.jsonl'), { decode: polymarketReplayDecoder() })
 * ```
 */
export function polymarketReplayDecoder(): ReplayDecoder {
  const books = new Map<string, PolymarketBookSync>()
  const sync = (tokenId: string): PolymarketBookSync => {
    let b = books.get(tokenId)
    if (b === undefined) {
      b = new PolymarketBookSync({ tokenId })
      books.set(tokenId, b)
    }
    return b
  }
  const onPriceChange = (ev: PolymarketPriceChangeEvent, out: ReplayEvent[]): void => {
    const touched = new Set<PolymarketBookSync>()
    for (const c of ev.changes) {
      const b = books.get(c.tokenId)
      if (b?.applyChange(c, ev.tsEvent)) touched.add(b)
    }
    for (const b of touched) if (b.isSynced) out.push({ kind: 'book', value: b.book.snapshot() })
  }
  return (m) => {
    if (m.src === 'rest') {
      const token = BOOK_REQUEST.exec(m.ch)?.[1]
      if (token === undefined) return ok([])
      let body: unknown
      try {
        body = JSON.parse(m.data)
      } catch (cause) {
        return err(
          new ExchangeDataError(POLYMARKET_VENUE, 'Book response is not JSON', [], m.data, { cause }),
        )
      }
      const r = decodeRestBook(body)
      if (!r.ok) return r
      const b = sync(decodeURIComponent(token))
      b.applySnapshot({ ...r.value, tsEvent: r.value.tsEvent || m.t })
      return ok(b.isSynced ? [{ kind: 'book', value: b.book.snapshot() }] : [])
    }
    const f = decodeFrame(m.data, decodeMarketEvent)
    const first = f.errors[0]
    if (first !== undefined && f.events.length === 0) return err(first)
    const out: ReplayEvent[] = []
    for (const ev of f.events) {
      if (ev.type === 'book') {
        const b = sync(ev.tokenId)
        b.applySnapshot(ev)
        if (b.isSynced) out.push({ kind: 'book', value: b.book.snapshot() })
      } else if (ev.type === 'price_change') onPriceChange(ev, out)
      else if (ev.type === 'last_trade_price') {
        out.push({
          kind: 'trade',
          value: {
            venue: POLYMARKET_VENUE,
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
    return ok(out)
  }
}
