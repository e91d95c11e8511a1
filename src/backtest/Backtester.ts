import * as z from 'zod/mini'
import { CandleSeriesOrder } from '../core/CandleSeriesOrder.js'
import { ManualClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { subscribe, TypedEmitter } from '../core/events.js'
import type { Journal } from '../core/journal.js'
import type { MarketDataEvents, MarketDataSource, Signal } from '../core/ports.js'
import { DecimalInputSchema, PositiveDecimalSchema } from '../core/schemas.js'
import type { Candle, Instrument } from '../core/types.js'
import type { Decimal } from '../decimal/index.js'
// Not the engine and risk index files: those also export Node-only code (serveMetrics, FileStateStore), which the
// browser build of tradekit/backtest must not reach.
import type { ClosedTrade } from '../engine/TradeLedger.js'
import { TradingEngine } from '../engine/TradingEngine.js'
import { ConfigError, type TradekitError, ValidationError } from '../errors/index.js'
import { PaperTrader, type PaperTraderConfig, Portfolio } from '../execution/index.js'
import type { RiskManagerConfig } from '../risk/config.js'
import { RiskManager } from '../risk/RiskManager.js'
import type { Strategy } from '../strategies/index.js'
import { decimalToNumber } from './decimalToNumber.js'
import { EquityCurve, type EquityPoint } from './EquityCurve.js'
import { PriceCurve, type PricePoint } from './PriceCurve.js'
import type { RecordedMessage } from './Recorder.js'
import type { ReplayStats } from './ReplayFeed.js'
import { type BacktestMakerReport, type BacktestReplayOptions, replaySession } from './replaySession.js'
import { type CandleSource, intervalMs } from './sources.js'

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null

/** Schema of {@link BacktesterConfig}: every option with its default. Unknown keys are rejected. */
export const BacktesterConfigSchema = z.strictObject({
  /** Instruments the candles belong to (their filters are enforced by risk and the paper venue). At least one. */
  instruments: z.readonly(
    /* @__PURE__ */ z.array(z.custom<Instrument>(isObject, 'must be an Instrument')).check(z.minLength(1)),
  ),
  /** Starting cash, e.g. `{ USDT: '10000' }`. */
  balances: z.readonly(z.record(z.string(), DecimalInputSchema)),
  /** Account currency. Default `USDT`. */
  accountCurrency: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'USDT'),
  /**
   * Other assets valued in the account currency at a fixed rate, e.g. `{ BTC: '60000' }` for ETHBTC in a USDT account
   * (the Portfolio's `currencies`): an entry on an instrument quoted in an asset without a rate is refused, since it
   * cannot be sized against the account. Default: none.
   */
  currencies: z.optional(z.record(z.string(), PositiveDecimalSchema)),
  /** Builds fresh strategy instances for a run (a run never reuses state from another). */
  strategies: z.custom<() => readonly Strategy[]>((v) => typeof v === 'function', 'must be a function'),
  /** RiskManager options (clock and store are supplied by the backtester; validated by RiskManager). */
  risk: z.optional(z.custom<Omit<RiskManagerConfig, 'clock' | 'store'>>(isObject, 'must be an object')),
  /** PaperTrader options (fees, slippage, latency; validated by PaperTrader). */
  paper: z.optional(
    z.custom<Omit<PaperTraderConfig, 'instruments' | 'portfolio' | 'clock' | 'balances' | 'accountCurrency'>>(
      isObject,
      'must be an object',
    ),
  ),
  /** Bars per year for annualising Sharpe/Sortino. Default: from the first candle's interval (365-day year). */
  barsPerYear: z.optional(/* @__PURE__ */ z.number().check(z.positive())),
  /** Points kept in the report's equity curve (at least 16 are kept). Default 1000. */
  curvePoints: z._default(/* @__PURE__ */ z.int().check(z.positive()), 1000),
  /** Trades kept in the report (the statistics use all of them). Default 10 000. */
  maxTradesInReport: z._default(/* @__PURE__ */ z.int().check(z.nonnegative()), 10_000),
  /** Signals kept in the report's `signalLog`. Default 10 000. */
  maxSignalsInReport: z._default(/* @__PURE__ */ z.int().check(z.nonnegative()), 10_000),
})

