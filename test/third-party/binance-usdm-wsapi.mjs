// Binance's official USD-M connector `@binance/derivatives-trading-usds-futures`, WebSocket API order calls
// (`order.place`, `order.status`, `order.modify`, `order.cancel`) against BinanceSim's `/ws-fapi/v1`,
// configured only by `wsURL`: HMAC-signed, and Ed25519-signed per request (this connector has no
// `session.logon`). Each call is checked against REST (open orders, positions) or the private user stream
// (an `ORDER_TRADE_UPDATE` for the fill). Recipe: docs/sim.md ("@binance/derivatives-trading-usds-futures").
import { generateKeyPairSync } from 'node:crypto'
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures'
import { assert, Calls, collect, refusal, startBinanceSim } from './_harness.mjs'

const ed = generateKeyPairSync('ed25519')
const edKey = {
  apiKey: 'sim-ed25519-key',
  ed25519PublicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }),
}
const sim = await startBinanceSim({
  apiKeys: [{ apiKey: 'sim-api-key', secret: 'sim-api-secret' }, edKey],
})
const calls = new Calls('@binance/derivatives-trading-usds-futures WebSocket API')
const wsURL = `${sim.wsUrl}/ws-fapi/v1`
const client = new DerivativesTradingUsdsFutures({
  configurationRestAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, basePath: sim.restUrl, retries: 0 },
  configurationWebsocketStreams: { wsURL: `${sim.wsUrl}/fstream` },
  configurationWebsocketAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, wsURL },
})
const edPrivateKey = ed.privateKey.export({ type: 'pkcs8', format: 'pem' })
const edClient = new DerivativesTradingUsdsFutures({
  configurationRestAPI: { apiKey: edKey.apiKey, privateKey: edPrivateKey, basePath: sim.restUrl, retries: 0 },
  configurationWebsocketAPI: { apiKey: edKey.apiKey, privateKey: edPrivateKey, wsURL },
})
const api = client.restAPI
const data = (r) => r.data
const S = 'BTCUSDT'
const openIds = (c) =>
  c.restAPI
    .currentAllOpenOrders({ symbol: S })
    .then((r) => r.data())
    .then((os) => os.map((o) => o.orderId))

let conn
let edConn
let streams
try {
  const px = await api.symbolOrderBookTicker({ symbol: S }).then((r) => r.data())
  const low = Math.floor(Number(px.bidPrice) * 0.9 * 10) / 10
  const limit = { symbol: S, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 0.01, price: low }

  // The private user stream first (REST listen key, documented `/private` route), so fills can be checked.
  const { listenKey } = await api.startUserDataStream().then((r) => r.data())
  streams = await client.websocketStreams.connect()
  const userEvents = collect(streams.userData(listenKey))
  await new Promise((r) => setTimeout(r, 200))

  conn = await calls.call('websocketAPI.connect (HMAC)', () => client.websocketAPI.connect())
  const placed = await calls.call(
    'newOrder LIMIT',
    () => conn.newOrder(limit).then(data),
    (d) => {
      assert.equal(d.status, 'NEW')
      assert.equal(Number(d.price), low)
    },
  )
  await calls.call(
    'newOrder → open over REST',
    () => openIds(client),
    (ids) => assert.deepEqual(ids, [placed.orderId]),
  )
  await calls.call(
    'queryOrder',
    () => conn.queryOrder({ symbol: S, orderId: placed.orderId }).then(data),
    (d) => {
      assert.equal(d.orderId, placed.orderId)
      assert.equal(d.status, 'NEW')
    },
  )
  await calls.call(
    'modifyOrder',
    () =>
      conn
        .modifyOrder({ symbol: S, orderId: placed.orderId, side: 'BUY', quantity: 0.02, price: low - 1 })
        .then(data),
    (d) => {
      assert.equal(d.orderId, placed.orderId)
      assert.equal(d.status, 'NEW')
      assert.equal(Number(d.origQty), 0.02)
      assert.equal(Number(d.price), low - 1)
    },
  )
  await calls.call(
    'modifyOrder → amended over REST',
    () => api.queryOrder({ symbol: S, orderId: placed.orderId }).then((r) => r.data()),
    (d) => {
      assert.equal(Number(d.origQty), 0.02)
      assert.equal(Number(d.price), low - 1)
    },
  )
  await calls.call(
    'modifyOrder → ORDER_TRADE_UPDATE AMENDMENT on the user stream',
    () => userEvents.next((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o.x === 'AMENDMENT'),
    (e) => assert.equal(e.o.i, placed.orderId),
  )
  await calls.call(
    'cancelOrder',
    () => conn.cancelOrder({ symbol: S, orderId: placed.orderId }).then(data),
    (d) => {
      assert.equal(d.orderId, placed.orderId)
      assert.equal(d.status, 'CANCELED')
    },
  )
  await calls.call(
    'cancelOrder → nothing open over REST',
    () => openIds(client),
    (ids) => assert.deepEqual(ids, []),
  )
  const market = await calls.call(
    'newOrder MARKET',
    () => conn.newOrder({ symbol: S, side: 'BUY', type: 'MARKET', quantity: 0.01 }).then(data),
    (d) => assert.ok(d.orderId),
  )
  await calls.call(
    'newOrder MARKET → ORDER_TRADE_UPDATE FILLED on the user stream',
    () => userEvents.next((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o.X === 'FILLED'),
    (e) => {
      assert.equal(e.o.i, market.orderId)
      assert.equal(e.o.x, 'TRADE')
    },
  )
  await calls.call(
    'newOrder MARKET → position over REST',
    () => api.positionInformationV3({ symbol: S }).then((r) => r.data()),
    (d) => assert.equal(Number(d[0].positionAmt), 0.01),
  )
  await calls.call(
    'queryOrder unknown order → -2013',
    () => refusal(conn.queryOrder({ symbol: S, orderId: 987654321 })),
    (e) => assert.equal(e.code, -2013, JSON.stringify(e)),
  )

  // Ed25519: each request signed with the private key.
  edConn = await calls.call('websocketAPI.connect (Ed25519)', () => edClient.websocketAPI.connect())
  const edPlaced = await calls.call(
    'newOrder LIMIT (Ed25519)',
    () => edConn.newOrder(limit).then(data),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await calls.call(
    'newOrder (Ed25519) → open over REST',
    () => openIds(edClient),
    (ids) => assert.deepEqual(ids, [edPlaced.orderId]),
  )
  await calls.call(
    'cancelOrder (Ed25519)',
    () => edConn.cancelOrder({ symbol: S, orderId: edPlaced.orderId }).then(data),
    (d) => assert.equal(d.status, 'CANCELED'),
  )
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => conn?.disconnect(),
    () => edConn?.disconnect(),
    () => streams?.disconnect(),
    () => sim.close(),
  )
}
