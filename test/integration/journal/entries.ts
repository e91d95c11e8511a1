/** Builders for journal entries in the tests. */
import type { JournalFillEntry, JournalOrderEntry } from '../../../src/core/index.js'
import { fillKey } from '../../../src/core/index.js'

export const T0 = Date.UTC(2026, 11, 4, 10, 0, 0)

export function fill(
  tradeId: string,
  over: Partial<Omit<JournalFillEntry, 'kind' | 'key'>> = {},
): JournalFillEntry {
  const base = {
    strategyId: 'A',
    venue: 'binance',
    symbol: 'BTCUSDT',
    clientOrderId: `o-${tradeId}`,
    tradeId,
    side: 'BUY' as const,
    price: '100',
    qty: '1',
    fee: '0.1',
    feeAsset: 'USDT',
    liquidity: 'TAKER' as const,
    tsEvent: T0,
    ...over,
  }
  return { kind: 'fill', key: fillKey(base), ...base }
}

export function order(
  clientOrderId: string,
  event: string,
  status: JournalOrderEntry['status'],
  over: Partial<Omit<JournalOrderEntry, 'kind'>> = {},
): JournalOrderEntry {
  return {
    kind: 'order',
    event,
    clientOrderId,
    strategyId: 'A',
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY',
    orderType: 'LIMIT',
    status,
    qty: '2',
    price: '100',
    filledQty: '0',
    tsEvent: T0,
    ...over,
  }
}
