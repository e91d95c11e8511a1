// ccxt `binanceusdm` WebSocket API order calls against BinanceSim's `/ws-fapi/v1`, configured only by URLs and
// options (as ccxt-binanceusdm.mjs, plus `urls.api.ws['ws-api'].future`). Recipe: docs/sim.md.
import ccxt from 'ccxt'
import { wsApiOrderCalls } from './_ccxtWsApi.mjs'
import { Calls, startBinanceSim } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('ccxt.binanceusdm WebSocket API')
const rest = sim.restUrl
const ex = new ccxt.pro.binanceusdm({
  apiKey: sim.apiKey,
  secret: sim.apiSecret,
  options: { fetchCurrencies: false, fetchMargins: false },
})
ex.urls.api = {
  ...ex.urls.api,
  fapiPublic: `${rest}/fapi/v1`,
  fapiPublicV2: `${rest}/fapi/v2`,
  fapiPublicV3: `${rest}/fapi/v3`,
  fapiPrivate: `${rest}/fapi/v1`,
  fapiPrivateV2: `${rest}/fapi/v2`,
  fapiPrivateV3: `${rest}/fapi/v3`,
  sapi: `${rest}/sapi/v1`,
  ws: {
    ...ex.urls.api.ws,
    future: `${sim.wsUrl}/fstream/ws`,
    'ws-api': { ...ex.urls.api.ws['ws-api'], future: `${sim.wsUrl}/ws-fapi/v1` },
  },
}
await ex.loadHttpProxyAgent()

const SYM = 'BTC/USDT:USDT'
try {
  await ex.loadMarkets()
  const t = await ex.fetchTicker(SYM)
  await wsApiOrderCalls(calls, ex, SYM, Math.floor((t.bid ?? t.last) * 0.9 * 10) / 10, true)
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => ex.close(),
    () => sim.close(),
  )
}
