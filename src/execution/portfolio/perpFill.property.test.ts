import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal as dec } from '../../decimal/randomDecimal.js'
import { Portfolio } from '../Portfolio.js'
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

describe('undoing a perpetual fill (property)', () => {
  it(`the latest fill undoes exactly; a flip that later fills moved is refused, changing nothing, on ${CASES.toLocaleString('en-US')} random histories`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(35)
    const counts = { exact: 0, refused: 0, unwound: 0 }
    for (let c = 0; c < CASES; c++) {
      const p = new Portfolio({
        balances: { USDT: '1000000000' },
        instruments: [BTCPERP],
        reversibleKinds: ['perpetual'],
      })
      const fills: Fill[] = []
      const n = r.int(1, 6)
      for (let i = 0; i < n; i++) {
        const held = p.positionQty(BTCPERP.venue, BTCPERP.symbol).abs()
        // Flips through the position often (three in ten), else adds or reduces.
        const qty = r.next() < 0.3 && !held.isZero() ? held.plus(dec(r, 5, -3, 1)) : dec(r, 5, -3, 1)
        const f: Fill = {
          venue: BTCPERP.venue,
          symbol: BTCPERP.symbol,
          clientOrderId: `c${c}-${i}`,
          tradeId: `t${c}-${i}`,
          side: r.next() < 0.5 ? 'BUY' : 'SELL',
          price: dec(r, 6, -1, 5),
          qty,
          fee: r.next() < 0.3 ? ZERO : dec(r, 4, -4, 1),
          feeAsset: BTCPERP.quote,
          liquidity: 'TAKER',
          tsEvent: i,
        }
        if (!p.applyFill(f).ok) throw new Error(`fill ${c}-${i} refused`)
        fills.push(f)
      }
      const at = r.int(0, fills.length - 1)
      // Sometimes the later fills are undone first (newest first): the chosen one is the latest again.
      if (r.next() < 0.3) {
        for (let j = fills.length - 1; j > at; j--) expect(p.reverseFill(fills[j] as Fill).ok).toBe(true)
        fills.splice(at + 1)
        counts.unwound++
      }
      // The reference: the same history in decimal.js without the undone fill.
      const replay = (skip: number) => {
        let pos = flatPosition(BTCPERP)
        let cash = new Decimal('1000000000')
        fills.forEach((f, j) => {
          if (j === skip) return
          const next = referencePerp(f, pos, cash, 1)
          pos = next.pos
          cash = next.cash
        })
        return { qty: str(pos.qty), entry: pos.entry?.toString(), cash: str(cash) }
      }
      const flipped = (() => {
        let pos = flatPosition(BTCPERP)
        for (let j = 0; j < at; j++) pos = referencePerp(fills[j] as Fill, pos, ZERO, 1).pos
        const after = referencePerp(fills[at] as Fill, pos, ZERO, 1).pos
        return !pos.qty.isZero() && !after.qty.isZero() && pos.qty.isNegative() !== after.qty.isNegative()
      })()
      const now = () => {
        const v = p.position(BTCPERP.venue, BTCPERP.symbol)
        return { qty: str(v?.qty ?? ZERO), entry: v?.entryPrice?.toString(), cash: str(p.cash('USDT')) }
      }
      const before = now()
      const res = p.reverseFill(fills[at] as Fill)
      if (at === fills.length - 1) {
        expect(res.ok, `history ${c}`).toBe(true)
        expect(now(), `history ${c}`).toEqual(replay(at))
        counts.exact++
      } else if (flipped) {
        expect(!res.ok && res.error.code, `history ${c}`).toBe('INVALID_STATE')
        expect(now(), `history ${c}`).toEqual(before)
        counts.refused++
      } else {
        // An older add or reduce: undone (its lot leaves the average), the quantity exactly as without it.
        expect(res.ok, `history ${c}`).toBe(true)
        expect(now().qty, `history ${c}`).toBe(replay(at).qty)
      }
      expect(p.checkInvariants().ok, `history ${c}`).toBe(true)
    }
    expect(counts.exact).toBeGreaterThan(CASES / 5)
    expect(counts.refused).toBeGreaterThan(CASES / 20)
    expect(counts.unwound).toBeGreaterThan(CASES / 10)
  })
})
