// ccxt `binanceusdm` (USD-M futures, REST + ccxt pro WebSocket) against BinanceSim, configured only by URLs and
// options. Recipe: docs/sim.md ("ccxt").
import ccxt from 'ccxt'
import { assert, Calls, refusal, startBinanceSim, until } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('ccxt.binanceusdm')
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
  // ccxt rewrites `<base>/ws` to `<base>/public/ws`, `/market/ws` and `/private/ws` (Binance's USD-M routes).
  ws: { ...ex.urls.api.ws, future: `${sim.wsUrl}/fstream/ws` },
}
await ex.loadHttpProxyAgent()

const SYM = 'BTC/USDT:USDT'
const num = (x) => assert.equal(typeof x, 'number', `expected a number, got ${x}`)
/** The newest position ccxt parsed for `symbol` from the user stream, across its per-account caches. */
const lastPosition = (symbol) =>
  Object.values(ex.positions ?? {})
    .flatMap((cache) => [...cache])
    .filter((p) => p.symbol === symbol)
    .at(-1)
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
    (b) => assert.ok(b.bids[0][0] < b.asks[0][0]),
  )
  await calls.call(
    'fetchTicker',
    () => ex.fetchTicker(SYM),
    (t) => {
      num(t.last)
      num(t.high)
    },
  )
  await calls.call(
    'fetchTickers',
    () => ex.fetchTickers([SYM]),
    (t) => num(t[SYM].last),
  )
  await calls.call(
    'fetchBidsAsks',
    () => ex.fetchBidsAsks([SYM]),
    (t) => num(t[SYM].bid),
  )
  await calls.call(
    'fetchTrades',
    () => ex.fetchTrades(SYM, undefined, 20),
    (t) => num(t[0].price),
  )
  await calls.call(
    'fetchOHLCV',
    () => ex.fetchOHLCV(SYM, '1m', undefined, 5),
    (c) => num(c[0][4]),
  )
  await calls.call(
    'fetchFundingRate',
    () => ex.fetchFundingRate(SYM),
    (f) => num(f.fundingRate),
  )
  await calls.call(
    'fetchMarkPrice',
    () => ex.fetchMarkPrice(SYM),
    (t) => num(t.markPrice),
  )
  await calls.call(
    'fetchLeverageTiers',
    () => ex.fetchLeverageTiers([SYM]),
    (t) => assert.ok(t[SYM].length > 0),
  )
  await calls.call(
    'fetchLeverage',
    () => ex.fetchLeverage(SYM),
    (l) => num(l.longLeverage),
  )
  await calls.call(
    'fetchMarginMode',
    () => ex.fetchMarginMode(SYM),
    (m) => assert.equal(m.marginMode, 'cross'),
  )
  await calls.call(
    'setLeverage',
    () => ex.setLeverage(10, SYM),
    (r) => assert.equal(Number(r.leverage), 10),
  )
  await calls.call(
    'fetchPositionMode',
    () => ex.fetchPositionMode(SYM),
    (m) => assert.equal(m.hedged, false),
  )
  await calls.call(
    'fetchBalance',
    () => ex.fetchBalance(),
    (b) => {
      num(b.USDT.free)
      num(b.USDT.used)
      num(b.USDT.total)
    },
  )

  const ticker = await ex.fetchTicker(SYM)
  const low = Math.floor(ticker.last * 0.9)
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
    'fetchPositions (open orders only)',
    () => ex.fetchPositions([SYM]),
    (ps) => assert.ok(Array.isArray(ps)),
  )
  await calls.call(
    'cancelOrder',
    () => ex.cancelOrder(order.id, SYM),
    (o) => assert.equal(o.status, 'canceled'),
  )
  await calls.call(
    'createOrder market',
    () => ex.createOrder(SYM, 'market', 'buy', 0.01),
    (o) => assert.ok(o.id),
  )
  await calls.call(
    'fetchPositions',
    () => ex.fetchPositions([SYM]),
    (ps) => {
      assert.equal(ps.length, 1)
      num(ps[0].initialMargin)
      num(ps[0].maintenanceMargin)
      assert.equal(ps[0].contracts, 0.01)
    },
  )
  await calls.call(
    'fetchOrders',
    () => ex.fetchOrders(SYM),
    (os) => assert.ok(os.length >= 2),
  )
  await calls.call(
    'fetchMyTrades',
    () => ex.fetchMyTrades(SYM),
    (ts) => assert.ok(ts.length > 0),
  )
  await calls.call(
    'fetchOrder unknown id → OrderNotFound (-2013)',
    () => refusal(ex.fetchOrder('987654321', SYM)),
    (e) => assert.ok(e instanceof ccxt.OrderNotFound, String(e)),
  )
  // ccxt picks its per-market error table by hostname (fapi.binance.com); on a loopback URL only its generic table
  // applies, where -2019 is not listed: the refusal arrives as a plain ExchangeError carrying the code.
  await calls.call(
    'createOrder too large → ExchangeError -2019',
    () => refusal(ex.createOrder(SYM, 'market', 'buy', 500)),
    (e) => {
      assert.ok(e instanceof ccxt.ExchangeError, String(e))
      assert.match(e.message, /"code":-2019/)
    },
  )
  await ex.createOrder(SYM, 'limit', 'buy', 0.01, low)
  await calls.call(
    'cancelAllOrders',
    () => ex.cancelAllOrders(SYM),
    (r) => assert.ok(r !== undefined),
  )

  // Batch orders (POST / DELETE /fapi/v1/batchOrders): ccxt sends batchOrders as raw JSON in the form body and the
  // cancel lists as `orderidlist` / `origclientorderidlist`; each order is answered in list order, a refused one as
  // its own { code, msg } (ccxt: status 'rejected').
  const ETH = 'ETH/USDT:USDT'
  const ethLow = Math.floor((await ex.fetchTicker(ETH)).last * 0.9)
  const batch = await calls.call(
    'createOrders (two symbols, one refused)',
    () =>
      ex.createOrders([
        { symbol: SYM, type: 'limit', side: 'buy', amount: 0.01, price: low },
        {
          symbol: ETH,
          type: 'limit',
          side: 'buy',
          amount: 0.05,
          price: ethLow,
          params: { clientOrderId: 'ccxt-eth-1' },
        },
        { symbol: SYM, type: 'limit', side: 'buy', amount: 500, price: low }, // over the margin the account has
      ]),
    (os) => {
      assert.deepEqual(
        os.map((o) => [o.symbol, o.status]),
        [
          [SYM, 'open'],
          [ETH, 'open'],
          [undefined, 'rejected'],
        ],
      )
      assert.equal(os[1].clientOrderId, 'ccxt-eth-1')
      assert.equal(os[2].info.code, -2019)
    },
  )
  // Batch modify (PUT /fapi/v1/batchOrders, by orderId): each amendment as PUT /fapi/v1/order makes it.
  ex.enableLastJsonResponse = true
  const lower = Math.floor(low * 0.99 * 10) / 10
  await calls.call(
    'editOrders (two symbols, one refused)',
    () =>
      ex.editOrders([
        { id: batch?.[0]?.id, symbol: SYM, type: 'limit', side: 'buy', amount: 0.02, price: lower },
        { id: batch?.[1]?.id, symbol: ETH, type: 'limit', side: 'sell', amount: 0.05, price: ethLow },
      ]),
    (os) => {
      assert.deepEqual(
        [os[0].id, os[0].price, os[0].amount, os[0].status],
        [batch?.[0]?.id, lower, 0.02, 'open'],
      )
      assert.deepEqual(ex.last_json_response[1], { code: -1117, msg: 'Invalid side.' })
    },
  )
  // ccxt filters cancelOrders' answer by the symbol, which drops the refused element: the raw answer shows it.
  await calls.call(
    'cancelOrders (ids, one unknown)',
    () => ex.cancelOrders([batch?.[0]?.id, '987654321'], SYM),
    (os) => {
      assert.deepEqual(
        os.map((o) => [o.id, o.status]),
        [[batch?.[0]?.id, 'canceled']],
      )
      assert.deepEqual(ex.last_json_response[1], { code: -2011, msg: 'Unknown order sent.' })
    },
  )
  ex.enableLastJsonResponse = false
  await calls.call(
    'cancelOrders (clientOrderIds)',
    () => ex.cancelOrders([], ETH, { clientOrderIds: ['ccxt-eth-1'] }),
    (os) => assert.deepEqual([os.length, os[0].status, os[0].clientOrderId], [1, 'canceled', 'ccxt-eth-1']),
  )
  await calls.call(
    'createOrders of 6 → BadRequest (-4082)',
    () =>
      refusal(
        ex.createOrders(
          Array.from({ length: 6 }, () => ({
            symbol: SYM,
            type: 'limit',
            side: 'buy',
            amount: 0.01,
            price: low,
          })),
        ),
      ),
    (e) => {
      assert.ok(e instanceof ccxt.BadRequest, String(e))
      assert.match(e.message, /"code":-4082/)
    },
  )

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
  await calls.call(
    'watchMarkPrice',
    () => ex.watchMarkPrice(SYM),
    (t) => num(t.markPrice),
  )
  // The first watchPositions resolves with the REST snapshot (GET /fapi/v3/positionRisk), later ones with
  // ACCOUNT_UPDATE events.
  await calls.call(
    'watchPositions (snapshot)',
    () => ex.watchPositions([SYM]),
    (ps) => assert.equal(ps[0].contracts, 0.01),
  )
  const ordersP = ex.watchOrders(SYM)
  const balanceP = ex.watchBalance()
  const positionsP = ex.watchPositions([SYM])
  for (const p of [ordersP, balanceP, positionsP]) p.catch(() => {})
  await new Promise((r) => setTimeout(r, 300))
  await ex.createOrder(SYM, 'market', 'sell', 0.01, undefined, { reduceOnly: true })
  await calls.call(
    'watchOrders',
    () => ordersP,
    (os) => assert.ok(os.length > 0),
  )
  await calls.call(
    'watchBalance',
    () => balanceP,
    (b) => num(b.USDT.total),
  )
  // A market order that sweeps several bid levels fills in several trades, and the venue pushes one ACCOUNT_UPDATE per
  // trade: the first update may show a part of the close. ccxt parses each into its position cache; the last is flat.
  await calls.call(
    'watchPositions (update)',
    () => positionsP,
    (ps) => assert.ok(ps[0].contracts >= 0 && ps[0].contracts < 0.01, `contracts ${ps[0].contracts}`),
  )
  await calls.call(
    'watchPositions (cache flat)',
    () => until(() => lastPosition(SYM)?.contracts === 0),
    () => assert.equal(lastPosition(SYM).contracts, 0),
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
