import { describe, expect, it } from 'vitest'
import { applyFill, createOrder } from '../core/orderState.js'
import { SeededRandom } from '../core/random.js'
import type { Fill, Instrument, OrderRequest } from '../core/types.js'
import { Decimal, isMultipleOf } from '../decimal/index.js'
import { randomDecimal as dec } from '../decimal/randomDecimal.js'
import { checkInstrumentFilters } from './filters.js'
import type { MutablePosition } from './portfolio/MutablePosition.js'
import { planFill } from './portfolio/planFill.js'
import { StrategyLedger } from './portfolio/StrategyLedger.js'
import { BTCPERP, BTCUSDT, flatPosition } from './testing/fixtures.js'

// Issue 20: the fill path skips the 40-digit average division where its result is known exactly, and checks step and
// tick multiples of 10^-k without a division. These properties hold it equal to the plain Decimal arithmetic.
const CASES = 10_000
const ZERO = new Decimal(0)

/** Mostly ordinary prices and sizes; one case in four with 21 to 30 digits (products beyond 40 digits). */
const price = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -2, 6, 21) : dec(r, 8, -2, 6))
const size = (r: SeededRandom) => (r.next() < 0.25 ? dec(r, 30, -4, 3, 21) : dec(r, 6, -4, 3))

const fillOf = (inst: Instrument, side: 'BUY' | 'SELL', qty: Decimal, px: Decimal, fee: Decimal): Fill => ({
  venue: inst.venue,
  symbol: inst.symbol,
  clientOrderId: 'c',
  tradeId: 't',
  side,
  price: px,
  qty,
  fee,
  feeAsset: inst.quote,
  liquidity: 'TAKER',
  tsEvent: 0,
})

