// Binance's official spot connector `@binance/spot`, WebSocket API order calls (`order.place`, `order.status`,
// `order.cancelReplace`, `order.cancel`) against BinanceSim's `/ws-api/v3`, configured only by `wsURL`: once
// signed per request with HMAC, once after an Ed25519 `session.logon` (requests then carry no signature). Each
// call is checked against REST (open orders) or the user data stream (an `executionReport` for the fill).
// Recipe: docs/sim.md ("@binance/spot").
import { generateKeyPairSync } from 'node:crypto'
import { Spot } from '@binance/spot'
import { assert, Calls, collect, refusal, startBinanceSim } from './_harness.mjs'

const ed = generateKeyPairSync('ed25519')
const edKey = {
  apiKey: 'sim-ed25519-key',
  ed25519PublicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }),
}
const sim = await startBinanceSim({
  apiKeys: [{ apiKey: 'sim-api-key', secret: 'sim-api-secret' }, edKey],
})
const calls = new Calls('@binance/spot WebSocket API')
const wsURL = `${sim.wsUrl}/ws-api/v3`
const hmac = new Spot({
  configurationRestAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, basePath: sim.restUrl, retries: 0 },
  configurationWebsocketAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, wsURL },
})
const edPrivateKey = ed.privateKey.export({ type: 'pkcs8', format: 'pem' })
const edClient = new Spot({
  configurationRestAPI: { apiKey: edKey.apiKey, privateKey: edPrivateKey, basePath: sim.restUrl, retries: 0 },
  configurationWebsocketAPI: { apiKey: edKey.apiKey, privateKey: edPrivateKey, wsURL },
})
const data = (r) => r.data
const S = 'BTCUSDT'
const openIds = (client) =>
  client.restAPI
    .getOpenOrders({ symbol: S })
    .then((r) => r.data())
    .then((os) => os.map((o) => o.orderId))

