/**
 * Backtesting on the live code path: the {@link Backtester} replays candles through the same engine, strategies,
 * risk and paper execution; reports as JSON and self-contained HTML; candle sources (arrays, CSV, JSON, synthetic);
 * recording and replay of raw venue sessions; parameter sweeps on worker threads.
 *
 * @packageDocumentation
 */
export {
  Backtester,
  type BacktesterConfig,
  BacktesterConfigSchema,
  type BacktestReport,
} from './Backtester.js'
export { EquityCurve, type EquityPoint } from './EquityCurve.js'
export { renderHtmlReport, writeReport } from './htmlReport.js'
export { type RecordedMessage, Recorder, type RecorderOptions, RecorderOptionsSchema } from './Recorder.js'
export {
  type ReplayDecoder,
  type ReplayEvent,
  ReplayFeed,
  type ReplayFeedConfig,
  type ReplayStats,
  readRecording,
} from './ReplayFeed.js'
export {
  type CandleLabels,
  type CandleSource,
  candlesFromJson,
  intervalMs,
  readCandlesCsv,
  syntheticCandles,
  toCandle,
} from './sources.js'
export { gridCombinations, type SweepOptions, type SweepResult, sweep } from './sweep.js'
