import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { OrderRequest } from '../../core/index.js'
import { Decimal, isMultipleOf } from '../../decimal/index.js'
import { type BinanceSymbolRules, parseExchangeInfo, parseSymbolRules, prepareOrder } from './instruments.js'

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

function rules(market: 'spot' | 'usdm', filters: unknown[], status = 'TRADING'): BinanceSymbolRules {
  const r = parseSymbolRules(
    { symbol: 'BTCUSDT', status, baseAsset: 'BTC', quoteAsset: 'USDT', filters },
    market,
  )
  if (!r.ok) throw r.error
  return r.value
}

const order = (o: Partial<OrderRequest>): OrderRequest => ({
  clientOrderId: 'c-1',
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('1'),
  price: new Decimal('100'),
  timeInForce: 'GTC',
  ...o,
})

describe('parseExchangeInfo', () => {
  it('parses the documented spot example into an Instrument, reporting the malformed symbol separately', () => {
    // ETHBTC of Binance's exchangeInfo example with the filters.md example of each filter (see SOURCES.md).
    const { symbols, errors } = parseExchangeInfo(fixture('rest_exchangeInfo_spot.json'), 'spot')
    const eth = symbols.get('ETHBTC')
    expect(eth?.instrument).toMatchObject({
      venue: 'binance',
      symbol: 'ETHBTC',
      base: 'ETH',
      quote: 'BTC',
      kind: 'spot',
    })
    expect(eth?.instrument.tickSize.toString()).toBe('0.000001')
    expect(eth?.instrument.stepSize.toString()).toBe('0.001')
    expect(eth?.instrument.minNotional?.toString()).toBe('10')
    expect(eth?.percentPrice?.bidUp.toString()).toBe('1.2')
    expect(eth?.notional?.applyMinToMarket).toBe(false)
    expect(eth?.maxNumOrders).toBe(25)
    expect(eth?.maxNumAlgoOrders).toBe(5)
    expect(eth?.marketLot?.step.toString()).toBe('0.001')
    expect(symbols.has('BADUSDT')).toBe(false)
    expect(errors).toHaveLength(1)
    expect(errors[0]?.issues.join()).toContain('maxPrice')
  })

  it('parses a captured spot exchangeInfo (legacy MIN_NOTIONAL / PERCENT_PRICE, zero MARKET_LOT_SIZE step)', () => {
    const { symbols, errors } = parseExchangeInfo(fixture('rest_exchangeInfo_spotCapture.json'), 'spot')
    expect(errors).toHaveLength(0)
    const btc = symbols.get('BTCUSDT')
    expect(btc?.instrument.tickSize.toString()).toBe('0.01')
    expect(btc?.instrument.stepSize.toString()).toBe('0.00001')
    expect(btc?.instrument.minNotional?.toString()).toBe('10')
    expect(btc?.marketLot?.step.isZero()).toBe(true)
    expect(symbols.has('ETHUSDT')).toBe(true)
  })

  it('parses the documented USD-M example (MIN_NOTIONAL.notional, PERCENT_PRICE, limit fields)', () => {
    const { symbols, errors } = parseExchangeInfo(fixture('rest_exchangeInfo_usdm.json'), 'usdm')
    expect(errors).toHaveLength(0)
    const blz = symbols.get('BLZUSDT')
    expect(blz?.instrument).toMatchObject({ venue: 'binance-usdm', kind: 'perpetual' })
    expect(blz?.instrument.minNotional?.toString()).toBe('5')
    expect(blz?.notional?.applyMinToMarket).toBe(true)
    expect(blz?.percentPrice?.askUp.toString()).toBe('1.15')
    expect(blz?.maxNumOrders).toBe(200)
    expect(blz?.marketLot?.max.toString()).toBe('590119')
  })
})

const SPOT = rules('spot', [
  { filterType: 'PRICE_FILTER', minPrice: '0.03', maxPrice: '1000000', tickSize: '0.05' },
  { filterType: 'LOT_SIZE', minQty: '0.003', maxQty: '100', stepSize: '0.01' },
  {
    filterType: 'NOTIONAL',
    minNotional: '5',
    applyMinToMarket: true,
    maxNotional: '1000',
    applyMaxToMarket: false,
  },
  {
    filterType: 'PERCENT_PRICE_BY_SIDE',
    bidMultiplierUp: '1.5',
    bidMultiplierDown: '0.5',
    askMultiplierUp: '1.5',
    askMultiplierDown: '0.5',
  },
])
const FUT = rules('usdm', [
  { filterType: 'PRICE_FILTER', minPrice: '0.03', maxPrice: '1000000', tickSize: '0.05' },
  { filterType: 'LOT_SIZE', minQty: '0.003', maxQty: '100', stepSize: '0.01' },
  { filterType: 'MIN_NOTIONAL', notional: '5' },
])

