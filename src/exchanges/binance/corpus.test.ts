import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeDepthSnapshot } from './decodeDepthSnapshot.js'
import { decodeMarketEvent } from './decodeMarketEvent.js'
import {
  decodeBookTicker,
  decodeKlines,
  decodeLeverageBrackets,
  decodeLeverageChange,
  decodeListenKey,
  decodeMarkPrice,
  decodeRecentTrades,
  decodeServerTime,
  decodeTickerPrice,
} from './decodeMarketRest.js'
import {
  decodeAlgoIds,
  decodeAlgoOrders,
  decodeSpotCancelAll,
  decodeSpotOrders,
  decodeUsdmOrders,
} from './decodeOrderLists.js'
import {
  decodeAccountTrades,
  decodeAlgoOrder,
  decodePositionMode,
  decodeSpotBalances,
  decodeSpotOrder,
  decodeUsdmBalances,
  decodeUsdmOrder,
  decodeUsdmPositions,
} from './decodeRest.js'
import { decodeSpotUserEvent, decodeUsdmUserEvent } from './decodeUserEvent.js'
import { decodeWsApiResponse } from './decodeWsApiResponse.js'
import { parseExchangeInfo } from './instruments.js'

/**
 * The real-payload corpus (`__fixtures__/`, each file's source in `__fixtures__/SOURCES.md`) run through the public
 * decoders. A payload decodes unless its name carries one of the refusal markers below.
 */
const DIR = join(import.meta.dirname, '__fixtures__')
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.startsWith('rest_error'))
const REFUSED = ['_nan', '_zero', '_negative', '_huge', '_hedge', '_bad', '_unknown', 'UnknownEnvelope']

const SPOT_USER = ['executionReport', 'outboundAccountPosition', 'balanceUpdate', 'eventStreamTerminated']
const USDM_USER = [
  'orderTradeUpdate',
  'algoUpdate',
  'accountUpdate',
  'listenKeyExpired',
  'marginCall',
  'tradeLite',
  'accountConfigUpdate',
  'usdmUnknownEnvelope',
]

const now = 1_700_000_000_000

/** Decoders of the REST responses, by the file-name prefix that names the endpoint. */
const REST: ReadonlyArray<readonly [string, (raw: unknown, name: string) => boolean]> = [
  ['rest_depth', (raw) => decodeDepthSnapshot(raw, 'binance').ok],
  ['rest_usdm_depth', (raw) => decodeDepthSnapshot(raw, 'binance-usdm').ok],
  [
    'rest_exchangeInfo',
    (raw, name) => parseExchangeInfo(raw, name.includes('usdm') ? 'usdm' : 'spot').symbols.size > 0,
  ],
  ['rest_usdm_openOrders', (raw) => decodeUsdmOrders(raw, now).ok],
  ['rest_usdm_openAlgoOrders', (raw) => decodeAlgoOrders(raw, now).ok && decodeAlgoIds(raw).ok],
  ['rest_usdm_algoOrder', (raw) => decodeAlgoOrder(raw, now).ok],
  ['rest_usdm_order', (raw) => decodeUsdmOrder(raw, now).ok],
  ['rest_spot_openOrders', (raw) => decodeSpotOrders(raw, now).ok],
  [
    'rest_spot_cancelAll',
    (raw) => {
      const r = decodeSpotCancelAll(raw, now)
      return r.ok && r.value.undecodable.length === 0 && r.value.orders.length > 0
    },
  ],
  ['rest_spot_order', (raw) => decodeSpotOrder(raw, now).ok],
  ['rest_spot_account', (raw) => decodeSpotBalances(raw).ok],
  ['rest_usdm_balance', (raw) => decodeUsdmBalances(raw).ok],
  ['rest_usdm_positionRisk', (raw) => decodeUsdmPositions(raw).ok],
  ['rest_usdm_positionSideDual', (raw) => decodePositionMode(raw).ok],
  ['rest_usdm_leverageBracket', (raw) => decodeLeverageBrackets(raw, 'ETHUSDT').ok],
  ['rest_usdm_leverage', (raw) => decodeLeverageChange(raw).ok],
  ['rest_usdm_listenKey', (raw) => decodeListenKey(raw, 'usdm').ok],
  ['rest_usdm_premiumIndex', (raw) => decodeMarkPrice(raw).ok],
  ['rest_spot_time', (raw) => decodeServerTime(raw, 'spot').ok],
  ['rest_usdm_time', (raw) => decodeServerTime(raw, 'usdm').ok],
  ['rest_spot_tickerPrice', (raw) => decodeTickerPrice(raw, 'spot').ok],
  ['rest_usdm_tickerPrice', (raw) => decodeTickerPrice(raw, 'usdm').ok],
  ['rest_spot_bookTicker', (raw) => decodeBookTicker(raw, 'spot').ok],
  ['rest_usdm_bookTicker', (raw) => decodeBookTicker(raw, 'usdm').ok],
  ['rest_spot_trades', (raw) => nonEmpty(decodeRecentTrades(raw, { market: 'spot', symbol: 'LTCBTC' }))],
  ['rest_usdm_trades', (raw) => nonEmpty(decodeRecentTrades(raw, { market: 'usdm', symbol: 'BTCUSDT' }))],
  [
    'rest_spot_klines',
    (raw) => nonEmpty(decodeKlines(raw, { market: 'spot', symbol: 'LTCBTC', interval: '1w', now })),
  ],
  [
    'rest_usdm_klines',
    (raw) => nonEmpty(decodeKlines(raw, { market: 'usdm', symbol: 'BTCUSDT', interval: '1w', now })),
  ],
]

