import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import type { Fill, Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal as dec } from '../../decimal/randomDecimal.js'
import { Portfolio } from '../Portfolio.js'
import { BTCPERP, BTCUSDT, YES } from '../testing/fixtures.js'
import { StrategyLedger } from './StrategyLedger.js'

// Issue 20: `unattributed` skips `− 0` and writes x − x as ZERO; `positions` builds its literals without a
// conditional spread. These properties hold them equal to the plain Decimal arithmetic on 10^4 random ledgers.
const CASES = 10_000
const ZERO = new Decimal(0)

/** Fill `i` (order `c<i>`, trade `t<i>`) of `inst` at a random price (an outcome token's inside (0, 1)). */
function randomFill(
  r: SeededRandom,
  inst: Instrument,
  i: number,
  o: { sell: boolean; qty: Decimal; fee: Decimal; baseFee: boolean },
): Fill {
  return {
    venue: inst.venue,
    symbol: inst.symbol,
    clientOrderId: `c${i}`,
    tradeId: `t${i}`,
    side: o.sell ? 'SELL' : 'BUY',
    price: inst.kind === 'outcome' ? dec(r, 3, -3, 0).plus('0.001').toDecimalPlaces(3) : dec(r, 8, -2, 5),
    qty: o.qty,
    fee: o.fee,
    feeAsset: o.baseFee ? inst.base : inst.quote,
    liquidity: 'TAKER',
    tsEvent: i,
  }
}

describe('StrategyLedger views (property)', () => {
  it(`unattributed equals net − Σ shares and positions carry (mark − entry) × qty on ${CASES.toLocaleString('en-US')} random ledgers`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(23)
    const strategies = ['a', 'b', 'c']
    const ledger = new StrategyLedger(1_000, 0)
    let pushed = 0
    for (let i = 0; i < CASES; i++) {
      const sid = strategies[r.int(0, 2)] as string
      const held = ledger.positions(sid, () => undefined)[0]?.qty ?? ZERO
      // Often all of a share (back to flat), else a random size either way.
      const side = r.next() < 0.5 ? 'BUY' : 'SELL'
      const qty = !held.isZero() && r.next() < 0.3 ? held.abs() : dec(r, r.next() < 0.2 ? 30 : 6, -4, 3)
      const price = dec(r, 8, -2, 6)
      ledger.attribute(`c${i}`, sid)
      ledger.apply(
        {
          venue: BTCPERP.venue,
          symbol: BTCPERP.symbol,
          clientOrderId: `c${i}`,
          tradeId: `t${i}`,
          side,
          price,
          qty,
          fee: ZERO,
          feeAsset: 'USDT',
          liquidity: 'TAKER',
          tsEvent: i,
        },
        BTCPERP,
      )
      const mark = r.next() < 0.2 ? undefined : dec(r, 8, -2, 6)
      const shares = strategies.map((s) => ledger.positions(s, () => mark)[0])
      for (const s of shares) {
        if (s === undefined) continue
        const expected =
          mark === undefined || s.entryPrice === undefined ? ZERO : mark.minus(s.entryPrice).times(s.qty)
        expect(s.unrealizedPnl.toString(), `ledger ${i}`).toBe(expected.toString())
        expect(Object.keys(s)).toEqual(
          s.entryPrice === undefined
            ? ['venue', 'symbol', 'qty', 'realizedPnl', 'unrealizedPnl']
            : ['venue', 'symbol', 'qty', 'entryPrice', 'realizedPnl', 'unrealizedPnl'],
        )
      }
      // The venue's net: the shares' sum, often exactly (nothing unattributed), else off by a random amount.
      let net = ZERO
      for (const s of shares) if (s !== undefined) net = net.plus(s.qty)
      if (r.next() < 0.5) net = r.next() < 0.5 ? net.plus(dec(r, 6, -4, 2)) : net.minus(dec(r, 6, -4, 2))
      let rest = net
      for (const s of shares) if (s !== undefined) rest = rest.minus(s.qty)
      const got = ledger.unattributed([{ venue: BTCPERP.venue, symbol: BTCPERP.symbol, qty: net }])
      expect(
        got.map((p) => `${p.qty.toString()} ${p.qty.isNegative()}`),
        `ledger ${i}`,
      ).toEqual(rest.isZero() ? [] : [`${rest.toString()} ${rest.isNegative()}`])
      if (got.length > 0) pushed++
    }
    expect(pushed).toBeGreaterThan(CASES / 5)
    expect(pushed).toBeLessThan(CASES)
  })
})

