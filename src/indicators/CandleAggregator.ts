import * as z from 'zod/mini'
// Core files, not the core index: the indicators must not reach decimal.js (browser bundle size).
import type { Clock, TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema } from '../core/timeSchemas.js'
import type { Candle, Trade } from '../core/types.js'
import { type TradekitError, ValidationError } from '../errors/index.js'
import {
  checkTime,
  TIMEFRAMES,
  type Timeframe,
  timeframeCount,
  timeframeEnd,
  timeframeStart,
} from './timeframe.js'
import { checkCandle, MAX_INPUT } from './validate.js'

/** Schema of {@link CandleAggregatorConfig}. */
export const CandleAggregatorConfigSchema = z.strictObject({
  /** Output timeframe. */
  timeframe: z.enum(TIMEFRAMES),
  /** Venue written into the candles. */
  venue: z._default(z.string(), ''),
  /** Symbol written into the candles. */
  symbol: z._default(z.string(), ''),
  /** Closes candles on time boundaries; without it a candle closes only when later data arrives (or `flush()`). */
  clock: z.optional(ClockSchema),
  /** Grace period after a boundary during which late data still counts for the closing candle. */
  closeDelayMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(3_600_000)), 0),
  /** Emit flat, zero-volume candles (at the previous close) for intervals without data. */
  fillGaps: z._default(z.boolean(), true),
  /** At most this many flat candles are emitted for one gap; the rest are skipped and counted (not walked). */
  maxGapCandles: z._default(/* @__PURE__ */ z.int().check(z.minimum(0), z.maximum(1_000_000)), 10_000),
  /** Trade ids (or candle open times) remembered per candle to drop duplicates. */
  maxIdsPerCandle: z._default(/* @__PURE__ */ z.int().check(z.minimum(0), z.maximum(10_000_000)), 100_000),
})

/** Options of {@link CandleAggregator} (see {@link CandleAggregatorConfigSchema} for defaults). */
export type CandleAggregatorConfig = z.input<typeof CandleAggregatorConfigSchema>

/** What the aggregator needs from a trade; the core `Trade` fits. */
export interface TradeInput {
  /** Price, > 0 and at most 1e30 (the indicators' bound). */
  readonly price: number
  /** Quantity, >= 0 and at most 1e30. */
  readonly qty: number
  /** Trade time, epoch ms, in the years 0000 to 9999 UTC. */
  readonly tsEvent: number
  /** Venue trade id, used to drop duplicates. */
  readonly tradeId?: string
}

/** What the aggregator needs from a lower-timeframe candle; the core `Candle` fits. */
export interface CandleAggregatorInput {
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  /** Candles still forming (`false`) are ignored: only closed candles are merged. */
  readonly isClosed?: boolean
}

/** What happened to one input. */
export type IngestOutcome = 'applied' | 'duplicate' | 'late' | 'partial'

/** Counters since construction. */
export interface CandleAggregatorStats {
  /** Inputs merged into a candle. */
  readonly applied: number
  /** Inputs dropped as duplicates (same trade id / candle open time within the candle). */
  readonly duplicates: number
  /** Inputs dropped because their interval had already closed. */
  readonly late: number
  /** Forming lower-timeframe candles ignored. */
  readonly partial: number
  /** Candles emitted on `candle` (including flat gap candles). */
  readonly emitted: number
  /** Flat gap candles not emitted because a gap exceeded `maxGapCandles` (counted arithmetically, not walked). */
  readonly skippedGapCandles: number
}

/** Events of {@link CandleAggregator}. */
export interface CandleAggregatorEvents {
  /** A candle closed (`isClosed: true`). */
  candle: [candle: Candle]
  /** The forming candle changed (`isClosed: false`); only built when someone listens. */
  'candle.updated': [candle: Candle]
  /** Reported failures (a throwing listener). */
  error: [error: TradekitError]
}

interface Bucket {
  openTime: number
  end: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  firstTs: number
  lastTs: number
  ids: Set<string | number> | undefined
  /** A flat placeholder opened by the timer: the first real input replaces all of its prices. */
  synthetic: boolean
}

