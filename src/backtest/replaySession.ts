import type { ManualClock } from '../core/clock.js'
import { subscribe, type TypedEmitter } from '../core/events.js'
import type { MarketDataEvents } from '../core/ports.js'
import type { BookSnapshot, Instrument } from '../core/types.js'
import type { TradingEngine } from '../engine/TradingEngine.js'
import type { PaperTrader, Portfolio } from '../execution/index.js'
import { QuoteMetrics } from '../execution/quotes/QuoteMetrics.js'
import { decimalToNumber } from './decimalToNumber.js'
import type { EquityCurve } from './EquityCurve.js'
import { MakerFillLog } from './MakerFillLog.js'
import type { PriceCurve } from './PriceCurve.js'
import type { RecordedMessage } from './Recorder.js'
import { type ReplayDecoder, ReplayFeed, type ReplayStats } from './ReplayFeed.js'

const YEAR_MS = 365 * 86_400_000

/** Options of {@link Backtester.replay}: how to decode the recording and what to measure of the market makers. */
export interface BacktestReplayOptions {
  /** Turns each recorded message into market events with the venue's real decoder (see `ReplayFeed`). */
  readonly decode: ReplayDecoder
  /** Only replay messages of these channels. */
  readonly channels?: readonly string[]
  /** Markout horizons, ms after each maker fill. Default 1 s, 10 s, 60 s. */
  readonly markoutsMs?: readonly number[]
  /**
   * Polymarket liquidity rewards of the market: a quote is reward-eligible while its price is within `maxSpread`
   * (price units) of the midpoint and its open size is at least `minSize` shares. Absent: not measured (0).
   */
  readonly rewards?: { readonly maxSpread: number; readonly minSize: number }
  /** Maker fills listed in the report (the metrics use all of them). Default 1 000. */
  readonly maxFillsInReport?: number
}

/** The market makers' part of a replayed backtest: how their quotes did (from `QuoteMetrics`), as JSON. */
export interface BacktestMakerReport {
  /** Quotes the QuoteManager sent (post-only placements). */
  readonly quotesPlaced: number
  /** Their total quantity. */
  readonly placedQty: string
  /** Maker fills of those quotes (partial fills count one each). */
  readonly fills: number
  readonly filledQty: string
  /** filledQty / placedQty. */
  readonly fillRatio: number
  /** Σ (mid at the fill − price) × qty for buys, (price − mid) × qty for sells, quote currency. */
  readonly spreadCaptured: string
  /**
   * Per horizon: the mid that long after each fill minus the fill price (sells reversed); negative means adverse
   * selection. A fill is measured at the first book at or after its horizon: fills near the end may stay unmeasured.
   */
  readonly markouts: ReadonlyArray<{ horizonMs: number; count: number; perShare: number; total: number }>
  /** The net position the quotes' fills built, per instrument, after each fill. */
  readonly inventory: ReadonlyArray<{ t: number; symbol: string; qty: string }>
  /** Quote-milliseconds resting within the rewards' spread and size (0 without `rewards`). */
  readonly rewardEligibleMs: number
  /** The first `maxFillsInReport` maker fills, in order: hand-checkable against the recording. */
  readonly fillLog: ReadonlyArray<{
    t: number
    symbol: string
    side: string
    price: string
    qty: string
    liquidity: string
  }>
}

/** The parts of a backtest run a replay drives (built by the Backtester). */
export interface ReplayRig {
  readonly clock: ManualClock
  readonly portfolio: Portfolio
  readonly paper: PaperTrader
  readonly bus: TypedEmitter<MarketDataEvents>
  readonly engine: TradingEngine
}

/** What a replay saw: its time span, the books it sampled and the makers' metrics. */
export interface ReplaySessionResult {
  readonly startTime: number
  readonly endTime: number
  /** Equity samples taken (one per book). */
  readonly samples: number
  /** Samples per year at the session's mean sampling interval (annualises Sharpe/Sortino). */
  readonly barsPerYear: number
  readonly stats: ReplayStats
  readonly makers: BacktestMakerReport
}

/**
 * Plays a recording through a {@link ReplayFeed} into the run's engine on its manual clock: books and trades reach the
 * strategies, the PaperTrader (maker fills with its queue-position model) and the portfolio exactly as the live feed
 * would deliver them; market makers' quotes take the live quote path (ctx.quote → RiskManager → QuoteManager). Equity
 * and the first instrument's mid are sampled after each book; the makers are measured with `QuoteMetrics`.
 */
