import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../core/logger.js'
import { type Fill, fillKey } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { StateError } from '../../errors/index.js'
import { UnknownOrderFills } from './unknownOrderFills.js'

const fill = (tradeId: string, tsEvent: number): Fill => ({
  venue: 'polymarket',
  symbol: 'YES',
  clientOrderId: 'o1',
  tradeId,
  side: 'BUY',
  price: new Decimal('0.5'),
  qty: new Decimal(7),
  fee: new Decimal(0),
  feeAsset: 'pUSD',
  liquidity: 'TAKER',
  tsEvent,
})

describe('UnknownOrderFills', () => {
  const rig = () => {
    const errors: StateError[] = []
    const unknown = new UnknownOrderFills(2, silentLogger, (e) => errors.push(e))
    unknown.started(10_000)
    const messages = () => errors.map((e) => e.message)
    return { unknown, errors, messages }
  }

  it('reports a fill of an unknown order traded since the start, not one traded before it', () => {
    const { unknown, messages } = rig()
    const before = fill('t1', 9_999)
    const since = fill('t2', 10_000)
    expect(unknown.filled(before, fillKey(before))).toBeUndefined()
    unknown.filled(since, fillKey(since))
    expect(messages()).toEqual(['Fill "t2" for unknown order "o1"'])
  })

  it('reports the reversal of a fill from before the start once, with what it took back', () => {
    const { unknown, errors, messages } = rig()
    const before = fill('t1', 5_000)
    unknown.filled(before, fillKey(before))
    unknown.reversed(before, fillKey(before))
    unknown.reversed(before, fillKey(before)) // replayed
    unknown.reversed(fill('t9', 5_000), fillKey(fill('t9', 5_000))) // never seen: nothing to say
    expect(messages()).toEqual([
      expect.stringMatching(/^The venue reversed trade "t1" of order "o1" from before/),
    ])
    expect(errors[0]?.details).toMatchObject({ tradeId: 't1', side: 'BUY', qty: '7' })
  })

  it('reports every fill of an unknown order before the executor started (no start time yet)', () => {
    const errors: StateError[] = []
    const unknown = new UnknownOrderFills(2, silentLogger, (e) => errors.push(e))
    const f = fill('t1', 0)
    unknown.filled(f, fillKey(f))
    expect(errors).toHaveLength(1)
  })
})
