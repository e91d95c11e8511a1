import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal as dec } from '../../decimal/randomDecimal.js'
import { BTCPERP, flatPosition } from '../testing/fixtures.js'
import { liquidationPrice, type MutablePosition, positionMargin } from './MutablePosition.js'
import { averageEntry, planFill } from './planFill.js'

// Issue 20: a perpetual's fill, margin and liquidation estimate take tradekit's exact word arithmetic (and a cached
// liquidation factor) instead of decimal.js's methods. These properties hold each equal, digit for digit and sign of
// zero included, to the same formulas in decimal.js's own methods.
const CASES = 10_000
const ZERO = new Decimal(0)
const ONE = new Decimal(1)

/** Mostly ordinary prices and sizes; one case in four with 21 to 30 digits (products beyond 40 digits). */
const price = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -2, 6, 21) : dec(r, 8, -2, 6))
const size = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -4, 3, 21) : dec(r, 6, -4, 3))
const str = (x: Decimal | undefined) =>
  x === undefined ? '-' : `${x.toString()}${x.isNegative() ? '-' : '+'}`

/** The perpetual fill of planFill as it was written in decimal.js's methods: the reference. */
function referencePerp(fill: Fill, before: MutablePosition, cash: Decimal, leverage: number) {
  const cur = { ...before }
  const signed = fill.side === 'BUY' ? fill.qty : fill.qty.neg()
  let gross = ZERO
  if (cur.qty.isZero() || cur.qty.isPositive() === signed.isPositive()) {
    const newQty = cur.qty.plus(signed)
    cur.entry = averageEntry(cur.entry, cur.qty.abs(), fill.price, fill.qty, newQty.abs())
    cur.qty = newQty
  } else {
    const held = cur.qty.abs()
    const closing = held.lt(fill.qty) ? held : fill.qty
    const entry = cur.entry ?? fill.price
    gross = fill.price
      .minus(entry)
      .times(closing)
      .times(cur.qty.isPositive() ? ONE : ONE.neg())
    const newQty = cur.qty.plus(signed)
    if (newQty.isZero()) cur.entry = undefined
    else if (newQty.isPositive() !== cur.qty.isPositive()) cur.entry = fill.price
    cur.qty = newQty
  }
  if (fill.realizedPnl !== undefined) gross = fill.realizedPnl
  const realized = gross.minus(fill.fee)
  cur.realized = cur.realized.plus(realized)
  cur.fees = cur.fees.plus(fill.fee)
  cur.leverage = leverage
  return { cash: cash.plus(gross).minus(fill.fee), pos: cur, realized }
}

const plain = (p: MutablePosition) => [p.qty, p.entry, p.realized, p.fees].map(str).join(' ')

describe('perpetual fill arithmetic (property)', () => {
  it(`planFill of a perpetual equals the same arithmetic in decimal.js on ${CASES.toLocaleString('en-US')} random fills`, () => {
    const r = new SeededRandom(33)
    let pos: MutablePosition = flatPosition(BTCPERP)
    let cash = new Decimal('100000')
    let flips = 0
    let closes = 0
    for (let i = 0; i < CASES; i++) {
      const side = r.next() < 0.5 ? 'BUY' : 'SELL'
      const held = pos.qty.abs()
      // Closes all of it, part of it, flips through it, or adds to it; the venue's realized PnL on a third.
      const qty = r.next() < 0.2 && !held.isZero() ? held : r.next() < 0.3 ? size(r).plus(held) : size(r)
      const fee = r.next() < 0.1 ? ZERO : r.next() < 0.1 ? dec(r, 4, -4, 1).neg() : dec(r, 8, -8, 2)
      const fill: Fill = {
        venue: BTCPERP.venue,
        symbol: BTCPERP.symbol,
        clientOrderId: `c${i}`,
        tradeId: `t${i}`,
        side,
        price: r.next() < 0.1 && pos.entry !== undefined ? pos.entry : price(r),
        qty,
        fee,
        feeAsset: BTCPERP.quote,
        liquidity: 'TAKER',
        tsEvent: i,
        ...(r.next() < 0.3 ? { realizedPnl: dec(r, 10, -4, 5).times(r.next() < 0.5 ? 1 : -1) } : {}),
      }
      const leverage = r.next() < 0.5 ? 1 : r.int(2, 125)
      const want = referencePerp(fill, pos, cash, leverage)
      const got = planFill(BTCPERP, fill, pos, () => cash, leverage)
      if (!got.ok) throw got.error
      expect(plain(got.value.pos), `fill ${i}`).toBe(plain(want.pos))
      expect(str(got.value.realized), `fill ${i}`).toBe(str(want.realized))
      expect(str(got.value.cash.get(BTCPERP.quote)), `fill ${i}`).toBe(str(want.cash))
      if (!pos.qty.isZero() && got.value.pos.qty.isPositive() !== pos.qty.isPositive()) flips++
      if (!pos.qty.isZero() && got.value.pos.qty.abs().lt(held)) closes++
      pos = got.value.pos
      cash = want.cash
    }
    expect(flips).toBeGreaterThan(100)
    expect(closes).toBeGreaterThan(100)
  })

  it(`a perpetual's margin and liquidation estimate equal decimal.js's on ${CASES.toLocaleString('en-US')} random positions`, () => {
    const r = new SeededRandom(34)
    for (let i = 0; i < CASES; i++) {
      const entry = price(r)
      const p: MutablePosition = {
        ...flatPosition(BTCPERP),
        qty: r.next() < 0.5 ? size(r) : size(r).neg(),
        entry,
        mark: r.next() < 0.2 ? undefined : price(r),
        // Runs of the same leverage and rate (the cached factor), and changes of either.
        leverage: r.next() < 0.7 ? 1 + (i % 3) : r.int(1, 125),
      }
      const mmr = r.next() < 0.8 ? 0.004 : r.int(1, 100) / 1000
      const inv = ONE.div(p.leverage)
      const m = new Decimal(mmr)
      const liq = p.qty.isPositive()
        ? entry.times(ONE.minus(inv).plus(m))
        : entry.times(ONE.plus(inv).minus(m))
      expect(str(liquidationPrice(p, mmr)), `position ${i}`).toBe(str(liq.isNegative() ? ZERO : liq))
      const margin = p.qty
        .abs()
        .times(p.mark ?? entry)
        .div(p.leverage)
      expect(str(positionMargin(p)), `position ${i}`).toBe(str(margin))
    }
  })
})
