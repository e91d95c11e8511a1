import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { ROUNDING_RULES, type TickSize } from './constants.js'
import { marketOrderAmounts } from './marketOrderAmounts.js'

/**
 * Reference oracle: clob-client-v2 1.1.0 `getMarketOrderRawAmounts` + viem `parseUnits(x.toString(), 6)`,
 * transcribed as a spec (float arithmetic included), so the default ('official') amounts can be compared with what
 * the official client computes on many more inputs than the committed vectors.
 */
function decimalPlaces(n: number): number {
  if (Number.isInteger(n)) return 0
  const parts = n.toString().split('.')
  return parts.length <= 1 ? 0 : (parts[1] ?? '').length
}
const roundDown = (n: number, d: number) => (decimalPlaces(n) <= d ? n : Math.floor(n * 10 ** d) / 10 ** d)
const roundUp = (n: number, d: number) => (decimalPlaces(n) <= d ? n : Math.ceil(n * 10 ** d) / 10 ** d)
function official(side: 'BUY' | 'SELL', amount: number, price: number, tick: TickSize) {
  const rc = ROUNDING_RULES[tick]
  const rawPrice = roundDown(price, rc.price)
  const maker = roundDown(amount, rc.size)
  let taker = side === 'BUY' ? maker / rawPrice : maker * rawPrice
  if (decimalPlaces(taker) > rc.amount) {
    taker = roundUp(taker, rc.amount + 4)
    if (decimalPlaces(taker) > rc.amount) taker = roundDown(taker, rc.amount)
  }
  const units = (v: number) => new Decimal(v.toString()).times(1e6).toFixed(0)
  return { makerAmount: units(maker), takerAmount: units(taker) }
}

describe('market order amounts, default (official client)', () => {
  it('is bit-identical with the official client on 0.1 and 0.01 ticks (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TickSize>('0.1', '0.01'),
        fc.constantFrom('BUY' as const, 'SELL' as const),
        fc.integer({ min: 1, max: 98 }),
        fc.integer({ min: 100, max: 5_000_000 }),
        (tick, side, step, cents) => {
          const t = new Decimal(tick)
          const p = t.times(tick === '0.1' ? (step % 9) + 1 : step)
          const amount = new Decimal(cents).div(100)
          const a = marketOrderAmounts(side, amount.toFixed(), p.toFixed(), tick)
          expect({ makerAmount: a.makerAmount, takerAmount: a.takerAmount }).toEqual(
            official(side, amount.toNumber(), p.toNumber(), tick),
          )
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('on finer ticks truncates the official taker amount to the server’s 4 decimals (± the client’s float noise)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TickSize>('0.001', '0.0001'),
        fc.constantFrom('BUY' as const, 'SELL' as const),
        fc.integer({ min: 1, max: 998 }),
        fc.integer({ min: 100, max: 500_000 }),
        (tick, side, step, cents) => {
          const p = new Decimal(tick).times(step)
          const amount = new Decimal(cents).div(100)
          const a = marketOrderAmounts(side, amount.toFixed(), p.toFixed(), tick)
          const o = official(side, amount.toNumber(), p.toNumber(), tick)
          expect(a.makerAmount).toBe(o.makerAmount)
          expect(BigInt(a.takerAmount) % 100n).toBe(0n)
          // The client divides in floats: BUY 4512.73 at 0.001 gives it 4512729.99999 shares where the exact
          // quotient (tradekit's) is 4512730. So: its truncation, or one unit of the 4th decimal above it.
          const diff = BigInt(a.takerAmount) - (BigInt(o.takerAmount) / 100n) * 100n
          expect(diff === 0n || diff === 100n).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('spends what was asked: BUY $100 and $5 at 0.57 (the issue’s examples)', () => {
    const big = marketOrderAmounts('BUY', '100', '0.57', '0.01')
    expect([big.makerAmount, big.takerAmount]).toEqual(['100000000', '175438500'])
    const small = marketOrderAmounts('BUY', '5', '0.57', '0.01')
    expect(small.makerAmount).toBe('5000000')
    const exact = marketOrderAmounts('BUY', '5', '0.57', '0.01', 'exactRatio')
    expect([exact.makerAmount, exact.takerAmount]).toEqual(['4560000', '8000000'])
    expect(() => marketOrderAmounts('BUY', '5', '0.57', '0.01', 'nope' as never)).toThrow(/rounding/)
    expect(() => marketOrderAmounts('BUY', '0.001', '0.57', '0.01')).toThrow(/too small/)
  })
})
