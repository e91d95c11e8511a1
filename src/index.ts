/**
 * tradekit core: domain types, Decimal helpers, errors, Result, typed events, clock and config validation.
 * Venue code lives in subpaths (`tradekit/binance`, `tradekit/polymarket`), never here.
 *
 * Guides: [Getting started](../docs/getting-started.md), [Architecture and events](../docs/architecture.md), [TradingEngine](../docs/engine.md), [Error handling](../docs/error-handling.md).
 *
 * @module tradekit
 * @packageDocumentation
 */
export * from './core/index.js'
export * from './decimal/index.js'
export * from './engine/index.js'
// Node only (node:http); the browser build (index.browser.ts) is this file without it.
export { type MetricsServer, type ServeMetricsOptions, serveMetrics } from './engine/serveMetrics.js'
export * from './errors/index.js'
