import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Side } from '../../core/types.js'
import { Markouts } from './Markouts.js'

type Pending = { key: string; side: Side; price: number; qty: number; due: number; h: number }

/** The plain list Markouts replaces: scan every pending fill at each mid, cut the oldest past the bound. */
class ListMarkouts {
  readonly #pending: Pending[] = []
  readonly #sums: Array<{ count: number; perShareSum: number; total: number }>
  constructor(
    readonly horizonsMs: readonly number[],
    readonly max: number,
  ) {
    this.#sums = horizonsMs.map(() => ({ count: 0, perShareSum: 0, total: 0 }))
  }
  add(key: string, side: Side, price: number, qty: number, now: number): void {
    for (const [h, ms] of this.horizonsMs.entries())
      this.#pending.push({ key, side, price, qty, due: now + ms, h })
    if (this.#pending.length > this.max) this.#pending.splice(0, this.#pending.length - this.max)
  }
  onMid(key: string, mid: number, now: number): void {
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const p = this.#pending[i] as Pending
      if (p.key !== key || now < p.due) continue
      this.#pending.splice(i, 1)
      const perShare = p.side === 'BUY' ? mid - p.price : p.price - mid
      const m = this.#sums[p.h] as { count: number; perShareSum: number; total: number }
      m.count++
      m.perShareSum += perShare
      m.total += perShare * p.qty
    }
  }
  report() {
    return this.horizonsMs.map((horizonMs, i) => {
      const m = this.#sums[i] as { count: number; perShareSum: number; total: number }
      return {
        horizonMs,
        count: m.count,
        perShare: m.count === 0 ? 0 : m.perShareSum / m.count,
        total: m.total,
      }
    })
  }
}

const step = fc.oneof(
  fc.record({
    kind: fc.constant('fill' as const),
    key: fc.constantFrom('a', 'b'),
    side: fc.constantFrom<Side>('BUY', 'SELL'),
    price: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    qty: fc.double({ min: 1, max: 500, noNaN: true }),
    dt: fc.integer({ min: 0, max: 3_000 }),
  }),
  fc.record({
    kind: fc.constant('mid' as const),
    key: fc.constantFrom('a', 'b'),
    mid: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    dt: fc.integer({ min: 0, max: 3_000 }),
  }),
)

describe('Markouts', () => {
  it('measures exactly as a plain list of pending fills does, bound included, on 1,000 random runs', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (steps, max) => {
        const horizons = [1_000, 5_000, 20_000]
        const fast = new Markouts(horizons, max)
        const list = new ListMarkouts(horizons, max)
        let now = 0
        for (const s of steps) {
          now += s.dt
          if (s.kind === 'fill') {
            fast.add(s.key, s.side, s.price, s.qty, now)
            list.add(s.key, s.side, s.price, s.qty, now)
          } else {
            fast.onMid(s.key, s.mid, now)
            list.onMid(s.key, s.mid, now)
          }
        }
        // Equal to the last bit: the same additions in the same order.
        expect(fast.report()).toEqual(list.report())
      }),
      { numRuns: 1_000 },
    )
  })
})