describe('fill arithmetic (property)', () => {
  it(`planFill's average entry equals (entry × held + price × added) ÷ total on ${CASES.toLocaleString('en-US')} random fills`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(4)
    let pos: Record<string, MutablePosition> = {}
    const cash = new Map<string, Decimal>([['USDT', new Decimal('1e30')]])
    let opened = 0
    for (let i = 0; i < CASES; i++) {
      const inst = r.next() < 0.5 ? BTCUSDT : BTCPERP
      const cur: MutablePosition = pos[inst.symbol] ?? flatPosition(inst)
      // Spot only sells what it holds; perpetuals go both ways (and flip).
      const side =
        inst.kind === 'spot'
          ? cur.qty.isZero() || r.next() < 0.5
            ? 'BUY'
            : 'SELL'
          : r.next() < 0.5
            ? 'BUY'
            : 'SELL'
      let qty = size(r)
      if (inst.kind === 'spot' && side === 'SELL') qty = r.next() < 0.3 ? cur.qty : Decimal.min(qty, cur.qty)
      const px = price(r)
      const f = fillOf(inst, side, qty, px, px.times(qty).times('0.001'))
      const plan = planFill(inst, f, cur, (a) => cash.get(a) ?? ZERO, 1)
      expect(plan.ok).toBe(true)
      if (!plan.ok) continue
      const signed = side === 'BUY' ? qty : qty.neg()
      const sameDir = cur.qty.isZero() || cur.qty.isPositive() === signed.isPositive()
      if ((inst.kind === 'spot' && side === 'BUY') || (inst.kind === 'perpetual' && sameDir)) {
        const held = cur.qty.abs()
        const total = held.plus(qty)
        const expected = (cur.entry ?? ZERO).times(held).plus(px.times(qty)).div(total)
        expect(plan.value.pos.entry?.toString(), `fill ${i}`).toBe(expected.toString())
        if (held.isZero()) opened++
      }
      pos = { ...pos, [inst.symbol]: plan.value.pos }
      for (const [a, v] of plan.value.cash) cash.set(a, v)
    }
    expect(opened).toBeGreaterThan(CASES / 20)
  })

  it(`a strategy's share entry equals (entry × |held| + price × qty) ÷ (|held| + qty) on ${CASES.toLocaleString('en-US')} random fills`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(7)
    const ledger = new StrategyLedger(1_000, 0)
    let held = ZERO
    let entry: Decimal | undefined
    for (let i = 0; i < CASES; i++) {
      const side = r.next() < 0.5 ? 'BUY' : 'SELL'
      const qty = r.next() < 0.2 && !held.isZero() ? held.abs() : size(r)
      const px = price(r)
      ledger.attribute(`c${i}`, 's')
      ledger.apply(
        { ...fillOf(BTCPERP, side, qty, px, ZERO), clientOrderId: `c${i}`, tradeId: `t${i}` },
        BTCPERP,
      )
      const signed = side === 'BUY' ? qty : qty.neg()
      if (held.isZero() || held.isNegative() === signed.isNegative()) {
        entry = (entry ?? px).times(held.abs()).plus(px.times(qty)).div(held.abs().plus(qty))
      } else if (qty.gt(held.abs())) {
        entry = px
      }
      held = held.plus(signed)
      if (held.isZero()) entry = undefined
      const share = ledger.positions('s', () => undefined)[0]
      expect(share?.entryPrice?.toString(), `fill ${i}`).toBe(entry?.toString())
      expect(share?.qty.toString()).toBe(held.isZero() ? undefined : held.toString())
    }
  })

  it(`an order's average fill price equals (avg × filled + price × qty) ÷ filled on ${CASES.toLocaleString('en-US')} random fills`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(5)
    let order = undefined as ReturnType<typeof createOrder> | undefined
    for (let i = 0; i < CASES; i++) {
      if (order === undefined || !order.ok || order.value.status === 'FILLED' || r.next() < 0.3) {
        const req: OrderRequest = {
          clientOrderId: `o${i}`,
          venue: 'binance',
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'MARKET',
          qty: size(r).times(r.int(1, 4)),
        }
        order = createOrder(req, 0)
      }
      if (!order.ok) throw order.error
      const o = order.value
      const left = o.qty.minus(o.filledQty)
      const qty = r.next() < 0.4 ? left : Decimal.min(left, size(r))
      const px = price(r)
      const next = applyFill(o, { ...fillOf(BTCUSDT, 'BUY', qty, px, ZERO), clientOrderId: o.clientOrderId })
      expect(next.ok).toBe(true)
      if (!next.ok) continue
      const filled = o.filledQty.plus(qty)
      const expected = (o.avgFillPrice ?? ZERO).times(o.filledQty).plus(px.times(qty)).div(filled)
      expect(next.value.avgFillPrice?.toString(), `fill ${i}`).toBe(expected.toString())
      expect(next.value.filledQty.toString()).toBe(filled.toString())
      expect(next.value.status).toBe(filled.eq(o.qty) ? 'FILLED' : 'PARTIALLY_FILLED')
      order = next
    }
  })

  it(`checkInstrumentFilters' step and tick checks equal isMultipleOf on ${CASES.toLocaleString('en-US')} random orders`, {
    timeout: 120_000,
  }, () => {
    const r = new SeededRandom(6)
    const increments = ['1', '0.1', '0.01', '0.00001', '0.00000001', '10', '0.05', '0.25', '0.0002', '5']
    for (let i = 0; i < CASES; i++) {
      const tick = new Decimal(increments[r.int(0, increments.length - 1)] as string)
      const step = new Decimal(increments[r.int(0, increments.length - 1)] as string)
      const inst: Instrument = { ...BTCUSDT, tickSize: tick, stepSize: step, minQty: ZERO }
      // On the grid, or off it by a random amount.
      const onOrOff = (inc: Decimal) =>
        r.next() < 0.5 ? inc.times(r.int(1, 100_000)) : inc.times(r.int(1, 100_000)).plus(dec(r, 5, -10, 1))
      const px = onOrOff(tick)
      const qty = onOrOff(step)
      const req: OrderRequest = {
        clientOrderId: 'c',
        venue: inst.venue,
        symbol: inst.symbol,
        side: 'BUY',
        type: 'LIMIT',
        qty,
        price: px,
        timeInForce: 'GTC',
      }
      const expected = !isMultipleOf(px, tick)
        ? 'Filter failure: PRICE_FILTER (tick size)'
        : !isMultipleOf(qty, step)
          ? 'Filter failure: LOT_SIZE (step size)'
          : undefined
      const got = checkInstrumentFilters(req, { ...inst, minNotional: undefined, maxQty: undefined })
      expect(got, `order ${i}: ${px} / ${qty}`).toBe(expected)
    }
  })
})