describe('prepareOrder', () => {
  it('spot measures tick and step from 0; a BUY rounds down, a SELL up, quantity always down', () => {
    expect(prepareOrder(order({ price: new Decimal('100.07'), qty: new Decimal('1.019') }), SPOT)).toEqual({
      ok: true,
      value: { quantity: '1.01', price: '100.05' },
    })
    expect(prepareOrder(order({ side: 'SELL', price: new Decimal('100.07') }), SPOT)).toMatchObject({
      ok: true,
      value: { price: '100.1' },
    })
  })

  it('USD-M measures tick and step from minPrice / minQty', () => {
    // Grid 0.03 + k·0.05 → 100.03, 100.08; qty grid 0.003 + k·0.01 → 1.013.
    const r = prepareOrder(
      order({ venue: 'binance-usdm', price: new Decimal('100.07'), qty: new Decimal('1.019') }),
      FUT,
    )
    expect(r).toEqual({ ok: true, value: { quantity: '1.013', price: '100.03' } })
    const s = prepareOrder(
      order({ venue: 'binance-usdm', side: 'SELL', price: new Decimal('100.07'), qty: new Decimal('1.019') }),
      FUT,
    )
    expect(s.ok && s.value.price).toBe('100.08')
  })

  it.each([
    [{ qty: new Decimal('0.001') }, 'LOT_SIZE'],
    [{ qty: new Decimal('101') }, 'LOT_SIZE'],
    [{ price: new Decimal('0.01') }, 'PRICE_FILTER'],
    [{ price: new Decimal('2'), qty: new Decimal('1') }, 'NOTIONAL'],
    [{ price: new Decimal('500'), qty: new Decimal('3') }, 'NOTIONAL'],
    [{ clientOrderId: 'has space' }, 'newClientOrderId'],
    [{ clientOrderId: 'x'.repeat(37) }, 'newClientOrderId'],
  ])('rejects %o before sending (%s)', (o, filter) => {
    const r = prepareOrder(order(o), SPOT)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION_FAILED')
      expect(r.error.details.filter).toBe(filter)
    }
  })

  it('PERCENT_PRICE_BY_SIDE needs a reference price; MARKET notional uses it', () => {
    expect(
      prepareOrder(order({ price: new Decimal('200') }), SPOT, { referencePrice: new Decimal('100') }).ok,
    ).toBe(false)
    expect(
      prepareOrder(order({ price: new Decimal('140') }), SPOT, { referencePrice: new Decimal('100') }).ok,
    ).toBe(true)
    const mkt = order({ type: 'MARKET', price: undefined, timeInForce: undefined, qty: new Decimal('0.01') })
    expect(prepareOrder(mkt, SPOT).ok).toBe(true)
    expect(prepareOrder(mkt, SPOT, { referencePrice: new Decimal('100') }).ok).toBe(false)
  })

  it('USD-M reduce-only orders skip MIN_NOTIONAL (Binance -4164: "unless you choose reduce only"); spot does not', () => {
    const dust = { venue: 'binance-usdm', price: new Decimal('100'), qty: new Decimal('0.013') }
    const plain = prepareOrder(order(dust), FUT)
    expect(plain.ok === false && plain.error.details.filter).toBe('MIN_NOTIONAL')
    expect(prepareOrder(order({ ...dust, side: 'SELL', reduceOnly: true }), FUT)).toEqual({
      ok: true,
      value: { quantity: '0.013', price: '100.03' },
    })
    const mkt = {
      ...dust,
      type: 'MARKET' as const,
      price: undefined,
      timeInForce: undefined,
      reduceOnly: true,
    }
    expect(prepareOrder(order(mkt), FUT, { referencePrice: new Decimal('100') }).ok).toBe(true)
    // Other filters still apply to a reduce-only order.
    expect(prepareOrder(order({ ...dust, reduceOnly: true, qty: new Decimal('0.001') }), FUT).ok).toBe(false)
    // Spot has no reduce-only: the flag waives nothing there.
    const spot = prepareOrder(
      order({ price: new Decimal('2'), qty: new Decimal('1'), reduceOnly: true }),
      SPOT,
    )
    expect(spot.ok === false && spot.error.details.filter).toBe('NOTIONAL')
  })

  it('MARKET orders pass LOT_SIZE and MARKET_LOT_SIZE both; a zero MARKET_LOT_SIZE step keeps the LOT_SIZE grid', () => {
    // The captured spot BTCUSDT: LOT_SIZE [0.00001, 9000] step 0.00001, MARKET_LOT_SIZE [0, 112.2110882] step 0.
    const btc = parseExchangeInfo(fixture('rest_exchangeInfo_spotCapture.json'), 'spot').symbols.get(
      'BTCUSDT',
    )
    if (btc === undefined) throw new Error('BTCUSDT missing')
    const mkt = (qty: string, type: OrderRequest['type'] = 'MARKET') =>
      prepareOrder(
        order({ type, side: 'SELL', price: undefined, timeInForce: undefined, qty: new Decimal(qty) }),
        btc,
      )
    const big = mkt('500')
    expect(big.ok === false && big.error.details.filter).toBe('MARKET_LOT_SIZE')
    expect(big.ok === false && big.error.message).toContain('maxQty "112.2110882"')
    expect(mkt('112.21108820')).toEqual({ ok: true, value: { quantity: '112.21108' } })
    expect(mkt('0.0000123')).toEqual({ ok: true, value: { quantity: '0.00001' } })
    const tiny = mkt('0.000001')
    expect(tiny.ok === false && tiny.error.details.filter).toBe('LOT_SIZE')
    // A LIMIT order of the same size only meets LOT_SIZE.
    expect(
      prepareOrder(order({ side: 'SELL', price: new Decimal('100000'), qty: new Decimal('500') }), btc).ok,
    ).toBe(true)
    // A non-zero MARKET_LOT_SIZE step is the grid; LOT_SIZE's max still applies.
    const fut = rules('usdm', [
      { filterType: 'PRICE_FILTER', minPrice: '0.1', maxPrice: '1000000', tickSize: '0.1' },
      { filterType: 'LOT_SIZE', minQty: '0.001', maxQty: '50', stepSize: '0.001' },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.01', maxQty: '120', stepSize: '0.01' },
    ])
    const f = (qty: string) =>
      prepareOrder(
        order({
          venue: 'binance-usdm',
          type: 'MARKET',
          price: undefined,
          timeInForce: undefined,
          qty: new Decimal(qty),
        }),
        fut,
      )
    expect(f('1.2345')).toEqual({ ok: true, value: { quantity: '1.23' } })
    const overLot = f('60')
    expect(overLot.ok === false && overLot.error.details.filter).toBe('LOT_SIZE')
    const underMarket = f('0.005')
    expect(underMarket.ok === false && underMarket.error.details.filter).toBe('MARKET_LOT_SIZE')
  })

  it('a halted symbol is refused', () => {
    const halted = rules(
      'spot',
      [
        { filterType: 'PRICE_FILTER', minPrice: '0.01', maxPrice: '0', tickSize: '0.01' },
        { filterType: 'LOT_SIZE', minQty: '0.01', maxQty: '0', stepSize: '0.01' },
      ],
      'HALT',
    )
    expect(prepareOrder(order({}), halted).ok).toBe(false)
  })

  it('property: accepted orders always sit on the grid and never exceed the request', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999 }),
        fc.integer({ min: 300, max: 9_999_999 }),
        fc.boolean(),
        fc.boolean(),
        (p, q, sell, fut) => {
          const price = new Decimal(p).div(1000)
          const qty = new Decimal(q).div(100_000)
          const rr = fut ? FUT : SPOT
          const r = prepareOrder(
            order({ side: sell ? 'SELL' : 'BUY', price, qty, venue: fut ? 'binance-usdm' : 'binance' }),
            rr,
          )
          if (!r.ok) return
          const origin = fut ? '0.03' : '0'
          expect(isMultipleOf(r.value.price as string, '0.05', origin)).toBe(true)
          expect(isMultipleOf(r.value.quantity, '0.01', fut ? '0.003' : '0')).toBe(true)
          expect(new Decimal(r.value.quantity).lte(qty)).toBe(true)
          if (sell) expect(new Decimal(r.value.price as string).gte(price)).toBe(true)
          else expect(new Decimal(r.value.price as string).lte(price)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})
