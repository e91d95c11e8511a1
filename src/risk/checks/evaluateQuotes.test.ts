import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QuoteLevel } from '../../core/quotes.js'
import { Decimal } from '../../decimal/index.js'
import { account, D, instrument, market } from '../__fixtures__/builders.js'
import { QuoteLimitsConfigSchema } from '../QuoteLimitsConfig.js'
import { evaluateQuotes } from './evaluateQuotes.js'

const inst = instrument({ venue: 'pm', symbol: 'yes', stepSize: D('0.01'), minQty: D('0.01') })
const sym = ['yes', 'no'] as const

describe('evaluateQuotes (property)', () => {
  it('whatever the positions and levels, no instrument and no pair can pass its limit if every kept level fills', () => {
    const level = fc.record({
      symbol: fc.constantFrom(...sym),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      price: fc.integer({ min: 1, max: 99 }).map((c) => new Decimal(c).div(100)),
      qty: fc.integer({ min: 1, max: 5_000 }).map((c) => new Decimal(c).div(100)),
    })
    fc.assert(
      fc.property(
        fc.integer({ min: -8_000, max: 8_000 }),
        fc.integer({ min: -8_000, max: 8_000 }),
        fc.array(level, { maxLength: 12 }),
        (yesPos, noPos, levels) => {
          const limits = QuoteLimitsConfigSchema.parse({
            maxInventory: '40',
            maxPairInventory: '60',
            maxLevels: 20,
          })
          const pos = { yes: new Decimal(yesPos).div(100), no: new Decimal(noPos).div(100) }
          const r = evaluateQuotes(
            {
              strategyId: 's',
              venue: 'pm',
              symbols: [...sym],
              levels,
              outcomePair: ['yes', 'no'],
              tsEvent: 0,
            },
            {
              limits,
              account: account({
                positions: sym.map((s) => ({
                  venue: 'pm',
                  symbol: s,
                  qty: pos[s],
                  realizedPnl: D(0),
                  unrealizedPnl: D(0),
                })),
              }),
              market: (s) => market({ instrument: { ...inst, symbol: s }, priceTs: 0 }),
              state: 'ACTIVE',
              restriction: () => undefined,
              maxDataAgeMs: 1_000,
              maxClockSkewMs: 1_000,
              now: 0,
            },
          )
          if (!r.ok) throw new Error(r.error.message)
          const kept = r.value.levels
          const sum = (s: string, side: string): Decimal =>
            kept
              .filter((l: QuoteLevel) => l.symbol === s && l.side === side)
              .reduce((a, l) => a.plus(l.qty), D(0))
          for (const s of sym) {
            // Growing side: never past the limit, or past where the position already is.
            expect(pos[s].plus(sum(s, 'BUY')).lte(Decimal.max(40, pos[s]))).toBe(true)
            expect(pos[s].minus(sum(s, 'SELL')).gte(Decimal.min(-40, pos[s]))).toBe(true)
          }
          const net = pos.yes.minus(pos.no)
          const up = net.plus(sum('yes', 'BUY')).plus(sum('no', 'SELL'))
          const down = net.minus(sum('yes', 'SELL')).minus(sum('no', 'BUY'))
          expect(up.lte(Decimal.max(60, net))).toBe(true)
          expect(down.gte(Decimal.min(-60, net))).toBe(true)
          // Kept levels are never larger than asked, and on the step.
          for (const l of kept) {
            const asked = levels.some(
              (x) => x.symbol === l.symbol && x.side === l.side && x.price.eq(l.price) && l.qty.lte(x.qty),
            )
            expect(asked && l.qty.mod('0.01').isZero()).toBe(true)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
