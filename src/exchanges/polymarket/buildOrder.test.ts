import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { Decimal } from '../../decimal/index.js'
import { buildMarketOrder, buildOrder, limitOrderAmounts, walkBookPrice } from './buildOrder.js'
import { ROUNDING_RULES, TICK_SIZES, type TickSize } from './constants.js'
import { marketOrderAmounts } from './marketOrderAmounts.js'

const EOA = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const SAFE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

/**
 * Reference oracle: Polymarket's clob-client-v2 getOrderRawAmounts + parseUnits, transcribed as a spec (float
 * arithmetic included) so tradekit's exact-decimal amounts can be compared with what the official client sends.
 */
function decimalPlaces(n: number): number {
  if (Number.isInteger(n)) return 0
  const parts = n.toString().split('.')
  return parts.length <= 1 ? 0 : (parts[1] ?? '').length
}
const roundNormal = (n: number, d: number) =>
  decimalPlaces(n) <= d ? n : Math.round((n + Number.EPSILON) * 10 ** d) / 10 ** d
const roundDown = (n: number, d: number) => (decimalPlaces(n) <= d ? n : Math.floor(n * 10 ** d) / 10 ** d)
const roundUp = (n: number, d: number) => (decimalPlaces(n) <= d ? n : Math.ceil(n * 10 ** d) / 10 ** d)
function referenceAmounts(side: 'BUY' | 'SELL', size: number, price: number, tick: TickSize) {
  const rc = ROUNDING_RULES[tick]
  const p = roundNormal(price, rc.price)
  const shares = roundDown(size, rc.size)
  let amount = shares * p
  if (decimalPlaces(amount) > rc.amount) {
    amount = roundUp(amount, rc.amount + 4)
    if (decimalPlaces(amount) > rc.amount) amount = roundDown(amount, rc.amount)
  }
  const units = (v: number) => new Decimal(v.toString()).times(1e6).toFixed(0)
  return side === 'BUY'
    ? { makerAmount: units(amount), takerAmount: units(shares) }
    : { makerAmount: units(shares), takerAmount: units(amount) }
}

const base = { negRisk: false, signatureType: 0 as const, signer: EOA }

