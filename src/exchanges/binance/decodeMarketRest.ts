import * as z from 'zod/mini'
import { type Candle, err, ok, type Result, type Trade } from '../../core/index.js'
import type { Decimal } from '../../decimal/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import type { BinanceBookTicker } from './BinanceClient.js'
import { parseWire } from './parseWire.js'
import type { BinanceLeverageBracket, BinanceMarkPrice } from './types.js'
import { BINANCE_VENUE, type BinanceMarket } from './types.js'
import {
  BinanceBookTickerSchema,
  BinanceCountdownCancelAllSchema,
  BinanceKlineRowSchema,
  BinanceLeverageBracketSchema,
  BinanceListenKeySchema,
  BinancePremiumIndexSchema,
  BinanceRecentTradeSchema,
  BinanceServerTimeSchema,
  BinanceSetLeverageSchema,
  BinanceTickerPriceSchema,
} from './wire.js'

/** What a market-data decoder needs to label its output. */
export interface BinanceMarketDataContext {
  /** `spot` or `usdm`: picks the venue name (`binance` / `binance-usdm`). */
  readonly market: BinanceMarket
  /** The symbol the request asked for (upper-cased in the output). */
  readonly symbol: string
}

/** Options of {@link decodeKlines}. */
export interface DecodeKlinesOptions extends BinanceMarketDataContext {
  /** Interval as Binance spells it (`1m`, `1h`). */
  readonly interval: string
  /** Server time now (epoch ms): a row whose close time is not before it is still forming (`isClosed: false`). */
  readonly now: number
}

/**
 * Decodes `GET /api/v3/klines` or `GET /fapi/v1/klines` rows (`[openTime, open, high, low, close, volume,
 * closeTime, ...]`) into candles. A row with a malformed or non-positive price refuses the whole response. Pure.
 *
 * @example
 * ```ts
 * // [[1499040000000, "0.01634790", "0.80000000", "0.01575800", "0.01577100", "148976.11427815", 1499644799999,
 * //   "2434.19055334", 308, "1756.87402397", "28.46694368", "0"]]
 * const r = decodeKlines(await res.json(), { market: 'spot', symbol: 'LTCBTC', interval: '1h', now: Date.now() })
 * if (r.ok) console.log(r.value[0]?.close)
 * ```
 */
export function decodeKlines(
  raw: unknown,
  options: DecodeKlinesOptions,
): Result<Candle[], ExchangeDataError> {
  const venue = BINANCE_VENUE[options.market]
  const r = parseWire(z.array(BinanceKlineRowSchema), raw, venue, 'klines')
  if (!r.ok) return r
  const symbol = options.symbol.toUpperCase()
  return ok(
    r.value.map((row) => ({
      venue,
      symbol,
      interval: options.interval,
      openTime: row[0],
      open: row[1].toNumber(),
      high: row[2].toNumber(),
      low: row[3].toNumber(),
      close: row[4].toNumber(),
      volume: row[5].toNumber(),
      closeTime: row[6],
      isClosed: row[6] < options.now,
    })),
  )
}

/**
 * Decodes `GET /api/v3/trades` or `GET /fapi/v1/trades` into public trades (the aggressor is the seller when
 * `isBuyerMaker`). A zero-quantity row (USD-M reports some) is left out; a malformed or zero price refuses the whole
 * response. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "id": 28457, "price": "4.00000100", "qty": "12.00000000", "quoteQty": "48.000012",
 * //    "time": 1499865549590, "isBuyerMaker": true, "isBestMatch": true }]
 * const r = decodeRecentTrades(await res.json(), { market: 'spot', symbol: 'LTCBTC' })
 * ```
 */
export function decodeRecentTrades(
  raw: unknown,
  context: BinanceMarketDataContext,
): Result<Trade[], ExchangeDataError> {
  const venue = BINANCE_VENUE[context.market]
  const r = parseWire(z.array(BinanceRecentTradeSchema), raw, venue, 'trades')
  if (!r.ok) return r
  const symbol = context.symbol.toUpperCase()
  return ok(
    r.value
      .filter((t) => t.qty.gt(0))
      .map((t) => ({
        venue,
        symbol,
        tradeId: String(t.id),
        price: t.price.toNumber(),
        qty: t.qty.toNumber(),
        side: t.isBuyerMaker ? ('SELL' as const) : ('BUY' as const),
        tsEvent: t.time,
      })),
  )
}

/**
 * Decodes `GET /api/v3/ticker/price` or `GET /fapi/v1/ticker/price` (one symbol) into the last price (a zero or
 * malformed price is refused). Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeTickerPrice({ symbol: 'LTCBTC', price: '4.00000200' }, 'spot') // ok: Decimal 4.000002
 * ```
 */
export function decodeTickerPrice(raw: unknown, market: BinanceMarket): Result<Decimal, ExchangeDataError> {
  const r = parseWire(BinanceTickerPriceSchema, raw, BINANCE_VENUE[market], 'ticker price')
  return r.ok ? ok(r.value.price) : r
}

/**
 * Decodes `GET /api/v3/ticker/bookTicker` or `GET /fapi/v1/ticker/bookTicker` (one symbol): best bid and ask with
 * their quantities. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeBookTicker({ symbol: 'LTCBTC', bidPrice: '4.00000000', bidQty: '431.00000000',
 *   askPrice: '4.00000200', askQty: '9.00000000' }, 'spot')
 * ```
 */
