import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeFrame, decodeMarketEvent, decodeRestBook, decodeUserEvent } from './decode.js'
import {
  decodeBalanceAllowance,
  decodeCancelResult,
  decodeLastTradePrice,
  decodeMarket,
  decodeNegRisk,
  decodeOpenOrder,
  decodePostResult,
  decodeQuote,
  decodeTickSize,
  decodeTradeRecord,
} from './decodeRest.js'

/**
 * The real-payload corpus (`__fixtures__/` and `__fixtures__/rest/`, sources in `__fixtures__/SOURCES.md`) run
 * through the public decoders: a file whose name has `_ok` decodes, every other one is refused.
 */
const DIR = join(import.meta.dirname, '__fixtures__')
const ws = readdirSync(DIR).filter((f) => f.endsWith('.json'))
const rest = readdirSync(join(DIR, 'rest')).filter((f) => f.endsWith('.json'))
const read = (path: string): unknown => JSON.parse(readFileSync(join(DIR, path), 'utf8'))

function decodesWs(name: string): boolean {
  const v = read(name)
  if (name.startsWith('user_')) return decodeUserEvent(v).ok
  if (name.startsWith('rest_book')) return decodeRestBook(v).ok
  const f = decodeFrame(JSON.stringify(v), decodeMarketEvent)
  return f.errors.length === 0 && f.events.length > 0
}

function decodesRest(name: string): boolean {
  const v = read(join('rest', name))
  if (name.startsWith('postOrder')) return decodePostResult(v, '0xb816').ok
  if (name.startsWith('cancel')) return decodeCancelResult(v).ok
  if (name.startsWith('order')) return decodeOpenOrder(v).ok
  if (name.startsWith('trade')) return decodeTradeRecord(v).ok
  if (name.startsWith('market')) return decodeMarket(v).ok
  if (name.startsWith('midpoint')) return decodeQuote(v, 'mid').ok
  if (name.startsWith('price')) return decodeQuote(v, 'price').ok
  if (name.startsWith('spread')) return decodeQuote(v, 'spread').ok
  if (name.startsWith('tickSize')) return decodeTickSize(v).ok
  if (name.startsWith('negRisk')) return decodeNegRisk(v).ok
  if (name.startsWith('lastTradePrice')) return decodeLastTradePrice(v).ok
  if (name.startsWith('balanceAllowance')) return decodeBalanceAllowance(v).ok
  throw new Error(`no decoder for ${name}`)
}

describe('Polymarket real-payload corpus', () => {
  it('holds the documented payloads', () => {
    expect(ws.length + rest.length).toBeGreaterThanOrEqual(56)
  })

  it.each(ws)('%s decodes or is refused as its name says', (name) => {
    expect(decodesWs(name)).toBe(name.includes('_ok'))
  })

  it.each(rest)('rest/%s decodes or is refused as its name says', (name) => {
    expect(decodesRest(name)).toBe(name.includes('_ok'))
  })
})
