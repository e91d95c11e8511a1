import { describe, expect, it } from 'vitest'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { BTCUSDT, testFill } from '../testing/fixtures.js'
import { SyntheticFills } from './syntheticFills.js'

const venue = (status: Order['status'], tsUpdated: number): Order => ({
  clientOrderId: 'c1',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(3),
  price: new Decimal(100),
  status,
  filledQty: new Decimal(2),
  tsCreated: 0,
  tsUpdated,
})
const synthetic = testFill(BTCUSDT, 'BUY', '2', '100', { tradeId: 'reconcile:c1:2', tsEvent: 50 })

describe('SyntheticFills', () => {
  it('covers real fills up to the synthesized quantity, not newer than the venue record, then forgets', () => {
    const s = new SyntheticFills(10)
    s.record(venue('PARTIALLY_FILLED', 50), synthetic)
    expect(s.covers(synthetic)).toBe(false)
    expect(s.covers(testFill(BTCUSDT, 'BUY', '1', '99', { tradeId: 'n', tsEvent: 51 }))).toBe(false) // newer
    expect(s.covers(testFill(BTCUSDT, 'BUY', '3', '99', { tradeId: 'x', tsEvent: 40 }))).toBe(false) // too large
    expect(s.covers(testFill(BTCUSDT, 'BUY', '1', '99', { tradeId: 'r1', tsEvent: 40 }))).toBe(true)
    expect(s.covers(testFill(BTCUSDT, 'BUY', '1', '101', { tradeId: 'r2', tsEvent: 45 }))).toBe(true)
    expect(s.covers(testFill(BTCUSDT, 'BUY', '1', '101', { tradeId: 'r3', tsEvent: 45 }))).toBe(false) // used up
  })

  it('covers a real fill of any time when the record was terminal; keeps at most capacity orders', () => {
    const s = new SyntheticFills(1)
    s.record(venue('CANCELED', 50), synthetic)
    expect(s.covers(testFill(BTCUSDT, 'BUY', '2', '100', { tradeId: 'r', tsEvent: 900 }))).toBe(true)
    s.record(venue('CANCELED', 50), synthetic)
    s.record(venue('CANCELED', 50), { ...synthetic, clientOrderId: 'c2' })
    expect(s.covers(testFill(BTCUSDT, 'BUY', '1', '100', { tradeId: 'r4' }))).toBe(false) // c1 forgotten
  })
})
