import { describe, expect, it } from 'vitest'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { FillUndoLog, reversedEntry } from './FillUndoLog.js'
import type { MutablePosition } from './MutablePosition.js'

const D = (v: string | number) => new Decimal(v)

const pos = (qty: string, entry?: string): MutablePosition => ({
  venue: 'v',
  symbol: 's',
  kind: 'spot',
  qty: D(qty),
  entry: entry === undefined ? undefined : D(entry),
  realized: D(0),
  fees: D(0),
  mark: undefined,
  leverage: 1,
})

const fill = { feeAsset: 'USDT', fee: D('0.1') } as Pick<Fill, 'feeAsset' | 'fee'> as Fill

describe('FillUndoLog', () => {
  it('keeps what a fill changed (cash delta, quantity and entry before and after) and forgets it once reversed', () => {
    const log = new FillUndoLog(10, 10)
    const plan = {
      cash: new Map([['USDT', D(900)]]),
      pos: { ...pos('1', '100'), fees: D('0.1') },
      realized: D('-0.1'),
    }
    log.record('k', fill, plan, pos('0'), () => D(1000))
    const eff = log.effect('k')
    expect(eff?.cash.get('USDT')?.toString()).toBe('-100')
    expect(eff?.qtyBefore.toString()).toBe('0')
    expect(eff?.qtyAfter.toString()).toBe('1')
    expect(eff?.feeQ.toString()).toBe('0.1')
    expect(eff?.entryAfter?.toString()).toBe('100')
    expect(log.wasReversed('k')).toBe(false)
    log.reversed('k')
    expect(log.effect('k')).toBeUndefined()
    expect(log.wasReversed('k')).toBe(true)
  })

  it('keeps the same effect from the values before and after a fill committed in place', () => {
    const planned = new FillUndoLog(10, 10)
    const inPlace = new FillUndoLog(10, 10)
    const plan = {
      cash: new Map([
        ['USDT', D('899.9')],
        ['BNB', D('4.99')],
      ]),
      pos: { ...pos('1.5', '101'), fees: D('0.3') },
      realized: D('-0.2'),
    }
    const before = { ...pos('0.5', '99'), fees: D('0.1') }
    const bnbFee = { ...fill, feeAsset: 'BNB' }
    planned.record('k', bnbFee, plan, before, (a) => (a === 'USDT' ? D(1000) : D(5)))
    inPlace.recordInPlace('k', {
      fill: bnbFee,
      qtyBefore: before.qty,
      entryBefore: before.entry,
      feesBefore: before.fees,
      after: plan.pos,
      realized: plan.realized,
      quote: 'USDT',
      quoteBefore: D(1000),
      quoteAfter: D('899.9'),
      feeBefore: D(5),
      feeAfter: D('4.99'),
    })
    const text = (e: unknown) => JSON.stringify(e, (_, v) => (v instanceof Map ? [...v] : v))
    expect(text(inPlace.effect('k'))).toBe(text(planned.effect('k')))
    expect(inPlace.effect('k')?.cash.get('USDT')?.toString()).toBe('-100.1')
    inPlace.reversed('k')
    expect(inPlace.effect('k')).toBeUndefined()
  })

  it('is bounded: reversalWindow effects and dedupeWindow reversals; window 0 keeps nothing', () => {
    const log = new FillUndoLog(2, 2)
    const plan = { cash: new Map<string, Decimal>(), pos: pos('1', '1'), realized: D(0) }
    for (const k of ['a', 'b', 'c']) log.record(k, fill, plan, undefined, () => D(0))
    expect(log.effect('a')).toBeUndefined()
    expect(log.effect('c')).toBeDefined()
    for (const k of ['a', 'b', 'c']) log.reversed(k)
    expect(log.wasReversed('a')).toBe(false)
    expect(log.wasReversed('c')).toBe(true)
    const none = new FillUndoLog(0, 2)
    none.record('x', fill, plan, undefined, () => D(0))
    expect(none.effect('x')).toBeUndefined()
  })
})

describe('reversedEntry', () => {
  const eff = (qtyBefore: string, qtyAfter: string, entryBefore?: string, entryAfter?: string) => ({
    cash: new Map<string, Decimal>(),
    feeAsset: 'USDT',
    fee: D(0),
    feeQ: D(0),
    realized: D(0),
    qtyBefore: D(qtyBefore),
    qtyAfter: D(qtyAfter),
    entryBefore: entryBefore === undefined ? undefined : D(entryBefore),
    entryAfter: entryAfter === undefined ? undefined : D(entryAfter),
  })

  it('nothing happened since the fill: the entry before it', () => {
    expect(reversedEntry(pos('2', '105'), D(1), D(110), eff('1', '2', '100', '105'))?.toString()).toBe('100')
  })

  it('a later fill changed the position: the reversed lot leaves the average at its price', () => {
    // 1 @ 100, +1 @ 110 (reversed later), +2 @ 120 → 4 @ 112.5; undo the 110 lot → 3 @ 113.33…
    const e = reversedEntry(pos('4', '112.5'), D(3), D(110), eff('1', '2', '100', '105'))
    expect(e?.toFixed(4)).toBe('113.3333')
  })

  it('a flat result has no entry', () => {
    expect(reversedEntry(pos('1', '100'), D(0), D(100), eff('0', '1', undefined, '100'))).toBeUndefined()
  })
})