/** Per-run options of {@link Backtester.run}. */
export interface BacktestRunOptions {
  /** Where the run is journaled (e.g. `await openSqliteJournal({ path: 'run.db' })`); flushed when the run ends. */
  readonly journal?: Journal
}

/** Options of {@link Backtester} (defaults documented on {@link BacktesterConfigSchema}). */
export type BacktesterConfig = z.input<typeof BacktesterConfigSchema>
type ResolvedConfig = z.output<typeof BacktesterConfigSchema>

/** The result of a backtest, ready to serialise as JSON. */
export interface BacktestReport {
  readonly startTime: number
  readonly endTime: number
  readonly candles: number
  /** Equity before the first candle (at its open time): the configured balance, so a first-bar fill's fee counts. */
  readonly startEquity: number
  readonly endEquity: number
  /** endEquity / startEquity − 1. */
  readonly totalReturn: number
  /** Largest peak-to-trough drop, 0..1. */
  readonly maxDrawdown: number
  /**
   * Annualised Sharpe ratio of per-bar returns (risk-free 0); `null` when the sample is too short (fewer than
   * `MIN_RATIO_PERIODS` returns or less than `MIN_RATIO_SPAN_MS`; `ratioNote` says why) or has no variation.
   */
  readonly sharpe: number | null
  /** Annualised Sortino ratio; `null` like {@link BacktestReport.sharpe}, or when no bar lost money. */
  readonly sortino: number | null
  /** Why `sharpe` and `sortino` are `null` when the sample is too short to annualise; `null` otherwise. */
  readonly ratioNote?: string | null
  /** Share of closed trades with a positive PnL. */
  readonly winRate: number
  /** Gross profit / gross loss (Infinity when no loss, 0 when no trade). */
  readonly profitFactor: number
  /** Share of bars (close times, whatever the number of instruments) with an open position. */
  readonly exposure: number
  /**
   * Fees paid in the account currency. Fees charged in another asset are not in it (the run has no rates to convert
   * them with): see {@link BacktestReport.feesByAsset}.
   */
  readonly fees: number
  /**
   * Fees paid per fee asset, exact decimal text, unconverted (e.g. `{ USDT: '12.5', BTC: '0.0003' }`). Present only
   * when some fee was charged in another asset than the account currency; otherwise `fees` is all of them.
   */
  readonly feesByAsset?: Readonly<Record<string, string>>
  readonly signals: number
  /** The first `maxSignalsInReport` signals (time, strategy, instrument, side, intent), for parity checks and review. */
  readonly signalLog: ReadonlyArray<{
    t: number
    strategyId: string
    symbol: string
    side: string
    intent: string
  }>
  readonly denied: number
  /** Denials by reason code (`STOP_TOO_TIGHT`, `FEED_UNHEALTHY`, ...): why signals did not trade. */
  readonly deniedByCode: Readonly<Record<string, number>>
  readonly tradeCount: number
  readonly trades: ReadonlyArray<{
    venue: string
    symbol: string
    side: string
    openedAt: number
    closedAt: number
    qty: string
    pnl: string
    fees: string
  }>
  readonly equityCurve: readonly EquityPoint[]
  /** Closes of the first instrument, down-sampled like the equity curve: the report's price chart. */
  readonly prices?: { readonly symbol: string; readonly points: readonly PricePoint[] }
  /** Trading-state changes of the RiskManager (breakers tripping), in order. */
  readonly stateChanges: ReadonlyArray<{ at: number; from: string; to: string; reason: string }>
  /** Errors reported during the run (listener bugs, rejected fills); a clean run has none. */
  readonly errors: readonly string[]
  /** {@link Backtester.replay} only: the market makers' quotes, fills and markouts. */
  readonly makers?: BacktestMakerReport
  /** {@link Backtester.replay} only: messages replayed, events decoded, malformed messages. */
  readonly replay?: ReplayStats
}

