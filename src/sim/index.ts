/**
 * Loopback exchange simulators that speak Binance's and Polymarket's wire formats, with scripted fault injection:
 * test a bot end to end without network or keys.
 *
 * Guides: [Binance](../../docs/binance.md), [Polymarket](../../docs/polymarket.md), [Reliability](../../docs/reliability.md).
 *
 * @module tradekit/sim
 * @packageDocumentation
 */
export * from './binance/index.js'
export * from './polymarket/index.js'
