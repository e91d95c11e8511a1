/**
 * tradekit core, browser build (the `browser` export condition of `tradekit`): everything of the Node build except
 * the Node-only {@link serveMetrics} (a metrics HTTP server). Keep in sync with src/index.ts; src/exports.test.ts
 * checks that the two differ by exactly the Node-only names.
 *
 * @packageDocumentation
 */
export * from './core/index.js'
export * from './decimal/index.js'
export * from './engine/index.js'
export * from './errors/index.js'
