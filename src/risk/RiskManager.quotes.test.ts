import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { QuoteLevel, QuoteTargets } from '../core/quotes.js'
import type { Instrument, Position } from '../core/types.js'
import { account, D, instrument, market, openOrder } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import type { QuotesDecidedEvent } from './events.js'
import { RiskManager } from './RiskManager.js'

const YES = instrument({
  venue: 'polymarket',
  symbol: 'yes',
  kind: 'outcome',
  stepSize: D('0.01'),
  minQty: D('5'),
})
const NO = instrument({
  venue: 'polymarket',
  symbol: 'no',
  kind: 'outcome',
  stepSize: D('0.01'),
  minQty: D('5'),
})
const inst = (s: string): Instrument => (s === 'yes' ? YES : NO)

const lvl = (symbol: string, side: 'BUY' | 'SELL', price: string, qty: string): QuoteLevel => ({
  symbol,
  side,
  price: D(price),
  qty: D(qty),
})
const targets = (levels: QuoteLevel[], over: Partial<QuoteTargets> = {}): QuoteTargets => ({
  strategyId: 'mm',
  venue: 'polymarket',
  symbols: ['yes', 'no'],
  levels,
  outcomePair: ['yes', 'no'],
  tsEvent: 0,
  ...over,
})
const pos = (symbol: string, qty: string): Position => ({
  venue: 'polymarket',
  symbol,
  qty: D(qty),
  realizedPnl: D(0),
  unrealizedPnl: D(0),
})

function setup(quotes: RiskManagerConfig['quotes'] = {}) {
  const clock = new ManualClock(10_000)
  const risk = new RiskManager({ clock, quotes })
  const decisions: QuotesDecidedEvent[] = []
  risk.events.on('risk.quotesDecided', (e) => decisions.push(e))
  const mkt = (s: string) => market({ instrument: inst(s), price: D('0.5'), priceTs: 10_000 })
  return { clock, risk, decisions, mkt }
}

