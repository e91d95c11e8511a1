export { SIM_TICK_SIZES, type SimMarket, type SimMarketSpec, type SimToken } from './markets.js'
export { PolymarketSim } from './PolymarketSim.js'
export { PolymarketSimFaults } from './PolymarketSimFaults.js'
export type { SimTradeStatus } from './SimExchange.js'
export {
  type PolymarketSimConfig,
  PolymarketSimConfigSchema,
  type PolymarketSimEvents,
  type SimApiCredentials,
  type SimLedger,
  type SimLedgerBalance,
  type SimLedgerTrade,
  type SimSettlementMode,
} from './types.js'
