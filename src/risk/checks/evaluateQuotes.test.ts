import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QuoteLevel, QuoteTargets } from '../../core/quotes.js'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { account, D, instrument, market, openOrder, position } from '../__fixtures__/builders.js'
import { QuoteLimitsConfigSchema } from '../QuoteLimitsConfig.js'
import { evaluateQuotes, type QuoteRiskInputs } from './evaluateQuotes.js'

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

describe('evaluateQuotes: the inventory limits are per instrument, not per set', () => {
  const btc = instrument({ stepSize: D('0.001'), minQty: D('0.001') })
  const bid = (qty: string, price = '100'): QuoteLevel => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    price: D(price),
    qty: D(qty),
  })
  const set = (levels: QuoteLevel[], strategyId = 'a'): QuoteTargets => ({
    strategyId,
    venue: 'binance',
    symbols: ['BTCUSDT'],
    levels,
    tsEvent: 0,
  })
  /** Open orders: `a…` are strategy a's quotes, `b…` strategy b's, the rest no quote. */
  const inputs = (orders: Order[], over: Partial<QuoteRiskInputs> = {}): QuoteRiskInputs => ({
    limits: QuoteLimitsConfigSchema.parse({ maxInventory: '1' }),
    account: account({ positions: [position('BTCUSDT', '0.2')], openOrders: orders }),
    market: () => market({ instrument: btc }),
    state: 'ACTIVE',
    restriction: () => undefined,
    maxDataAgeMs: 1_000,
    maxClockSkewMs: 1_000,
    now: 0,
    quoteOwner: (cid) => (cid.startsWith('a') ? 'a' : cid.startsWith('b') ? 'b' : undefined),
    ...over,
  })
  const kept = (r: ReturnType<typeof evaluateQuotes>) =>
    r.ok ? r.value.levels.map((l) => l.qty.toFixed()) : r.error.code

  it("counts the other strategies' quotes and the account's other orders that add on the side, not the set's own quotes", () => {
    const orders = [
      openOrder('a1', { qty: D('0.5') }), // a's own quote: the set replaces it
      openOrder('b1', { qty: D('0.3'), filledQty: D('0.1') }), // b's quote: 0.2 may still fill
      openOrder('entry', { qty: D('0.25') }), // an entry order, no quote
      openOrder('b2', { side: 'SELL', qty: D('5') }), // the other side
      openOrder('exit', { qty: D('5'), reduceOnly: true }), // reduce-only: never grows the position
      openOrder('b3', { qty: D('5'), status: 'FILLED', filledQty: D('5') }), // finished
      openOrder('b4', { qty: D('5'), venue: 'binance-usdm' }), // another instrument (same symbol, other venue)
      openOrder('b5', { qty: D('5'), symbol: 'ETHUSDT' }), // another instrument
    ]
    // 0.2 held + 0.2 (b) + 0.25 (entry): room 0.35 of the limit 1, cut as one set's own levels are.
    const r = evaluateQuotes(set([bid('0.3'), bid('0.3', '99')]), inputs(orders))
    expect(kept(r)).toEqual(['0.3', '0.05'])
    expect(r.ok && r.value.trimmed.map((x) => [x.keptQty.toFixed(), x.code])).toEqual([
      ['0.05', 'INVENTORY_LIMIT'],
    ])
    // Another strategy's set on the instrument sees a's quote (0.5) and not its own.
    expect(kept(evaluateQuotes(set([bid('1')], 'b'), inputs(orders)))).toEqual(['0.05'])
  })

  it("counts another strategy's last approved levels not resting yet, and the larger of them and its open quotes", () => {
    const reserved = new Map([
      ['b', [bid('0.3'), bid('0.1', '99')]],
      ['a', [bid('0.7')]], // a's own earlier set: superseded by this one
    ])
    const inp = (orders: Order[]) => inputs(orders, { reserved: () => reserved })
    // Nothing rests yet: b's 0.4 on its way counts.
    expect(kept(evaluateQuotes(set([bid('1')]), inp([])))).toEqual(['0.4'])
    // b's quotes rest now: counted once, not twice.
    const resting = [openOrder('b1', { qty: D('0.3') }), openOrder('b2', { qty: D('0.1') })]
    expect(kept(evaluateQuotes(set([bid('1')]), inp(resting)))).toEqual(['0.4'])
    // More of b rests than its set keeps (a cancel that failed): what rests counts.
    expect(
      kept(evaluateQuotes(set([bid('1')]), inp([...resting, openOrder('b3', { qty: D('0.2') })]))),
    ).toEqual(['0.2'])
  })

  it('denies the set when an order that may add on its instrument cannot be read', () => {
    const r = evaluateQuotes(set([bid('0.1')]), inputs([openOrder('b1', { filledQty: D('2') })]))
    expect(r.ok || [r.error.code, r.error.values?.field]).toEqual(['INVALID_INPUT', 'openOrders.filledQty'])
    // The set's own quotes are replaced, never read.
    expect(kept(evaluateQuotes(set([bid('0.1')]), inputs([openOrder('a1', { filledQty: D('2') })])))).toEqual(
      ['0.1'],
    )
  })

  it('reads the positions of both pair tokens, also of one the set does not quote', () => {
    // Holding 100 YES and 100 NO: net 0. Selling 100 YES would take it to -100, past the limit of 50.
    const t: QuoteTargets = {
      strategyId: 'a',
      venue: 'pm',
      symbols: ['yes'],
      levels: [{ symbol: 'yes', side: 'SELL', price: D('0.5'), qty: D('100') }],
      outcomePair: ['yes', 'no'],
      tsEvent: 0,
    }
    const r = evaluateQuotes(t, {
      ...inputs([], { limits: QuoteLimitsConfigSchema.parse({ maxPairInventory: '50' }) }),
      account: account({ positions: [position('yes', '100', 'pm'), position('no', '100', 'pm')] }),
      market: (s) => market({ instrument: { ...inst, symbol: s }, priceTs: 0 }),
    })
    expect(kept(r)).toEqual(['50'])
    expect(r.ok && r.value.trimmed.map((x) => x.code)).toEqual(['PAIR_INVENTORY_LIMIT'])
  })

  it("counts the set's own strategy's quotes on a pair token the set does not cover: the set does not replace them", () => {
    const limits = QuoteLimitsConfigSchema.parse({ maxPairInventory: '30' })
    const t: QuoteTargets = {
      strategyId: 'a',
      venue: 'binance',
      symbols: ['yes'],
      levels: [{ symbol: 'yes', side: 'BUY', price: D('0.4'), qty: D('25') }],
      outcomePair: ['yes', 'no'],
      tsEvent: 0,
    }
    const market_ = (s: string) =>
      market({ instrument: instrument({ symbol: s, stepSize: D('1'), minQty: D('1') }) })
    // a's own quote selling 10 NO rests on: the net YES − NO may grow by 10 already, leaving 20 for the YES bid.
    const own = openOrder('a1', { symbol: 'no', side: 'SELL', qty: D('10') })
    const resting = evaluateQuotes(t, {
      ...inputs([own], { limits }),
      account: account({ openOrders: [own] }),
      market: market_,
    })
    expect(kept(resting)).toEqual(['20'])
    // Its last set on NO, approved and not resting yet, counts the same way.
    const reserved = new Map([
      ['a', [{ symbol: 'no', side: 'SELL' as const, price: D('0.6'), qty: D('10') }]],
    ])
    const approved = evaluateQuotes(t, {
      ...inputs([], { limits, reserved: (s) => (s === 'no' ? reserved : undefined) }),
      account: account(),
      market: market_,
    })
    expect(kept(approved)).toEqual(['20'])
  })

  it("counts the others' orders on both tokens against the outcome pair's net exposure", () => {
    const limits = QuoteLimitsConfigSchema.parse({ maxPairInventory: '30' })
    const t: QuoteTargets = {
      strategyId: 'a',
      venue: 'binance',
      symbols: ['yes', 'no'],
      levels: [{ symbol: 'yes', side: 'BUY', price: D('0.4'), qty: D('25') }],
      outcomePair: ['yes', 'no'],
      tsEvent: 0,
    }
    // b sells 10 NO: the net YES − NO may grow by 10 already, leaving 20 for the YES bid.
    const r = evaluateQuotes(t, {
      ...inputs([openOrder('b1', { symbol: 'no', side: 'SELL', qty: D('10') })], { limits }),
      account: account({ openOrders: [openOrder('b1', { symbol: 'no', side: 'SELL', qty: D('10') })] }),
      market: (s) => market({ instrument: instrument({ symbol: s, stepSize: D('1'), minQty: D('1') }) }),
    })
    expect(kept(r)).toEqual(['20'])
  })
})
