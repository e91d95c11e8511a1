// Binance's official spot connector `@binance/spot` (REST + WebSocket streams) against BinanceSim, configured
// only by base URLs. Its WebSocket API order calls are in binance-spot-wsapi.mjs.
import { Spot } from '@binance/spot'
import { assert, Calls, refusal, startBinanceSim } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('@binance/spot')
const client = new Spot({
  configurationRestAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, basePath: sim.restUrl, retries: 0 },
  configurationWebsocketStreams: { wsURL: sim.wsUrl },
})
const api = client.restAPI
const data = (r) => r.data()
const rest = (name, fn, check) => calls.call(name, () => fn().then(data), check)
const S = 'BTCUSDT'
const num = (x) => assert.ok(Number.isFinite(Number(x)), `expected a number, got ${x}`)

let conn
try {
  await rest(
    'ping',
    () => api.ping(),
    (d) => assert.deepEqual(d, {}),
  )
  await rest(
    'time',
    () => api.time(),
    (d) => num(d.serverTime),
  )
  await rest(
    'exchangeInfo',
    () => api.exchangeInfo({ symbol: S }),
    (d) => assert.equal(d.symbols[0].symbol, S),
  )
  await rest(
    'depth',
    () => api.depth({ symbol: S, limit: 5 }),
    (d) => assert.equal(d.bids.length, 5),
  )
  await rest(
    'getTrades',
    () => api.getTrades({ symbol: S, limit: 5 }),
    (d) => num(d[0].price),
  )
  await rest(
    'aggTrades',
    () => api.aggTrades({ symbol: S, limit: 5 }),
    (d) => num(d[0].p),
  )
  await rest(
    'klines',
    () => api.klines({ symbol: S, interval: '1m', limit: 3 }),
    (d) => num(d[0][4]),
  )
  await rest(
    'ticker24hr',
    () => api.ticker24hr({ symbol: S }),
    (d) => num(d.lastPrice),
  )
  await rest(
    'ticker24hr (all)',
    () => api.ticker24hr(),
    (d) => assert.equal(d.length, 2),
  )
  await rest(
    'tickerPrice',
    () => api.tickerPrice({ symbol: S }),
    (d) => num(d.price),
  )
  await rest(
    'tickerBookTicker',
    () => api.tickerBookTicker({ symbol: S }),
    (d) => num(d.bidPrice),
  )
  await rest(
    'getAccount',
    () => api.getAccount(),
    (d) => assert.ok(d.balances.some((b) => b.asset === 'USDT')),
  )
  const px = await api.tickerBookTicker({ symbol: S }).then(data)
  const low = (Math.floor(Number(px.bidPrice) * 0.9 * 100) / 100).toFixed(2)
  const limit = {
    symbol: S,
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: 0.01,
    price: Number(low),
  }
  await rest(
    'orderTest',
    () => api.orderTest(limit),
    (d) => assert.deepEqual(d, {}),
  )
  const o = await rest(
    'newOrder limit',
    () => api.newOrder(limit),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await rest(
    'getOrder',
    () => api.getOrder({ symbol: S, orderId: o.orderId }),
    (d) => assert.equal(d.orderId, o.orderId),
  )
  await rest(
    'getOpenOrders',
    () => api.getOpenOrders({ symbol: S }),
    (d) => assert.equal(d.length, 1),
  )
  await rest(
    'deleteOrder',
    () => api.deleteOrder({ symbol: S, orderId: o.orderId }),
    (d) => assert.equal(d.status, 'CANCELED'),
  )
  await rest(
    'newOrder market',
    () => api.newOrder({ symbol: S, side: 'BUY', type: 'MARKET', quantity: 0.01 }),
    (d) => assert.equal(d.status, 'FILLED'),
  )
  await api.newOrder(limit)
  await rest(
    'deleteOpenOrders',
    () => api.deleteOpenOrders({ symbol: S }),
    (d) => assert.equal(d.length, 1),
  )
  await calls.call(
    'unknown order → BadRequestError (-2013)',
    () => refusal(api.getOrder({ symbol: S, orderId: 987654321 })),
    (e) => {
      assert.equal(e.name, 'BadRequestError', String(e))
      assert.match(e.message, /Order does not exist/)
    },
  )
  await rest(
    'allOrders',
    () => api.allOrders({ symbol: S }),
    (d) => assert.equal(d.length, 3),
  )
  await rest(
    'myTrades',
    () => api.myTrades({ symbol: S }),
    (d) => assert.ok(d.length > 0),
  )

  // WebSocket streams: one connection, each stream must deliver a message.
  conn = await calls.call('websocketStreams.connect', () => client.websocketStreams.connect())
  const first = (name, stream, check) =>
    calls.call(name, () => new Promise((resolve) => stream.on('message', (m) => resolve(m))), check)
  const s = 'btcusdt'
  await Promise.all([
    first('stream trade', conn.trade({ symbol: s }), (m) => num(m.p)),
    first('stream aggTrade', conn.aggTrade({ symbol: s }), (m) => num(m.p)),
    first('stream kline', conn.kline({ symbol: s, interval: '1m' }), (m) => num(m.k.c)),
    first('stream diffBookDepth', conn.diffBookDepth({ symbol: s, updateSpeed: '100ms' }), (m) => num(m.u)),
    first('stream partialBookDepth', conn.partialBookDepth({ symbol: s, levels: 5 }), (m) =>
      assert.equal(m.bids.length, 5),
    ),
    first('stream bookTicker', conn.bookTicker({ symbol: s }), (m) => num(m.b)),
    first('stream ticker', conn.ticker({ symbol: s }), (m) => num(m.c)),
    first('stream miniTicker', conn.miniTicker({ symbol: s }), (m) => num(m.c)),
    first('stream allMiniTicker', conn.allMiniTicker(), (m) => assert.equal(m.length, 2)),
  ])
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => conn?.disconnect(),
    () => sim.close(),
  )
}