let conn
let edConn
try {
  const px = await hmac.restAPI.tickerBookTicker({ symbol: S }).then((r) => r.data())
  const low = Math.floor(Number(px.bidPrice) * 0.9 * 100) / 100
  const limit = { symbol: S, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 0.01, price: low }

  // HMAC: every request carries apiKey + signature.
  conn = await calls.call('websocketAPI.connect (HMAC)', () => hmac.websocketAPI.connect())
  const sub = await calls.call(
    'userDataStreamSubscribeSignature',
    () => conn.userDataStreamSubscribeSignature(),
    (s) => assert.equal(typeof s.response.data.subscriptionId, 'number'),
  )
  const userEvents = sub && collect(sub.stream)
  const placed = await calls.call(
    'orderPlace LIMIT',
    () => conn.orderPlace(limit).then(data),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await calls.call(
    'orderPlace → open over REST',
    () => openIds(hmac),
    (ids) => assert.deepEqual(ids, [placed.orderId]),
  )
  await calls.call(
    'orderStatus',
    () => conn.orderStatus({ symbol: S, orderId: placed.orderId }).then(data),
    (d) => {
      assert.equal(d.orderId, placed.orderId)
      assert.equal(d.status, 'NEW')
      assert.equal(d.price, placed.price)
    },
  )
  const replaced = await calls.call(
    'orderCancelReplace',
    () =>
      conn
        .orderCancelReplace({
          ...limit,
          price: low - 1,
          cancelReplaceMode: 'STOP_ON_FAILURE',
          cancelOrderId: placed.orderId,
        })
        .then(data),
    (d) => {
      assert.equal(d.cancelResult, 'SUCCESS')
      assert.equal(d.newOrderResult, 'SUCCESS')
      assert.equal(d.cancelResponse.orderId, placed.orderId)
      assert.equal(d.cancelResponse.status, 'CANCELED')
      assert.equal(d.newOrderResponse.status, 'NEW')
    },
  )
  const newId = replaced?.newOrderResponse.orderId
  await calls.call(
    'orderCancelReplace → new order open over REST',
    () => openIds(hmac),
    (ids) => assert.deepEqual(ids, [newId]),
  )
  await calls.call(
    'orderCancel',
    () => conn.orderCancel({ symbol: S, orderId: newId }).then(data),
    (d) => {
      assert.equal(d.orderId, newId)
      assert.equal(d.status, 'CANCELED')
    },
  )
  await calls.call(
    'orderCancel → nothing open over REST',
    () => openIds(hmac),
    (ids) => assert.deepEqual(ids, []),
  )
  // A failed cancel leg, answered as documented (binance-spot-api-docs web-socket-api.md, "Cancel and replace
  // order"): STOP_ON_FAILURE → 400 -2022 with per-leg `data`, nothing placed; ALLOW_FAILURE → 409 -2021, placed.
  await calls.call(
    'orderCancelReplace STOP_ON_FAILURE of a canceled order → -2022, not attempted',
    () =>
      refusal(
        conn.orderCancelReplace({ ...limit, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: newId }),
      ),
    (e) => {
      assert.equal(e.code, -2022, JSON.stringify(e))
      assert.equal(e.data.cancelResult, 'FAILURE')
      assert.equal(e.data.newOrderResult, 'NOT_ATTEMPTED')
      assert.equal(e.data.cancelResponse.code, -2011)
      assert.equal(e.data.newOrderResponse, null)
    },
  )
  await calls.call(
    'orderCancelReplace STOP_ON_FAILURE failed → nothing open over REST',
    () => openIds(hmac),
    (ids) => assert.deepEqual(ids, []),
  )
  const partial = await calls.call(
    'orderCancelReplace ALLOW_FAILURE of a canceled order → -2021, new order placed',
    () =>
      refusal(
        conn.orderCancelReplace({ ...limit, cancelReplaceMode: 'ALLOW_FAILURE', cancelOrderId: newId }),
      ),
    (e) => {
      assert.equal(e.code, -2021, JSON.stringify(e))
      assert.equal(e.data.cancelResult, 'FAILURE')
      assert.equal(e.data.newOrderResult, 'SUCCESS')
      assert.equal(e.data.newOrderResponse.status, 'NEW')
    },
  )
  const partialId = partial?.data.newOrderResponse.orderId
  await calls.call(
    'orderCancelReplace ALLOW_FAILURE → new order open over REST',
    () => openIds(hmac),
    (ids) => assert.deepEqual(ids, [partialId]),
  )
  if (partialId !== undefined) await conn.orderCancel({ symbol: S, orderId: partialId })
  const fill = userEvents?.next((e) => e.e === 'executionReport' && e.X === 'FILLED')
  const market = await calls.call(
    'orderPlace MARKET',
    () => conn.orderPlace({ symbol: S, side: 'BUY', type: 'MARKET', quantity: 0.01 }).then(data),
    (d) => {
      assert.equal(d.status, 'FILLED')
      assert.ok(d.fills.length > 0)
    },
  )
  await calls.call(
    'orderPlace MARKET → executionReport FILLED on the user stream',
    () => fill,
    (e) => {
      assert.equal(e.i, market.orderId)
      assert.equal(e.x, 'TRADE')
    },
  )
  await calls.call(
    'orderStatus unknown order → -2013',
    () => refusal(conn.orderStatus({ symbol: S, orderId: 987654321 })),
    (e) => assert.equal(e.code, -2013, JSON.stringify(e)),
  )

  // Ed25519: session.logon once, then requests carry no apiKey or signature.
  edConn = await calls.call('websocketAPI.connect (Ed25519)', () => edClient.websocketAPI.connect())
  await calls.call(
    'sessionLogon (Ed25519)',
    () => edConn.sessionLogon().then((r) => (Array.isArray(r) ? r[0] : r).data),
    (d) => assert.equal(d.apiKey, edKey.apiKey),
  )
  const edSub = await calls.call(
    'userDataStreamSubscribe (after logon)',
    () => edConn.userDataStreamSubscribe(),
    (s) => assert.equal(typeof s.response.data.subscriptionId, 'number'),
  )
  const edEvents = edSub && collect(edSub.stream)
  const edPlaced = await calls.call(
    'orderPlace LIMIT (logged on)',
    () => edConn.orderPlace(limit).then(data),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await calls.call(
    'orderPlace (logged on) → executionReport NEW on the user stream',
    () => edEvents?.next((e) => e.e === 'executionReport' && e.x === 'NEW'),
    (e) => assert.equal(e.i, edPlaced.orderId),
  )
  await calls.call(
    'orderPlace (logged on) → open over REST (Ed25519-signed)',
    () => openIds(edClient),
    (ids) => assert.deepEqual(ids, [edPlaced.orderId]),
  )
  await calls.call(
    'orderStatus (logged on)',
    () => edConn.orderStatus({ symbol: S, orderId: edPlaced.orderId }).then(data),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await calls.call(
    'orderCancel (logged on)',
    () => edConn.orderCancel({ symbol: S, orderId: edPlaced.orderId }).then(data),
    (d) => assert.equal(d.status, 'CANCELED'),
  )
  await calls.call(
    'orderCancel (logged on) → nothing open over REST',
    () => openIds(edClient),
    (ids) => assert.deepEqual(ids, []),
  )
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => conn?.disconnect(),
    () => edConn?.disconnect(),
    () => sim.close(),
  )
}
