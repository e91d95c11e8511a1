import type { Fill, Instrument, Side } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { flatMutablePosition, type MutablePosition } from '../portfolio/MutablePosition.js'

/** Test instruments: a spot pair, a perpetual and two outcome tokens (not exported from tradekit/execution). */
export const BTCUSDT: Instrument = {
  venue: 'fake',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
  minNotional: new Decimal('5'),
}

export const BTCPERP: Instrument = {
  venue: 'fake',
  symbol: 'BTCUSDT-PERP',
  base: 'BTC',
  quote: 'USDT',
  kind: 'perpetual',
  tickSize: new Decimal('0.1'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
  minNotional: new Decimal('5'),
  maxLeverage: 125,
}

const outcome = (symbol: string, label: string): Instrument => ({
  venue: 'fake',
  symbol,
  base: label,
  quote: 'USDT',
  kind: 'outcome',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.01'),
  minQty: new Decimal('1'),
  outcome: { tokenId: symbol, conditionId: `0x${'ab'.repeat(32)}`, outcome: label, negRisk: false },
})

export const YES = outcome('111', 'Yes')
export const NO = outcome('222', 'No')

/** A flat position of `inst`, as the Portfolio keeps one before its first fill. */
export function flatPosition(inst: Instrument): MutablePosition {
  return flatMutablePosition(inst.venue, inst.symbol, inst.kind, 1)
}

/**
 * A fill of `inst` for tests: `qty` at `price` (decimal strings), a taker fill of order `c1` (trade `t1`) with no fee
 * in the quote asset at time 0, unless `over` says otherwise.
 */
export function testFill(
  inst: Instrument,
  side: Side,
  qty: string,
  price: string,
  over: Partial<Fill> = {},
): Fill {
  return {
    venue: inst.venue,
    symbol: inst.symbol,
    clientOrderId: 'c1',
    tradeId: 't1',
    side,
    price: new Decimal(price),
    qty: new Decimal(qty),
    fee: new Decimal(0),
    feeAsset: inst.quote,
    liquidity: 'TAKER',
    tsEvent: 0,
    ...over,
  }
}
