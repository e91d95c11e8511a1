import { describe, expect, it } from 'vitest'
import {
  decodeApiKeyResponse,
  decodeBalanceAllowance,
  decodeCancelResult,
  decodeDecimal,
  decodeHeartbeat,
  decodeLastTradePrice,
  decodeMarket,
  decodeOpenOrder,
  decodePage,
  decodePostResult,
  decodeQuote,
  decodeTickSize,
  decodeTradeRecord,
} from './decodeRest.js'

const CONDITION = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1'
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

describe('REST decoders (Result, never throw)', () => {
  it('decodes markets; an unsupported tick size or a bad minimum size is an ExchangeDataError', () => {
    const market = {
      condition_id: CONDITION,
      question: 'Q?',
      tokens: [{ token_id: TOKEN, outcome: 'Yes' }],
      minimum_tick_size: 0.01,
      minimum_order_size: '5',
      neg_risk: true,
    }
    const r = decodeMarket(market)
    expect(r.ok && r.value).toMatchObject({
      conditionId: CONDITION,
      tickSize: '0.01',
      negRisk: true,
      active: true,
    })
    expect(decodeMarket({ ...market, minimum_tick_size: '0.02' }).ok).toBe(false)
    const bad = decodeMarket({ ...market, minimum_order_size: 'NaN' })
    expect(!bad.ok && bad.error.code).toBe('EXCHANGE_DATA_INVALID')
    // Protocol V2 markets: position ids (CLOB array or Gamma JSON string) or Gamma `version: "v2"` → ExchangeV3.
    const v3 = (extra: Record<string, unknown>) => {
      const d = decodeMarket({ ...market, ...extra })
      return d.ok ? [d.value.positionIds, d.value.exchangeVersion] : 'refused'
    }
    expect(v3({ position_ids: [TOKEN] })).toEqual([[TOKEN], 3])
    expect(v3({ positionIds: JSON.stringify([TOKEN, '12']) })).toEqual([[TOKEN, '12'], 3])
    expect(v3({ version: 'v2' })).toEqual([undefined, 3])
    expect(v3({ position_ids: [] })).toEqual([undefined, undefined])
    expect(v3({ positionIds: 'not json' })).toEqual([undefined, undefined])
    expect(v3({})).toEqual([undefined, undefined])
  })

  it('decodes order and trade records strictly (no "" or NaN read as 0)', () => {
    const order = {
      id: '0x1',
      status: 'LIVE',
      market: CONDITION,
      asset_id: TOKEN,
      side: 'BUY',
      price: '0.5',
      original_size: '10',
      size_matched: '2',
      created_at: 1700000000,
    }
    const o = decodeOpenOrder(order)
    expect(o.ok && [o.value.price.toFixed(), o.value.sizeMatched.toFixed(), o.value.createdAt]).toEqual([
      '0.5',
      '2',
      1700000000,
    ])
    expect(decodeOpenOrder({ ...order, size_matched: '' }).ok).toBe(false)
    expect(decodeOpenOrder({ ...order, side: 'HOLD' }).ok).toBe(false)
    // created_at (epoch seconds) is never NaN or Infinity (found by the corpus fuzzer); missing or "" is 0.
    for (const bad of ['\u0000', 'Infinity', '1e400', '1725842520e', -1])
      expect(decodeOpenOrder({ ...order, created_at: bad }).ok).toBe(false)
    expect(decodeOpenOrder({ ...order, created_at: '1725842520' })).toMatchObject({
      ok: true,
      value: { createdAt: 1725842520 },
    })
    for (const unknown of [undefined, ''])
      expect(decodeOpenOrder({ ...order, created_at: unknown })).toMatchObject({
        ok: true,
        value: { createdAt: 0 },
      })
    const trade = {
      id: 't',
      taker_order_id: '0x1',
      market: CONDITION,
      asset_id: TOKEN,
      side: 'SELL',
      price: '0.4',
      size: '3',
      status: 'CONFIRMED',
    }
    const t = decodeTradeRecord(trade)
    expect(t.ok && t.value.size.toFixed()).toBe('3')
    expect(decodeTradeRecord({ ...trade, price: 'NaN' }).ok).toBe(false)
    expect(decodeDecimal('-1', 'price').ok).toBe(false)
  })

  it('decodes order responses; a venue rejection becomes its typed error', () => {
    const ok = decodePostResult({ success: true, orderID: '0xabc', status: 'live', makingAmount: 5 }, '0xabc')
    expect(ok.ok && ok.value).toEqual({
      orderId: '0xabc',
      status: 'live',
      makingAmount: '5',
      takingAmount: '0',
      tradeIds: [],
    })
    const missingId = decodePostResult({ status: 'matched' }, '0xlocal')
    expect(missingId.ok && missingId.value.orderId).toBe('0xlocal')
    const rejected = decodePostResult({ success: false, errorMsg: 'not enough balance / allowance' }, '0x1')
    expect(!rejected.ok && rejected.error.code).toBe('INSUFFICIENT_FUNDS')
    expect(decodePostResult('junk', '0x1').ok).toBe(false)
  })
})

