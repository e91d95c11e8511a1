import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { Fill, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { Portfolio } from './Portfolio.js'
import { BTCPERP, BTCUSDT, testFill, YES } from './testing/fixtures.js'

// An independent reference: plain Decimal arithmetic on the list of fills (average cost, realized on the closed
// part, fees netted), written without any of the Portfolio's helpers. Amounts are compared to 1e-18 (an average
// entry is a 40-digit quotient; the two models divide at different moments).
const D = (x: string | number) => new Decimal(x)
const ZERO = D(0)
const DAY = 86_400_000

interface RefPos {
  qty: Decimal
  cost: Decimal // spot/outcome: qty × entry (unsigned); perpetual: entry kept directly
  entry: Decimal | undefined
  realized: Decimal
  mark: Decimal | undefined
}

class Reference {
  cash = new Map<string, Decimal>([['USDT', D(100_000)]])
  pos = new Map<string, RefPos>()
  peak = D(100_000)
  today = { day: 0, pnl: ZERO }
  constructor(readonly insts: readonly Instrument[]) {}
  #p(i: Instrument): RefPos {
    let p = this.pos.get(i.symbol)
    if (p === undefined) {
      p = { qty: ZERO, cost: ZERO, entry: undefined, realized: ZERO, mark: undefined }
      this.pos.set(i.symbol, p)
    }
    return p
  }
  #add(asset: string, x: Decimal) {
    this.cash.set(asset, (this.cash.get(asset) ?? ZERO).plus(x))
  }
  #realize(x: Decimal, now: number) {
    const day = Math.floor(now / DAY)
    if (day !== this.today.day) this.today = { day, pnl: ZERO }
    this.today.pnl = this.today.pnl.plus(x)
  }
  /** Whether the fill is valid for the reference (a sale of more than held is refused). */
  fill(i: Instrument, f: Fill, now: number): boolean {
    const p = this.#p(i)
    let realized = ZERO
    if (i.kind === 'perpetual') {
      const signed = f.side === 'BUY' ? f.qty : f.qty.neg()
      if (p.qty.isZero() || p.qty.isPositive() === signed.isPositive()) {
        const total = p.qty.abs().plus(f.qty)
        p.entry = (p.entry ?? ZERO).times(p.qty.abs()).plus(f.price.times(f.qty)).div(total)
        p.qty = p.qty.plus(signed)
      } else {
        const closing = Decimal.min(p.qty.abs(), f.qty)
        const dir = p.qty.isPositive() ? 1 : -1
        realized = f.price
          .minus(p.entry as Decimal)
          .times(closing)
          .times(dir)
        p.qty = p.qty.plus(signed)
        if (p.qty.isZero()) p.entry = undefined
        else if (p.qty.isPositive() !== dir > 0) p.entry = f.price
      }
      this.#add(i.quote, realized)
      this.#add(f.feeAsset, f.fee.neg())
      if (f.feeAsset === i.quote) realized = realized.minus(f.fee)
    } else {
      const feeBase = i.kind === 'spot' && f.feeAsset === i.base
      if (f.side === 'BUY') {
        const got = feeBase ? f.qty.minus(f.fee) : f.qty
        p.qty = p.qty.plus(got)
        p.cost = p.cost.plus(got.times(f.price))
        this.#add(i.quote, f.price.times(f.qty).neg())
        realized = feeBase ? f.fee.times(f.price).neg() : ZERO
      } else {
        const gave = feeBase ? f.qty.plus(f.fee) : f.qty
        if (gave.gt(p.qty)) return false
        const basis = p.cost.times(gave).div(p.qty)
        realized = f.price.times(f.qty).minus(basis)
        p.cost = p.cost.minus(basis)
        p.qty = p.qty.minus(gave)
        if (p.qty.isZero()) p.cost = ZERO
        this.#add(i.quote, f.price.times(f.qty))
      }
      if (!feeBase) this.#add(f.feeAsset, f.fee.neg())
      if (f.feeAsset === i.quote) realized = realized.minus(f.fee)
      p.entry = p.qty.isZero() ? undefined : p.cost.div(p.qty)
    }
    p.realized = p.realized.plus(realized)
    this.#realize(realized, now)
    p.mark = f.price
    this.#fold()
    return true
  }
  /** Market events ignored as late (older than the newest event that marked their instrument). */
  stale = 0
  readonly #eventTs = new Map<string, number>()
  /** Marks `i` with `px`, from a market event of time `ts` (none: an explicit mark, always taken). */
  mark(i: Instrument, px: Decimal, ts?: number) {
    if (ts !== undefined) {
      if (ts < (this.#eventTs.get(i.symbol) ?? Number.NEGATIVE_INFINITY)) {
        this.stale++
        return
      }
      this.#eventTs.set(i.symbol, ts)
    }
    this.#p(i).mark = px
    this.#fold()
  }
  settle(i: Instrument, payout: number, now: number) {
    const p = this.#p(i)
    if (p.qty.isZero()) return
    const r = D(payout)
      .minus(p.entry as Decimal)
      .times(p.qty)
    this.#add(i.quote, p.qty.times(payout))
    p.realized = p.realized.plus(r)
    this.#realize(r, now)
    p.qty = ZERO
    p.cost = ZERO
    p.entry = undefined
    this.#fold()
  }
  equity(): Decimal {
    let e = this.cash.get('USDT') ?? ZERO
    for (const i of this.insts) {
      const p = this.pos.get(i.symbol)
      if (p === undefined || p.qty.isZero()) continue
      const m = p.mark ?? (p.entry as Decimal)
      if (i.kind === 'perpetual') e = e.plus(m.minus(p.entry as Decimal).times(p.qty))
      else e = e.plus(p.qty.times(m))
    }
    return e
  }
  #fold() {
    const e = this.equity()
    if (e.gt(this.peak)) this.peak = e
  }
}

