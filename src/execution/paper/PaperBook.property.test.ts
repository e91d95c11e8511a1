import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal } from '../../decimal/randomDecimal.js'
import { PaperBook } from './PaperBook.js'

// fit + take keep `taken + want` from the check for the take (one addition instead of `qty − taken` and `taken +
// want`): what they return and record must be what the level's `qty − taken` says, whatever the digits.
describe('PaperBook.fit (property)', () => {
  it('takes min(want, qty − taken) and records taken + take, on 10,000 random takes', () => {
    const r = new SeededRandom(4242)
    let partial = 0
    for (let round = 0; round < 200; round++) {
      const levels: [number, number][] = Array.from({ length: r.int(1, 4) }, (_, i) => [
        100 + i,
        r.next() < 0.2 ? r.int(1, 9) * 10 ** r.int(10, 20) : r.int(1, 5_000) / 100,
      ])
      const book = new PaperBook({ venue: 'v', symbol: 's', bids: [], asks: levels, tsEvent: 0 })
      const taken = new Map<number, Decimal>()
      for (let i = 0; i < 50; i++) {
        const [p, q] = levels[r.int(0, levels.length - 1)] as [number, number]
        // Mostly sizes on a step, some with long or tiny digits (sums decimal.js would round).
        const want =
          r.next() < 0.8 ? new Decimal(r.int(1, 900)).div(100) : randomDecimal(r, r.int(1, 40), -25, 3)
        const used = taken.get(p) ?? new Decimal(0)
        const left = new Decimal(q).minus(used)
        const expected = want.gt(left) ? left : want
        if (r.next() < 0.3) book.costToTake('BUY', want, new Decimal(p)) // a pre-check first, as a BUY's
        const got = book.fit(p, q, want)
        expect(got.eq(expected), `${q} − ${used} vs ${want}`).toBe(true)
        if (!got.gt(0)) continue
        if (got !== want) partial++
        book.take(p, got)
        const after = taken.has(p) ? used.plus(got) : got
        taken.set(p, after)
        expect(book.taken(p)?.toString()).toBe(after.toString())
        expect(book.left(p, q).toString()).toBe(new Decimal(q).minus(after).toString())
      }
    }
    expect(partial).toBeGreaterThan(100)
  })
})