/**
 * Builds candles from trades, or higher-timeframe candles from lower-timeframe ones, on UTC-aligned intervals
 * (`1s` … `1M`, see {@link timeframeStart}), and emits each closed candle on `candle`.
 *
 * Policy (documented, tested):
 * - **Closing**: a candle closes when data of a later interval arrives, when the `clock` reaches its end plus
 *   `closeDelayMs`, or on `flush()`. A lower-timeframe candle that ends exactly on the boundary closes it at once.
 * - **Gaps**: intervals without data become flat candles (open = high = low = close = previous close, volume 0)
 *   when `fillGaps` is on (the default, like exchange kline streams), at most `maxGapCandles` per gap; the rest are
 *   counted in `skippedGapCandles` without being walked, so any gap costs at most `maxGapCandles` candles of work.
 * - **Far future**: time is the venue's, taken as given: a trade years ahead closes the forming candle, emits at most
 *   `maxGapCandles` flat candles and opens its own interval, after which earlier data is late. Times outside the
 *   years 0000 to 9999 UTC (an epoch in µs or ns, not ms) are refused as invalid.
 * - **Out of order** within the forming candle: merged correctly — `open` is the earliest input by time, `close`
 *   the latest (a tie goes to the later arrival), high/low/volume are order-free.
 * - **Late** (its interval already closed): dropped and counted, never reopening an emitted candle.
 * - **Duplicates** (a trade id, or a candle open time, already merged into the forming candle): dropped, counted.
 * - **Invalid** input (non-finite, non-positive or above 1e30 price, negative or above 1e30 quantity, inconsistent
 *   candle, a time outside the years 0000 to 9999) throws a `ValidationError` and changes nothing.
 *
 * @example
 * ```ts
 * const agg = new CandleAggregator({ timeframe: '1m', symbol: 'BTCUSDT', clock })
 * agg.events.on('candle', (c) => strategy.onCandle(c))
 * feed.events.on('trade', (t) => agg.addTrade(t))
 * // later: agg.dispose()
 * ```
 */
export class CandleAggregator {
  readonly #bus = new TypedEmitter<CandleAggregatorEvents>()
  /** Subscribe to `candle`, `candle.updated` and `error`. */
  readonly events: Listenable<CandleAggregatorEvents> = this.#bus
  /** Output timeframe. */
  readonly timeframe: Timeframe
  readonly #venue: string
  readonly #symbol: string
  readonly #clock: Clock | undefined
  readonly #closeDelayMs: number
  readonly #fillGaps: boolean
  readonly #maxGap: number
  readonly #maxIds: number
  #cur: Bucket | undefined = undefined
  #closedUntil = Number.NEGATIVE_INFINITY
  #lastClose: number | undefined = undefined
  #timer: TimerHandle | undefined = undefined
  #disposed = false
  #stats = { applied: 0, duplicates: 0, late: 0, partial: 0, emitted: 0, skippedGapCandles: 0 }

  constructor(config: CandleAggregatorConfig) {
    const c = parseConfig(CandleAggregatorConfigSchema, config, 'CandleAggregator')
    this.timeframe = c.timeframe
    this.#venue = c.venue
    this.#symbol = c.symbol
    this.#clock = c.clock
    this.#closeDelayMs = c.closeDelayMs
    this.#fillGaps = c.fillGaps
    this.#maxGap = c.maxGapCandles
    this.#maxIds = c.maxIdsPerCandle
  }

  /** Merges one trade. Throws a `ValidationError` on an invalid trade (nothing changes). */
  addTrade(trade: TradeInput | Trade): IngestOutcome {
    const { price, qty, tsEvent } = trade
    if (typeof price !== 'number' || !(price > 0 && price <= MAX_INPUT))
      throw new ValidationError(
        `CandleAggregator: trade price "${String(price)}" is not a number in (0, 1e30]`,
        {
          field: 'price',
        },
      )
    if (typeof qty !== 'number' || !(qty >= 0 && qty <= MAX_INPUT))
      throw new ValidationError(`CandleAggregator: trade qty "${String(qty)}" is not a number in [0, 1e30]`, {
        field: 'qty',
      })
    this.#checkTime(tsEvent, 'tsEvent')
    return this.#ingest(tsEvent, tsEvent, price, price, price, price, qty, trade.tradeId)
  }

