import { describe, expect, it } from 'vitest'
import { D, position } from '../__fixtures__/builders.js'
import { checkContext } from '../__fixtures__/checkContext.js'

describe('RiskCheckContext', () => {
  it('nets the positions on the instrument, once', () => {
    const ctx = checkContext({
      account: { positions: [position('BTCUSDT', 1), position('BTCUSDT', '0.5'), position('ETHUSDT', 3)] },
    })
    const r = ctx.position()
    expect(r.ok && r.value?.toString()).toBe('1.5')
    expect(ctx.position()).toBe(r)
    expect(ctx.positionQty()?.toString()).toBe('1.5')
  })

  it('uses the price as entry for MARKET and the side-rounded limit for LIMIT', () => {
    const m = checkContext().entry()
    expect(m.ok && m.value.toString()).toBe('100')
    const buy = checkContext({ signal: { orderType: 'LIMIT', limitPrice: D('99.555') } }).entry()
    expect(buy.ok && buy.value.toString()).toBe('99.55')
    const sell = checkContext({
      signal: { side: 'SELL', orderType: 'LIMIT', limitPrice: D('100.555'), stopPrice: D('102') },
    }).entry()
    expect(sell.ok && sell.value.toString()).toBe('100.56')
  })

  it('takes the given stop, else derives one from the ATR', () => {
    const given = checkContext().stop()
    expect(given.ok && given.value).toEqual({ stop: D('98'), fromAtr: false })
    const atr = checkContext({ signal: { stopPrice: undefined }, market: { atr: 2 } }).stop()
    expect(atr.ok && atr.value.fromAtr).toBe(true)
    expect(atr.ok && atr.value.stop?.toString()).toBe('97') // 1.5 × ATR below 100
    const none = checkContext({ signal: { stopPrice: undefined } }).stop()
    expect(none.ok && none.value.stop).toBeUndefined()
  })

  it('counts exposure: positions, pending instruments, entries here, same-direction group members', () => {
    const ctx = checkContext({
      config: { correlation: { groups: { majors: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] } } },
      account: {
        positions: [position('ETHUSDT', 1), position('SOLUSDT', -1), position('XRPUSDT', 0)],
        openOrders: [
          { ...openOrderLike('a'), symbol: 'BTCUSDT' },
          { ...openOrderLike('b'), symbol: 'DOGEUSDT' },
        ],
      },
    })
    expect(ctx.exposure()).toEqual({
      totalOpen: 3,
      entryOrdersHere: 1,
      hasPosition: false,
      group: 'majors',
      sameDirectionInGroup: 1,
    })
    expect(ctx.correlation()).toEqual({ scale: 0.7, dec: D('0.7') })
  })

  it('picks sizing by venue:symbol, symbol, strategy, then the default', () => {
    const fixed = { method: 'fixedNotional' as const, notional: '100' }
    expect(checkContext().sizing().method).toBe('fixedFractional')
    expect(checkContext({ config: { sizingByStrategy: { s1: fixed } } }).sizing().method).toBe(
      'fixedNotional',
    )
    expect(
      checkContext({
        config: {
          sizingByStrategy: { s1: fixed },
          sizingBySymbol: { 'binance:BTCUSDT': { method: 'volatilityTarget' } },
        },
      }).sizing().method,
    ).toBe('volatilityTarget')
  })

  it('reads leverage per symbol, and confidence only when scaling by it', () => {
    expect(checkContext({ config: { leverage: 2, leverageBySymbol: { BTCUSDT: 3 } } }).leverage()).toBe(3)
    const c = checkContext({ signal: { confidence: 0.4 } }).confidence()
    expect(c.ok && c.value).toBe(1)
    const s = checkContext({ signal: { confidence: 0.4 }, config: { scaleByConfidence: true } }).confidence()
    expect(s.ok && s.value).toBe(0.4)
  })
})

function openOrderLike(id: string) {
  return {
    clientOrderId: id,
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY' as const,
    type: 'LIMIT' as const,
    qty: D('1'),
    price: D('90'),
    status: 'OPEN' as const,
    filledQty: D(0),
    tsCreated: 0,
    tsUpdated: 0,
  }
}