function nonEmpty(r: { ok: boolean; value?: unknown }): boolean {
  return r.ok && Array.isArray(r.value) && r.value.length > 0
}

function decodes(name: string, text: string): boolean {
  const raw = JSON.parse(text) as Record<string, unknown>
  const kind = name.split('_')[1] ?? ''
  if (name.startsWith('wsapi_')) {
    const r = decodeWsApiResponse(raw, 'binance')
    if (!r.ok || r.value.error !== undefined) return r.ok
    return name.includes('usdm')
      ? decodeUsdmOrder(r.value.result, 0).ok
      : decodeSpotOrder(r.value.result, 0).ok
  }
  if (name.includes('Trades_') || name.includes('Trades.')) {
    const rows = raw as unknown as Array<{ orderId?: unknown; symbol?: unknown }>
    const venueOrderId = String(rows[0]?.orderId)
    const order = {
      venue: 'binance',
      symbol: String(rows[0]?.symbol),
      side: 'BUY' as const,
      clientOrderId: 'c',
      venueOrderId,
    }
    const r = decodeAccountTrades(raw, order)
    return r.ok && r.value.length > 0
  }
  const rest = REST.find(([prefix]) => name.startsWith(prefix))
  if (rest !== undefined) return rest[1](raw, name)
  if (name.startsWith('rest_')) throw new Error(`no decoder for ${name}`)
  if (SPOT_USER.includes(kind)) return decodeSpotUserEvent(raw.event).ok
  if (USDM_USER.includes(kind)) return decodeUsdmUserEvent(text).ok
  const market = name.includes('usdm') || kind === 'markPrice' ? 'usdm' : 'spot'
  return decodeMarketEvent(text, market).ok
}

describe('Binance real-payload corpus', () => {
  it('holds the documented payloads', () => {
    expect(files.length).toBeGreaterThanOrEqual(80)
  })

  it.each(files)('%s decodes or is refused as its name says', (name) => {
    const refused = REFUSED.some((m) => name.includes(m))
    expect(decodes(name, readFileSync(join(DIR, name), 'utf8'))).toBe(!refused)
  })
})
