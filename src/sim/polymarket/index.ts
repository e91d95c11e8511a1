export { SIM_TICK_SIZES, type SimMarket, type SimMarketSpec, type SimToken } from './markets.js'
export {
  PolymarketSim,
  type PolymarketSimEvents,
  PolymarketSimFaults,
  type PolymarketSimOptions,
  type SimApiCredentials,
  type SimLedger,
  type SimLedgerBalance,
  type SimLedgerTrade,
  type SimSettlementMode,
} from './PolymarketSim.js'
export type { SimTradeStatus } from './SimExchange.js'
