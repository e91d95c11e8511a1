import { describe, expect, it } from 'vitest'
import { BTCUSDT, testFill } from '../execution/testing/fixtures.js'
import { MakerFillLog } from './MakerFillLog.js'

const fillOf = (clientOrderId: string, tsEvent: number) =>
  testFill(BTCUSDT, 'BUY', '1', '100', { clientOrderId, tsEvent, liquidity: 'MAKER' })

describe('MakerFillLog', () => {
  it('lists the first fills of our quotes only, then forgets the quote ids and keeps no more', () => {
    const log = new MakerFillLog(2)
    log.quoteSent('q1')
    log.quoteSent('q2')
    log.filled([fillOf('other', 1), fillOf('q1', 2)])
    expect(log.entries.map((e) => e.t)).toEqual([2])
    expect(log.remembered).toBe(2)
    log.filled([fillOf('q2', 3), fillOf('q1', 4)])
    expect(log.entries.map((e) => e.t)).toEqual([2, 3])
    expect(log.entries[0]).toEqual({
      t: 2,
      symbol: 'BTCUSDT',
      side: 'BUY',
      price: '100',
      qty: '1',
      liquidity: 'MAKER',
    })
    // Full: a replay's later quotes (millions in a long one) are not remembered.
    expect([log.full, log.remembered]).toEqual([true, 0])
    for (let i = 0; i < 1_000; i++) log.quoteSent(`later-${i}`)
    expect(log.remembered).toBe(0)
  })

  it('with room for none, remembers nothing', () => {
    const log = new MakerFillLog(0)
    log.quoteSent('q1')
    log.filled([fillOf('q1', 1)])
    expect([log.entries.length, log.remembered]).toEqual([0, 0])
  })
})
