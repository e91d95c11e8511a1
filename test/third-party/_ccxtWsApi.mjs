// ccxt's WebSocket API order calls (`createOrderWs`, `fetchOrderWs`, `editOrderWs`, `cancelOrderWs`), shared by the
// `binance` (spot `/ws-api/v3`: `order.cancelReplace` edits) and `binanceusdm` (`/ws-fapi/v1`: `order.modify`
// edits) scripts. Each call is checked against REST (`fetchOpenOrders`) or the user stream (`watchOrders`).
import { assert, refusal } from './_harness.mjs'

/**
 * Runs the order calls on `ex` (a ccxt pro exchange pointed at the sim, markets loaded) for `sym`, buying below the
 * book at `low`; `inPlace` is true where an edit keeps the order id (USD-M `order.modify`).
 */
export async function wsApiOrderCalls(calls, ex, sym, low, inPlace) {
  const openIds = () => ex.fetchOpenOrders(sym).then((os) => os.map((o) => o.id))
  const placed = await calls.call(
    'createOrderWs limit',
    () => ex.createOrderWs(sym, 'limit', 'buy', 0.01, low),
    (o) => {
      assert.equal(o.status, 'open')
      assert.equal(o.price, low)
    },
  )
  await calls.call(
    'createOrderWs → open over REST',
    () => openIds(),
    (ids) => assert.deepEqual(ids, [placed.id]),
  )
  await calls.call(
    'fetchOrderWs',
    () => ex.fetchOrderWs(placed.id, sym),
    (o) => {
      assert.equal(o.id, placed.id)
      assert.equal(o.status, 'open')
      assert.equal(o.amount, 0.01)
    },
  )
  const edited = await calls.call(
    'editOrderWs',
    () => ex.editOrderWs(placed.id, sym, 'limit', 'buy', 0.02, low - 1),
    (o) => {
      assert.equal(o.status, 'open')
      assert.equal(o.price, low - 1)
      assert.equal(o.amount, 0.02)
      if (inPlace) assert.equal(o.id, placed.id)
      else assert.notEqual(o.id, placed.id)
    },
  )
  await calls.call(
    'editOrderWs → edited order open over REST',
    () => ex.fetchOpenOrders(sym),
    (os) => {
      assert.deepEqual(
        os.map((o) => o.id),
        [edited.id],
      )
      assert.equal(os[0].price, low - 1)
    },
  )
  await calls.call(
    'cancelOrderWs',
    () => ex.cancelOrderWs(edited.id, sym),
    (o) => {
      assert.equal(o.id, edited.id)
      assert.equal(o.status, 'canceled')
    },
  )
  await calls.call(
    'cancelOrderWs → nothing open over REST',
    () => openIds(),
    (ids) => assert.deepEqual(ids, []),
  )
  // watchOrders subscribes first; the market order's fill must then arrive on the user stream.
  const filled = new Promise((resolve, reject) => {
    const next = () =>
      ex.watchOrders(sym).then((os) => {
        const o = os.find((x) => x.status === 'closed')
        if (o === undefined) next()
        else resolve(o)
      }, reject)
    next()
  })
  filled.catch(() => {})
  await new Promise((r) => setTimeout(r, 300))
  const market = await calls.call(
    'createOrderWs market',
    () => ex.createOrderWs(sym, 'market', 'buy', 0.01),
    (o) => assert.ok(o.id),
  )
  await calls.call(
    'createOrderWs market → filled on watchOrders',
    () => filled,
    (o) => {
      assert.equal(o.id, market.id)
      assert.equal(o.filled, 0.01)
    },
  )
  await calls.call(
    'fetchOrderWs unknown order → OrderNotFound (-2013)',
    () => refusal(ex.fetchOrderWs('987654321', sym)),
    (e) => assert.equal(e.constructor.name, 'OrderNotFound', String(e)),
  )
}