export function decodeBookTicker(
  raw: unknown,
  market: BinanceMarket,
): Result<BinanceBookTicker, ExchangeDataError> {
  const r = parseWire(BinanceBookTickerSchema, raw, BINANCE_VENUE[market], 'book ticker')
  if (!r.ok) return r
  const { symbol, bidPrice, bidQty, askPrice, askQty } = r.value
  return ok({ symbol, bidPrice, bidQty, askPrice, askQty })
}

/**
 * Decodes `GET /fapi/v1/premiumIndex` (one symbol) into mark price, index price and the last funding rate (which may
 * be negative). Pure; never throws.
 *
 * @example
 * ```ts
 * // { "symbol": "BTCUSDT", "markPrice": "11793.63104562", "indexPrice": "11781.80495970",
 * //   "estimatedSettlePrice": "11781.16138815", "lastFundingRate": "0.00038246", "interestRate": "0.00010000",
 * //   "nextFundingTime": 1597392000000, "time": 1597370495002 }
 * const r = decodeMarkPrice(await res.json())
 * if (r.ok) console.log(r.value.fundingRate.toString())
 * ```
 */
export function decodeMarkPrice(raw: unknown): Result<BinanceMarkPrice, ExchangeDataError> {
  const r = parseWire(BinancePremiumIndexSchema, raw, BINANCE_VENUE.usdm, 'premium index')
  if (!r.ok) return r
  const p = r.value
  return ok({
    symbol: p.symbol,
    markPrice: p.markPrice,
    indexPrice: p.indexPrice,
    fundingRate: p.lastFundingRate,
    nextFundingTime: p.nextFundingTime,
    tsEvent: p.time,
  })
}

/**
 * Decodes `GET /fapi/v1/leverageBracket` (an array of `{ symbol, brackets }`, or one object when a symbol was asked
 * for) into the brackets of `symbol`; a response without that symbol is an error. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "symbol": "ETHUSDT", "notionalCoef": 1.50, "brackets": [{ "bracket": 1, "initialLeverage": 75,
 * //    "notionalCap": 10000, "notionalFloor": 0, "maintMarginRatio": 0.0065, "cum": 0 }] }]
 * const r = decodeLeverageBrackets(await res.json(), 'ETHUSDT')
 * if (r.ok) console.log(Math.max(...r.value.map((b) => b.initialLeverage)))
 * ```
 */
export function decodeLeverageBrackets(
  raw: unknown,
  symbol: string,
): Result<BinanceLeverageBracket[], ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const schema = z.union([z.array(BinanceLeverageBracketSchema), BinanceLeverageBracketSchema])
  const r = parseWire(schema, raw, venue, 'leverage brackets')
  if (!r.ok) return r
  const s = symbol.toUpperCase()
  const entry = (Array.isArray(r.value) ? r.value : [r.value]).find((x) => x.symbol === s)
  if (entry === undefined)
    return err(new ExchangeDataError(venue, `No leverage brackets for "${s}"`, ['symbol: missing'], raw))
  return ok(entry.brackets.map((b) => ({ ...b })))
}

/**
 * Decodes the `POST /fapi/v1/leverage` response into the leverage now set. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeLeverageChange({ leverage: 21, maxNotionalValue: '1000000', symbol: 'BTCUSDT' }) // ok: 21
 * ```
 */
export function decodeLeverageChange(raw: unknown): Result<number, ExchangeDataError> {
  const r = parseWire(BinanceSetLeverageSchema, raw, BINANCE_VENUE.usdm, 'leverage change')
  return r.ok ? ok(r.value.leverage) : r
}

/**
 * Decodes the `POST /fapi/v1/countdownCancelAll` response into the countdown now set, in ms (0: stopped). Pure; never
 * throws.
 *
 * @example
 * ```ts
 * const r = decodeCountdownCancelAll({ symbol: 'BTCUSDT', countdownTime: '100000' }) // ok: 100000
 * ```
 */
export function decodeCountdownCancelAll(raw: unknown): Result<number, ExchangeDataError> {
  const r = parseWire(BinanceCountdownCancelAllSchema, raw, BINANCE_VENUE.usdm, 'countdown cancel all')
  if (!r.ok) return r
  const ms = Number(r.value.countdownTime)
  if (!Number.isSafeInteger(ms))
    return err(
      new ExchangeDataError(
        BINANCE_VENUE.usdm,
        'countdownTime is not a safe integer',
        ['countdownTime: too large'],
        raw,
      ),
    )
  return ok(ms)
}

/**
 * Decodes a listen-key response (`POST /fapi/v1/listenKey`, `POST /api/v3/userDataStream`) into the key; an empty
 * key is refused. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeListenKey({ listenKey: 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1' }, 'usdm')
 * ```
 */
export function decodeListenKey(raw: unknown, market: BinanceMarket): Result<string, ExchangeDataError> {
  const r = parseWire(BinanceListenKeySchema, raw, BINANCE_VENUE[market], 'listen key')
  return r.ok ? ok(r.value.listenKey) : r
}

/**
 * Decodes `GET /api/v3/time` or `GET /fapi/v1/time` into the server time, epoch ms. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeServerTime({ serverTime: 1499827319559 }, 'spot') // ok: 1499827319559
 * ```
 */
export function decodeServerTime(raw: unknown, market: BinanceMarket): Result<number, ExchangeDataError> {
  const r = parseWire(BinanceServerTimeSchema, raw, BINANCE_VENUE[market], 'server time')
  return r.ok ? ok(r.value.serverTime) : r
}