const close = (a: Decimal | undefined, b: Decimal | undefined, what: string) => {
  if (a === undefined || b === undefined) {
    expect(a === undefined ? undefined : a.toString(), what).toBe(b === undefined ? undefined : b.toString())
    return
  }
  expect(a.minus(b).abs().lte('1e-18'), `${what}: ${a.toString()} vs ${b.toString()}`).toBe(true)
}

type Step =
  | { t: 'fill'; inst: number; side: 'BUY' | 'SELL'; qty: number; px: number; fee: number; feeIn: number }
  | { t: 'mark'; inst: number; px: number; via: number; ago: number }
  | { t: 'settle'; payout: 0 | 1 }
  | { t: 'time'; ms: number }
  | { t: 'dup'; back: number }

const INSTS = [BTCUSDT, BTCPERP, YES]
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('fill' as const),
      inst: fc.integer({ min: 0, max: 2 }),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      qty: fc.integer({ min: 1, max: 5000 }),
      px: fc.integer({ min: 1, max: 99 }),
      fee: fc.integer({ min: 0, max: 30 }),
      feeIn: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('mark' as const),
      inst: fc.integer({ min: 0, max: 2 }),
      px: fc.integer({ min: 1, max: 99 }),
      via: fc.integer({ min: 0, max: 3 }),
      ago: fc.integer({ min: 0, max: 3 }), // seconds the market event is older than now: some arrive late
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('settle' as const),
      payout: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('time' as const), ms: fc.integer({ min: 1, max: DAY }) }),
  },
)

/** Scales the integers of a step to an instrument's units (outcome prices inside (0, 1)). */
function toFill(s: Extract<Step, { t: 'fill' }>, n: number): { inst: Instrument; fill: Fill } {
  const inst = INSTS[s.inst] as Instrument
  const qty = D(s.qty).div(1000)
  const px = inst.kind === 'outcome' ? D(s.px).div(100) : D(s.px).times(1000)
  const baseFee = inst.kind === 'spot' && s.side === 'BUY' && s.feeIn === 1
  const fee = baseFee ? qty.times(s.fee).div(10_000) : px.times(qty).times(s.fee).div(10_000)
  return {
    inst,
    fill: testFill(inst, s.side, qty.toString(), px.toString(), {
      tradeId: `t${n}`,
      fee,
      feeAsset: baseFee ? inst.base : inst.quote,
    }),
  }
}

