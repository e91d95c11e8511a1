import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QuoteLevel, QuoteTargets } from '../../core/quotes.js'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { account, D, instrument, market, openOrder, position } from '../__fixtures__/builders.js'
import { QuoteLimitsConfigSchema } from '../QuoteLimitsConfig.js'
import { QuoteReservations } from '../QuoteReservations.js'
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

/** Trading ACTIVE, fresh prices; open orders `a…` are strategy a's quotes, `b…` strategy b's, the rest no quote. */
const LIVE = {
  state: 'ACTIVE',
  restriction: () => undefined,
  maxDataAgeMs: 1_000,
  maxClockSkewMs: 1_000,
  now: 0,
  quoteOwner: (cid: string) => (cid.startsWith('a') ? 'a' : cid.startsWith('b') ? 'b' : undefined),
} as const

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
  const inputs = (orders: Order[], over: Partial<QuoteRiskInputs> = {}): QuoteRiskInputs => ({
    limits: QuoteLimitsConfigSchema.parse({ maxInventory: '1' }),
    account: account({ positions: [position('BTCUSDT', '0.2')], openOrders: orders }),
    market: () => market({ instrument: btc }),
    ...LIVE,
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

describe('evaluateQuotes: spot and outcome levels stay within what the account holds', () => {
  const btc = instrument()
  const eth = instrument({ symbol: 'ETHUSDT', base: 'ETH' })
  const ethbtc = instrument({ symbol: 'ETHBTC', base: 'ETH', quote: 'BTC' })
  const perp = instrument({ venue: 'binance', symbol: 'BTCPERP', kind: 'perpetual' })
  const byName = new Map([btc, eth, ethbtc, perp].map((i) => [i.symbol, i]))
  const lvl = (symbol: string, side: 'BUY' | 'SELL', price: string, qty: string): QuoteLevel => ({
    symbol,
    side,
    price: D(price),
    qty: D(qty),
  })
  const set = (levels: QuoteLevel[], strategyId = 'a'): QuoteTargets => ({
    strategyId,
    venue: 'binance',
    symbols: [...new Set(levels.map((l) => l.symbol))],
    levels,
    tsEvent: 0,
  })
  /** No inventory limit: only the funds bound. */
  const inputs = (over: Partial<QuoteRiskInputs> = {}): QuoteRiskInputs => ({
    limits: QuoteLimitsConfigSchema.parse({}),
    account: account({ freeCash: { USDT: D('1000'), BTC: D('0.5') } }),
    market: (s) => {
      const i = byName.get(s)
      return i === undefined ? undefined : market({ instrument: i })
    },
    ...LIVE,
    ...over,
  })
  const kept = (r: ReturnType<typeof evaluateQuotes>) =>
    r.ok ? r.value.levels.map((l) => `${l.symbol} ${l.side} ${l.qty.toFixed()}`) : r.error.code
  const trims = (r: ReturnType<typeof evaluateQuotes>) =>
    r.ok ? r.value.trimmed.map((x) => `${x.level.symbol} ${x.keptQty.toFixed()} ${x.code}`) : r.error.code

  it('cuts bids to their quote asset’s free cash, shared by every instrument quoted in it; a perpetual takes margin', () => {
    // 1,000 USDT: 4 BTC at 100 spend 400, then 7 ETH at 100 only 600 (6); ETHBTC pays in BTC (0.5 at 0.1: 5 ETH).
    const r = evaluateQuotes(
      set([
        lvl('BTCUSDT', 'BUY', '100', '4'),
        lvl('BTCPERP', 'BUY', '100', '50'),
        lvl('ETHUSDT', 'BUY', '100', '7'),
        lvl('ETHBTC', 'BUY', '0.1', '6'),
      ]),
      inputs(),
    )
    expect(kept(r)).toEqual(['BTCUSDT BUY 4', 'BTCPERP BUY 50', 'ETHUSDT BUY 6', 'ETHBTC BUY 5'])
    expect(trims(r)).toEqual(['ETHUSDT 6 INSUFFICIENT_CASH', 'ETHBTC 5 INSUFFICIENT_CASH'])
    // An asset the account has none of: the bid is dropped (never sent for the venue to refuse).
    const none = evaluateQuotes(
      set([lvl('BTCUSDT', 'BUY', '100', '1')]),
      inputs({ account: account({ freeCash: {} }) }),
    )
    expect(trims(none)).toEqual(['BTCUSDT 0 INSUFFICIENT_CASH'])
    // A snapshot that does not tell cash assets apart bounds no bid.
    expect(
      kept(evaluateQuotes(set([lvl('BTCUSDT', 'BUY', '100', '40')]), inputs({ account: account() }))),
    ).toEqual(['BTCUSDT BUY 40'])
  })

  it('adds back the set’s own resting bids it replaces and takes off other strategies’ approved bids not resting yet', () => {
    // freeCash is after every listed order: a's resting bid (2 at 100) is replaced by the set, b's (1 at 100) stays.
    const orders = [
      openOrder('a1', { qty: D('2'), price: D('100') }),
      openOrder('b1', { qty: D('1'), price: D('100') }),
    ]
    const acct = account({ openOrders: orders, freeCash: { USDT: D('300') } })
    expect(kept(evaluateQuotes(set([lvl('BTCUSDT', 'BUY', '100', '9')]), inputs({ account: acct })))).toEqual(
      ['BTCUSDT BUY 5'],
    )
    // b's last set bids 1 at 100 (resting: in freeCash already) and 2 at 99 (not placed yet: 198 more).
    const reserved = new Map([
      ['b', [lvl('BTCUSDT', 'BUY', '100', '1'), lvl('BTCUSDT', 'BUY', '99', '2')]],
      ['a', [lvl('BTCUSDT', 'BUY', '100', '50')]], // a's own earlier set: superseded
    ])
    const r = evaluateQuotes(
      set([lvl('BTCUSDT', 'BUY', '100', '9')]),
      inputs({ account: acct, reserved: (s) => (s === 'BTCUSDT' ? reserved : undefined) }),
    )
    expect(kept(r)).toEqual(['BTCUSDT BUY 3.02'])
  })

  it('cuts asks to the holding less what other orders sell of it; flat, an ask is dropped', () => {
    const orders = [
      openOrder('a1', { side: 'SELL', qty: D('1') }), // a's own ask: replaced by the set
      openOrder('b1', { side: 'SELL', qty: D('0.5') }), // b's ask: sells 0.5 of the holding
      openOrder('exit', { side: 'SELL', qty: D('0.2') }), // an exit order, no quote
    ]
    const acct = account({ positions: [position('BTCUSDT', '1.5')], openOrders: orders, freeCash: {} })
    const r = evaluateQuotes(
      set([lvl('BTCUSDT', 'SELL', '101', '0.6'), lvl('BTCUSDT', 'SELL', '102', '0.6')]),
      inputs({ account: acct }),
    )
    expect(kept(r)).toEqual(['BTCUSDT SELL 0.6', 'BTCUSDT SELL 0.2'])
    expect(trims(r)).toEqual(['BTCUSDT 0.2 INSUFFICIENT_HOLDINGS'])
    const flat = evaluateQuotes(set([lvl('ETHUSDT', 'SELL', '101', '1')]), inputs({ account: account() }))
    expect(trims(flat)).toEqual(['ETHUSDT 0 INSUFFICIENT_HOLDINGS'])
    // A perpetual ask opens a short: not bounded by a holding.
    expect(kept(evaluateQuotes(set([lvl('BTCPERP', 'SELL', '101', '3')]), inputs()))).toEqual([
      'BTCPERP SELL 3',
    ])
  })

  it('cuts asks to what of the holding is settled: shares bought in trades not settled yet cannot be sold', () => {
    const pending = { ...position('BTCUSDT', '1.5'), unsettledQty: D('1') }
    const r = evaluateQuotes(
      set([lvl('BTCUSDT', 'SELL', '101', '0.6')]),
      inputs({ account: account({ positions: [pending], freeCash: {} }) }),
    )
    expect(trims(r)).toEqual(['BTCUSDT 0.5 INSUFFICIENT_HOLDINGS'])
    expect(kept(r)).toEqual(['BTCUSDT SELL 0.5'])
    const bad = { ...pending, unsettledQty: D(Number.NaN) }
    const refused = evaluateQuotes(
      set([lvl('BTCUSDT', 'SELL', '101', '0.4')]),
      inputs({ account: account({ positions: [bad] }) }),
    )
    expect(kept(refused)).toBe('INVALID_INPUT')
  })

  it('takes a resting reduce-only sell (an EXIT) off the holding too: the inventory limits skip it, the venue does not', () => {
    const exit = openOrder('exit', { side: 'SELL', qty: D('0.7'), price: D('105'), reduceOnly: true })
    const acct = account({ positions: [position('BTCUSDT', '1')], openOrders: [exit], freeCash: {} })
    const r = evaluateQuotes(set([lvl('BTCUSDT', 'SELL', '101', '1')]), inputs({ account: acct }))
    expect(trims(r)).toEqual(['BTCUSDT 0.3 INSUFFICIENT_HOLDINGS'])
    // Without `quoteOwner` no quote can be told apart, but an exit is none: still counted.
    const blind = evaluateQuotes(
      set([lvl('BTCUSDT', 'SELL', '101', '1')]),
      inputs({ account: acct, quoteOwner: undefined }),
    )
    expect(trims(blind)).toEqual(['BTCUSDT 0.3 INSUFFICIENT_HOLDINGS'])
  })

  it('counts the other strategies’ approved bids on every instrument paying in the same asset', () => {
    const reservations = new QuoteReservations()
    const { reserved: _, ...inp } = inputs({ cashShare: 0.95 })
    // b's 900 of ETHUSDT bids are approved and not resting yet: a's BTCUSDT bids get 95 % of the 100 left.
    const b = reservations.decide(set([lvl('ETHUSDT', 'BUY', '100', '9')], 'b'), inp)
    const a = reservations.decide(set([lvl('BTCUSDT', 'BUY', '100', '9')]), inp)
    expect([kept(b), kept(a)]).toEqual([['ETHUSDT BUY 9'], ['BTCUSDT BUY 0.95']])
  })

  it('denies the set when the snapshot’s freeCash cannot be read', () => {
    const bad = account({ freeCash: { USDT: 'lots' as unknown as Decimal } })
    const r = evaluateQuotes(set([lvl('BTCUSDT', 'BUY', '100', '1')]), inputs({ account: bad }))
    expect(r.ok || [r.error.code, r.error.values?.field]).toEqual(['INVALID_INPUT', 'freeCash'])
    // A quote’s limit price that cannot be read is never counted as free cash.
    const nan = account({
      openOrders: [openOrder('a1', { price: D(Number.NaN) })],
      freeCash: { USDT: D('100') },
    })
    const r2 = evaluateQuotes(set([lvl('BTCUSDT', 'BUY', '100', '50')]), inputs({ account: nan }))
    expect(r2.ok || [r2.error.code, r2.error.values?.field]).toEqual(['INVALID_INPUT', 'openOrders.price'])
  })
})