/**
 * Replays candles through the same TradingEngine, strategies, RiskManager, PaperTrader and Portfolio that run live,
 * on a manual clock. Each candle is delivered at its close time, so a strategy never sees a candle before it
 * closes; market orders fill against the last close with the paper venue's slippage model. The source is
 * consumed as a stream and the report keeps bounded state, so memory stays flat over millions of candles.
 * {@link Backtester.replay} runs the same on a recorded session of books and trades instead: market makers quote
 * through the live quote path and get maker fills from the paper venue's queue-position model.
 *
 * @example
 * ```ts
 * const bt = new Backtester({ instruments: [btc], balances: { USDT: '10000' },
 *   strategies: () => [new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })] })
 * const report = await bt.run(readCandlesCsv('btc.csv', { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }))
 * console.log(report.totalReturn, report.maxDrawdown)
 * // A market maker on a recorded Polymarket session (`polymarketReplayDecoder` from tradekit/polymarket):
 * const mm = new Backtester({ instruments: [yes, no], balances: { pUSD: '1000' }, accountCurrency: 'pUSD',
 *   strategies: () => [new BandsMarketMaker({ venue: 'polymarket', tokenId: yes.symbol, complementTokenId: no.symbol, bands })] })
 * const r = await mm.replay(readRecording('polymarket.jsonl'), { decode: polymarketReplayDecoder() })
 * console.log(r.makers?.spreadCaptured, r.makers?.markouts)
 * ```
 */
export class Backtester {
  readonly #cfg: ResolvedConfig

  constructor(config: BacktesterConfig) {
    this.#cfg = parseConfig(BacktesterConfigSchema, config, 'Backtester')
    if (this.#cfg.currencies?.[this.#cfg.accountCurrency] !== undefined) {
      const issue = `currencies.${this.#cfg.accountCurrency}: the account currency's rate is 1`
      throw new ConfigError(`Invalid Backtester config: ${issue}`, [issue])
    }
  }

