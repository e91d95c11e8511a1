import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QuoteLevel } from '../../core/quotes.js'
import { Decimal } from '../../decimal/index.js'
import { diffQuotes, type RestingQuote } from './diffQuotes.js'

const side = fc.constantFrom('BUY' as const, 'SELL' as const)
const price = fc.integer({ min: 95, max: 105 }).map((p) => new Decimal(p))
const qty = fc.integer({ min: 1, max: 3 }).map((q) => new Decimal(q))

describe('diffQuotes (property)', () => {
  it('keeps or places each target exactly once, cancels the rest, and never replaces an exact match', () => {
    const target = fc.record({ symbol: fc.constant('X'), side, price, qty })
    const resting = fc.record({ side, price, remaining: qty })
    fc.assert(
      fc.property(fc.array(target, { maxLength: 6 }), fc.array(resting, { maxLength: 6 }), (ts, rs) => {
        const rest: RestingQuote[] = rs.map((r, i) => ({
          ...r,
          clientOrderId: `r${i}`,
          symbol: 'X',
          ageMs: 1_000,
          offGrid: false,
        }))
        const d = diffQuotes(ts as QuoteLevel[], rest, ['X'], {
          price: () => new Decimal(0),
          sizeFraction: 0,
          minOrderAgeMs: 0,
        })
        const ids = rest.map((r) => r.clientOrderId).sort()
        expect([...d.kept, ...d.cancels].sort()).toEqual(ids)
        expect(d.kept.length + d.places.length).toBe(ts.length)
        // Exact tolerance: a target is placed only when no unmatched resting order equals it.
        for (const s of ['BUY', 'SELL']) {
          const key = (p: Decimal, q: Decimal): string => `${p}@${q}`
          const want = new Map<string, number>()
          for (const t of ts.filter((x) => x.side === s))
            want.set(key(t.price, t.qty), (want.get(key(t.price, t.qty)) ?? 0) + 1)
          const have = new Map<string, number>()
          for (const r of rest.filter((x) => x.side === s))
            have.set(key(r.price, r.remaining), (have.get(key(r.price, r.remaining)) ?? 0) + 1)
          let mustPlace = 0
          for (const [k, n] of want) mustPlace += Math.max(0, n - (have.get(k) ?? 0))
          expect(d.places.filter((p) => p.side === s)).toHaveLength(mustPlace)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('leaves resting quotes of symbols the set does not cover alone', () => {
    const d = diffQuotes(
      [],
      [
        {
          clientOrderId: 'o',
          symbol: 'Y',
          side: 'BUY',
          price: new Decimal(1),
          remaining: new Decimal(1),
          ageMs: 0,
          offGrid: false,
        },
      ],
      ['X'],
      { price: () => new Decimal(0), sizeFraction: 0, minOrderAgeMs: 0 },
    )
    expect(d).toEqual({ cancels: [], places: [], kept: [] })
  })
})

describe('diffQuotes: spot and outcome tokens', () => {
  it('on a sizeCapped symbol, keeps no resting quote, tolerated or young, for a smaller target: it would commit more', () => {
    const q = (id: string, remaining: string, ageMs = 1_000): RestingQuote => ({
      clientOrderId: id,
      symbol: 'X',
      side: 'BUY',
      price: new Decimal(99),
      remaining: new Decimal(remaining),
      ageMs,
      offGrid: false,
    })
    const target: QuoteLevel = { symbol: 'X', side: 'BUY', price: new Decimal(99), qty: new Decimal(1) }
    const tol = { price: () => new Decimal(0), sizeFraction: 0.1, minOrderAgeMs: 500 }
    const capped = { ...tol, sizeCapped: (s: string) => s === 'X' }
    // 1.05 is within the 10 % tolerance of 1 and kept on a perpetual; on spot it is replaced by the target.
    expect(diffQuotes([target], [q('a', '1.05')], ['X'], tol).kept).toEqual(['a'])
    expect(diffQuotes([target], [q('a', '1.05')], ['X'], capped)).toEqual({
      cancels: ['a'],
      places: [target],
      kept: [],
    })
    // 0.95 commits less: kept either way. A young 2 stands in for the target only where size is not capped.
    expect(diffQuotes([target], [q('a', '0.95')], ['X'], capped).kept).toEqual(['a'])
    expect(diffQuotes([target], [q('y', '2', 10)], ['X'], tol).kept).toEqual(['y'])
    expect(diffQuotes([target], [q('y', '2', 10)], ['X'], capped).cancels).toEqual(['y'])
    // A young bid of the same size priced far above its target (the market fell) would cost more: replaced too.
    const fell: QuoteLevel = { ...target, price: new Decimal(60) }
    expect(diffQuotes([fell], [q('y', '1', 10)], ['X'], tol).kept).toEqual(['y'])
    expect(diffQuotes([fell], [q('y', '1', 10)], ['X'], capped).cancels).toEqual(['y'])
  })
})
