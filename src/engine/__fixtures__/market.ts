import { TypedEmitter } from '../../core/events.js'
import type { MarketDataEvents, MarketDataSource, Signal } from '../../core/ports.js'
import type { BookSnapshot, Candle, Instrument, Trade } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'

/** BTCUSDT spot on binance, as the engine unit tests use it. */
export const btc: Instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
}

/** A hand-driven market-data source. */
export class Feed implements MarketDataSource {
  readonly bus = new TypedEmitter<MarketDataEvents>()
  readonly events = this.bus
}

/** A closed 1m BTCUSDT candle number `i`. */
export function candle(i: number, close: number, over: Partial<Candle> = {}): Candle {
  return {
    venue: 'binance',
    symbol: 'BTCUSDT',
    interval: '1m',
    openTime: i * 60_000,
    closeTime: i * 60_000 + 59_999,
    open: close,
    high: close * 1.002,
    low: close * 0.998,
    close,
    volume: 10,
    isClosed: true,
    ...over,
  }
}

/** A BTCUSDT public trade. */
export function trade(price: number, tsEvent: number): Trade {
  return { venue: 'binance', symbol: 'BTCUSDT', tradeId: `t${tsEvent}`, price, qty: 1, side: 'BUY', tsEvent }
}

/** A one-level BTCUSDT book. */
export function book(bid: number, ask: number, tsEvent: number): BookSnapshot {
  return { venue: 'binance', symbol: 'BTCUSDT', bids: [[bid, 5]], asks: [[ask, 5]], tsEvent }
}

/** A BTCUSDT signal of strategy `s1`. */
export function signal(over: Partial<Signal> = {}): Signal {
  return {
    strategyId: 's1',
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY',
    intent: 'ENTRY',
    reason: 'test',
    tsEvent: 0,
    ...over,
  }
}
