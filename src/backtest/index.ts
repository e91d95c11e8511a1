/**
 * Backtesting on the live code path: the {@link Backtester} replays candles through the same engine, strategies,
 * risk and paper execution; reports as JSON and self-contained HTML; candle sources (arrays, CSV, JSON, synthetic);
 * recording and replay of raw venue sessions; parameter sweeps on worker threads.
 *
 * Guide: [Backtesting and recording](../../docs/backtesting.md).
 *
 * @module tradekit/backtest
 * @packageDocumentation
 */
export * from './index.browser.js'
// Node only: the browser build (index.browser.ts) is this file without them.
export { Recorder, type RecorderOptions, RecorderOptionsSchema } from './Recorder.js'
export { readCandlesCsv } from './readCandlesCsv.js'
export { readRecording } from './readRecording.js'
export { type SweepOptions, type SweepResult, sweep } from './sweep.js'
export { writeReport } from './writeReport.js'
