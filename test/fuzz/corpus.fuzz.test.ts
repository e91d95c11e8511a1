import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, it, vi } from 'vitest'
import {
  decodeAccountTrades,
  decodeAlgoIds,
  decodeAlgoOrder,
  decodeAlgoOrders,
  decodeMarketEvent as decodeBinanceMarketEvent,
  decodeBookTicker,
  decodeDepthSnapshot,
  decodeKlines,
  decodeLeverageBrackets,
  decodeLeverageChange,
  decodeListenKey,
  decodeMarkPrice,
  decodePositionMode,
  decodeRecentTrades,
  decodeServerTime,
  decodeSpotBalances,
  decodeSpotCancelAll,
  decodeSpotOrder,
  decodeSpotOrders,
  decodeSpotUserEvent,
  decodeTickerPrice,
  decodeUsdmBalances,
  decodeUsdmOrder,
  decodeUsdmOrders,
  decodeUsdmPositions,
  decodeUsdmUserEvent,
} from '../../src/exchanges/binance/index.js'
import {
  decodeApiKeyResponse,
  decodeBalanceAllowance,
  decodeCancelResult,
  decodeHeartbeat,
  decodeLastTradePrice,
  decodeMarket,
  decodeMarketEvent,
  decodeNegRisk,
  decodeOpenOrder,
  decodePage,
  decodePostResult,
  decodeQuote,
  decodeRestBook,
  decodeTickSize,
  decodeTradeRecord,
  decodeUserEvent,
} from '../../src/exchanges/polymarket/index.js'
import {
  type AnyResult,
  assertAllFinite,
  fuzzParams,
  fuzzTimeoutMs,
  mutatedPayload,
  mutatedText,
} from './mutate.js'

vi.setConfig({ testTimeout: fuzzTimeoutMs() })

/** Every payload of both venues' real-payload corpora (issue 23). */
function corpus(dir: URL): unknown[] {
  const out: unknown[] = []
  for (const sub of ['', 'rest/']) {
    let names: string[]
    try {
      names = readdirSync(new URL(sub, dir)).filter((f) => f.endsWith('.json'))
    } catch {
      continue
    }
    for (const n of names) out.push(JSON.parse(readFileSync(new URL(`${sub}${n}`, dir), 'utf8')))
  }
  return out
}

const SAMPLES = [
  ...corpus(new URL('../../src/exchanges/binance/__fixtures__/', import.meta.url)),
  ...corpus(new URL('../../src/exchanges/polymarket/__fixtures__/', import.meta.url)),
]

/** Every public decoder that takes one payload. */
const DECODERS: ReadonlyArray<(v: unknown) => AnyResult> = [
  (v) => decodeSpotOrder(v, 0),
  (v) => decodeUsdmOrder(v, 0),
  (v) => decodeAlgoOrder(v, 0),
  (v) =>
    decodeAccountTrades(v, {
      venue: 'binance-usdm',
      symbol: 'BTCUSDT',
      side: 'SELL',
      clientOrderId: 'c',
      venueOrderId: '25851813',
    }),
  decodeSpotBalances,
  decodeUsdmBalances,
  decodeUsdmPositions,
  decodePositionMode,
  decodeSpotUserEvent,
  decodeUsdmUserEvent,
  (v) => decodeDepthSnapshot(v, 'binance'),
  (v) => decodeBinanceMarketEvent(v, 'spot'),
  (v) => decodeBinanceMarketEvent(v, 'usdm'),
  decodeCancelResult,
  decodeMarket,
  decodeOpenOrder,
  (v) => decodePostResult(v, '0x1'),
  decodeRestBook,
  decodeTradeRecord,
  decodeUserEvent,
  decodeMarketEvent,
  (v) => decodeSpotOrders(v, 0),
  (v) => decodeUsdmOrders(v, 0),
  (v) => decodeAlgoOrders(v, 0),
  decodeAlgoIds,
  (v) => decodeSpotCancelAll(v, 0),
  (v) => decodeKlines(v, { market: 'spot', symbol: 'BTCUSDT', interval: '1m', now: 0 }),
  (v) => decodeRecentTrades(v, { market: 'usdm', symbol: 'BTCUSDT' }),
  (v) => decodeTickerPrice(v, 'spot'),
  (v) => decodeBookTicker(v, 'usdm'),
  decodeMarkPrice,
  (v) => decodeLeverageBrackets(v, 'ETHUSDT'),
  decodeLeverageChange,
  (v) => decodeListenKey(v, 'usdm'),
  (v) => decodeServerTime(v, 'spot'),
  decodeApiKeyResponse,
  (v) => decodeQuote(v, 'price'),
  decodeLastTradePrice,
  decodeTickSize,
  decodeNegRisk,
  decodeBalanceAllowance,
  decodeHeartbeat,
  decodePage,
]

function check(v: unknown): void {
  for (const d of DECODERS) {
    const r = d(v)
    if (r.ok) assertAllFinite(r.value)
    else if (!(r.error instanceof Error)) throw new Error('a refusal must be an Error')
  }
}

describe('public decoders on the mutated real-payload corpus', () => {
  it('never throw; a decoded value holds only finite numbers', () => {
    fc.assert(fc.property(mutatedPayload(SAMPLES), check), fuzzParams(200))
  })

  it('same on damaged JSON text', () => {
    fc.assert(fc.property(mutatedText(SAMPLES), check), fuzzParams(200))
  })
})
