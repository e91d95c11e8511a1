/**
 * `tradekit/backtest` for browsers (the `browser` export condition): the backtester on in-memory data, without the
 * Node-only file and worker parts (`readCandlesCsv`, `readRecording`, `Recorder`, `writeReport`, `sweep`).
 * src/backtest/index.ts re-exports this file and adds them; src/exports.test.ts checks the two builds differ by
 * exactly those.
 */
export {
  Backtester,
  type BacktesterConfig,
  BacktesterConfigSchema,
  type BacktestReport,
  type BacktestRunOptions,
} from './Backtester.js'
export { CandleDataError } from './CandleDataError.js'
export { EquityCurve, type EquityPoint, MIN_RATIO_PERIODS, MIN_RATIO_SPAN_MS } from './EquityCurve.js'
export { gridCombinations } from './gridCombinations.js'
export { renderHtmlReport } from './htmlReport.js'
export { PriceCurve, type PricePoint } from './PriceCurve.js'
export type { RecordedMessage } from './Recorder.js'
export {
  type ReplayDecoder,
  type ReplayEvent,
  ReplayFeed,
  type ReplayFeedConfig,
  type ReplayStats,
} from './ReplayFeed.js'
export type { BacktestMakerReport, BacktestReplayOptions } from './replaySession.js'
export {
  type CandleLabels,
  type CandleSource,
  candlesFromJson,
  intervalMs,
  syntheticCandles,
  toCandle,
} from './sources.js'
