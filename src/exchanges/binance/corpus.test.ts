import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeDepthSnapshot } from './decodeDepthSnapshot.js'
import { decodeMarketEvent } from './decodeMarketEvent.js'
import {
  decodeAccountTrades,
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
  if (name.startsWith('rest_depth')) return decodeDepthSnapshot(raw, 'binance').ok
  if (name.startsWith('rest_exchangeInfo'))
    return parseExchangeInfo(raw, name.includes('usdm') ? 'usdm' : 'spot').symbols.size > 0
  if (name.includes('Trades')) {
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
  if (name.startsWith('rest_usdm_order')) return decodeUsdmOrder(raw, 0).ok
  if (name.startsWith('rest_spot_order')) return decodeSpotOrder(raw, 0).ok
  if (name.startsWith('rest_spot_account')) return decodeSpotBalances(raw).ok
  if (name.startsWith('rest_usdm_balance')) return decodeUsdmBalances(raw).ok
  if (name.startsWith('rest_usdm_positionRisk')) return decodeUsdmPositions(raw).ok
  if (name.startsWith('rest_usdm_positionSideDual')) return decodePositionMode(raw).ok
  if (SPOT_USER.includes(kind)) return decodeSpotUserEvent(raw.event).ok
  if (USDM_USER.includes(kind)) return decodeUsdmUserEvent(text).ok
  const market = name.includes('usdm') || kind === 'markPrice' ? 'usdm' : 'spot'
  return decodeMarketEvent(text, market).ok
}

describe('Binance real-payload corpus', () => {
  it('holds the documented payloads', () => {
    expect(files.length).toBeGreaterThanOrEqual(50)
  })

  it.each(files)('%s decodes or is refused as its name says', (name) => {
    const refused = REFUSED.some((m) => name.includes(m))
    expect(decodes(name, readFileSync(join(DIR, name), 'utf8'))).toBe(!refused)
  })
})
