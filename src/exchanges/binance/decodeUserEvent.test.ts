import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeSpotUserEvent, decodeUsdmUserEvent } from './decodeUserEvent.js'

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

describe('decodeSpotUserEvent', () => {
  it('executionReport → order (no fill on NEW)', () => {
    const r = decodeSpotUserEvent(fixture('ws_executionReport_ok.json').event)
    expect(r.ok).toBe(true)
    if (r.ok && r.value.kind === 'order') {
      expect(r.value.order.clientOrderId).toBe('mUvoqJxFIILMdfAW5iGSOW')
      expect(r.value.order.status).toBe('OPEN')
      expect(r.value.fill).toBeUndefined()
      expect(r.value.tsEvent).toBe(1499405658658)
    } else throw new Error('expected an order event')
  })

  it('outboundAccountPosition → balances; eventStreamTerminated; unknown ignored', () => {
    const r = decodeSpotUserEvent({
      e: 'outboundAccountPosition',
      E: 5,
      u: 5,
      B: [{ a: 'BTC', f: '1.5', l: '0.5' }],
    })
    expect(r.ok && r.value.kind === 'balances' && r.value.balances[0]?.free.toString()).toBe('1.5')
    expect(decodeSpotUserEvent({ e: 'eventStreamTerminated', E: 1 })).toEqual({
      ok: true,
      value: { kind: 'terminated' },
    })
    // Issue 23: an unknown event type is reported, never dropped silently; known unused ones are ignored.
    expect(decodeSpotUserEvent({ e: 'somethingNew' })).toMatchObject({
      ok: false,
      error: { code: 'EXCHANGE_DATA_INVALID' },
    })
    expect(decodeSpotUserEvent({ e: 'listStatus', E: 1 })).toEqual({ ok: true, value: { kind: 'ignored' } })
  })

  // The documented payload (user-data-stream.md "Balance Update": deposits, withdrawals, transfers between accounts).
  it('balanceUpdate → a transfer with the exact signed delta', () => {
    const r = decodeSpotUserEvent(fixture('ws_balanceUpdate_ok.json').event)
    if (!r.ok || r.value.kind !== 'transfer') throw new Error('expected a transfer')
    const { amount, ...rest } = r.value.transfer
    expect(rest).toEqual({
      type: 'account.transferred',
      venue: 'binance',
      asset: 'BTC',
      reason: 'balanceUpdate',
      tsEvent: 1573200697110,
    })
    expect(amount.toFixed()).toBe('100')
    const out = decodeSpotUserEvent({ e: 'balanceUpdate', E: 2, a: 'USDT', d: '-0.00000001', T: 1 })
    expect(out.ok && out.value.kind === 'transfer' && out.value.transfer.amount.toFixed()).toBe('-0.00000001')
    for (const d of ['NaN', '1,5', '', 'Infinity']) {
      const bad = decodeSpotUserEvent({ e: 'balanceUpdate', E: 2, a: 'USDT', d, T: 1 })
      expect(bad).toMatchObject({ ok: false, error: { code: 'EXCHANGE_DATA_INVALID' } })
    }
  })

  it('malformed events are ExchangeDataErrors, never throws', () => {
    const base = fixture('ws_executionReport_ok.json').event
    for (const bad of [
      { ...base, q: 'NaN' },
      { ...base, X: 'WHAT' },
      { e: 'outboundAccountPosition', E: 1, B: [{ a: 'BTC', f: '-1', l: '0' }] },
      { e: 'balanceUpdate' },
      'not json',
      null,
      [1],
    ]) {
      const r = decodeSpotUserEvent(bad)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
    }
  })
})

