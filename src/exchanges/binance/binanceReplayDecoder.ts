import type { ReplayDecoder, ReplayEvent } from '../../core/replay.js'
import { ok } from '../../errors/result.js'
import { decodeMarketEvent } from './decodeMarketEvent.js'
import type { BinanceMarket } from './types.js'

/**
 * The replay decoder of a recorded Binance market stream (`Recorder.recordingWebSocket` on a `BinanceMarketStream`):
 * each frame goes through the live decoder and comes out as the stream emits it — `candle`, `trade`, and `book` for
 * partial-depth streams (`<symbol>@depth<levels>`; a frame without an event time gets its receive time, as live).
 * Diff-depth frames and REST bodies carry no event here: record partial depth to replay books.
 *
 * @example
 * ```ts
 * const report = await backtester.replay(readRecording('usdm.jsonl'), { decode: binanceReplayDecoder('usdm') })
 * ```
 */
export function binanceReplayDecoder(market: BinanceMarket): ReplayDecoder {
  return (m) => {
    if (m.src !== 'ws') return ok([])
    const r = decodeMarketEvent(m.data, market)
    if (!r.ok) return r
    const e = r.value
    const out: ReplayEvent[] = []
    if (e.type === 'trade') out.push({ kind: 'trade', value: e })
    else if (e.type === 'candle') out.push({ kind: 'candle', value: e })
    else if (e.type === 'bookDepth') {
      const { venue, symbol, bids, asks, lastUpdateId } = e
      out.push({
        kind: 'book',
        value: { venue, symbol, bids, asks, sequence: lastUpdateId, tsEvent: e.tsEvent || m.t },
      })
    }
    return ok(out)
  }
}
