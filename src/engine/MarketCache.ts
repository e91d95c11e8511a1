import { CandleSeriesOrder } from '../core/CandleSeriesOrder.js'
import { instrumentKey } from '../core/instrumentKey.js'
import { isLateEvent } from '../core/lateEvent.js'
import type { MarketSnapshot } from '../core/ports.js'
import type { BookSnapshot, Candle, Instrument, Trade } from '../core/types.js'
import { decimalOfNumber } from '../decimal/decimalOfNumber.js'
import { ATR } from '../indicators/index.js'
import type { CandleIgnoredEvent } from '../strategies/index.js'

/** What {@link MarketCache} takes: the instruments it knows and how it keeps ATR. */
export interface MarketCacheConfig {
  readonly instruments: readonly Instrument[]
  /** ATR `period`, on candles of `interval` (the first closed candle's interval when absent). */
  readonly atr: { readonly period: number; readonly interval?: string | undefined }
  /** Receives an error from a bad candle (ATR refused it); the cache goes on. */
  readonly onDataError: (e: unknown) => void
  /** Receives each closed candle the cache ignored (a repeat, or older than the last closed one of its series). */
  readonly onCandleIgnored?: (e: CandleIgnoredEvent) => void
  /** The time now: a forming candle's price is as of now, not of its close time (still ahead). Default `Date.now`. */
  readonly now?: () => number
}

interface MarketState {
  /** Latest price as received (number); turned into a Decimal only when a decision needs it. */
  price?: number
  priceTs: number
  atr?: ATR
  atrInterval?: string
}

const key = instrumentKey

/**
 * The engine's one market cache, written once per market event: last price and its time per instrument (trade
 * price, book mid, candle close) and an ATR over closed candles. It answers the {@link MarketSnapshot} a risk
 * decision needs. It does not mark the Portfolio (the engine does that, once per event). A closed candle whose open
 * time is not after the last closed one of its instrument and interval (a repeat, even with other values, or an
 * older candle) changes nothing: it is counted in {@link MarketCache.ignoredCandles} and reported to `onCandleIgnored`
 * (the same candles every strategy runner ignores, seen here once whatever the number of strategies). The price never
 * goes back in time: a trade, book or candle older (by its time) than the price held is ignored for the price and
 * counted in {@link MarketCache.stalePrices} (a closed one still counts for the ATR).
 */
export class MarketCache {
  readonly #cfg: MarketCacheConfig
  readonly #instruments = new Map<string, Instrument>()
  readonly #market = new Map<string, MarketState>()
  /** Open time of the last closed candle per instrument and interval. */
  readonly #closed = new CandleSeriesOrder()
  #ignored = 0
  #stale = 0

  constructor(config: MarketCacheConfig) {
    this.#cfg = config
    for (const i of config.instruments) this.#instruments.set(key(i.venue, i.symbol), i)
  }

  /** The instrument known for `venue:symbol`. */
  instrument(venue: string, symbol: string): Instrument | undefined {
    return this.#instruments.get(key(venue, symbol))
  }

  /** Every known instrument. */
  instruments(): IterableIterator<Instrument> {
    return this.#instruments.values()
  }

  /**
   * A candle: its close is the price (a forming candle's as of now); a closed candle updates the ATR, once per bar:
   * a closed candle not after the last closed one of its instrument and interval is ignored (and counted).
   */
  onCandle(c: Candle): void {
    if (!c.isClosed) {
      this.#setPrice(c.venue, c.symbol, c.close, Math.min(c.closeTime, (this.#cfg.now ?? Date.now)()))
      return
    }
    const last = this.#closed.advance(c)
    if (last !== undefined) {
      this.#ignored++ // its close is an older price, or this bar's again: the ATR must not count it twice
      this.#reportIgnored(c, last)
      return
    }
    this.#setPrice(c.venue, c.symbol, c.close, c.closeTime) // an older close (a trade came since) is not the price
    this.#updateAtr(c)
  }

  /** Closed candles ignored because they repeated or predated the last closed candle of their series. */
  get ignoredCandles(): number {
    return this.#ignored
  }

  /**
   * Prices ignored because they were older (by `tsEvent`) than the price held: a late, out-of-order trade, book or
   * candle never moves the price back in time.
   */
  get stalePrices(): number {
    return this.#stale
  }

  /** A public trade: its price is the price, unless it is older than the price held (then ignored and counted). */
  onTrade(t: Trade): void {
    this.#setPrice(t.venue, t.symbol, t.price, t.tsEvent)
  }

  /** A book: its mid (when both sides have a level) is the price, unless older than the price held (ignored). */
  onBook(b: BookSnapshot): void {
    const bid = b.bids[0]?.[0]
    const ask = b.asks[0]?.[0]
    if (bid !== undefined && ask !== undefined) this.#setPrice(b.venue, b.symbol, (bid + ask) / 2, b.tsEvent)
  }

  /** Instrument, latest price (as a Decimal) and ATR; `undefined` without an instrument or a price. */
  snapshot(venue: string, symbol: string): MarketSnapshot | undefined {
    const k = key(venue, symbol)
    const inst = this.#instruments.get(k)
    const m = this.#market.get(k)
    if (inst === undefined || m?.price === undefined) return undefined
    const atr = m.atr?.value
    return {
      instrument: inst,
      price: decimalOfNumber(m.price),
      priceTs: m.priceTs,
      ...(atr !== undefined ? { atr } : {}),
    }
  }

  /** Reports an ignored closed candle, as a StrategyRunner's `candle.ignored` would. */
  #reportIgnored(c: Candle, lastOpenTime: number): void {
    const report = this.#cfg.onCandleIgnored
    if (report === undefined) return
    const reason = c.openTime === lastOpenTime ? 'repeated' : 'stale'
    const now = (this.#cfg.now ?? Date.now)()
    report(Object.freeze({ type: 'candle.ignored', reason, candle: c, lastOpenTime, tsEvent: now }))
  }

  #setPrice(venue: string, symbol: string, price: number, ts: number): void {
    if (!(price > 0) || !Number.isFinite(price)) return
    const k = key(venue, symbol)
    let m = this.#market.get(k)
    if (m === undefined) {
      m = { priceTs: ts }
      this.#market.set(k, m)
    } else if (
      m.price !== undefined &&
      ts < m.priceTs &&
      isLateEvent(ts, m.priceTs, (this.#cfg.now ?? Date.now)())
    ) {
      // A late event: the price risk decides on never goes back in time (`ts < priceTs` first: the clock is read only
      // for an older event).
      this.#stale++
      return
    }
    m.price = price
    m.priceTs = ts
  }

  #updateAtr(c: Candle): void {
    const m = this.#market.get(key(c.venue, c.symbol))
    if (m === undefined) return
    if (m.atrInterval === undefined) {
      const wanted = this.#cfg.atr.interval
      if (wanted !== undefined && wanted !== c.interval) return
      m.atrInterval = c.interval
      m.atr = new ATR(this.#cfg.atr.period)
    }
    if (m.atrInterval !== c.interval) return
    try {
      m.atr?.update(c)
    } catch (e) {
      this.#cfg.onDataError(e)
    }
  }
}
