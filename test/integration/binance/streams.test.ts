import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { BinanceMarketStream, usdmStreamRoute } from '../../../src/exchanges/binance/index.js'
import type { BookSnapshot, Candle, Trade, TradekitError } from '../../../src/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { type Harness, harness, stepUntil, waitFor } from './helpers.js'

describe('Binance market streams against BinanceSim', () => {
  let h: Harness | undefined
  const extra: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const f of extra.splice(0)) await f()
    await h?.close()
    h = undefined
  })

  it('trades, klines, book tickers and partial depth arrive decoded', async () => {
    h = await harness()
    const { spot, sim } = h
    const stream = spot.marketStream()
    const trades: Trade[] = []
    const candles: Candle[] = []
    let tickers = 0
    let books = 0
    stream.events.on('trade', (t) => trades.push(t))
    stream.events.on('candle', (c) => candles.push(c))
    stream.events.on('bookTicker', () => tickers++)
    stream.events.on('book', (b) => {
      expect(b.bids.length).toBe(5)
      books++
    })
    await stream.subscribe([
      'btcusdt@trade',
      'BTCUSDT@kline_1m',
      'btcusdt@bookTicker',
      'btcusdt@depth5@100ms',
    ])
    await stepUntil(
      sim,
      () => trades.length > 3 && candles.length > 3 && tickers > 3 && books > 3,
      10_000,
      'stream data',
    )
    expect(trades[0]).toMatchObject({ venue: 'binance', symbol: 'BTCUSDT' })
    expect(candles[0]).toMatchObject({ interval: '1m', symbol: 'BTCUSDT' })
    expect(stream.stats().dataErrors).toBe(0)
    await stream.unsubscribe(['btcusdt@trade'])
    expect(stream.subscriptions().map((s) => s.stream)).not.toContain('btcusdt@trade')
  })

  it('partial depth and book tickers (no event time in them) are stamped on the venue’s clock, as trades are', async () => {
    h = await harness()
    const { spot, sim } = h
    sim.faults.clockSkew(3_600_000) // the venue's clock an hour ahead of ours
    await spot.rest.syncTime()
    const stream = spot.marketStream()
    const trades: Trade[] = []
    const books: BookSnapshot[] = []
    const tickers: number[] = []
    stream.events.on('trade', (t) => trades.push(t))
    stream.events.on('book', (b) => books.push(b))
    stream.events.on('bookTicker', (e) => tickers.push(e.tsEvent))
    await stream.subscribe(['btcusdt@trade', 'btcusdt@depth5@100ms', 'btcusdt@bookTicker'])
    const seen = () => trades.length > 0 && books.length > 0 && tickers.length > 0
    await stepUntil(sim, seen, 10_000, 'trades, books and book tickers')
    const last = (trades.at(-1) as Trade).tsEvent
    // On one clock: not the hour between the two clocks.
    expect(Math.abs((books.at(-1) as BookSnapshot).tsEvent - last)).toBeLessThan(600_000)
    expect(Math.abs((tickers.at(-1) as number) - last)).toBeLessThan(600_000)
  })

  it('the local order book stays in sync through depth gaps (resync) and matches the venue', async () => {
    h = await harness()
    const { spot, sim } = h
    const book = await spot.orderBook('BTCUSDT')
    const resyncs: string[] = []
    book.events.on('book.resyncStarted', (e) => resyncs.push(e.reason))
    // The synced book reaches consumers as core `book` events on the market stream.
    const published: BookSnapshot[] = []
    spot.marketStream().events.on('book', (b) => published.push(b))
    await stepUntil(sim, () => book.isSynced, 10_000, 'initial sync')
    await stepUntil(sim, () => published.length > 0, 10_000, 'book event')
    expect(published.at(-1)).toMatchObject({ venue: 'binance', symbol: 'BTCUSDT' })
    expect(published.at(-1)?.bids[0]).toEqual(book.bestBid())
    expect(await spot.orderBook('BTCUSDT')).toBe(book)
    sim.step(5)
    sim.faults.depthGap({ count: 1 })
    await stepUntil(sim, () => resyncs.includes('gap'), 10_000, 'gap resync')
    await stepUntil(sim, () => book.isSynced, 10_000, 'resynced')
    // Quiesce, then compare with the venue's own book.
    await waitFor(
      async () => {
        const venue = await spot.depth('BTCUSDT', 20)
        return (
          JSON.stringify(venue.bids) === JSON.stringify(book.bids(20)) &&
          JSON.stringify(venue.asks) === JSON.stringify(book.asks(20))
        )
      },
      10_000,
      'book equals venue depth',
    )
    expect(book.gapCount).toBeGreaterThanOrEqual(1)
    expect(book.bestBid()?.[0]).toBeLessThan(book.bestAsk()?.[0] ?? 0)
  })

  it('USD-M book: pu continuity, resync after a lost message', async () => {
    h = await harness()
    const { usdm, sim } = h
    const book = await usdm.orderBook('ETHUSDT')
    await stepUntil(sim, () => book.isSynced, 10_000, 'usdm sync')
    sim.faults.depthGap({ count: 2 })
    await stepUntil(sim, () => book.gapCount > 0 && book.isSynced, 10_000, 'usdm resync')
    expect(usdm.marketStream().subscriptions()).toEqual([{ stream: 'ethusdt@depth@100ms', route: 'public' }])
  })

  it('hostile payloads are counted as dataError and the stream goes on', async () => {
    h = await harness()
    const { spot, sim } = h
    const stream = spot.marketStream()
    const bad: TradekitError[] = []
    const trades: Trade[] = []
    stream.events.on('dataError', (e) => bad.push(e))
    stream.events.on('trade', (t) => trades.push(t))
    await stream.subscribe(['btcusdt@trade'])
    for (const kind of ['nan', 'zero', 'negative', 'huge', 'garbage', 'truncated', 'empty'] as const)
      sim.faults.malformed({ kind })
    await stepUntil(sim, () => bad.length >= 7 && trades.length > 2, 10_000, 'bad then good')
    expect(bad.every((e) => e.code === 'EXCHANGE_DATA_INVALID')).toBe(true)
    expect(trades.every((t) => t.price > 0 && t.qty > 0)).toBe(true)
    expect(stream.stats().dataErrors).toBe(7)
  })

  it('reconnects after clean and abrupt closes, serverShutdown and a stall, resubscribing', async () => {
    h = await harness({}, { staleAfterMs: 400 })
    const { spot, sim } = h
    const stream = spot.marketStream()
    let trades = 0
    let reconnects = 0
    stream.events.on('trade', () => trades++)
    stream.events.on('stream.reconnected', () => reconnects++)
    await stream.subscribe(['btcusdt@trade'])
    const flowing = async (what: string) => {
      const n = trades
      await stepUntil(sim, () => trades > n + 2, 10_000, what)
    }
    await flowing('initial')
    sim.faults.closeStreams({ mode: 'clean' })
    await stepUntil(sim, () => reconnects >= 1, 10_000, 'reconnect after 1000')
    await flowing('after clean close')
    sim.faults.closeStreams({ mode: 'abrupt' })
    await stepUntil(sim, () => reconnects >= 2, 10_000, 'reconnect after abrupt close')
    await flowing('after abrupt close')
    sim.faults.serverShutdown()
    await stepUntil(sim, () => reconnects >= 3, 10_000, 'reconnect after serverShutdown')
    await flowing('after serverShutdown')
    sim.faults.stall(1500)
    await stepUntil(sim, () => reconnects >= 4, 10_000, 'stale reconnect')
    await flowing('after stall')
  })

  it('reconnects before the 24 h cut (shortened lifetime)', async () => {
    h = await harness()
    const { sim } = h
    const stream = new BinanceMarketStream({
      market: 'spot',
      streamUrl: sim.urls.spot.streamUrl,
      maxLifetimeMs: 300,
      reconnectBaseMs: 10,
    })
    extra.push(() => stream.close())
    let reconnects = 0
    stream.events.on('stream.reconnected', () => reconnects++)
    await stream.subscribe(['btcusdt@trade'])
    await stepUntil(sim, () => reconnects >= 2, 10_000, 'lifetime reconnects')
  })

  it('splits subscriptions across connections within the per-connection limit', async () => {
    h = await harness()
    const { sim } = h
    const stream = new BinanceMarketStream({
      market: 'spot',
      streamUrl: sim.urls.spot.streamUrl,
      maxStreamsPerConnection: 2,
    })
    extra.push(() => stream.close())
    await stream.subscribe(['btcusdt@trade', 'btcusdt@aggTrade', 'ethusdt@trade'])
    expect(stream.stats().connections).toBe(2)
    await stream.subscribe(['ethusdt@aggTrade', 'btcusdt@kline_1m'])
    expect(stream.stats().connections).toBe(3)
    expect(sim.connectionCounts.streams).toBe(3)
    let seen = 0
    stream.events.on('trade', (t) => {
      if (t.symbol === 'ETHUSDT') seen++
    })
    await stepUntil(sim, () => seen > 2, 10_000, 'eth trades')
    await stream.unsubscribe(['btcusdt@kline_1m'])
    expect(stream.stats().connections).toBe(2)
  })

  it('USD-M: a stream on the wrong path is acknowledged but silent; the adapter routes it right', async () => {
    h = await harness()
    const { usdm, sim } = h
    expect(usdmStreamRoute('btcusdt@markPrice')).toBe('market')
    expect(usdmStreamRoute('btcusdt@depth20@100ms')).toBe('public')
    expect(usdmStreamRoute('btcusdt@bookTicker')).toBe('public')
    expect(usdmStreamRoute('btcusdt@aggTrade')).toBe('market')
    // Raw socket on /public subscribing a /market stream: ack, then nothing.
    const raw = new WebSocket(`${sim.urls.usdm.streamUrl}/public/ws`)
    extra.push(async () => raw.terminate())
    const msgs: string[] = []
    raw.on('message', (d) => msgs.push(String(d)))
    await new Promise((r) => raw.once('open', r))
    raw.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice'], id: 1 }))
    await waitFor(() => msgs.length > 0, 5000, 'ack')
    expect(JSON.parse(msgs[0] as string)).toEqual({ result: null, id: 1 })
    sim.step(20)
    // The adapter puts markPrice on /market and receives it.
    const stream = usdm.marketStream()
    let marks = 0
    stream.events.on('markPrice', (e) => {
      expect(e.markPrice).toBeGreaterThan(0)
      marks++
    })
    await stream.subscribe(['btcusdt@markPrice'])
    await stepUntil(sim, () => marks > 2, 10_000, 'mark prices')
    expect(msgs).toHaveLength(1)
  })

  it('the sim answers control-message errors like Binance', async () => {
    const sim = await BinanceSim.start({ tickMs: 0 })
    extra.push(() => sim.close())
    const raw = new WebSocket(`${sim.wsUrl}/ws`)
    extra.push(async () => raw.terminate())
    const msgs: unknown[] = []
    raw.on('message', (d) => msgs.push(JSON.parse(String(d))))
    await new Promise((r) => raw.once('open', r))
    raw.send('not json')
    raw.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 9 }))
    await waitFor(() => msgs.length >= 2, 5000, 'replies')
    expect(msgs[0]).toMatchObject({ error: { code: 3 } })
    expect(msgs[1]).toEqual({ result: [], id: 9 })
  })
})