describe('RiskManager.evaluateQuotes', () => {
  it('approves a set within every limit unchanged, with one decision for the whole set', () => {
    const { risk, decisions, mkt } = setup({ maxInventory: '100', maxPairInventory: '100' })
    const t = targets([
      lvl('yes', 'BUY', '0.45', '20'),
      lvl('yes', 'SELL', '0.55', '20'),
      lvl('no', 'BUY', '0.45', '20'),
    ])
    const r = risk.evaluateQuotes(t, account({ positions: [pos('yes', '20')] }), mkt)
    expect(r.ok && r.value.levels).toEqual(t.levels)
    expect(r.ok && r.value.trimmed).toEqual([])
    expect(decisions).toHaveLength(1)
  })

  it('cuts the side that grows a position to the inventory room, counting every kept level as filled', () => {
    const { risk, mkt } = setup({ maxInventory: '50' })
    const t = targets([
      lvl('yes', 'BUY', '0.45', '20'),
      lvl('yes', 'BUY', '0.44', '20'),
      lvl('yes', 'BUY', '0.43', '20'),
      lvl('yes', 'SELL', '0.55', '15'),
    ])
    // Long 15: room to buy 35 → 20 + 15, the third bid dropped; the ask reduces (and sells what is held) and passes.
    const r = risk.evaluateQuotes(t, account({ positions: [pos('yes', '15')] }), mkt)
    if (!r.ok) throw new Error('denied')
    expect(r.value.levels.map((l) => `${l.side} ${l.price} ${l.qty}`)).toEqual([
      'BUY 0.45 20',
      'BUY 0.44 15',
      'SELL 0.55 15',
    ])
    expect(r.value.trimmed.map((x) => [x.keptQty.toFixed(), x.code])).toEqual([
      ['15', 'INVENTORY_LIMIT'],
      ['0', 'INVENTORY_LIMIT'],
    ])
  })

  it('limits the net exposure of the outcome pair: a NO bid counts against a YES short', () => {
    const { risk, mkt } = setup({ maxPairInventory: '30' })
    // Net yes − no = 10 − 0 = 10. Buying NO lowers it (room 10 + 30 = 40); buying YES raises it (room 20).
    const t = targets([lvl('yes', 'BUY', '0.45', '25'), lvl('no', 'BUY', '0.45', '45')])
    const r = risk.evaluateQuotes(t, account({ positions: [pos('yes', '10')] }), mkt)
    if (!r.ok) throw new Error('denied')
    expect(r.value.levels.map((l) => `${l.symbol} ${l.qty}`)).toEqual(['yes 20', 'no 40'])
  })

  it('drops a cut below the instrument minimum', () => {
    const { risk, mkt } = setup({ maxInventory: '18' })
    const r = risk.evaluateQuotes(
      targets([lvl('yes', 'BUY', '0.45', '20')]),
      account({ positions: [pos('yes', '15')] }),
      mkt,
    )
    expect(r.ok && r.value.levels).toEqual([])
  })

  it('denies the whole set over the max levels or the max resting notional', () => {
    const { risk, mkt } = setup({ maxLevels: 2, maxRestingNotional: '10' })
    const three = targets([
      lvl('yes', 'BUY', '0.4', '5'),
      lvl('yes', 'BUY', '0.3', '5'),
      lvl('no', 'BUY', '0.4', '5'),
    ])
    const a = risk.evaluateQuotes(three, account(), mkt)
    expect(!a.ok && a.error.code).toBe('MAX_QUOTE_LEVELS')
    const rich = targets([lvl('yes', 'BUY', '0.5', '15'), lvl('no', 'BUY', '0.4', '10')])
    const b = risk.evaluateQuotes(rich, account(), mkt)
    expect(!b.ok && b.error.code).toBe('MAX_RESTING_NOTIONAL')
  })

  it('denies every quote unless trading is ACTIVE, and cuts the levels of a restricted or stale instrument', () => {
    const { risk, clock, mkt } = setup()
    const t = targets([lvl('yes', 'BUY', '0.45', '20'), lvl('no', 'BUY', '0.45', '20')])
    risk.setInstrumentState('polymarket', 'no', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'stale' })
    const r = risk.evaluateQuotes(t, account(), mkt)
    expect(r.ok && r.value.levels.map((l) => l.symbol)).toEqual(['yes'])
    expect(r.ok && r.value.trimmed[0]?.code).toBe('FEED_UNHEALTHY')
    clock.advance(6_000)
    const stale = risk.evaluateQuotes(t, account(), mkt)
    expect(stale.ok && stale.value.levels).toEqual([])
    risk.halt('test')
    const halted = risk.evaluateQuotes(t, account(), mkt)
    expect(!halted.ok && halted.error.code).toBe('TRADING_HALTED')
  })

  it("feeds the account's equity to the breakers before reading the state: a drawdown seen in quotes halts them", () => {
    const { risk, mkt } = setup()
    const t = targets([lvl('yes', 'BUY', '0.45', '20')])
    expect(risk.evaluateQuotes(t, account({ equity: D('10000') }), mkt).ok).toBe(true)
    const r = risk.evaluateQuotes(t, account({ equity: D('8900') }), mkt)
    expect(!r.ok && r.error.code).toBe('TRADING_HALTED')
    expect(risk.status().reason).toBe('MAX_DRAWDOWN')
  })

  it('cuts the levels of a price whose time is not a number or is ahead of the clock by more than the skew', () => {
    const { risk } = setup()
    const t = targets([lvl('yes', 'BUY', '0.45', '20')])
    const at = (priceTs: number) => (s: string) => market({ instrument: inst(s), price: D('0.5'), priceTs })
    for (const [priceTs, code] of [
      [Number.NaN, 'INVALID_INPUT'],
      [10_000 + 3_600_000, 'STALE_MARKET_DATA'],
    ] as const) {
      const r = risk.evaluateQuotes(t, account(), at(priceTs))
      expect(r.ok && r.value.levels).toEqual([])
      expect(r.ok && r.value.trimmed[0]?.code).toBe(code)
    }
    expect(risk.evaluateQuotes(t, account(), at(10_500)).ok).toBe(true) // within the 1 s skew
  })

  it('denies the set when a position of its instruments is unreadable; several entries of one are summed', () => {
    const { risk, mkt } = setup({ maxInventory: '30' })
    const t = targets([lvl('yes', 'BUY', '0.45', '50')])
    const bad = risk.evaluateQuotes(
      t,
      account({ positions: [pos('yes', '1'), { ...pos('yes', '1'), qty: D(Number.NaN) }] }),
      mkt,
    )
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT')
    const two = risk.evaluateQuotes(t, account({ positions: [pos('yes', '10'), pos('yes', '15')] }), mkt)
    expect(two.ok && two.value.levels.map((l) => l.qty.toFixed())).toEqual(['5'])
  })

  it('denies malformed levels', () => {
    const { risk, mkt } = setup()
    const r = risk.evaluateQuotes(targets([lvl('other', 'BUY', '0.45', '20')]), account(), mkt)
    expect(!r.ok && r.error.code).toBe('INVALID_INPUT')
    const z = risk.evaluateQuotes(targets([lvl('yes', 'BUY', '0.45', '0')]), account(), mkt)
    expect(!z.ok && z.error.code).toBe('INVALID_INPUT')
  })

  it("sizes a set within what the other strategies' sets and orders leave on the instrument", () => {
    const { risk, mkt } = setup({ maxInventory: '50', maxLevels: 2 })
    const bids = (strategyId: string, ...qty: string[]) =>
      targets(
        qty.map((q) => lvl('yes', 'BUY', '0.45', q)),
        { strategyId },
      )
    const kept = (r: ReturnType<typeof risk.evaluateQuotes>) =>
      r.ok ? r.value.levels.map((l) => l.qty.toFixed()) : r.error.code
    expect(kept(risk.evaluateQuotes(bids('a', '30'), account(), mkt))).toEqual(['30'])
    // a's set is approved but rests nowhere yet: b gets what it leaves.
    expect(kept(risk.evaluateQuotes(bids('b', '30'), account(), mkt))).toEqual(['20'])
    // a's new set replaces its last one: only b's 20 counts.
    expect(kept(risk.evaluateQuotes(bids('a', '40'), account(), mkt))).toEqual(['30'])
    // A denied set (too many levels) leaves a no quote there: b may take the room.
    expect(kept(risk.evaluateQuotes(bids('a', '5', '5', '5'), account(), mkt))).toBe('MAX_QUOTE_LEVELS')
    expect(kept(risk.evaluateQuotes(bids('b', '60'), account(), mkt))).toEqual(['50'])
    // With quoteOwner, the open orders count too: here an entry order of 8 (no quote) and b's own resting quote.
    const orders = account({
      openOrders: [
        openOrder('e1', { venue: 'polymarket', symbol: 'yes', qty: D('8') }),
        openOrder('q1', { venue: 'polymarket', symbol: 'yes', qty: D('50') }),
      ],
    })
    const owner = (cid: string) => (cid === 'q1' ? 'b' : undefined)
    expect(kept(risk.evaluateQuotes(bids('b', '60'), orders, mkt, owner))).toEqual(['42'])
    expect(kept(risk.evaluateQuotes(bids('a', '60'), orders, mkt, owner))).toEqual([]) // 8 + b's 50: cut to 0
    // Without it, orders cannot be told from the set's own quotes and are not counted.
    expect(kept(risk.evaluateQuotes(bids('b', '60'), orders, mkt))).toEqual(['50'])
  })
})
