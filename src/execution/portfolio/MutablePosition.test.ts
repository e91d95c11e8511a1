import { describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { liquidationPrice, type MutablePosition, positionMargin, unrealizedPnl } from './MutablePosition.js'

const D = (v: string | number) => new Decimal(v)
const perp = (qty: string, entry: string, mark?: string, leverage = 5): MutablePosition => ({
  venue: 'v',
  symbol: 'BTCUSDT',
  kind: 'perpetual',
  qty: D(qty),
  entry: D(entry),
  realized: D(0),
  fees: D(0),
  mark: mark === undefined ? undefined : D(mark),
  leverage,
})

describe('position metrics', () => {
  it('unrealized PnL is (mark − entry) × signed qty, 0 unmarked', () => {
    expect(unrealizedPnl(perp('2', '100', '110')).toString()).toBe('20')
    expect(unrealizedPnl(perp('-2', '100', '110')).toString()).toBe('-20')
    expect(unrealizedPnl(perp('2', '100')).toString()).toBe('0')
  })

  it('margin is |qty| × mark (else entry) / leverage, 0 for spot', () => {
    expect(positionMargin(perp('-2', '100', '110')).toString()).toBe('44')
    expect(positionMargin(perp('2', '100')).toString()).toBe('40')
    expect(positionMargin({ ...perp('2', '100'), kind: 'spot' }).toString()).toBe('0')
  })

  it('liquidation estimate for longs and shorts, none when flat', () => {
    expect(liquidationPrice(perp('1', '100'), 0.004)?.toString()).toBe('80.4')
    expect(liquidationPrice(perp('-1', '100'), 0.004)?.toString()).toBe('119.6')
    expect(liquidationPrice({ ...perp('0', '100'), entry: undefined }, 0.004)).toBeUndefined()
  })
})