  /**
   * Merges one closed lower-timeframe candle, bucketed by its `openTime`. Forming candles (`isClosed: false`) are
   * ignored (`'partial'`). Throws a `ValidationError` on an invalid candle (nothing changes).
   */
  addCandle(candle: CandleAggregatorInput | Candle): IngestOutcome {
    checkCandle('CandleAggregator', candle)
    this.#checkTime(candle.openTime, 'openTime')
    if (candle.isClosed === false) {
      this.#stats.partial++
      return 'partial'
    }
    const closeTime = (candle as Partial<Candle>).closeTime
    const lastTs = typeof closeTime === 'number' && Number.isFinite(closeTime) ? closeTime : candle.openTime
    return this.#ingest(
      candle.openTime,
      lastTs,
      candle.open,
      candle.high,
      candle.low,
      candle.close,
      candle.volume,
      candle.openTime,
    )
  }

  /** The forming candle, or `undefined` when none is open. */
  get current(): Candle | undefined {
    return this.#cur === undefined ? undefined : this.#toCandle(this.#cur, false)
  }

  /** Counters: applied, duplicates, late, partial, emitted, skipped gap candles. */
  get stats(): CandleAggregatorStats {
    return { ...this.#stats }
  }

  /** Closes and emits the forming candle now (e.g. at the end of a backtest). */
  flush(): void {
    if (this.#cur !== undefined) this.#close()
  }

  /** Stops the close timer; further input is still accepted but no timer is scheduled. Idempotent. */
  dispose(): void {
    this.#disposed = true
    this.#clearTimer()
  }

  #checkTime(t: number, field: string): void {
    checkTime(t, field, `CandleAggregator: ${field}`)
  }

  #ingest(
    ts: number,
    lastTs: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    id: string | number | undefined,
  ): IngestOutcome {
    const start = timeframeStart(this.timeframe, ts)
    if (start < this.#closedUntil) {
      this.#stats.late++
      return 'late'
    }
    let b = this.#cur
    if (b !== undefined && start >= b.end) {
      this.#close()
      b = undefined
    }
    if (b === undefined) {
      this.#fillUntil(start)
      b = this.#open(start, open, high, low, close, volume, ts, lastTs)
    } else if (b.synthetic) {
      b.synthetic = false
      b.open = open
      b.high = high
      b.low = low
      b.close = close
      b.volume = volume
      b.firstTs = ts
      b.lastTs = lastTs
    } else {
      if (id !== undefined && b.ids?.has(id)) {
        this.#stats.duplicates++
        return 'duplicate'
      }
      if (high > b.high) b.high = high
      if (low < b.low) b.low = low
      b.volume += volume
      if (ts < b.firstTs) {
        b.firstTs = ts
        b.open = open
      }
      if (lastTs >= b.lastTs) {
        b.lastTs = lastTs
        b.close = close
      }
    }
    if (id !== undefined && b.ids !== undefined && b.ids.size < this.#maxIds) b.ids.add(id)
    this.#stats.applied++
    if (this.#bus.listenerCount('candle.updated') > 0)
      this.#bus.emit('candle.updated', this.#toCandle(b, false))
    // a lower-timeframe candle that ends on the boundary completes this one
    if (lastTs >= b.end - 1 && lastTs !== ts) this.#close()
    return 'applied'
  }

  #open(
    start: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    firstTs: number,
    lastTs: number,
  ): Bucket {
    const b: Bucket = {
      openTime: start,
      end: timeframeEnd(this.timeframe, start),
      open,
      high,
      low,
      close,
      volume,
      firstTs,
      lastTs,
      ids: this.#maxIds > 0 ? new Set() : undefined,
      synthetic: false,
    }
    this.#cur = b
    this.#schedule(b.end)
    return b
  }

  /**
   * Emits flat candles for the first `maxGapCandles` empty intervals from the last closed one up to `start`
   * (exclusive) and counts the rest without walking them: the work is bounded however long the gap.
   */
  #fillUntil(start: number): void {
    if (!this.#fillGaps || this.#lastClose === undefined || this.#closedUntil === Number.NEGATIVE_INFINITY)
      return
    const gap = timeframeCount(this.timeframe, this.#closedUntil, start)
    const n = Math.min(gap, this.#maxGap)
    const p = this.#lastClose
    let t = this.#closedUntil
    for (let i = 0; i < n; i++) {
      const end = timeframeEnd(this.timeframe, t)
      this.#emit({
        openTime: t,
        end,
        open: p,
        high: p,
        low: p,
        close: p,
        volume: 0,
        firstTs: t,
        lastTs: t,
        ids: undefined,
        synthetic: true,
      })
      t = end
    }
    this.#stats.skippedGapCandles += gap - n
    this.#closedUntil = start
  }

  #close(): void {
    const b = this.#cur
    if (b === undefined) return
    this.#cur = undefined
    this.#clearTimer()
    this.#closedUntil = b.end
    this.#lastClose = b.close
    this.#emit(b)
  }

  #emit(b: Bucket): void {
    this.#stats.emitted++
    this.#bus.emit('candle', this.#toCandle(b, true))
  }

  #schedule(end: number): void {
    this.#clearTimer()
    const clock = this.#clock
    if (clock === undefined || this.#disposed) return
    this.#timer = clock.setTimeout(() => this.#onTimer(end), end + this.#closeDelayMs - clock.now())
  }

  #onTimer(end: number): void {
    this.#timer = undefined
    const b = this.#cur
    if (b === undefined || b.end !== end) return
    this.#close()
    if (this.#fillGaps && !this.#disposed) {
      // keep the exchange rhythm: the next interval opens flat at the last close and closes on its own boundary
      const p = b.close
      this.#open(end, p, p, p, p, 0, end, end).synthetic = true
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      this.#clock?.clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }

  #toCandle(b: Bucket, isClosed: boolean): Candle {
    return Object.freeze({
      venue: this.#venue,
      symbol: this.#symbol,
      interval: this.timeframe,
      openTime: b.openTime,
      closeTime: b.end - 1,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      isClosed,
    })
  }
}