  /**
   * Runs one backtest over `source` and returns its report. With `options.journal` (tradekit/journal) the run's
   * orders, fills, signals, risk decisions and state changes are written there too, for SQL or the typed queries.
   * Candles must come oldest first, once each, per venue, symbol and interval: a repeated or earlier one rejects the
   * run with a `ValidationError` naming it (as a bad row of the source does).
   */
  async run(source: CandleSource, options: BacktestRunOptions = {}): Promise<BacktestReport> {
    const rig = this.#wire(options.journal)
    const tally = new RunTally(this.#cfg)
    const unsubscribe = tally.attach(rig.engine, rig.risk)
    const curve = new EquityCurve(this.#cfg.curvePoints)
    const prices = new PriceCurve(this.#cfg.instruments[0]?.symbol ?? '', this.#cfg.curvePoints)
    const replayed = await replay(source, rig, curve, prices)
    unsubscribe()
    return this.#report(rig, tally, replayed, curve, prices)
  }

  /**
   * Replays a recorded session (books and trades, see `Recorder`) through the same engine, strategies, RiskManager,
   * PaperTrader and Portfolio: market makers quote through the live quote path and get maker fills with the paper
   * venue's queue-position model. The report adds `makers` (spread captured, fill ratio, inventory, markouts,
   * reward-eligible time) and `replay`; equity is sampled after each book.
   */
  async replay(
    recording: Iterable<RecordedMessage> | AsyncIterable<RecordedMessage | Error>,
    options: BacktestReplayOptions & BacktestRunOptions,
  ): Promise<BacktestReport> {
    const rig = this.#wire(options.journal)
    const tally = new RunTally(this.#cfg)
    const unsubscribe = tally.attach(rig.engine, rig.risk)
    const curve = new EquityCurve(this.#cfg.curvePoints)
    const prices = new PriceCurve(this.#cfg.instruments[0]?.symbol ?? '', this.#cfg.curvePoints)
    const r = await replaySession(recording, rig, this.#cfg.instruments, curve, prices, options)
    unsubscribe()
    const replayed = { first: undefined, last: undefined, count: 0, ...r }
    return { ...this.#report(rig, tally, replayed, curve, prices), makers: r.makers, replay: r.stats }
  }

  /** Builds the paper venue, risk and engine of one run, all on one manual clock. */
  #wire(journal: Journal | undefined): Rig {
    const cfg = this.#cfg
    const clock = new ManualClock(0)
    const accountCurrency = cfg.accountCurrency
    const portfolio = new Portfolio({
      accountCurrency,
      currencies: { ...cfg.currencies },
      balances: { ...cfg.balances },
      instruments: [...cfg.instruments],
      clock,
      reversalWindow: 0, // paper fills are never reversed: keep the per-fill undo record off the hot path
    })
    const paper = new PaperTrader({ ...cfg.paper, instruments: [...cfg.instruments], portfolio, clock })
    // No state store: a backtest's risk state lives and ends with the run (saving it after each change cost time).
    const risk = new RiskManager({ ...cfg.risk, clock } as RiskManagerConfig)
    const bus = new TypedEmitter<MarketDataEvents>()
    const feed: MarketDataSource = { events: bus }
    const venue = cfg.instruments[0]?.venue ?? 'backtest'
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'backtest', venue, source: feed }],
      strategies: cfg.strategies(),
      risk,
      executors: [paper],
      portfolio,
      instruments: cfg.instruments,
      feedHealth: { checkIntervalMs: 0 },
      shutdown: { cancelOpenOrders: true, timeoutMs: 1000 },
      ...(journal === undefined ? {} : { journal }),
    })
    return { clock, portfolio, paper, risk, bus, engine }
  }

  #report(rig: Rig, t: RunTally, replayed: Replayed, curve: EquityCurve, prices: PriceCurve): BacktestReport {
    const { first, last } = replayed
    const barsPerYear =
      this.#cfg.barsPerYear ??
      replayed.barsPerYear ??
      (first !== undefined ? (365 * 86_400_000) / intervalMs(first.interval) : 1)
    const s = curve.summary(barsPerYear)
    const paid = rig.portfolio.feesPaid()
    const own = paid.get(this.#cfg.accountCurrency)
    const fees = own === undefined ? 0 : decimalToNumber(own)
    const { grossProfit, grossLoss, tradeCount } = t
    return {
      startTime: replayed.startTime ?? first?.openTime ?? 0,
      endTime: replayed.endTime ?? last?.closeTime ?? 0,
      candles: replayed.count,
      startEquity: s.startEquity,
      endEquity: s.endEquity,
      totalReturn: s.totalReturn,
      maxDrawdown: s.maxDrawdown,
      sharpe: s.sharpe,
      sortino: s.sortino,
      ratioNote: s.ratioNote,
      winRate: tradeCount > 0 ? t.wins / tradeCount : 0,
      profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Number.POSITIVE_INFINITY : 0,
      exposure: s.exposure,
      fees,
      ...feesByAsset(paid, this.#cfg.accountCurrency),
      signals: t.signals,
      signalLog: t.signalLog,
      denied: t.denied,
      deniedByCode: t.deniedByCode,
      tradeCount,
      trades: t.trades.map((tr) => ({
        venue: tr.venue,
        symbol: tr.symbol,
        side: tr.side,
        openedAt: tr.openedAt,
        closedAt: tr.closedAt,
        qty: tr.maxQty.toFixed(),
        pnl: tr.pnl.toFixed(),
        fees: tr.fees.toFixed(),
      })),
      equityCurve: curve.points(),
      prices: { symbol: prices.symbol, points: prices.points() },
      stateChanges: t.stateChanges,
      errors: t.errors,
    }
  }
}

/**
 * `{ feesByAsset }` with every fee asset's total as exact text when some fee was charged in another asset than
 * `accountCurrency`; `{}` otherwise (the report's `fees` then says it all, and its JSON stays as it was).
 */
function feesByAsset(
  paid: ReadonlyMap<string, Decimal>,
  accountCurrency: string,
): { feesByAsset?: Record<string, string> } {
  let other = false
  for (const asset of paid.keys()) if (asset !== accountCurrency) other = true
  if (!other) return {}
  const byAsset: Record<string, string> = {}
  for (const [asset, v] of [...paid].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    byAsset[asset] = v.toFixed()
  return { feesByAsset: byAsset }
}

/** The components of one run. */
interface Rig {
  readonly clock: ManualClock
  readonly portfolio: Portfolio
  readonly paper: PaperTrader
  readonly risk: RiskManager
  readonly bus: TypedEmitter<MarketDataEvents>
  readonly engine: TradingEngine
}

/** What a replay saw of the source. */
interface Replayed {
  readonly first: Candle | undefined
  readonly last: Candle | undefined
  readonly count: number
  /** A replayed session's span and sampling (candle runs take them from the candles). */
  readonly startTime?: number
  readonly endTime?: number
  readonly barsPerYear?: number
}

/**
 * Feeds every candle to the engine at its close time and starts and stops the engine. The equity curve is seeded with
 * the portfolio's equity before the first candle (at its open time), then gets one point per bar: the equity after
 * every candle closing at that time was delivered and settled (N instruments still give one point per bar). The
 * price curve gets every candle. A candle whose open time is not after the previous one of its venue, symbol and
 * interval (a repeat, or a newest-first source) is a ValidationError: replaying it would show strategies a bar twice
 * or the future before the past. A candle that started no asynchronous work (no signal, nothing in flight) needs no
 * await: a synchronous source is replayed synchronously until a signal needs the promise chains (risk → submit →
 * fill) to settle.
 */
async function replay(
  source: CandleSource,
  rig: Rig,
  curve: EquityCurve,
  prices: PriceCurve,
): Promise<Replayed> {
  const { clock, engine, portfolio, bus } = rig
  let first: Candle | undefined
  let last: Candle | undefined
  let count = 0
  let signalled = false
  const off = subscribe(engine.events, {
    signal: () => {
      signalled = true
    },
  })
  const inOrder = new CandleOrder()
  /** Delivers one candle; true when it left work to settle. */
  const deliver = (c: Candle): boolean => {
    // Time moves to the candle's close before anyone sees it: no look-ahead.
    clock.advanceTo(c.closeTime)
    bus.emit('candle', c)
    const busy = signalled || engine.inFlight > 0
    signalled = false
    return busy
  }
  // Equity as a number, converted again only when the portfolio's equity (an immutable Decimal) is another one.
  let equity: Decimal | undefined
  let equityNumber = 0
  const sampleEquity = (): number => {
    const e = portfolio.equity()
    if (e !== equity) {
      equity = e
      equityNumber = decimalToNumber(e)
    }
    return equityNumber
  }
  // Whether a position is open, asked again only when the portfolio's version moved (a mark never opens one).
  let version = -1
  let exposed = false
  // The bar being collected: its close time, and the equity and exposure after its latest candle settled.
  let barTime = Number.NEGATIVE_INFINITY
  let barEquity = 0
  let barExposed = false
  /** Samples equity and exposure after candle `c` settled; the bar's point is added when its close time is over. */
  const sample = (c: Candle): void => {
    barEquity = sampleEquity()
    if (portfolio.version !== version) {
      version = portfolio.version
      exposed = portfolio.hasOpenPositions()
    }
    barExposed = exposed
    prices.add(c)
    last = c
    count++
  }
  /** Starts the run at the first candle's open, seeding the curve with the equity before any candle. */
  const begin = async (c: Candle): Promise<void> => {
    first = c
    clock.advanceTo(c.openTime)
    await engine.start()
    curve.start(c.openTime, sampleEquity())
  }
  /** Checks a candle's order and closes the bar before it when its close time is later. */
  const next = (c: Candle): void => {
    inOrder.check(c, count + 1)
    if (c.closeTime > barTime) {
      if (count > 0) curve.add(barTime, barEquity, barExposed)
      barTime = c.closeTime
    }
  }
  try {
    // Let the engine's promise chains (risk → submit → fill) settle before the next candle: six turns, as always.
    if (isIterable(source)) {
      for (const c of source) {
        next(c)
        if (first === undefined) await begin(c)
        if (deliver(c)) for (let i = 0; i < 6; i++) await undefined
        sample(c)
      }
    } else {
      for await (const c of source) {
        next(c)
        if (first === undefined) await begin(c)
        if (deliver(c)) for (let i = 0; i < 6; i++) await undefined
        sample(c)
      }
    }
  } catch (e) {
    // Bad input ends the run: stop the engine (a journal is flushed) and report the input's error, not a stop's.
    if (first !== undefined) await engine.stop().catch(() => undefined)
    throw e
  } finally {
    off()
  }
  if (count > 0) curve.add(barTime, barEquity, barExposed)
  if (first !== undefined) await engine.stop()
  return { first, last, count }
}

/**
 * Refuses a candle whose open time is not after the previous one of its venue, symbol and interval, with a
 * ValidationError naming both (series are tracked apart, so instruments and intervals may interleave).
 */
class CandleOrder {
  readonly #order = new CandleSeriesOrder()

  /** Throws when `c` (the `index`-th candle of the source, 1-based) repeats or goes back in its series. */
  check(c: Candle, index: number): void {
    const previous = this.#order.advance(c)
    if (previous === undefined) return
    const name = `Candle ${index} ("${c.venue}" "${c.symbol}" "${c.interval}")`
    if (!Number.isFinite(c.openTime)) {
      throw new ValidationError(`${name} has no valid openTime "${String(c.openTime)}"`, {
        field: 'openTime',
        details: { index, venue: c.venue, symbol: c.symbol, interval: c.interval },
      })
    }
    const what = c.openTime === previous ? 'repeats the previous one' : 'goes back in time'
    throw new ValidationError(
      `${name} ${what}: openTime ${when(c.openTime)} is not after ${when(previous)}. Candles must come oldest first, each once (a newest-first or duplicated source would show strategies the future first or a bar twice)`,
      {
        field: 'openTime',
        details: {
          index,
          venue: c.venue,
          symbol: c.symbol,
          interval: c.interval,
          openTime: c.openTime,
          previousOpenTime: previous,
        },
      },
    )
  }
}

/** `1735689600000 (2025-01-01T00:00:00.000Z)`, or the bare number when it is no date. */
const when = (ms: number): string => {
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? String(ms) : `${ms} (${d.toISOString()})`
}

const isIterable = (s: CandleSource): s is Iterable<Candle> =>
  typeof (s as Partial<Iterable<Candle>>)[Symbol.iterator] === 'function'

/** Counts what the engine and risk report during a run (signals, denials, trades, state changes, errors). */
class RunTally {
  readonly #maxTrades: number
  readonly #maxSignals: number
  readonly trades: ClosedTrade[] = []
  tradeCount = 0
  wins = 0
  grossProfit = 0
  grossLoss = 0
  signals = 0
  denied = 0
  readonly errors: string[] = []
  readonly signalLog: { t: number; strategyId: string; symbol: string; side: string; intent: string }[] = []
  readonly stateChanges: { at: number; from: string; to: string; reason: string }[] = []
  readonly deniedByCode: Record<string, number> = {}

  constructor(cfg: ResolvedConfig) {
    this.#maxTrades = cfg.maxTradesInReport
    this.#maxSignals = cfg.maxSignalsInReport
  }

  /** Listens to the run's engine and risk manager; returns the function that stops listening. */
  attach(engine: TradingEngine, risk: RiskManager): () => void {
    const offRisk = subscribe(risk.events, {
      'risk.stateChanged': (e) => {
        if (this.stateChanges.length < 1000)
          this.stateChanges.push({ at: e.tsEvent, from: e.from, to: e.to, reason: e.reason })
      },
    })
    const offEngine = subscribe(engine.events, {
      signal: (s: Signal) => this.#onSignal(s),
      'order.denied': (e) => {
        this.denied++
        this.deniedByCode[e.code] = (this.deniedByCode[e.code] ?? 0) + 1
      },
      'trade.closed': (e) => this.#onTrade(e.trade),
      error: (e: TradekitError) => {
        if (this.errors.length < 100) this.errors.push(`${e.code}: ${e.message}`)
      },
    })
    return () => {
      offEngine()
      offRisk()
    }
  }

  #onSignal(s: Signal): void {
    this.signals++
    if (this.signalLog.length < this.#maxSignals) {
      this.signalLog.push({
        t: s.tsEvent,
        strategyId: s.strategyId,
        symbol: s.symbol,
        side: s.side,
        intent: s.intent,
      })
    }
  }

  #onTrade(trade: ClosedTrade): void {
    this.tradeCount++
    const pnl = decimalToNumber(trade.pnl)
    if (pnl > 0) {
      this.wins++
      this.grossProfit += pnl
    } else this.grossLoss -= pnl
    if (this.trades.length < this.#maxTrades) this.trades.push(trade)
  }
}
