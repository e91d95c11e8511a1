import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import type { Fill, Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal as dec } from '../../decimal/randomDecimal.js'
import { Portfolio } from '../Portfolio.js'
import { BTCUSDT, flatPosition, YES } from '../testing/fixtures.js'
import { applyCashFill } from './applyCashFill.js'
import { type MutablePosition, unrealizedPnl } from './MutablePosition.js'
import { planFill } from './planFill.js'

// Issue 20: a Portfolio that keeps no undo record (paper and backtest accounts) commits spot and outcome fills in place
// (applyCashFill) instead of planning a copy (planFill); a long marked at its entry has an unrealized PnL of ZERO
// without the subtraction; equity's cash part starts from the first cash value instead of 0 + it. These properties
// hold each equal to the plain Decimal arithmetic.
const CASES = 10_000
const ZERO = new Decimal(0)

/** Mostly ordinary prices and sizes; one case in four with 21 to 30 digits (products beyond 40 digits). */
const price = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -2, 6, 21) : dec(r, 8, -2, 6))
const size = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -4, 3, 21) : dec(r, 6, -4, 3))

/** Everything a fill can change, as strings (a sign of zero included: `-0` and `0` differ in `isNegative`). */
function state(p: Portfolio): string[] {
  const out = [
    ...p.balances().map((b) => `${b.asset} ${b.free.toString()} ${b.locked.toString()}`),
    `equity ${p.equity().toString()} ${p.equity().isNegative()}`,
    `peak ${p.peakEquity().toString()}`,
    `realized ${p.realizedPnl().toString()} today ${p.realizedPnlToday().toString()}`,
    `unrealized ${p.unrealizedPnl().toString()}`,
  ]
  for (const [a, f] of p.feesPaid()) out.push(`fee ${a} ${f.toString()}`)
  for (const i of [BTCUSDT, YES]) {
    const v = p.position(i.venue, i.symbol)
    if (v === undefined) continue
    out.push(
      [v.symbol, v.qty, v.entryPrice, v.realizedPnl, v.unrealizedPnl, v.markPrice, v.feesPaid]
        .map((x) => (typeof x === 'object' ? `${x.toString()}${x.isNegative() ? '-' : '+'}` : String(x)))
        .join(' '),
    )
  }
  return out
}

/** A random spot or outcome fill against what `held`: buys, sells of all, part or more of it, fees in every asset. */
function randomFill(r: SeededRandom, i: number, inst: Instrument, held: Decimal): Fill {
  const side = held.isZero() || r.next() < 0.5 ? 'BUY' : 'SELL'
  // Sells: all of it, part of it, or (sometimes) more than held: refused.
  const qty =
    side === 'SELL' && r.next() < 0.3
      ? held
      : side === 'SELL' && r.next() < 0.9
        ? Decimal.min(held, size(r))
        : size(r)
  const px = price(r)
  const feeAsset = r.next() < 0.6 ? inst.quote : r.next() < 0.5 ? inst.base : 'BNB'
  // A fee in the base asset is a share of the quantity (sometimes all of it: a refused buy).
  const fee =
    feeAsset === inst.base
      ? r.next() < 0.02
        ? qty
        : qty.times('0.001')
      : r.next() < 0.1
        ? ZERO
        : px.times(qty).times('0.001')
  const { venue, symbol } = inst
  return {
    venue,
    symbol,
    clientOrderId: `c${i}`,
    tradeId: `t${i}`,
    side,
    price: px,
    qty,
    fee,
    feeAsset,
    liquidity: 'TAKER',
    tsEvent: i,
  }
}

/** A value with its sign (a zero's too). */
const signed = (x: Decimal | undefined) =>
  x === undefined ? '-' : `${x.toString()}${x.isNegative() ? '-' : '+'}`

