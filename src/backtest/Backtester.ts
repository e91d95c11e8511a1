import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type { MarketDataEvents, MarketDataSource, Signal } from '../core/ports.js'
import type { Candle, Instrument } from '../core/types.js'
import type { DecimalLike } from '../decimal/index.js'
import { type ClosedTrade, TradingEngine } from '../engine/index.js'
import { ConfigError, type TradekitError } from '../errors/index.js'
import { PaperTrader, type PaperTraderConfig, Portfolio } from '../execution/index.js'
import { MemoryStateStore, RiskManager, type RiskManagerConfig } from '../risk/index.js'
import type { Strategy } from '../strategies/index.js'
import { EquityCurve, type EquityPoint } from './EquityCurve.js'
import { type CandleSource, intervalMs } from './sources.js'

/** Options of {@link Backtester}. */
export interface BacktesterConfig {
  /** Instruments the candles belong to (their filters are enforced by risk and the paper venue). */
  readonly instruments: readonly Instrument[]
  /** Starting cash, e.g. `{ USDT: '10000' }`. */
  readonly balances: Readonly<Record<string, DecimalLike>>
  /** Account currency. Default `USDT`. */
  readonly accountCurrency?: string
  /** Builds fresh strategy instances for a run (a run never reuses state from another). */
  readonly strategies: () => readonly Strategy[]
  /** RiskManager options (clock and store are supplied by the backtester). */
  readonly risk?: Omit<RiskManagerConfig, 'clock' | 'store'>
  /** PaperTrader options (fees, slippage, latency). */
  readonly paper?: Omit<
    PaperTraderConfig,
    'instruments' | 'portfolio' | 'clock' | 'balances' | 'accountCurrency'
  >
  /** Bars per year for annualising Sharpe/Sortino. Default: from the first candle's interval (365-day year). */
  readonly barsPerYear?: number
  /** Points kept in the report's equity curve. Default 1000. */
  readonly curvePoints?: number
  /** Trades kept in the report (the statistics use all of them). Default 10 000. */
  readonly maxTradesInReport?: number
  /** Signals kept in the report's `signalLog`. Default 10 000. */
  readonly maxSignalsInReport?: number
}

/** The result of a backtest, ready to serialise as JSON. */
export interface BacktestReport {
  readonly startTime: number
  readonly endTime: number
  readonly candles: number
  readonly startEquity: number
  readonly endEquity: number
  /** endEquity / startEquity − 1. */
  readonly totalReturn: number
  /** Largest peak-to-trough drop, 0..1. */
  readonly maxDrawdown: number
  readonly sharpe: number
  readonly sortino: number
  /** Share of closed trades with a positive PnL. */
  readonly winRate: number
  /** Gross profit / gross loss (Infinity when no loss, 0 when no trade). */
  readonly profitFactor: number
  /** Share of bars with an open position. */
  readonly exposure: number
  /** Fees paid, in the account currency. */
  readonly fees: number
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
  /** Trading-state changes of the RiskManager (breakers tripping), in order. */
  readonly stateChanges: ReadonlyArray<{ at: number; from: string; to: string; reason: string }>
  /** Errors reported during the run (listener bugs, rejected fills); a clean run has none. */
  readonly errors: readonly string[]
}

/**
 * Replays candles through the same TradingEngine, strategies, RiskManager, PaperTrader and Portfolio that run live,
 * on a manual clock. Each candle is delivered at its close time, so a strategy never sees a candle before it
 * closes; market orders fill against the last close with the paper venue's slippage model. The source is
 * consumed as a stream and the report keeps bounded state, so memory stays flat over millions of candles.
 *
 * @example
 * ```ts
 * const bt = new Backtester({ instruments: [btc], balances: { USDT: '10000' },
 *   strategies: () => [new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })] })
 * const report = await bt.run(readCandlesCsv('btc.csv', { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }))
 * console.log(report.totalReturn, report.maxDrawdown)
 * ```
 */
export class Backtester {
  readonly #cfg: BacktesterConfig

  constructor(config: BacktesterConfig) {
    if (config.instruments.length === 0)
      throw new ConfigError('Backtester needs instruments', ['instruments: empty'])
    this.#cfg = config
  }

