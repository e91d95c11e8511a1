/**
 * Polymarket: orders built + signed per second (tradekit's exact rounding + EIP-712 vs ethers signing a prebuilt
 * struct), and local-book updates per second (decode + apply vs a naive JSON.parse + Map baseline).
 */
import { Wallet } from 'ethers'
import {
  buildOrder,
  decodeFrame,
  decodeMarketEvent,
  orderDomain,
  orderHash,
  orderMessage,
  PolymarketBookSync,
  signOrder,
} from '../src/exchanges/polymarket/index.js'
import { runSuite } from './harness.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
const MARKET = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1'
const opts = { tickSize: '0.01' as const, negRisk: false, signatureType: 0 as const, signer: wallet.address }
const prices = Array.from({ length: 97 }, (_, i) => ((i + 2) / 100).toFixed(2))
let n = 0
const next = () => {
  n++
  return {
    tokenId: TOKEN,
    price: prices[n % 97] as string,
    size: String(5 + (n % 500)),
    side: 'BUY' as const,
  }
}
const prebuilt = await buildOrder(next(), opts)
const types = {
  Order: [
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
  ],
}

await runSuite('polymarket orders', 'one order built and/or EIP-712 signed', [
  {
    name: 'ethers Wallet.signTypedData (prebuilt struct, no amount math)',
    baseline: true,
    fn: async () => {
      await wallet.signTypedData(orderDomain({ negRisk: false }), types, orderMessage(prebuilt))
    },
  },
  {
    name: 'tradekit buildOrder + signOrder',
    fn: async () => {
      await signOrder(await buildOrder(next(), opts), wallet, { negRisk: false })
    },
  },
  {
    name: 'tradekit buildOrder only (exact rounding)',
    fn: async () => {
      await buildOrder(next(), opts)
    },
  },
  {
    name: 'tradekit orderHash',
    fn: async () => {
      await orderHash(prebuilt, { negRisk: false })
    },
  },
])

// 1024 price_change frames over a 0.01-tick book (both sides, adds and removals).
const frames = Array.from({ length: 1024 }, (_, i) => {
  const bid = i % 2 === 0
  const p = bid ? 0.01 * (1 + (i % 49)) : 0.01 * (50 + (i % 49))
  return JSON.stringify({
    event_type: 'price_change',
    market: MARKET,
    price_changes: [
      {
        asset_id: TOKEN,
        price: p.toFixed(2),
        size: String(i % 5 === 0 ? 0 : 10 + (i % 90)),
        side: bid ? 'BUY' : 'SELL',
      },
    ],
    timestamp: String(1_700_000_000_000 + i),
  })
})
const decoded = frames.map((f) => {
  const e = decodeFrame(f, decodeMarketEvent).events[0]
  if (e?.type !== 'price_change') throw new Error('bad frame')
  return e.changes[0] as NonNullable<(typeof e.changes)[0]>
})
const book = new PolymarketBookSync({ tokenId: TOKEN })
book.applySnapshot({ bids: [], asks: [], hash: '', tsEvent: 0 })
const naive = { BUY: new Map<string, string>(), SELL: new Map<string, string>() }
let j = 0

await runSuite('polymarket book updates', 'one price_change applied to the local book', [
  {
    name: 'naive JSON.parse + Map.set (no validation, unsorted)',
    baseline: true,
    fn: () => {
      const m = JSON.parse(frames[j++ & 1023] as string) as {
        price_changes: Array<{ price: string; size: string; side: 'BUY' | 'SELL' }>
      }
      for (const c of m.price_changes) {
        if (c.size === '0') naive[c.side].delete(c.price)
        else naive[c.side].set(c.price, c.size)
      }
    },
  },
  {
    name: 'tradekit decodeFrame (strict) + PolymarketBookSync.applyChange (sorted)',
    fn: () => {
      const f = decodeFrame(frames[j++ & 1023] as string, decodeMarketEvent)
      const e = f.events[0]
      if (e?.type === 'price_change') for (const c of e.changes) book.applyChange(c, e.tsEvent)
    },
  },
  {
    name: 'tradekit PolymarketBookSync.applyChange only (pre-decoded)',
    fn: () => void book.applyChange(decoded[j++ & 1023] as (typeof decoded)[0]),
  },
])