function compare(p: Portfolio, ref: Reference, now: number) {
  close(p.cash('USDT'), ref.cash.get('USDT'), 'cash USDT')
  close(p.cash('BTC'), ref.cash.get('BTC') ?? ZERO, 'cash BTC')
  for (const i of INSTS) {
    const v = p.position(i.venue, i.symbol)
    const r = ref.pos.get(i.symbol)
    close(v?.qty ?? ZERO, r?.qty ?? ZERO, `${i.symbol} qty`)
    close(v?.entryPrice, r?.entry, `${i.symbol} entry`)
    close(v?.realizedPnl ?? ZERO, r?.realized ?? ZERO, `${i.symbol} realized`)
  }
  close(p.equity(), ref.equity(), 'equity')
  const snap = p.snapshot()
  close(snap.equity, ref.equity(), 'snapshot equity')
  close(snap.peakEquity, ref.peak, 'snapshot peak')
  close(p.peakEquity(), ref.peak, 'peak')
  close(
    snap.realizedPnlToday,
    ref.today.day === Math.floor(now / DAY) ? ref.today.pnl : ZERO,
    'realized today',
  )
  close(p.drawdown(), ref.peak.minus(ref.equity()).div(ref.peak), 'drawdown')
  expect(snap.positions.map((x) => `${x.symbol} ${x.qty} ${x.entryPrice}`)).toEqual(
    p.positions().map((x) => `${x.symbol} ${x.qty} ${x.entryPrice}`),
  )
}

describe('Portfolio against an independent Decimal reference (property)', () => {
  it('cash, quantity, entry, realized PnL, equity, peak, drawdown and today’s PnL over random fills, marks, settlements and days', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const clock = new ManualClock(0)
        const p = new Portfolio({ balances: { USDT: '100000' }, instruments: INSTS, clock })
        const ref = new Reference(INSTS)
        let n = 0
        const applied: Fill[] = []
        for (const s of steps) {
          if (s.t === 'fill') {
            clock.advance(1) // a fill newer than any mark taken so far: it marks its instrument
            const { inst, fill } = toFill(s, n++)
            const before = ref.pos.get(inst.symbol)
            const heldBefore = before === undefined ? ZERO : before.qty
            const stamped = { ...fill, tsEvent: clock.now() }
            const r = p.applyFill(stamped)
            const valid = ref.fill(inst, stamped, clock.now())
            if (!valid) expect(r.ok).toBe(false)
            else expect(r.ok, `${inst.symbol} ${fill.side} ${fill.qty} held ${heldBefore}`).toBe(true)
            if (valid) applied.push(stamped)
          } else if (s.t === 'mark') {
            const inst = INSTS[s.inst] as Instrument
            const num = inst.kind === 'outcome' ? s.px / 100 : s.px * 1000
            const ts = clock.now() - s.ago * 1000 // the market event's own time
            if (s.via === 0) p.mark(inst.venue, inst.symbol, D(num))
            else if (s.via === 1)
              p.onTrade({
                venue: inst.venue,
                symbol: inst.symbol,
                price: num,
                qty: 1,
                side: 'BUY',
                tradeId: 'x',
                tsEvent: ts,
              } as never)
            else if (s.via === 2)
              p.onCandle({
                venue: inst.venue,
                symbol: inst.symbol,
                open: num,
                high: num,
                low: num,
                close: num,
                volume: 1,
                interval: '1m',
                openTime: ts - 59_999,
                closeTime: ts,
                tsEvent: clock.now(),
                isClosed: true,
              } as never)
            else
              p.onBook({
                venue: inst.venue,
                symbol: inst.symbol,
                bids: [[num, 1]],
                asks: [[num, 1]],
                tsEvent: ts,
              } as never)
            ref.mark(inst, D(num), s.via === 0 ? undefined : ts)
            expect(p.staleMarks).toBe(ref.stale)
          } else if (s.t === 'dup') {
            // The venue delivers an applied fill again (a replay, a reconciliation): ignored, nothing moves.
            const again = applied[applied.length - 1 - (s.back % Math.max(1, applied.length))]
            if (again !== undefined) expect(p.applyFill({ ...again }).ok && p.fillCount).toBe(applied.length)
          } else if (s.t === 'settle') {
            p.settleOutcome(YES.venue, YES.symbol, s.payout)
            ref.settle(YES, s.payout, clock.now())
          } else {
            clock.advance(s.ms)
          }
          compare(p, ref, clock.now())
        }
      }),
      { numRuns: 300 },
    )
  })
})
