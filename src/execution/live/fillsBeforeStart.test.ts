import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../core/logger.js'
import { createOrder } from '../../core/orderState.js'
import { type Fill, fillKey, type Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { StateError } from '../../errors/index.js'
import { FillsBeforeStart } from './fillsBeforeStart.js'

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

describe('FillsBeforeStart', () => {
  const rig = () => {
    const errors: StateError[] = []
    const before = new FillsBeforeStart(2, silentLogger, (e) => errors.push(e))
    before.started(10_000)
    const messages = () => errors.map((e) => e.message)
    const counted = (f: Fill, order?: Order) => before.counted(f, fillKey(f), order)
    return { before, errors, messages, counted }
  }
  const created = createOrder(
    {
      clientOrderId: 'o1',
      venue: 'polymarket',
      symbol: 'YES',
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(10),
      price: new Decimal('0.5'),
    },
    0,
  )
  if (!created.ok) throw created.error
  const order = created.value

  it('reports a fill of an unknown order unless it traded before the start by more than a trade time’s rounding', () => {
    const { messages, counted } = rig()
    expect(counted(fill('t1', 9_000))).toBe(true) // a second before: from before the start, not reported
    expect(counted(fill('t2', 9_001))).toBe(true) // a match time in whole seconds may be up to 999 ms early
    expect(counted(fill('t3', 10_000))).toBe(true)
    expect(messages()).toEqual(['Fill "t2" for unknown order "o1"', 'Fill "t3" for unknown order "o1"'])
  })

  it('reports the reversal of a fill from before the start once, with what it took back', () => {
    const { before, errors, messages, counted } = rig()
    const old = fill('t1', 5_000)
    counted(old)
    before.reversed(old, fillKey(old))
    before.reversed(old, fillKey(old)) // replayed
    before.reversed(fill('t9', 5_000), fillKey(fill('t9', 5_000))) // never seen: nothing to say
    expect(messages()).toEqual([
      expect.stringMatching(/^The venue reversed trade "t1" of order "o1" from before/),
    ])
    expect(errors[0]?.details).toMatchObject({ tradeId: 't1', side: 'BUY', qty: '7' })
  })

  it('counts an adopted order’s fills traded before the start in its adopted quantity, and books the later ones', () => {
    const { before, messages, counted } = rig()
    expect(counted(fill('t1', 9_000), order)).toBe(false) // not adopted: the executor sent it, books its fills
    before.adopted('o1')
    expect(counted(fill('t1', 9_000), order)).toBe(true)
    expect(counted(fill('t2', 9_001), order)).toBe(false) // maybe since the start (a time in whole seconds)
    expect(counted(fill('t3', 10_000), order)).toBe(false)
    expect(messages()).toEqual([])
  })

  it('reports every fill of an unknown order while the executor has not started', () => {
    const errors: StateError[] = []
    const before = new FillsBeforeStart(2, silentLogger, (e) => errors.push(e))
    const f = fill('t1', 0)
    before.counted(f, fillKey(f), undefined)
    expect(errors).toHaveLength(1)
  })
})
