// ccxt `binance` WebSocket API order calls against BinanceSim's `/ws-api/v3`, configured only by URLs and options
// (the same as ccxt-binance.mjs; `urls.api.ws['ws-api'].spot` is the one that matters here). Recipe: docs/sim.md.
import ccxt from 'ccxt'
import { wsApiOrderCalls } from './_ccxtWsApi.mjs'
import { Calls, startBinanceSim } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('ccxt.binance WebSocket API')
const ex = new ccxt.pro.binance({
  apiKey: sim.apiKey,
  secret: sim.apiSecret,
  options: { fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: ['spot'] } },
})
ex.urls.api = {
  ...ex.urls.api,
  public: `${sim.restUrl}/api/v3`,
  private: `${sim.restUrl}/api/v3`,
  v1: `${sim.restUrl}/api/v1`,
  sapi: `${sim.restUrl}/sapi/v1`,
  ws: { ...ex.urls.api.ws, spot: `${sim.wsUrl}/ws`, 'ws-api': { spot: `${sim.wsUrl}/ws-api/v3` } },
}
await ex.loadHttpProxyAgent()

const SYM = 'BTC/USDT'
try {
  await ex.loadMarkets()
  const t = await ex.fetchTicker(SYM)
  await wsApiOrderCalls(calls, ex, SYM, Math.floor(t.bid * 0.9 * 100) / 100, false)
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => ex.close(),
    () => sim.close(),
  )
}