describe('decodeUsdmUserEvent', () => {
  it('ORDER_TRADE_UPDATE and ALGO_UPDATE stay in wire form; ACCOUNT_UPDATE is mapped; listenKeyExpired', () => {
    const otu = decodeUsdmUserEvent(JSON.stringify(fixture('ws_orderTradeUpdate_ok.json')))
    expect(otu.ok && otu.value.kind).toBe('orderTrade')
    const algo = decodeUsdmUserEvent(fixture('ws_algoUpdate_ok.json'))
    expect(algo.ok && algo.value.kind).toBe('algo')
    const acc = decodeUsdmUserEvent({
      e: 'ACCOUNT_UPDATE',
      E: 9,
      T: 9,
      a: {
        m: 'ORDER',
        B: [{ a: 'USDT', wb: '100', cw: '100', bc: '0' }],
        P: [{ s: 'BTCUSDT', pa: '0.01', ep: '50000', cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' }],
      },
    })
    expect(acc.ok && acc.value.kind).toBe('account')
    if (acc.ok && acc.value.kind === 'account') {
      expect(acc.value.positions[0]?.qty.toString()).toBe('0.01')
      expect(acc.value.tsEvent).toBe(9)
    }
    expect(decodeUsdmUserEvent({ e: 'listenKeyExpired', E: 1 })).toEqual({
      ok: true,
      value: { kind: 'listenKeyExpired' },
    })
    // Issue 23: valid JSON that is not an event is reported, never dropped silently.
    expect(decodeUsdmUserEvent('42')).toMatchObject({ ok: false, error: { code: 'EXCHANGE_DATA_INVALID' } })
    expect(decodeUsdmUserEvent({ e: 'TRADE_LITE', E: 1 })).toEqual({ ok: true, value: { kind: 'ignored' } })
  })

  // Fixtures derived from the documented ACCOUNT_UPDATE example (developers.binance.com, USDⓈ-M Futures,
  // user-data-streams/Event-Balance-and-Position-Update; see __fixtures__/SOURCES.md): reason `m: "FUNDING_FEE"`,
  // `B` with the charged asset only (`bc` = the balance change), `P` only for an isolated position.
  it('ACCOUNT_UPDATE with reason FUNDING_FEE → funding payments with the exact bc', () => {
    const iso = decodeUsdmUserEvent(fixture('ws_accountUpdate_fundingFee_ok.json'))
    if (!iso.ok || iso.value.kind !== 'account') throw new Error('expected an account event')
    expect(iso.value.funding.map((f) => [f.venue, f.symbol, f.asset, f.amount.toFixed(), f.tsEvent])).toEqual(
      [['binance-usdm', 'BTCUSDT', 'USDT', '50.12345678', 1564745798939]],
    )
    expect(iso.value.balances.map((b) => b.asset)).toEqual(['USDT'])
    const cross = decodeUsdmUserEvent(JSON.stringify(fixture('ws_accountUpdate_fundingFeeCross_ok.json')))
    if (!cross.ok || cross.value.kind !== 'account') throw new Error('expected an account event')
    expect(cross.value.funding).toHaveLength(1)
    expect(cross.value.funding[0]).not.toHaveProperty('symbol')
    expect(cross.value.funding[0]?.amount.toFixed()).toBe('50.12345678')
    // any other reason carries no funding, whatever its bc
    const order = decodeUsdmUserEvent(fixture('ws_accountUpdate_ok.json'))
    expect(order.ok && order.value.kind === 'account' && order.value.funding).toEqual([])
    // strict: a missing or unreadable amount is an ExchangeDataError, never 0
    for (const name of [
      'ws_accountUpdate_fundingFee_bad.json',
      'ws_accountUpdate_fundingFeeAmount_bad.json',
    ]) {
      const r = decodeUsdmUserEvent(fixture(name))
      expect(r).toMatchObject({ ok: false, error: { code: 'EXCHANGE_DATA_INVALID' } })
    }
    const missing = decodeUsdmUserEvent(fixture('ws_accountUpdate_fundingFee_bad.json'))
    expect(!missing.ok && missing.error.issues).toEqual(['a.B.0.bc: required for FUNDING_FEE'])
  })

  // The documented reason list of `a.m` (USDⓈ-M user-data-streams/Event-Balance-and-Position-Update).
  it('ACCOUNT_UPDATE with a transfer reason → transfers with the exact bc (zero changes left out); others none', () => {
    const dep = decodeUsdmUserEvent(fixture('ws_accountUpdate_deposit_ok.json'))
    if (!dep.ok || dep.value.kind !== 'account') throw new Error('expected an account event')
    expect(
      dep.value.transfers.map((t) => [t.type, t.venue, t.asset, t.amount.toFixed(), t.reason, t.tsEvent]),
    ).toEqual([['account.transferred', 'binance-usdm', 'USDT', '50.12345678', 'DEPOSIT', 1564745798939]])
    expect(dep.value.funding).toEqual([])
    const base = fixture('ws_accountUpdate_deposit_ok.json')
    const withReason = (m: string) => decodeUsdmUserEvent({ ...base, a: { ...base.a, m } })
    for (const m of ['WITHDRAW', 'WITHDRAW_REJECT', 'ADMIN_DEPOSIT', 'ADMIN_WITHDRAW', 'ASSET_TRANSFER']) {
      const r = withReason(m)
      expect(r.ok && r.value.kind === 'account' && r.value.transfers.map((t) => t.reason)).toEqual([m])
    }
    // Trading results and moves inside the wallet are no transfers.
    for (const m of ['ORDER', 'MARGIN_TRANSFER', 'MARGIN_TYPE_CHANGE', 'AUTO_EXCHANGE', 'INSURANCE_CLEAR']) {
      const r = withReason(m)
      expect(r.ok && r.value.kind === 'account' && r.value.transfers).toEqual([])
    }
    // strict: a transfer without its amount is an ExchangeDataError, never 0
    const missing = decodeUsdmUserEvent(fixture('ws_accountUpdate_withdraw_bad.json'))
    expect(!missing.ok && missing.error.issues).toEqual(['a.B.0.bc: required for WITHDRAW'])
  })

  it('malformed frames are ExchangeDataErrors, never throws', () => {
    for (const bad of [
      'not json',
      { e: 'ORDER_TRADE_UPDATE', E: 1, o: { X: 'NEW' } },
      { e: 'ALGO_UPDATE', E: 1, o: {} },
      { e: 'ACCOUNT_UPDATE', E: 1, a: { B: [{ a: 'USDT', wb: 'x' }] } },
    ]) {
      const r = decodeUsdmUserEvent(bad)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('EXCHANGE_DATA_INVALID')
    }
  })
})
