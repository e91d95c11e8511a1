/**
 * `tradekit/risk`: position sizing, pre-trade checks, a trading guard with loss and rate breakers
 * (ACTIVE → REDUCING → HALTED) and a kill switch. Every order a strategy wants passes through {@link RiskManager.evaluate}.
 *
 * Guide: [Risk](../../docs/risk.md).
 *
 * @module tradekit/risk
 * @packageDocumentation
 */

// Node only: the browser build (index.browser.ts) is this file without them.
export { FileStateStore, type FileStateStoreConfig, FileStateStoreConfigSchema } from './FileStateStore.js'
export * from './index.browser.js'
