// ccxt `binance` (spot, REST + ccxt pro WebSocket) against BinanceSim, configured only by URLs and options.
// Recipe: docs/sim.md ("ccxt").
import ccxt from 'ccxt'
import { assert, Calls, refusal, startBinanceSim } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('ccxt.binance')
const rest = sim.restUrl
const ex = new ccxt.pro.binance({
  apiKey: sim.apiKey,
  secret: sim.apiSecret,
  options: {
    // Keys make ccxt call /sapi/v1/capital/config/getall for currencies (not served by the sim): turn it off.
    fetchCurrencies: false,
    // Keys also make it call /sapi/v1/margin/allPairs and isolated/allPairs for margin flags: off too.
    fetchMargins: false,
    // Load only spot markets (ccxt also loads USD-M and COIN-M exchangeInfo by default).
    fetchMarkets: { types: ['spot'] },
  },
})
ex.urls.api = {
  ...ex.urls.api,
  public: `${rest}/api/v3`,
  private: `${rest}/api/v3`,
  v1: `${rest}/api/v1`,
  sapi: `${rest}/sapi/v1`,
  ws: { ...ex.urls.api.ws, spot: `${sim.wsUrl}/ws`, 'ws-api': { spot: `${sim.wsUrl}/ws-api/v3` } },
}

// ccxt refuses ws:// URLs until its http agent is loaded (it only expects ws:// behind a proxy).
await ex.loadHttpProxyAgent()

const SYM = 'BTC/USDT'
const num = (x) => assert.equal(typeof x, 'number', `expected a number, got ${x}`)
try {
  const markets = await calls.call(
    'loadMarkets',
    () => ex.loadMarkets(),
    (m) => assert.ok(m[SYM]),
  )
  if (markets === undefined) throw new Error('no markets')
  await calls.call('fetchTime', () => ex.fetchTime(), num)
  await calls.call(
    'fetchOrderBook',
    () => ex.fetchOrderBook(SYM, 10),
    (b) => {
      assert.ok(b.bids.length > 0 && b.asks.length > 0)
      assert.ok(b.bids[0][0] < b.asks[0][0])
    },
  )
  await calls.call(
    'fetchTicker',
    () => ex.fetchTicker(SYM),
    (t) => {
      num(t.last)
      num(t.bid)
      num(t.high)
    },
  )
  await calls.call(
    'fetchTickers',
    () => ex.fetchTickers([SYM, 'ETH/USDT']),
    (t) => num(t['ETH/USDT'].last),
  )
  await calls.call(
    'fetchBidsAsks',
    () => ex.fetchBidsAsks([SYM]),
    (t) => num(t[SYM].ask),
  )
  await calls.call(
    'fetchLastPrices',
    () => ex.fetchLastPrices([SYM]),
    (t) => num(t[SYM].price),
  )
  await calls.call(
    'fetchTrades',
    () => ex.fetchTrades(SYM, undefined, 20),
    (t) => {
      assert.ok(t.length > 0)
      num(t[0].price)
    },
  )
  await calls.call(
    'fetchOHLCV',
    () => ex.fetchOHLCV(SYM, '1m', undefined, 5),
    (c) => num(c[0][4]),
  )
  await calls.call(
    'fetchBalance',
    () => ex.fetchBalance(),
    (b) => {
      num(b.USDT.free)
      num(b.USDT.total)
    },
  )
  await calls.call(
    'fetchTradingFee',
    () => ex.fetchTradingFee(SYM),
    (f) => assert.equal(f.maker, 0.001),
  )
  await calls.call(
    'fetchTradingFees',
    () => ex.fetchTradingFees(),
    (f) => assert.equal(f[SYM].taker, 0.001),
  )

  const ticker = await ex.fetchTicker(SYM)
  const low = Math.floor(ticker.bid * 0.9)
  const order = await calls.call(
    'createOrder limit',
    () => ex.createOrder(SYM, 'limit', 'buy', 0.01, low),
    (o) => assert.equal(o.status, 'open'),
  )
  await calls.call(
    'fetchOrder',
    () => ex.fetchOrder(order.id, SYM),
    (o) => assert.equal(o.id, order.id),
  )
  await calls.call(
    'fetchOpenOrders',
    () => ex.fetchOpenOrders(SYM),
    (os) => assert.ok(os.some((o) => o.id === order.id)),
  )
  await calls.call(
    'cancelOrder',
    () => ex.cancelOrder(order.id, SYM),
    (o) => assert.equal(o.status, 'canceled'),
  )
  await calls.call(
    'createOrder market',
    () => ex.createOrder(SYM, 'market', 'buy', 0.01),
    (o) => assert.equal(o.status, 'closed'),
  )
  await calls.call(
    'fetchOrders',
    () => ex.fetchOrders(SYM),
    (os) => assert.ok(os.length >= 2),
  )
  await calls.call(
    'fetchClosedOrders',
    () => ex.fetchClosedOrders(SYM),
    (os) => {
      assert.ok(os.length > 0)
      assert.ok(os.every((o) => o.status === 'closed'))
    },
  )
  await calls.call(
    'fetchMyTrades',
    () => ex.fetchMyTrades(SYM),
    (ts) => assert.ok(ts.length > 0),
  )
  // Refusals carry Binance's codes, which ccxt maps to its typed errors.
  await calls.call(
    'fetchOrder unknown id → OrderNotFound (-2013)',
    () => refusal(ex.fetchOrder('987654321', SYM)),
    (e) => assert.ok(e instanceof ccxt.OrderNotFound, String(e)),
  )
  await calls.call(
    'createOrder too large → InsufficientFunds (-2010)',
    () => refusal(ex.createOrder(SYM, 'market', 'buy', 1000)),
    (e) => assert.ok(e instanceof ccxt.InsufficientFunds, String(e)),
  )
  await ex.createOrder(SYM, 'limit', 'buy', 0.01, low)
  await calls.call(
    'cancelAllOrders',
    () => ex.cancelAllOrders(SYM),
    (os) => assert.equal(os.length, 1),
  )

  // ccxt pro: market streams and the user data stream.
  await calls.call(
    'watchOrderBook',
    () => ex.watchOrderBook(SYM),
    (b) => assert.ok(b.bids.length > 0),
  )
  await calls.call(
    'watchOrderBook (update)',
    () => ex.watchOrderBook(SYM),
    (b) => num(b.nonce),
  )
  await calls.call(
    'watchTicker',
    () => ex.watchTicker(SYM),
    (t) => num(t.last),
  )
  await calls.call(
    'watchTrades',
    () => ex.watchTrades(SYM),
    (t) => assert.ok(t.length > 0),
  )
  await calls.call(
    'watchOHLCV',
    () => ex.watchOHLCV(SYM, '1m'),
    (c) => assert.ok(c.length > 0),
  )
  await calls.call(
    'watchBidsAsks',
    () => ex.watchBidsAsks([SYM]),
    (t) => num(t[SYM].bid),
  )
  // Start both watchers (they subscribe), then trade so that an order update and a balance update arrive.
  const ordersP = ex.watchOrders(SYM)
  const balanceP = ex.watchBalance()
  ordersP.catch(() => {})
  balanceP.catch(() => {})
  await new Promise((r) => setTimeout(r, 300))
  await ex.createOrder(SYM, 'market', 'sell', 0.01)
  await calls.call(
    'watchOrders',
    () => ordersP,
    (os) => assert.ok(os.length > 0),
  )
  await calls.call(
    'watchBalance',
    () => balanceP,
    (b) => num(b.USDT.free),
  )
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => ex.close(),
    () => sim.close(),
  )
}
