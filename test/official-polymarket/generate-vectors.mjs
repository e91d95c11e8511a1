// Generates the signing vectors tradekit's unit tests compare against (src/exchanges/polymarket/officialVectors.test.ts),
// with Polymarket's own client, unmodified: @polymarket/clob-client-v2's OrderBuilder (the code ClobClient.createOrder
// and createMarketOrder call after their market look-ups) and orderToJsonV2 (the POST /order body).
//
//   npm ci --prefix test/official-polymarket && node test/official-polymarket/generate-vectors.mjs
//
// Determinism: the official client takes the salt from `Math.round(Math.random() * Date.now())` and the timestamp from
// `Date.now()` (order-utils/utils.ts generateOrderSalt, buildOrderCreationArgs.ts) and has no parameter for either, so
// this script pins Math.random and Date.now per vector and records the resulting salt and timestamp; tradekit's
// tests pass them back as `salt` and `timestamp`. Keys are the well-known hardhat test keys (never funded anywhere).
// The order hash is viem's hashTypedData over the typed data ExchangeOrderBuilderV2.buildOrderTypedData builds (the
// same domain and struct, the version's exchange from getContractConfig).
import { readFileSync, writeFileSync } from 'node:fs'
import { Wallet } from '@ethersproject/wallet'
import { getContractConfig, OrderBuilder, orderToJsonV2 } from '@polymarket/clob-client-v2'
import { hashTypedData } from 'viem'

const OUT = new URL('../../src/exchanges/polymarket/__fixtures__/official/vectors.json', import.meta.url)
const PK = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' // hardhat #0
const FUNDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' // hardhat #1's address: a proxy/Safe stand-in
const DEPOSIT_WALLET = '0x5FbDB2315678afecb367f032d93F642f64180aa3' // a deposit-wallet contract stand-in
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
const CHAIN = 137
const OWNER = 'f4f247b7-4ac7-ff29-a152-04fda0a8755a' // an API key (the POST body's owner)
const ORDER_STRUCT = [
  { name: 'salt', type: 'uint256' },
  { name: 'maker', type: 'address' },
  { name: 'signer', type: 'address' },
  { name: 'tokenId', type: 'uint256' },
  { name: 'makerAmount', type: 'uint256' },
  { name: 'takerAmount', type: 'uint256' },
  { name: 'side', type: 'uint8' },
  { name: 'signatureType', type: 'uint8' },
  { name: 'timestamp', type: 'uint256' },
  { name: 'metadata', type: 'bytes32' },
  { name: 'builder', type: 'bytes32' },
]
const LIMIT = {
  0.1: { price: 0.7, size: 12.34 },
  0.01: { price: 0.57, size: 100 },
  0.001: { price: 0.123, size: 7.77 },
  0.0001: { price: 0.0427, size: 33.33 },
}
const MARKET = {
  0.1: [
    { side: 'BUY', amount: 7, price: 0.3 },
    { side: 'SELL', amount: 12.34, price: 0.7 },
  ],
  0.01: [
    { side: 'BUY', amount: 100, price: 0.57 },
    { side: 'BUY', amount: 5, price: 0.57 },
    { side: 'SELL', amount: 33.33, price: 0.43 },
  ],
  0.001: [
    { side: 'BUY', amount: 10, price: 0.123 },
    { side: 'SELL', amount: 7.77, price: 0.871 },
  ],
  0.0001: [
    { side: 'BUY', amount: 10, price: 0.0003 },
    { side: 'SELL', amount: 20, price: 0.9427 },
  ],
}

const realNow = Date.now
const realRandom = Math.random
let n = 0
/** Pins the official client's clock and randomness for one vector: salt = round(random × now). */
async function pinned(fn) {
  n += 1
  const now = 1_765_000_000_000 + n * 1_000
  const random = ((n * 7919) % 10_007) / 10_007
  Date.now = () => now
  Math.random = () => random
  try {
    return await fn()
  } finally {
    Date.now = realNow
    Math.random = realRandom
  }
}

function exchangeFor(version, negRisk) {
  const c = getContractConfig(CHAIN)
  return version === 3 ? c.exchangeV3 : negRisk ? c.negRiskExchangeV2 : c.exchangeV2
}

