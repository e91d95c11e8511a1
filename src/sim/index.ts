/**
 * @packageDocumentation
 */
export * from './polymarket/index.js'
