// Runs Polymarket's official client (@polymarket/clob-client-v2, unmodified, pinned in package.json) through its
// whole order flow against tradekit's PolymarketSim on 127.0.0.1: API key create/derive, market info (including the
// /markets-by-token and /clob-markets calls it makes before a market order), limit and market orders, open orders,
// trades, cancel, heartbeat, balance, and a server version switch 2 → 3 mid-run (the client re-reads GET /version on
// order_version_mismatch and re-signs for ExchangeV3).
//
//   npm run build && npm ci --prefix test/official-polymarket && node test/official-polymarket/flow.mjs
//
// Needs the built package (dist/) and tradekit's own dev install (ethers v6 for the sim). Exits non-zero on the first
// mismatch; prints one line per step.
import assert from 'node:assert/strict'
import { Wallet } from '@ethersproject/wallet'
import { AssetType, ClobClient, OrderType, Side } from '@polymarket/clob-client-v2'
import { PolymarketSim } from '../../dist/sim/index.js'

process.env.NO_PROXY = ['127.0.0.1', process.env.NO_PROXY].filter(Boolean).join(',')
const PK = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' // hardhat #0, never funded anywhere
const CHAIN = 137

/** The official client returns `{ error, status }` instead of throwing (throwOnError false): refuse those. */
function ok(step, res) {
  assert.ok(res !== undefined && res !== null, `${step}: no response`)
  assert.ok(typeof res !== 'object' || !('error' in res), `${step}: ${JSON.stringify(res).slice(0, 300)}`)
  console.log(`ok  ${step}`)
  return res
}

const sim = await PolymarketSim.start({
  seed: 16,
  markets: [
    { tickSize: '0.01', fairPrice: '0.5' },
    { tickSize: '0.001', negRisk: true, fairPrice: '0.4' },
  ],
})
try {
  const [m1, m2] = sim.markets
  const yes = m1.tokens[0].tokenId
  const neg = m2.tokens[0].tokenId
  const signer = new Wallet(PK)
  const l1 = new ClobClient({ host: sim.restUrl, chain: CHAIN, signer })
  const created = ok('createOrDeriveApiKey (create)', await l1.createOrDeriveApiKey())
  const derived = ok('deriveApiKey', await l1.deriveApiKey())
  assert.equal(derived.key, created.key)
  const again = ok('createOrDeriveApiKey (derive)', await l1.createOrDeriveApiKey())
  assert.equal(again.key, created.key)
  const clob = new ClobClient({ host: sim.restUrl, chain: CHAIN, signer, creds: created })

  ok('getOk', await clob.getOk())
  assert.equal(await clob.getVersion(), 2)
  console.log('ok  getVersion = 2')
  const market = ok('getMarket', await clob.getMarket(m1.conditionId))
  assert.equal(market.condition_id, m1.conditionId)
  const info = ok('getClobMarketInfo (/clob-markets)', await clob.getClobMarketInfo(m2.conditionId))
  assert.equal(info.mts, 0.001)
  assert.equal(info.nr, true)
  assert.equal(await clob.getTickSize(yes), '0.01')
  assert.equal(await clob.getNegRisk(yes), false)
  console.log('ok  getTickSize / getNegRisk')
  const book = ok('getOrderBook', await clob.getOrderBook(yes))
  assert.equal(book.hash, await clob.getOrderBookHash({ ...book }))
  console.log('ok  book hash = getOrderBookHash(book)')

  // A resting limit order (GTC), on each market.
  const rest1 = ok(
    'createAndPostOrder GTC (0.01 tick)',
    await clob.createAndPostOrder(
      { tokenID: yes, price: 0.45, size: 10, side: Side.BUY },
      undefined,
      OrderType.GTC,
    ),
  )
  assert.equal(rest1.status, 'live')
  const rest2 = ok(
    'createAndPostOrder GTC (0.001 tick, neg-risk)',
    await clob.createAndPostOrder(
      { tokenID: neg, price: 0.351, size: 12.5, side: Side.BUY },
      undefined,
      OrderType.GTC,
    ),
  )
  assert.equal(rest2.status, 'live')
  const open = ok('getOpenOrders', await clob.getOpenOrders())
  assert.deepEqual(new Set(open.map((o) => o.id)), new Set([rest1.orderID, rest2.orderID]))
  const one = ok('getOrder', await clob.getOrder(rest1.orderID))
  assert.equal(one.id, rest1.orderID)

  // A market order (FOK): the client resolves the market through /markets-by-token and /clob-markets first.
  const taken = ok(
    'createAndPostMarketOrder FOK BUY $10',
    await clob.createAndPostMarketOrder(
      { tokenID: yes, amount: 10, side: Side.BUY },
      undefined,
      OrderType.FOK,
    ),
  )
  assert.equal(taken.status, 'matched')
  assert.ok(taken.tradeIDs.length > 0)
  const trades = ok('getTrades', await clob.getTrades())
  assert.ok(taken.tradeIDs.every((id) => trades.some((t) => t.id === id)))

  ok('postHeartbeat', await clob.postHeartbeat())
  const bal = ok('getBalanceAllowance', await clob.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }))
  assert.ok(Number(bal.balance) > 0)

  ok('cancelOrder', await clob.cancelOrder({ orderID: rest1.orderID }))
  const left = ok('getOpenOrders after cancel', await clob.getOpenOrders())
  assert.deepEqual(
    left.map((o) => o.id),
    [rest2.orderID],
  )

  // The migration: the server moves to ExchangeV3; the client's cached version 2 is refused once, it re-reads
  // GET /version and re-signs.
  const refused = []
  sim.events.on('order.rejected', (e) => refused.push(e.error))
  sim.setVersion(3)
  const v3 = ok(
    'createAndPostOrder after the switch to version 3',
    await clob.createAndPostOrder(
      { tokenID: yes, price: 0.44, size: 10, side: Side.BUY },
      undefined,
      OrderType.GTC,
    ),
  )
  assert.equal(v3.status, 'live')
  assert.equal(await clob.resolveVersion(), 3)
  assert.deepEqual(refused, ['order_version_mismatch'])
  const openV3 = ok('getOpenOrders after the switch', await clob.getOpenOrders())
  assert.deepEqual(new Set(openV3.map((o) => o.id)), new Set([rest2.orderID, v3.orderID]))
  ok('cancelAll', await clob.cancelAll())
  assert.deepEqual(ok('getOpenOrders after cancelAll', await clob.getOpenOrders()), [])
  const ledger = sim.ledger()
  assert.equal(ledger.openOrders.filter((o) => o.owner === created.key).length, 0)
  console.log('official client flow against PolymarketSim: passed')
} finally {
  await sim.close()
}