describe('Polymarket REST field-name variants (Polymarket/rs-clob-client tests/clob.rs mocks)', () => {
  it('reads a camel-case notCanceled map, never as "all cancelled"', () => {
    const r = decodeCancelResult({ canceled: ['2'], notCanceled: { '1': 'the order is already canceled' } })
    expect(r.ok && r.value).toEqual({
      canceled: ['2'],
      notCanceled: { '1': 'the order is already canceled' },
    })
  })

  it('reads a snake-case error_msg on a failed post', () => {
    const r = decodePostResult(
      { success: false, error_msg: 'not enough balance / allowance', orderID: '' },
      '0x1',
    )
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INSUFFICIENT_FUNDS')
  })
})

describe('Polymarket REST decoders of the responses PolymarketRest still parses inline', () => {
  it('quotes, last trade price, tick size, balance, heartbeat and pages decode or are refused', () => {
    expect(decodeQuote({ mid: '0.5' }, 'mid').ok).toBe(true)
    expect(decodeQuote({ price: '' }, 'price').ok).toBe(false)
    expect(decodeQuote({ spread: '-0.1' }, 'spread').ok).toBe(false)
    const last = decodeLastTradePrice({ price: 0.12, side: 'BUY' })
    expect(last.ok && last.value?.toFixed()).toBe('0.12')
    const never = decodeLastTradePrice({ price: '', side: '' })
    expect(never.ok && never.value).toBeUndefined()
    expect(decodeTickSize({ minimum_tick_size: 0.001 })).toEqual({ ok: true, value: '0.001' })
    expect(decodeTickSize({ minimum_tick_size: '0.02' }).ok).toBe(false)
    const bal = decodeBalanceAllowance({ balance: '25000000', allowances: {} })
    expect(bal.ok && bal.value.balance.toFixed()).toBe('25')
    expect(decodeBalanceAllowance({ balance: 'NaN' }).ok).toBe(false)
    expect(decodeHeartbeat({ heartbeat_id: 'a1' })).toEqual({ ok: true, value: 'a1' })
    expect(decodeHeartbeat({ heartbeat_id: '' }).ok).toBe(false)
    const page = decodePage({ data: [1], next_cursor: 'LTE=', limit: 100, count: 1 })
    expect(page.ok && page.value).toEqual({ data: [1], nextCursor: 'LTE=' })
    expect(decodePage({ data: 'x', next_cursor: '' }).ok).toBe(false)
  })
})

describe('decodeApiKeyResponse', () => {
  it('reads the three credentials; a refusal names the field and never carries the secret', () => {
    const creds = { apiKey: 'key-uuid', secret: 'c2VjcmV0LXNlY3JldA==', passphrase: 'pass' }
    expect(decodeApiKeyResponse(creds)).toEqual({ ok: true, value: creds })
    const r = decodeApiKeyResponse({ ...creds, passphrase: '' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.issues.join()).toContain('passphrase')
      expect(JSON.stringify({ ...r.error, message: r.error.message })).not.toContain(creds.secret)
    }
  })
})