describe('in-place cash fills (property)', () => {
  it(`applyCashFill (exact word arithmetic) equals planFill (decimal.js's own methods) on ${CASES.toLocaleString('en-US')} random spot and outcome fills`, () => {
    const r = new SeededRandom(23)
    const start = () =>
      new Map([
        ['USDT', new Decimal('1000000000000')],
        ['BNB', new Decimal('5')],
      ])
    const fast = { cash: start(), pos: new Map([BTCUSDT, YES].map((i) => [i.symbol, flatPosition(i)])) }
    const plain = { cash: start(), pos: new Map([BTCUSDT, YES].map((i) => [i.symbol, flatPosition(i)])) }
    let applied = 0
    for (let i = 0; i < CASES; i++) {
      const inst: Instrument = r.next() < 0.7 ? BTCUSDT : YES
      const before = plain.pos.get(inst.symbol) as MutablePosition
      const fill = randomFill(r, i, inst, before.qty)
      const a = applyCashFill(inst, fill, fast.pos.get(inst.symbol) as MutablePosition, fast.cash)
      const b = planFill(inst, fill, before, (asset) => plain.cash.get(asset) ?? ZERO, 1)
      expect(a.ok, `fill ${i}`).toBe(b.ok)
      if (b.ok && a.ok) {
        applied++
        for (const [asset, v] of b.value.cash) plain.cash.set(asset, v)
        plain.pos.set(inst.symbol, b.value.pos)
        expect(signed(a.value), `fill ${i}`).toBe(signed(b.value.realized))
      }
      const view = (x: typeof fast) => [
        ...[...x.cash].map(([asset, v]) => `${asset} ${signed(v)}`),
        ...[...x.pos.values()].map((p) =>
          [p.symbol, p.qty, p.entry, p.realized, p.fees]
            .map((v) => (typeof v === 'string' ? v : signed(v)))
            .join(' '),
        ),
      ]
      expect(view(fast), `fill ${i}`).toEqual(view(plain))
    }
    expect(applied).toBeGreaterThan(CASES / 2)
  })

  it(`a Portfolio without undo records ends each of ${CASES.toLocaleString('en-US')} random spot and outcome fills as one with them`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(20)
    const config = { balances: { USDT: '1000000000000', BNB: '5' }, instruments: [BTCUSDT, YES] }
    const fast = new Portfolio({ ...config, reversalWindow: 0 })
    const planned = new Portfolio({ ...config, reversalWindow: 1_000, reversibleKinds: ['spot', 'outcome'] })
    let refused = 0
    for (let i = 0; i < CASES; i++) {
      const inst: Instrument = r.next() < 0.7 ? BTCUSDT : YES
      const fill = randomFill(r, i, inst, planned.positionQty(inst.venue, inst.symbol))
      const a = fast.applyFill(fill)
      const b = planned.applyFill(fill)
      expect(a.ok, `fill ${i}`).toBe(b.ok)
      if (!a.ok || !b.ok) {
        refused++
        expect(a.ok ? '' : a.error.message).toBe(b.ok ? '' : b.error.message)
      } else {
        expect(a.value?.realizedPnl.toString()).toBe(b.value?.realizedPnl.toString())
      }
      if (r.next() < 0.3) {
        const mark = r.next() < 0.5 ? fill.price : price(r)
        fast.mark(inst.venue, inst.symbol, mark)
        planned.mark(inst.venue, inst.symbol, mark)
      }
      expect(state(fast), `fill ${i}`).toEqual(state(planned))
    }
    expect(refused).toBeGreaterThan(10)
    expect(fast.fillCount).toBeGreaterThan(CASES / 2)
  })

  it(`unrealizedPnl equals (mark − entry) × qty on ${CASES.toLocaleString('en-US')} random positions`, () => {
    const r = new SeededRandom(21)
    for (let i = 0; i < CASES; i++) {
      const entry = price(r)
      // Often marked at the entry (the same value, or the same object); longs and shorts.
      const mark = r.next() < 0.3 ? entry : r.next() < 0.5 ? new Decimal(entry.toString()) : price(r)
      const qty = r.next() < 0.5 ? size(r) : size(r).neg()
      const p: MutablePosition = {
        venue: 'v',
        symbol: 's',
        kind: r.next() < 0.5 ? 'spot' : 'perpetual',
        qty,
        entry,
        realized: ZERO,
        fees: ZERO,
        mark,
        leverage: 1,
      }
      const got = unrealizedPnl(p)
      const expected = mark.minus(entry).times(qty)
      expect(`${got.toString()} ${got.isNegative()}`, `position ${i}`).toBe(
        `${expected.toString()} ${expected.isNegative()}`,
      )
    }
  })

  it(`equity equals 0 + cash + Σ qty × mark on ${CASES.toLocaleString('en-US')} random accounts`, () => {
    const r = new SeededRandom(22)
    for (let i = 0; i < CASES; i++) {
      const cash = r.next() < 0.1 ? ZERO : dec(r, 15, 3, 9)
      const p = new Portfolio({ balances: { USDT: cash.toString() }, instruments: [BTCUSDT] })
      const qty = size(r)
      const px = price(r)
      let expected = ZERO.plus(cash)
      if (r.next() < 0.5) {
        p.applyFill({
          venue: BTCUSDT.venue,
          symbol: BTCUSDT.symbol,
          clientOrderId: 'c',
          tradeId: 't',
          side: 'BUY',
          price: px,
          qty,
          fee: ZERO,
          feeAsset: 'USDT',
          liquidity: 'TAKER',
          tsEvent: 1,
        })
        expected = ZERO.plus(cash.minus(px.times(qty)).minus(ZERO)).plus(qty.times(px))
      }
      const e = p.equity()
      expect(`${e.toString()} ${e.isNegative()}`, `account ${i}`).toBe(
        `${expected.toString()} ${expected.isNegative()}`,
      )
    }
  })
})