describe('StrategyLedger shares against the venue position (property)', () => {
  it(`one strategy's share equals the venue position (quantity, entry) through ${CASES.toLocaleString('en-US')} random fills, base-asset fees and reversals`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(29)
    const insts = [BTCUSDT, YES]
    let p = new Portfolio({
      balances: { USDT: '1000000000' },
      instruments: insts,
      reversibleKinds: ['spot', 'outcome'],
    })
    let applied: Fill[] = []
    let baseFees = 0
    let reversals = 0
    let notLatest = 0
    for (let i = 0; i < CASES; i++) {
      if (i % 50 === 0) {
        // A fresh account now and then: many short histories, reversals among them.
        p = new Portfolio({
          balances: { USDT: '1000000000' },
          instruments: insts,
          reversibleKinds: ['spot', 'outcome'],
        })
        applied = []
      }
      const inst = insts[r.int(0, 1)] as Instrument
      if (applied.length > 0 && r.next() < 0.2) {
        const at = r.int(0, applied.length - 1)
        const f = applied[at] as Fill
        if (p.reverseFill(f).ok) {
          reversals++
          if (at < applied.length - 1) notLatest++
          applied.splice(at, 1)
        }
      } else {
        const held = p.positionQty(inst.venue, inst.symbol)
        const sell = !held.isZero() && r.next() < 0.4
        const qty = sell ? (r.next() < 0.3 ? held : dec(r, 6, -3, 1)) : dec(r, 6, -3, 2)
        const baseFee = inst.kind === 'spot' && r.next() < 0.4
        const fee = r.next() < 0.2 ? ZERO : baseFee ? qty.times(dec(r, 3, -4, -2)) : dec(r, 4, -4, 0)
        const cid = `c${i}`
        p.attribute(cid, 's')
        const f = randomFill(r, inst, i, { sell, qty, fee, baseFee })
        if (p.applyFill(f).ok) {
          applied.push(f)
          if (baseFee && !fee.isZero()) baseFees++
        }
      }
      for (const x of insts) {
        // Dust (below a step or minQty: no order can sell it) is no open position, for the venue as for the share.
        const shown = p.position(x.venue, x.symbol)
        const venue = shown?.dust === true ? undefined : shown
        const share = p.strategyPositions('s').find((s) => s.symbol === x.symbol)
        expect(share?.qty.toString() ?? '0', `step ${i}`).toBe(venue?.qty.toString() ?? '0')
        expect(share?.entryPrice?.toString(), `step ${i}`).toBe(venue?.entryPrice?.toString())
      }
    }
    expect(baseFees).toBeGreaterThan(CASES / 20)
    expect(notLatest).toBeGreaterThan(CASES / 50)
    expect(reversals).toBeGreaterThan(notLatest)
  })
})

describe('StrategyLedger following the venue position (property)', () => {
  it(`a share that takes the venue position after a fill equals the share computed from the fill, on ${CASES.toLocaleString('en-US')} random fills of two strategies and unattributed ones`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(31)
    const insts = [BTCUSDT, YES]
    const strategies = ['a', 'b']
    const fresh = () =>
      new Portfolio({ balances: { USDT: '1000000000000' }, instruments: insts, reversalWindow: 0 })
    let p = fresh()
    // `following` is given how each fill moved the venue position; `computing` books every fill from the fill alone.
    let following = new StrategyLedger(1_000, 1_000)
    let computing = new StrategyLedger(1_000, 1_000)
    let applied: Fill[] = []
    let whole = 0
    let reversals = 0
    for (let i = 0; i < CASES; i++) {
      if (i % 40 === 0) {
        // A fresh account now and then: once another strategy traded, a share is no longer the whole position.
        p = fresh()
        following = new StrategyLedger(1_000, 1_000)
        computing = new StrategyLedger(1_000, 1_000)
        applied = []
      }
      const inst = insts[r.int(0, 1)] as Instrument
      if (applied.length > 0 && r.next() < 0.05) {
        // Reversed in both ledgers (the portfolio keeps no undo here: its positions are only the fills' inputs).
        const f = applied.splice(r.int(0, applied.length - 1), 1)[0] as Fill
        following.reverse(f)
        computing.reverse(f)
        reversals++
        continue
      }
      // Mostly one strategy for long runs (its share is then the whole position), now and then another or none.
      const u = r.next()
      const sid = u < 0.8 ? 'a' : u < 0.93 ? 'b' : undefined
      const held = p.positionQty(inst.venue, inst.symbol)
      const sell = !held.isZero() && r.next() < 0.45
      const qty = sell ? (r.next() < 0.3 ? held : dec(r, 6, -3, 1)) : dec(r, r.next() < 0.05 ? 40 : 6, -3, 2)
      const baseFee = inst.kind === 'spot' && r.next() < 0.1
      const fee = baseFee ? qty.times('0.001') : dec(r, 4, -4, 0)
      const cid = `c${i}`
      if (sid !== undefined) {
        following.attribute(cid, sid)
        computing.attribute(cid, sid)
      }
      const f = randomFill(r, inst, i, { sell, qty, fee, baseFee })
      const before = p.position(inst.venue, inst.symbol)
      const share = following.positions(sid ?? 'a', () => undefined).find((s) => s.symbol === inst.symbol)
      if (!p.applyFill(f).ok) continue
      const same = (x: Decimal | undefined, y: Decimal | undefined) =>
        x === undefined ? y === undefined : x.eq(y ?? -1)
      if (
        sid !== undefined &&
        (share?.qty ?? ZERO).eq(before?.qty ?? ZERO) &&
        same(share?.entryPrice, before?.entryPrice)
      )
        whole++
      const after = p.position(inst.venue, inst.symbol)
      const move = {
        qtyBefore: before?.qty ?? ZERO,
        entryBefore: before?.entryPrice,
        after: { qty: after?.qty ?? ZERO, entry: after?.entryPrice },
      }
      following.apply(f, inst, undefined, true, move)
      computing.apply(f, inst, undefined, true)
      applied.push(f)
      for (const s of strategies) {
        const show = (l: StrategyLedger) =>
          l
            .positions(s, () => undefined)
            .map(
              (x) =>
                `${x.symbol} ${x.qty.toString()} ${x.qty.isNegative()} ${x.entryPrice?.toString()} ${x.realizedPnl.toString()}`,
            )
        expect(show(following), `fill ${i}, strategy ${s}`).toEqual(show(computing))
      }
    }
    expect(whole).toBeGreaterThan(CASES / 4)
    expect(reversals).toBeGreaterThan(CASES / 50)
  })
})
