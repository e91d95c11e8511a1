// Binance's official USD-M connector `@binance/derivatives-trading-usds-futures` (REST + WebSocket streams,
// including the user data stream) against BinanceSim, configured only by base URLs. Its WebSocket API order calls
// are in binance-usdm-wsapi.mjs.
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures'
import { assert, Calls, refusal, startBinanceSim } from './_harness.mjs'

const sim = await startBinanceSim()
const calls = new Calls('@binance/derivatives-trading-usds-futures')
const client = new DerivativesTradingUsdsFutures({
  configurationRestAPI: { apiKey: sim.apiKey, apiSecret: sim.apiSecret, basePath: sim.restUrl, retries: 0 },
  // The connector appends Binance's routes (`/public`, `/market`, `/private`) to this base.
  configurationWebsocketStreams: { wsURL: `${sim.wsUrl}/fstream` },
})
const api = client.restAPI
const data = (r) => r.data()
const rest = (name, fn, check) => calls.call(name, () => fn().then(data), check)
const S = 'BTCUSDT'
const num = (x) => assert.ok(Number.isFinite(Number(x)), `expected a number, got ${x}`)

let conn
try {
  await rest(
    'testConnectivity',
    () => api.testConnectivity(),
    (d) => assert.deepEqual(d, {}),
  )
  await rest(
    'checkServerTime',
    () => api.checkServerTime(),
    (d) => num(d.serverTime),
  )
  await rest(
    'exchangeInformation',
    () => api.exchangeInformation(),
    (d) => assert.equal(d.symbols.length, 2),
  )
  await rest(
    'orderBook',
    () => api.orderBook({ symbol: S, limit: 5 }),
    (d) => assert.equal(d.asks.length, 5),
  )
  await rest(
    'recentTradesList',
    () => api.recentTradesList({ symbol: S, limit: 5 }),
    (d) => num(d[0].price),
  )
  await rest(
    'compressedAggregateTradesList',
    () => api.compressedAggregateTradesList({ symbol: S, limit: 5 }),
    (d) => num(d[0].p),
  )
  await rest(
    'klineCandlestickData',
    () => api.klineCandlestickData({ symbol: S, interval: '1m', limit: 3 }),
    (d) => num(d[0][4]),
  )
  await rest(
    'ticker24hrPriceChangeStatistics',
    () => api.ticker24hrPriceChangeStatistics({ symbol: S }),
    (d) => num(d.lastPrice),
  )
  await rest(
    'symbolPriceTicker',
    () => api.symbolPriceTicker({ symbol: S }),
    (d) => num(d.price),
  )
  await rest(
    'symbolPriceTickerV2',
    () => api.symbolPriceTickerV2({ symbol: S }),
    (d) => num(d.price),
  )
  await rest(
    'symbolOrderBookTicker',
    () => api.symbolOrderBookTicker({ symbol: S }),
    (d) => num(d.askPrice),
  )
  await rest(
    'markPrice',
    () => api.markPrice({ symbol: S }),
    (d) => num(d.markPrice),
  )
  await rest(
    'accountInformationV3',
    () => api.accountInformationV3(),
    (d) => {
      num(d.totalMarginBalance)
      num(d.assets[0].marginBalance)
    },
  )
  await rest(
    'accountInformationV2',
    () => api.accountInformationV2(),
    (d) => assert.equal(d.positions.length, 2),
  )
  await rest(
    'futuresAccountBalanceV3',
    () => api.futuresAccountBalanceV3(),
    (d) => num(d[0].availableBalance),
  )
  await rest(
    'futuresAccountBalanceV2',
    () => api.futuresAccountBalanceV2(),
    (d) => num(d[0].balance),
  )
  await rest(
    'getCurrentPositionMode',
    () => api.getCurrentPositionMode(),
    (d) => assert.equal(d.dualSidePosition, false),
  )
  await rest(
    'notionalAndLeverageBrackets',
    () => api.notionalAndLeverageBrackets({ symbol: S }),
    (d) => assert.ok(d[0].brackets.length > 0),
  )
  await rest(
    'symbolConfiguration',
    () => api.symbolConfiguration({ symbol: S }),
    (d) => assert.equal(d[0].leverage, 20),
  )
  await rest(
    'changeInitialLeverage',
    () => api.changeInitialLeverage({ symbol: S, leverage: 10 }),
    (d) => assert.equal(d.leverage, 10),
  )

  // User data stream first, so the orders below produce ORDER_TRADE_UPDATE events on it.
  const lk = await rest(
    'startUserDataStream',
    () => api.startUserDataStream(),
    (d) => assert.ok(d.listenKey),
  )
  await rest(
    'keepaliveUserDataStream',
    () => api.keepaliveUserDataStream(),
    (d) => assert.ok(d !== undefined),
  )
  conn = await calls.call('websocketStreams.connect', () => client.websocketStreams.connect())
  const first = (name, stream, check, match = () => true) =>
    calls.call(
      name,
      () => new Promise((resolve) => stream.on('message', (m) => match(m) && resolve(m))),
      check,
    )
  const userEvent = first(
    'stream userData ORDER_TRADE_UPDATE',
    conn.userData(lk.listenKey),
    (m) => assert.equal(m.o.s, S),
    (m) => m.e === 'ORDER_TRADE_UPDATE',
  )
  await new Promise((r) => setTimeout(r, 200))

  const px = await api.symbolOrderBookTicker({ symbol: S }).then(data)
  const low = (Math.floor(Number(px.bidPrice) * 0.9 * 10) / 10).toFixed(1)
  const limit = {
    symbol: S,
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: 0.01,
    price: Number(low),
  }
  await rest(
    'testOrder',
    () => api.testOrder(limit),
    (d) => assert.ok(d !== undefined),
  )
  const o = await rest(
    'newOrder limit',
    () => api.newOrder(limit),
    (d) => assert.equal(d.status, 'NEW'),
  )
  await rest(
    'queryOrder',
    () => api.queryOrder({ symbol: S, orderId: o.orderId }),
    (d) => assert.equal(d.orderId, o.orderId),
  )
  await rest(
    'currentAllOpenOrders',
    () => api.currentAllOpenOrders({ symbol: S }),
    (d) => assert.equal(d.length, 1),
  )
  await rest(
    'positionInformationV3 (open order)',
    () => api.positionInformationV3({ symbol: S }),
    (d) => {
      assert.equal(d.length, 1)
      assert.equal(Number(d[0].positionAmt), 0)
      assert.ok(Number(d[0].openOrderInitialMargin) > 0)
    },
  )
  await rest(
    'cancelOrder',
    () => api.cancelOrder({ symbol: S, orderId: o.orderId }),
    (d) => assert.equal(d.status, 'CANCELED'),
  )
  await rest(
    'newOrder market',
    () => api.newOrder({ symbol: S, side: 'BUY', type: 'MARKET', quantity: 0.01 }),
    (d) => assert.ok(d.orderId),
  )
  await rest(
    'positionInformationV3',
    () => api.positionInformationV3(),
    (d) => {
      assert.equal(d.length, 1)
      assert.equal(d[0].positionAmt, '0.010')
      num(d[0].maintMargin)
    },
  )
  await rest(
    'positionInformationV2',
    () => api.positionInformationV2(),
    (d) => assert.equal(d.length, 2),
  )
  await api.newOrder(limit)
  await rest(
    'cancelAllOpenOrders',
    () => api.cancelAllOpenOrders({ symbol: S }),
    (d) => assert.equal(d.code, 200),
  )
  await calls.call(
    'unknown order → BadRequestError (-2013)',
    () => refusal(api.queryOrder({ symbol: S, orderId: 987654321 })),
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
    'accountTradeList',
    () => api.accountTradeList({ symbol: S }),
    (d) => assert.ok(d.length > 0),
  )

  // Batch orders (POST / DELETE /fapi/v1/batchOrders): the connector sends the lists as URL-encoded JSON, numbers
  // as strings (its normalizeScientificNumbers), and Binance answers each order in list order, a refused one as
  // its own { code, msg }.
  const eth = await api.symbolOrderBookTicker({ symbol: 'ETHUSDT' }).then(data)
  const ethLow = Math.floor(Number(eth.bidPrice) * 0.9 * 100) / 100
  const batchEvent = first(
    'stream userData ORDER_TRADE_UPDATE (batch order)',
    conn.userData(lk.listenKey),
    (m) => assert.equal(m.o.s, 'ETHUSDT'),
    (m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.c === 'tp-batch-eth',
  )
  await new Promise((r) => setTimeout(r, 100))
  const placed = await rest(
    'placeMultipleOrders (two symbols, one refused)',
    () =>
      api.placeMultipleOrders({
        batchOrders: [
          { ...limit, newClientOrderId: 'tp-batch-btc' },
          { ...limit, symbol: 'ETHUSDT', quantity: 0.05, price: ethLow, newClientOrderId: 'tp-batch-eth' },
          { ...limit, quantity: 500 }, // over the margin the account has
        ],
      }),
    (d) => {
      assert.equal(d.length, 3)
      assert.deepEqual(
        d.slice(0, 2).map((o) => [o.symbol, o.clientOrderId, o.status]),
        [
          [S, 'tp-batch-btc', 'NEW'],
          ['ETHUSDT', 'tp-batch-eth', 'NEW'],
        ],
      )
      assert.deepEqual(d[2], { code: -2019, msg: 'Margin is insufficient.' })
    },
  )
  await batchEvent
  // Batch modify (PUT /fapi/v1/batchOrders): each amendment as PUT /fapi/v1/order makes it, a refused one in its place.
  const lower = Math.floor(Number(limit.price) * 0.99 * 10) / 10
  await rest(
    'modifyMultipleOrders (two symbols, one refused)',
    () =>
      api.modifyMultipleOrders({
        batchOrders: [
          { symbol: S, origClientOrderId: 'tp-batch-btc', side: 'BUY', quantity: 0.02, price: lower },
          {
            symbol: 'ETHUSDT',
            origClientOrderId: 'tp-batch-eth',
            side: 'SELL',
            quantity: 0.05,
            price: ethLow,
          },
        ],
      }),
    (d) => {
      assert.equal(d.length, 2)
      assert.deepEqual(
        [d[0].clientOrderId, Number(d[0].price), Number(d[0].origQty)],
        ['tp-batch-btc', lower, 0.02],
      )
      assert.deepEqual(d[1], { code: -1117, msg: 'Invalid side.' })
    },
  )
  await rest(
    'cancelMultipleOrders (orderIdList, one unknown)',
    () => api.cancelMultipleOrders({ symbol: S, orderIdList: [placed?.[0]?.orderId, 987654321] }),
    (d) => {
      assert.equal(d[0].status, 'CANCELED')
      assert.equal(d[0].clientOrderId, 'tp-batch-btc')
      assert.deepEqual(d[1], { code: -2011, msg: 'Unknown order sent.' })
    },
  )
  await rest(
    'cancelMultipleOrders (origClientOrderIdList)',
    () => api.cancelMultipleOrders({ symbol: 'ETHUSDT', origClientOrderIdList: ['tp-batch-eth'] }),
    (d) => assert.deepEqual([d.length, d[0].status, d[0].symbol], [1, 'CANCELED', 'ETHUSDT']),
  )
  await calls.call(
    'placeMultipleOrders of 6 → BadRequestError (-4082)',
    () => refusal(api.placeMultipleOrders({ batchOrders: Array.from({ length: 6 }, () => limit) })),
    (e) => {
      assert.equal(e.name, 'BadRequestError', String(e))
      assert.match(e.message, /Invalid number of batch place orders/)
    },
  )
  const stop = { symbol: S, side: 'SELL', algoType: 'CONDITIONAL', type: 'STOP_MARKET', quantity: 0.01 }
  const algo = await rest(
    'newAlgoOrder',
    () => api.newAlgoOrder({ ...stop, triggerPrice: Number(low) }),
    (d) => assert.ok(d.algoId),
  )
  await rest(
    'currentAllAlgoOpenOrders',
    () => api.currentAllAlgoOpenOrders({ symbol: S }),
    (d) => assert.equal(d.length, 1),
  )
  await rest(
    'queryAlgoOrder',
    () => api.queryAlgoOrder({ algoId: algo.algoId }),
    (d) => assert.equal(d.algoId, algo.algoId),
  )
  await rest(
    'cancelAlgoOrder',
    () => api.cancelAlgoOrder({ algoId: algo.algoId }),
    (d) => assert.equal(d.algoId, algo.algoId),
  )
  await userEvent

  const s = 'btcusdt'
  await Promise.all([
    first('stream aggregateTradeStreams', conn.aggregateTradeStreams({ symbol: s }), (m) => num(m.p)),
    first(
      'stream klineCandlestickStreams',
      conn.klineCandlestickStreams({ symbol: s, interval: '1m' }),
      (m) => num(m.k.c),
    ),
    first(
      'stream diffBookDepthStreams',
      conn.diffBookDepthStreams({ symbol: s, updateSpeed: '100ms' }),
      (m) => num(m.pu),
    ),
    first('stream partialBookDepthStreams', conn.partialBookDepthStreams({ symbol: s, levels: 5 }), (m) =>
      num(m.u),
    ),
    first(
      'stream individualSymbolBookTickerStreams',
      conn.individualSymbolBookTickerStreams({ symbol: s }),
      (m) => num(m.b),
    ),
    first('stream individualSymbolTickerStreams', conn.individualSymbolTickerStreams({ symbol: s }), (m) =>
      num(m.c),
    ),
    first(
      'stream individualSymbolMiniTickerStream',
      conn.individualSymbolMiniTickerStream({ symbol: s }),
      (m) => num(m.c),
    ),
    first('stream allMarketTickersStreams', conn.allMarketTickersStreams(), (m) => assert.equal(m.length, 2)),
    first('stream allMarketMiniTickersStream', conn.allMarketMiniTickersStream(), (m) =>
      assert.equal(m.length, 2),
    ),
    first('stream markPriceStream', conn.markPriceStream({ symbol: s }), (m) => num(m.p)),
  ])
  await rest(
    'closeUserDataStream',
    () => api.closeUserDataStream(),
    (d) => assert.ok(d !== undefined),
  )
} catch (e) {
  console.error('aborted:', e)
  process.exitCode = 1
} finally {
  await calls.finish(
    () => conn?.disconnect(),
    () => sim.close(),
  )
}