export async function replaySession(
  recording: Iterable<RecordedMessage> | AsyncIterable<RecordedMessage | Error>,
  rig: ReplayRig,
  instruments: readonly Instrument[],
  curve: EquityCurve,
  prices: PriceCurve,
  options: BacktestReplayOptions,
): Promise<ReplaySessionResult> {
  const { clock, engine, portfolio, paper, bus } = rig
  const feed = new ReplayFeed({
    decode: options.decode,
    clock,
    ...(options.channels === undefined ? {} : { channels: options.channels }),
  })
  const venue = instruments[0]?.venue ?? 'backtest'
  const quotes = engine.quoteManager(venue)
  const metrics =
    quotes === undefined
      ? undefined
      : new QuoteMetrics({
          quotes,
          client: paper,
          clock,
          ...(options.markoutsMs === undefined ? {} : { markoutsMs: [...options.markoutsMs] }),
          ...(options.rewards === undefined ? {} : { rewards: { ...options.rewards } }),
        })
  const fillLog = new MakerFillLog(options.maxFillsInReport ?? 1_000)
  const offQuotes =
    quotes === undefined
      ? () => {}
      : subscribe(quotes.events, { 'quote.sent': (q) => fillLog.quoteSent(q.clientOrderId) })
  const offFills = subscribe(paper.events, { 'order.filled': (e) => fillLog.filled(e.fills) })
  let startTime: number | undefined
  let samples = 0
  const sample = (b: BookSnapshot): void => {
    const exposed = portfolio.positions().some((p) => !p.qty.isZero())
    curve.add(clock.now(), decimalToNumber(portfolio.equity()), exposed)
    samples++
    const bid = b.bids[0]
    const ask = b.asks[0]
    if (bid !== undefined && ask !== undefined) {
      prices.add({ symbol: b.symbol, closeTime: clock.now(), close: (bid[0] + ask[0]) / 2 })
    }
  }
  const off = subscribe(feed.events, {
    book: (b: BookSnapshot) => {
      bus.emit('book', b)
      metrics?.onBook(b)
      sample(b)
    },
    trade: (t) => bus.emit('trade', t),
    candle: (c) => bus.emit('candle', c),
    dataError: (e) => bus.emit('dataError', e),
  })
  /** Starts the engine at the first message's time, before that message is decoded. */
  async function* started(): AsyncGenerator<RecordedMessage | Error> {
    for await (const m of recording as AsyncIterable<RecordedMessage | Error>) {
      if (startTime === undefined && !(m instanceof Error)) {
        startTime = m.t
        clock.advanceTo(m.t)
        await engine.start()
      }
      yield m
    }
  }
  let stats: ReplayStats
  try {
    stats = await feed.play(started())
  } finally {
    off()
  }
  const makers = toMakerReport(metrics, fillLog.entries)
  metrics?.close()
  offQuotes()
  offFills()
  const endTime = clock.now()
  if (startTime !== undefined) await engine.stop()
  const start = startTime ?? 0
  const span = endTime - start
  return {
    startTime: start,
    endTime,
    samples,
    barsPerYear: samples > 1 && span > 0 ? YEAR_MS / (span / (samples - 1)) : 1,
    stats,
    makers,
  }
}

/** The metrics as JSON (Decimals as strings). */
function toMakerReport(
  metrics: QuoteMetrics | undefined,
  fillLog: BacktestMakerReport['fillLog'],
): BacktestMakerReport {
  const r = metrics?.report()
  return {
    quotesPlaced: r?.quotesPlaced ?? 0,
    placedQty: r?.placedQty.toFixed() ?? '0',
    fills: r?.fills ?? 0,
    filledQty: r?.filledQty.toFixed() ?? '0',
    fillRatio: r?.fillRatio ?? 0,
    spreadCaptured: r?.spreadCaptured.toFixed() ?? '0',
    markouts: (r?.markouts ?? []).map((m) => ({ ...m })),
    inventory: (r?.inventory ?? []).map((x) => ({ t: x.tsEvent, symbol: x.symbol, qty: x.qty.toFixed() })),
    rewardEligibleMs: r?.rewardEligibleMs ?? 0,
    fillLog,
  }
}