  /** Runs one backtest over `source` and returns its report. */
  async run(source: CandleSource): Promise<BacktestReport> {
    const cfg = this.#cfg
    const clock = new ManualClock(0)
    const accountCurrency = cfg.accountCurrency ?? 'USDT'
    const portfolio = new Portfolio({
      accountCurrency,
      balances: { ...cfg.balances },
      instruments: [...cfg.instruments],
      clock,
      reversalWindow: 0, // paper fills are never reversed: keep the per-fill undo record off the hot path
    })
    const paper = new PaperTrader({ ...cfg.paper, instruments: [...cfg.instruments], portfolio, clock })
    const risk = new RiskManager({ ...cfg.risk, clock, store: new MemoryStateStore() } as RiskManagerConfig)
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
    })
    const curve = new EquityCurve(cfg.curvePoints ?? 1000)
    const maxTrades = cfg.maxTradesInReport ?? 10_000
    const trades: ClosedTrade[] = []
    let tradeCount = 0
    let wins = 0
    let grossProfit = 0
    let grossLoss = 0
    let signals = 0
    let denied = 0
    const errors: string[] = []
    const signalLog: { t: number; strategyId: string; symbol: string; side: string; intent: string }[] = []
    const maxSignals = cfg.maxSignalsInReport ?? 10_000
    engine.events.on('signal', (s: Signal) => {
      signals++
      if (signalLog.length < maxSignals) {
        signalLog.push({
          t: s.tsEvent,
          strategyId: s.strategyId,
          symbol: s.symbol,
          side: s.side,
          intent: s.intent,
        })
      }
    })
    const stateChanges: { at: number; from: string; to: string; reason: string }[] = []
    risk.events.on('risk.stateChanged', (e) => {
      if (stateChanges.length < 1000)
        stateChanges.push({ at: e.tsEvent, from: e.from, to: e.to, reason: e.reason })
    })
    const deniedByCode: Record<string, number> = {}
    engine.events.on('order.denied', (e) => {
      denied++
      deniedByCode[e.code] = (deniedByCode[e.code] ?? 0) + 1
    })
    engine.events.on('trade.closed', (e) => {
      tradeCount++
      const pnl = e.trade.pnl.toNumber()
      if (pnl > 0) {
        wins++
        grossProfit += pnl
      } else grossLoss -= pnl
      if (trades.length < maxTrades) trades.push(e.trade)
    })
    engine.events.on('error', (e: TradekitError) => {
      if (errors.length < 100) errors.push(`${e.code}: ${e.message}`)
    })

    let first: Candle | undefined
    let last: Candle | undefined
    let count = 0
    for await (const c of source as AsyncIterable<Candle>) {
      if (first === undefined) {
        first = c
        clock.advanceTo(c.openTime)
        await engine.start()
      }
      // Time moves to the candle's close before anyone sees it: no look-ahead.
      clock.advanceTo(c.closeTime)
      bus.emit('candle', c)
      // Let the engine's promise chains (risk → submit → fill) settle before the next candle.
      for (let i = 0; i < 6; i++) await undefined
      const exposed = portfolio.positions().some((p) => !p.qty.isZero())
      curve.add(c.closeTime, portfolio.equity().toNumber(), exposed)
      last = c
      count++
    }
    if (first !== undefined) await engine.stop()
    const barsPerYear =
      cfg.barsPerYear ?? (first !== undefined ? (365 * 86_400_000) / intervalMs(first.interval) : 1)
    const s = curve.summary(barsPerYear)
    let fees = 0
    for (const [, v] of portfolio.feesPaid()) fees += v.toNumber()
    return {
      startTime: first?.openTime ?? 0,
      endTime: last?.closeTime ?? 0,
      candles: count,
      startEquity: s.startEquity,
      endEquity: s.endEquity,
      totalReturn: s.totalReturn,
      maxDrawdown: s.maxDrawdown,
      sharpe: s.sharpe,
      sortino: s.sortino,
      winRate: tradeCount > 0 ? wins / tradeCount : 0,
      profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Number.POSITIVE_INFINITY : 0,
      exposure: s.exposure,
      fees,
      signals,
      signalLog,
      denied,
      deniedByCode,
      tradeCount,
      trades: trades.map((t) => ({
        venue: t.venue,
        symbol: t.symbol,
        side: t.side,
        openedAt: t.openedAt,
        closedAt: t.closedAt,
        qty: t.maxQty.toFixed(),
        pnl: t.pnl.toFixed(),
        fees: t.fees.toFixed(),
      })),
      equityCurve: curve.points(),
      stateChanges,
      errors,
    }
  }
}
