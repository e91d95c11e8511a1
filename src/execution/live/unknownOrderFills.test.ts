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
    const filled = (f: Fill) => unknown.filled(f, fillKey(f))
    return { unknown, errors, messages, filled }
  }

  it('reports a fill of an unknown order unless it traded before the start by more than a trade time’s rounding', () => {
    const { messages, filled } = rig()
    filled(fill('t1', 9_000)) // a second before: from before the start, not reported
    filled(fill('t2', 9_001)) // a match time in whole seconds may be up to 999 ms early: maybe since the start
    filled(fill('t3', 10_000))
    expect(messages()).toEqual(['Fill "t2" for unknown order "o1"', 'Fill "t3" for unknown order "o1"'])
  })

  it('reports the reversal of a fill from before the start once, with what it took back', () => {
    const { unknown, errors, messages, filled } = rig()
    const old = fill('t1', 5_000)
    filled(old)
    unknown.reversed(old, fillKey(old))
    unknown.reversed(old, fillKey(old)) // replayed
    unknown.reversed(fill('t9', 5_000), fillKey(fill('t9', 5_000))) // never seen: nothing to say
    expect(messages()).toEqual([
      expect.stringMatching(/^The venue reversed trade "t1" of order "o1" from before/),
    ])
    expect(errors[0]?.details).toMatchObject({ tradeId: 't1', side: 'BUY', qty: '7' })
  })

  it('reports every fill of an unknown order while the executor has not started', () => {
    const errors: StateError[] = []
    const unknown = new UnknownOrderFills(2, silentLogger, (e) => errors.push(e))
    const f = fill('t1', 0)
    unknown.filled(f, fillKey(f))
    expect(errors).toHaveLength(1)
  })
})