describe('limit order amounts', () => {
  it.each([
    // Polymarket's own helper tests: 0.5 × 21.04 → 10.52 pUSD
    ['BUY', '0.5', '21.04', '0.01', '10520000', '21040000'],
    ['SELL', '0.5', '21.04', '0.01', '21040000', '10520000'],
    ['BUY', '0.3', '3', '0.1', '900000', '3000000'],
    ['BUY', '0.056', '21.04', '0.001', '1178240', '21040000'],
    ['SELL', '0.0056', '21.04', '0.0001', '21040000', '117824'],
    ['BUY', '0.505', '10.009', '0.005', '5050000', '10000000'],
    ['SELL', '0.9975', '7.77', '0.0025', '7770000', '7750575'],
  ] as const)('%s %s × %s at tick %s', (side, price, size, tick, maker, taker) => {
    const a = limitOrderAmounts(side, price, size, tick)
    expect([a.makerAmount, a.takerAmount]).toEqual([maker, taker])
  })

  it('matches the official client on every tick size and side (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TICK_SIZES),
        fc.constantFrom('BUY' as const, 'SELL' as const),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (tick, side, stepIndex, sizeCents) => {
          const t = new Decimal(tick)
          const steps = new Decimal(1).div(t).toNumber()
          const p = t.times((stepIndex % (steps - 1)) + 1)
          const size = new Decimal(sizeCents).div(100)
          const ours = limitOrderAmounts(side, p.toFixed(), size.toFixed(), tick)
          const ref = referenceAmounts(side, size.toNumber(), p.toNumber(), tick)
          expect({ makerAmount: ours.makerAmount, takerAmount: ours.takerAmount }).toEqual(ref)
          // exact: amount = size × price, within the tick's amount decimals
          const amount = side === 'BUY' ? ours.makerAmount : ours.takerAmount
          expect(new Decimal(amount).div(1e6).eq(size.times(p))).toBe(true)
          expect(new Decimal(amount).div(1e6).decimalPlaces()).toBeLessThanOrEqual(
            ROUNDING_RULES[tick].amount,
          )
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('rounds the price half-up and the size down like the official client', () => {
    const a = limitOrderAmounts('BUY', '0.555', '10.019', '0.01')
    expect(a.price.toFixed()).toBe('0.56')
    expect(a.size.toFixed()).toBe('10.01')
  })

  it.each([
    ['0', '0.01'],
    ['1', '0.01'],
    ['0.995', '0.01'],
    ['0.0001', '0.001'],
    ['0.9999', '0.001'],
    ['0.501', '0.005'],
    ['0.5001', '0.0025'],
    ['-0.5', '0.01'],
  ] as const)('rejects price %s at tick %s with a typed error', (price, tick) => {
    expect(() => limitOrderAmounts('BUY', price, '10', tick)).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    )
  })

  it('rejects zero, negative and sub-cent sizes, NaN and bad tick sizes', () => {
    for (const size of ['0', '-1', '0.001', 'NaN', '', '1e3']) {
      expect(() => limitOrderAmounts('BUY', '0.5', size, '0.01')).toThrowError(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      )
    }
    expect(() => limitOrderAmounts('BUY', '0.5', '1', '0.02' as TickSize)).toThrowError(/tick size/)
  })
})

describe('market order amounts', () => {
  it('exactRatio: stays within maker ≤ 2 and taker ≤ 4 decimals and encodes the exact price on every tick (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TICK_SIZES),
        fc.constantFrom('BUY' as const, 'SELL' as const),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 100, max: 5_000_000 }),
        (tick, side, stepIndex, amountCents) => {
          const t = new Decimal(tick)
          const steps = new Decimal(1).div(t).toNumber()
          const p = t.times((stepIndex % (steps - 1)) + 1)
          const amount = new Decimal(amountCents).div(100).plus(new Decimal(stepIndex).div(1e6))
          let a: ReturnType<typeof marketOrderAmounts>
          try {
            a = marketOrderAmounts(side, amount.toFixed(), p.toFixed(), tick, 'exactRatio')
          } catch (e) {
            // only legitimately too small amounts may fail
            expect((e as Error).message).toMatch(/too small/)
            return
          }
          const maker = new Decimal(a.makerAmount).div(1e6)
          const taker = new Decimal(a.takerAmount).div(1e6)
          expect(maker.decimalPlaces()).toBeLessThanOrEqual(2)
          expect(taker.decimalPlaces()).toBeLessThanOrEqual(4)
          expect(maker.gt(0) && taker.gt(0)).toBe(true)
          const price = side === 'BUY' ? maker.div(taker) : taker.div(maker)
          expect(price.eq(p)).toBe(true)
          if (side === 'BUY') expect(maker.lte(amount)).toBe(true)
          else expect(maker.lte(amount)).toBe(true)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('exactRatio: fixes what the official client gets wrong on fine ticks', () => {
    // Official: maker 10, taker = 10 / 0.0003 truncated to 4 decimals = 33333.3333 → price 0.00030000003, off-tick.
    const a = marketOrderAmounts('BUY', '10', '0.0003', '0.0001', 'exactRatio')
    const maker = new Decimal(a.makerAmount).div(1e6)
    const taker = new Decimal(a.takerAmount).div(1e6)
    expect(maker.div(taker).toFixed()).toBe('0.0003')
    expect(maker.lte(10)).toBe(true)
  })

  it('walks the book for the worst price and honours FOK/FAK', () => {
    const asks = [
      { price: '0.5', size: '100' },
      { price: '0.55', size: '100' },
      { price: '0.6', size: '100' },
    ]
    expect(walkBookPrice('BUY', '60', asks).toFixed()).toBe('0.55')
    expect(walkBookPrice('SELL', '150', asks).toFixed()).toBe('0.55')
    expect(() => walkBookPrice('BUY', '1000', asks)).toThrowError(/FOK/)
    expect(walkBookPrice('BUY', '1000', asks, 'FAK').toFixed()).toBe('0.6')
    expect(() => walkBookPrice('BUY', '1', [])).toThrowError(/liquidity/)
  })
})

describe('buildOrder', () => {
  it('builds an EOA order with decimal-string uints', async () => {
    const stamped = await buildOrder(
      { tokenId: TOKEN, price: '0.55', size: '10', side: 'BUY', salt: '123' },
      { ...base, tickSize: '0.01', clock: new ManualClock(1_700_000_000_000) },
    )
    expect(stamped.timestamp).toBe('1700000000000') // an omitted timestamp comes from the clock
    const o = await buildOrder(
      { tokenId: TOKEN, price: '0.55', size: '10', side: 'BUY', salt: '123', timestamp: 1_700_000_000_000 },
      { ...base, tickSize: '0.01' },
    )
    expect(o).toEqual({
      salt: '123',
      maker: EOA,
      signer: EOA,
      tokenId: TOKEN,
      makerAmount: '5500000',
      takerAmount: '10000000',
      side: 'BUY',
      signatureType: 0,
      timestamp: '1700000000000',
      expiration: '0',
      metadata: `0x${'0'.repeat(64)}`,
      builder: `0x${'0'.repeat(64)}`,
      version: 2,
    })
  })

  it('uses the funder as maker for signature types 1 and 2', async () => {
    for (const signatureType of [1, 2] as const) {
      const o = await buildOrder(
        { tokenId: TOKEN, price: '0.4', size: '5', side: 'SELL' },
        { tickSize: '0.1', negRisk: true, signatureType, signer: EOA, funder: SAFE.toLowerCase() },
      )
      expect(o.maker).toBe(SAFE)
      expect(o.signer).toBe(EOA)
      expect(o.signatureType).toBe(signatureType)
      expect(Number(o.salt)).toBeLessThan(2 ** 53)
    }
    await expect(
      buildOrder(
        { tokenId: TOKEN, price: '0.4', size: '5', side: 'SELL' },
        { tickSize: '0.1', negRisk: true, signatureType: 2, signer: EOA },
      ),
    ).rejects.toThrowError(/funder/)
  })

  it('validates ids, addresses and bytes32 fields', async () => {
    const o = { tokenId: TOKEN, price: '0.5', size: '5', side: 'BUY' as const }
    await expect(buildOrder({ ...o, tokenId: 'abc' }, { ...base, tickSize: '0.01' })).rejects.toThrowError(
      /token id/,
    )
    await expect(buildOrder(o, { ...base, signer: '0x123', tickSize: '0.01' })).rejects.toThrowError(/signer/)
    await expect(buildOrder({ ...o, metadata: '0x12' }, { ...base, tickSize: '0.01' })).rejects.toThrowError(
      /metadata/,
    )
  })

  it('builds market orders from a price or the book', async () => {
    const o = await buildMarketOrder(
      { tokenId: TOKEN, side: 'BUY', amount: '10', book: [{ price: '0.5', size: '100' }] },
      { ...base, tickSize: '0.01' },
    )
    expect([o.makerAmount, o.takerAmount, o.expiration]).toEqual(['10000000', '20000000', '0'])
    await expect(
      buildMarketOrder({ tokenId: TOKEN, side: 'BUY', amount: '10' }, { ...base, tickSize: '0.01' }),
    ).rejects.toThrow(/price or a book/)
  })
})
