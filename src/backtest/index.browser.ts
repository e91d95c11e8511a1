/**
 * `tradekit/backtest`, browser build (the `browser` export condition): the backtester on in-memory data. The Node-only
 * file and worker parts (`readCandlesCsv`, `readRecording`, `Recorder`, `writeReport`, `sweep`) are absent. Keep in
 * sync with src/backtest/index.ts; src/exports.test.ts checks that the two differ by exactly the Node-only names.
 *
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
export type { RecordedMessage } from './Recorder.js'
export {
  type ReplayDecoder,
  type ReplayEvent,
  ReplayFeed,
  type ReplayFeedConfig,
  type ReplayStats,
} from './ReplayFeed.js'
export {
  type CandleLabels,
  type CandleSource,
  candlesFromJson,
  intervalMs,
  syntheticCandles,
  toCandle,
} from './sources.js'
