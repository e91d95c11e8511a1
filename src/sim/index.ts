/**
 * @packageDocumentation
 */
export * from './binance/index.js'
export * from './polymarket/index.js'
