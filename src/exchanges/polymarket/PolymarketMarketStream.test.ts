import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { BookSnapshot, Trade } from '../../core/types.js'
import type { TradekitError } from '../../errors/index.js'
import type { WebSocketConstructor } from '../../transport/index.js'
import type { PolymarketBook } from './decode.js'
import { type PolymarketBookUpdate, PolymarketMarketStream } from './PolymarketMarketStream.js'

const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
const MARKET = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1'
/** A documented market-channel example (`__fixtures__/`, verbatim) re-addressed to this test's token and market. */
const fixture = (name: string): string =>
  JSON.stringify({
    ...JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8')),
    asset_id: TOKEN,
    market: MARKET,
  })

/** A scriptable stand-in for a WebSocket, so the stream runs without a server. */
class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  binaryType = 'blob'
  bufferedAmount = 0
  sent: unknown[] = []
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(data: unknown): void {
    this.sent.push(data)
  }
  close(code?: number, reason?: string): void {
    this.readyState = 3
    queueMicrotask(() => this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true }))
  }
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  message(data: string): void {
    this.onmessage?.({ data })
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

const restBook: PolymarketBook = {
  market: MARKET,
  tokenId: TOKEN,
  bids: [[0.4, 9]],
  asks: [[0.6, 9]],
  hash: 'rest',
  tsEvent: 50,
  tickSize: '0.01',
  negRisk: false,
  minOrderSize: '5',
}

let stream: PolymarketMarketStream | undefined
afterEach(async () => {
  await stream?.close()
})

function setup() {
  FakeSocket.all = []
  const clock = new ManualClock(1_000)
  const ticks: Array<[string, string]> = []
  const rest = {
    getBook: async () => restBook,
    noteTickSize: (t: string, s: string) => void ticks.push([t, s]),
  }
  stream = new PolymarketMarketStream({
    rest,
    clock,
    marketSilenceMs: 1_000,
    WebSocket: FakeSocket as never as WebSocketConstructor,
  })
  const books: BookSnapshot[] = []
  const changes: PolymarketBookUpdate[] = []
  const trades: Trade[] = []
  const dataErrors: TradekitError[] = []
  stream.events.on('book', (b) => books.push(b))
  stream.events.on('book.changed', (e) => changes.push(e))
  stream.events.on('trade', (t) => trades.push(t))
  stream.events.on('dataError', (e) => dataErrors.push(e))
  stream.events.on('error', () => {})
  return { stream, clock, ticks, books, changes, trades, dataErrors }
}

describe('PolymarketMarketStream', () => {
  it('subscribes, syncs books from snapshot + deltas into core books, and emits book, trade and tick events', async () => {
    const { stream, ticks, books, changes, trades, dataErrors } = setup()
    stream.subscribe([TOKEN])
    await flush()
    const ws = FakeSocket.all[0]!
    expect(ws.url).toMatch(/\/ws\/market$/)
    ws.accept()
    await flush()
    expect(JSON.parse(String(ws.sent[0]))).toEqual({
      assets_ids: [TOKEN],
      type: 'market',
      custom_feature_enabled: true,
    })
    ws.message(fixture('ws_book_ok.json'))
    expect(stream.book(TOKEN)?.isSynced).toBe(true)
    expect(books[0]).toMatchObject({
      venue: 'polymarket',
      symbol: TOKEN,
      bids: [
        [0.5, 15],
        [0.49, 20],
        [0.48, 30],
      ],
    })
    ws.message(
      JSON.stringify({
        event_type: 'price_change',
        market: MARKET,
        price_changes: [{ asset_id: TOKEN, price: '0.51', size: '5', side: 'BUY', hash: 'h2' }],
        timestamp: '123456789500',
      }),
    )
    expect(changes.map((c) => c.reason)).toEqual(['snapshot', 'update'])
    expect(books[1]?.bids[0]).toEqual([0.51, 5])
    expect(stream.book(TOKEN)?.hash).toBe('h2')
    ws.message(fixture('ws_last_trade_price_ok.json'))
    expect(trades[0]).toMatchObject({ venue: 'polymarket', symbol: TOKEN, side: 'BUY' })
    ws.message(fixture('ws_tick_size_change_ok.json'))
    expect(ticks).toEqual([[TOKEN, '0.001']])
    ws.message(fixture('ws_last_trade_price_nan.json'))
    expect(dataErrors.map((e) => e.code)).toEqual(['EXCHANGE_DATA_INVALID'])
  })

  it('adds and removes tokens on the open socket with operation messages; a reconnect replays the initial one', async () => {
    const { stream } = setup()
    const OTHER = '1234567890'
    stream.subscribe([TOKEN])
    await flush()
    const ws = FakeSocket.all[0]!
    ws.accept()
    await flush()
    stream.subscribe([TOKEN, OTHER]) // TOKEN is already subscribed: only OTHER is added
    stream.unsubscribe([TOKEN])
    const sent = ws.sent.map((m) => JSON.parse(String(m)))
    expect(sent).toEqual([
      { assets_ids: [TOKEN], type: 'market', custom_feature_enabled: true },
      { assets_ids: [OTHER], operation: 'subscribe', custom_feature_enabled: true },
      { assets_ids: [TOKEN], operation: 'unsubscribe' },
    ])
    expect(stream.book(TOKEN)).toBeUndefined()
  })

  it('a delta that crosses the book is a data error and the book is rebuilt from REST (resync)', async () => {
    const { stream, changes, dataErrors } = setup()
    stream.subscribe([TOKEN])
    await flush()
    const ws = FakeSocket.all[0]!
    ws.accept()
    ws.message(fixture('ws_book_ok.json'))
    ws.message(
      JSON.stringify({
        event_type: 'price_change',
        market: MARKET,
        price_changes: [{ asset_id: TOKEN, price: '0.7', size: '5', side: 'BUY' }],
        timestamp: '123456789500',
      }),
    )
    expect(dataErrors).toHaveLength(1)
    await flush()
    expect(changes.map((c) => c.reason)).toEqual(['snapshot', 'resync'])
    expect(stream.book(TOKEN)?.snapshot()).toMatchObject({ bids: [[0.4, 9]], asks: [[0.6, 9]] })
  })

  it('invalidates books on a drop and re-snapshots them over REST after market-data silence', async () => {
    const { stream, clock, changes } = setup()
    stream.subscribe([TOKEN])
    await flush()
    const ws = FakeSocket.all[0]!
    ws.accept()
    ws.message(fixture('ws_book_ok.json'))
    clock.advance(1_000) // silent for marketSilenceMs: resync + resubscribe
    await flush()
    expect(changes.map((c) => c.reason)).toEqual(['snapshot', 'resync'])
    expect(ws.sent.length).toBeGreaterThanOrEqual(2)
    ws.onclose?.({ code: 1006, reason: '', wasClean: false })
    expect(stream.book(TOKEN)?.isSynced).toBe(false)
    await stream.close()
    expect(() => stream.subscribe([TOKEN])).toThrowError(/closed/)
  })
})
