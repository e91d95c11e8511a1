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
export { gridCombinations } from './gridCombinations.js'
export { renderHtmlReport } from './htmlReport.js'
export { type RecordedMessage, Recorder, type RecorderOptions, RecorderOptionsSchema } from './Recorder.js'
export {
  type ReplayDecoder,
  type ReplayEvent,
  ReplayFeed,
  type ReplayFeedConfig,
  type ReplayStats,
} from './ReplayFeed.js'
export { readCandlesCsv } from './readCandlesCsv.js'
export { readRecording } from './readRecording.js'
export {
  type CandleLabels,
  type CandleSource,
  candlesFromJson,
  intervalMs,
  syntheticCandles,
  toCandle,
} from './sources.js'
export { type SweepOptions, type SweepResult, sweep } from './sweep.js'
export { writeReport } from './writeReport.js'