function hashOf(order, version, negRisk) {
  return hashTypedData({
    domain: {
      name: 'Polymarket CTF Exchange',
      version: String(version),
      chainId: CHAIN,
      verifyingContract: exchangeFor(version, negRisk),
    },
    types: { Order: ORDER_STRUCT },
    primaryType: 'Order',
    message: { ...order, side: order.side === 'BUY' ? 0 : 1 },
  })
}

function vector(kind, input, signed, orderType) {
  const body = orderToJsonV2(signed, OWNER, orderType, false, false)
  return {
    kind,
    input,
    order: {
      salt: signed.salt,
      maker: signed.maker,
      signer: signed.signer,
      tokenId: signed.tokenId,
      makerAmount: signed.makerAmount,
      takerAmount: signed.takerAmount,
      side: signed.side,
      signatureType: signed.signatureType,
      timestamp: signed.timestamp,
      expiration: signed.expiration,
      metadata: signed.metadata,
      builder: signed.builder,
    },
    signature: signed.signature,
    orderHash: hashOf(signed, input.version, input.negRisk),
    postBody: JSON.stringify(body),
  }
}

const wallet = new Wallet(PK)
const vectors = []
for (const version of [2, 3]) {
  for (const [tickSize, { price, size }] of Object.entries(LIMIT)) {
    for (const signatureType of [0, 1, 2, 3]) {
      for (const negRisk of [false, true]) {
        const funder = signatureType === 0 ? undefined : signatureType === 3 ? DEPOSIT_WALLET : FUNDER
        const side = (signatureType + (negRisk ? 1 : 0)) % 2 === 0 ? 'BUY' : 'SELL'
        const expiration = signatureType === 1 ? 1_900_000_000 : undefined
        const builder = new OrderBuilder(wallet, CHAIN, signatureType, funder)
        const signed = await pinned(() =>
          builder.buildOrder(
            { tokenID: TOKEN, price, size, side, expiration },
            { tickSize, negRisk },
            version,
          ),
        )
        const input = {
          version,
          tickSize,
          negRisk,
          signatureType,
          signer: wallet.address,
          funder,
          tokenId: TOKEN,
          side,
          price: String(price),
          size: String(size),
          expiration: expiration === undefined ? undefined : String(expiration),
          salt: signed.salt,
          timestamp: signed.timestamp,
        }
        vectors.push(vector('limit', input, signed, expiration === undefined ? 'GTC' : 'GTD'))
      }
    }
  }
  for (const [tickSize, cases] of Object.entries(MARKET)) {
    for (const [i, c] of cases.entries()) {
      const signatureType = i % 2 === 0 ? 0 : 2
      const negRisk = i % 2 === 1
      const funder = signatureType === 0 ? undefined : FUNDER
      const builder = new OrderBuilder(wallet, CHAIN, signatureType, funder)
      const signed = await pinned(() =>
        builder.buildMarketOrder(
          { tokenID: TOKEN, price: c.price, amount: c.amount, side: c.side, orderType: 'FOK' },
          { tickSize, negRisk },
          version,
        ),
      )
      const input = {
        version,
        tickSize,
        negRisk,
        signatureType,
        signer: wallet.address,
        funder,
        tokenId: TOKEN,
        side: c.side,
        price: String(c.price),
        amount: String(c.amount),
        salt: signed.salt,
        timestamp: signed.timestamp,
      }
      vectors.push(vector('market', input, signed, 'FOK'))
    }
  }
}

const pkg = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url), 'utf8')).version
const out = {
  generatedBy: 'test/official-polymarket/generate-vectors.mjs',
  packages: {
    '@polymarket/clob-client-v2': pkg('@polymarket/clob-client-v2'),
    viem: pkg('viem'),
    '@ethersproject/wallet': pkg('@ethersproject/wallet'),
  },
  privateKey: PK,
  chainId: CHAIN,
  owner: OWNER,
  vectors,
}
writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`)
console.log(`${vectors.length} vectors → ${OUT.pathname}`)
