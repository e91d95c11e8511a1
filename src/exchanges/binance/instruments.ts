import type { Instrument, OrderRequest } from '../../core/index.js'
import {
  type Decimal,
  formatDecimal,
  isMultipleOf,
  parseDecimal,
  roundPriceForSide,
  roundToIncrement,
  roundToStep,
} from '../../decimal/index.js'
import { ExchangeDataError, ValidationError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { BINANCE_VENUE, type BinanceMarket } from './types.js'

/** A `[min, max, increment]` rule (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE); zero means disabled. */
export interface BinanceRangeFilter {
  readonly min: Decimal
  readonly max: Decimal
  readonly step: Decimal
}

/** Minimum/maximum notional (spot NOTIONAL / MIN_NOTIONAL, futures MIN_NOTIONAL). */
export interface BinanceNotionalFilter {
  readonly min: Decimal
  /** Whether the minimum applies to MARKET orders. */
  readonly applyMinToMarket: boolean
  readonly max?: Decimal
  readonly applyMaxToMarket: boolean
}

/** PERCENT_PRICE (one band) or PERCENT_PRICE_BY_SIDE (a band per side) relative to a reference price. */
export interface BinancePercentPriceFilter {
  readonly bidUp: Decimal
  readonly bidDown: Decimal
  readonly askUp: Decimal
  readonly askDown: Decimal
}

/** Every trading rule of one Binance symbol, parsed from exchangeInfo, with the core {@link Instrument}. */
export interface BinanceSymbolRules {
  readonly market: BinanceMarket
  readonly instrument: Instrument
  /** `TRADING`, `BREAK`, `HALT`, ... */
  readonly status: string
  readonly price: BinanceRangeFilter
  readonly lot: BinanceRangeFilter
  readonly marketLot?: BinanceRangeFilter
  readonly notional?: BinanceNotionalFilter
  readonly percentPrice?: BinancePercentPriceFilter
  /** MAX_NUM_ORDERS. */
  readonly maxNumOrders?: number
  /** MAX_NUM_ALGO_ORDERS. */
  readonly maxNumAlgoOrders?: number
  /** Order types the symbol accepts. */
  readonly orderTypes: readonly string[]
}

type Obj = Record<string, unknown>

function dec(o: Obj, key: string, issues: string[], path: string): Decimal | undefined {
  const r = parseDecimal(o[key], { field: key })
  if (!r.ok) {
    issues.push(`${path}.${key}: ${r.error.shortMessage}`)
    return undefined
  }
  return r.value
}

function range(
  f: Obj,
  a: string,
  b: string,
  c: string,
  issues: string[],
  path: string,
): BinanceRangeFilter | undefined {
  const min = dec(f, a, issues, path)
  const max = dec(f, b, issues, path)
  const step = dec(f, c, issues, path)
  if (min === undefined || max === undefined || step === undefined) return undefined
  return { min, max, step }
}

/** The filters of one symbol, as parsed so far (a later duplicate filter wins). */
interface ParsedFilters {
  price?: BinanceRangeFilter
  lot?: BinanceRangeFilter
  marketLot?: BinanceRangeFilter
  notional?: BinanceNotionalFilter
  percentPrice?: BinancePercentPriceFilter
  maxNumOrders?: number
  maxNumAlgoOrders?: number
}

/** Parses a symbol's `filters` array; malformed values are pushed to `issues`, never defaulted. */
function parseFilters(filters: readonly unknown[], market: BinanceMarket, issues: string[]): ParsedFilters {
  const out: ParsedFilters = {}
  for (const [i, f0] of filters.entries()) {
    if (typeof f0 !== 'object' || f0 === null) continue
    const f = f0 as Obj
    const path = `filters.${i}`
    switch (f.filterType) {
      case 'PRICE_FILTER':
        out.price = range(f, 'minPrice', 'maxPrice', 'tickSize', issues, path)
        break
      case 'LOT_SIZE':
        out.lot = range(f, 'minQty', 'maxQty', 'stepSize', issues, path)
        break
      case 'MARKET_LOT_SIZE':
        out.marketLot = range(f, 'minQty', 'maxQty', 'stepSize', issues, path)
        break
      case 'MIN_NOTIONAL': {
        // Spot (legacy): minNotional + applyToMarket. Futures: notional, applies to every order.
        const key = 'notional' in f ? 'notional' : 'minNotional'
        const min = dec(f, key, issues, path)
        if (min !== undefined) {
          out.notional = {
            min,
            applyMinToMarket: market === 'usdm' || f.applyToMarket === true,
            applyMaxToMarket: false,
          }
        }
        break
      }
      case 'NOTIONAL': {
        const min = dec(f, 'minNotional', issues, path)
        const max = 'maxNotional' in f ? dec(f, 'maxNotional', issues, path) : undefined
        if (min !== undefined) {
          out.notional = {
            min,
            applyMinToMarket: f.applyMinToMarket === true,
            ...(max !== undefined && !max.isZero() ? { max } : {}),
            applyMaxToMarket: f.applyMaxToMarket === true,
          }
        }
        break
      }
      case 'PERCENT_PRICE': {
        const up = dec(f, 'multiplierUp', issues, path)
        const down = dec(f, 'multiplierDown', issues, path)
        if (up !== undefined && down !== undefined)
          out.percentPrice = { bidUp: up, bidDown: down, askUp: up, askDown: down }
        break
      }
      case 'PERCENT_PRICE_BY_SIDE': {
        const bidUp = dec(f, 'bidMultiplierUp', issues, path)
        const bidDown = dec(f, 'bidMultiplierDown', issues, path)
        const askUp = dec(f, 'askMultiplierUp', issues, path)
        const askDown = dec(f, 'askMultiplierDown', issues, path)
        if (bidUp && bidDown && askUp && askDown) out.percentPrice = { bidUp, bidDown, askUp, askDown }
        break
      }
      case 'MAX_NUM_ORDERS': {
        const n = f.maxNumOrders ?? f.limit
        if (typeof n === 'number' && Number.isInteger(n) && n > 0) out.maxNumOrders = n
        break
      }
      case 'MAX_NUM_ALGO_ORDERS': {
        const n = f.maxNumAlgoOrders ?? f.limit
        if (typeof n === 'number' && Number.isInteger(n) && n > 0) out.maxNumAlgoOrders = n
        break
      }
      default:
        break
    }
  }
  return out
}

/**
 * Parses one symbol of a spot (`/api/v3/exchangeInfo`) or USD-M (`/fapi/v1/exchangeInfo`) response into
 * {@link BinanceSymbolRules}. Strict: a malformed filter is an error, never a default.
 *
 * @example
 * ```ts
 * const info = await (await fetch('https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT')).json()
 * const r = parseSymbolRules(info.symbols[0], 'spot')
 * if (r.ok) console.log(r.value.price.step.toString(), r.value.lot.step.toString()) // tick and step
 * ```
 */
export function parseSymbolRules(
  raw: unknown,
  market: BinanceMarket,
): Result<BinanceSymbolRules, ExchangeDataError> {
  const venue = BINANCE_VENUE[market]
  const issues: string[] = []
  if (typeof raw !== 'object' || raw === null) {
    return err(new ExchangeDataError(venue, 'Invalid exchangeInfo symbol', ['(root): expected object'], raw))
  }
  const s = raw as Obj
  const symbol = typeof s.symbol === 'string' && s.symbol.length > 0 ? s.symbol : undefined
  if (symbol === undefined) issues.push('symbol: missing')
  if (typeof s.baseAsset !== 'string') issues.push('baseAsset: missing')
  if (typeof s.quoteAsset !== 'string') issues.push('quoteAsset: missing')
  const status = typeof s.status === 'string' ? s.status : undefined
  if (status === undefined) issues.push('status: missing')
  const filters = Array.isArray(s.filters) ? (s.filters as unknown[]) : undefined
  if (filters === undefined) issues.push('filters: expected an array')
  const { price, lot, marketLot, notional, percentPrice, maxNumOrders, maxNumAlgoOrders } = parseFilters(
    filters ?? [],
    market,
    issues,
  )
  if (filters !== undefined && price === undefined) issues.push('filters: PRICE_FILTER missing')
  if (filters !== undefined && lot === undefined) issues.push('filters: LOT_SIZE missing')
  if (price?.step.isZero()) issues.push('PRICE_FILTER.tickSize: must be > 0')
  if (lot?.step.isZero()) issues.push('LOT_SIZE.stepSize: must be > 0')
  if (issues.length > 0 || price === undefined || lot === undefined) {
    return err(new ExchangeDataError(venue, `Invalid exchangeInfo symbol "${symbol ?? '?'}"`, issues, raw))
  }
  const instrument: Instrument = {
    venue,
    symbol: symbol as string,
    base: s.baseAsset as string,
    quote: s.quoteAsset as string,
    kind: market === 'spot' ? 'spot' : 'perpetual',
    tickSize: price.step,
    stepSize: lot.step,
    ...(price.min.isZero() ? {} : { minPrice: price.min }),
    ...(price.max.isZero() ? {} : { maxPrice: price.max }),
    minQty: lot.min,
    ...(lot.max.isZero() ? {} : { maxQty: lot.max }),
    ...(notional !== undefined ? { minNotional: notional.min } : {}),
  }
  return ok({
    market,
    instrument,
    status: status as string,
    price,
    lot,
    ...(marketLot !== undefined ? { marketLot } : {}),
    ...(notional !== undefined ? { notional } : {}),
    ...(percentPrice !== undefined ? { percentPrice } : {}),
    ...(maxNumOrders !== undefined ? { maxNumOrders } : {}),
    ...(maxNumAlgoOrders !== undefined ? { maxNumAlgoOrders } : {}),
    orderTypes: Array.isArray(s.orderTypes)
      ? (s.orderTypes as unknown[]).filter((t) => typeof t === 'string')
      : [],
  })
}

/**
 * Parses every symbol of an exchangeInfo response. Symbols that fail to parse are returned in `errors` (and
 * skipped), so one odd symbol never hides the others.
 *
 * @example
 * ```ts
 * const info = await (await fetch('https://api.binance.com/api/v3/exchangeInfo')).json()
 * const { symbols, errors } = parseExchangeInfo(info, 'spot')
 * const btc = symbols.get('BTCUSDT')?.instrument
 * for (const e of errors) console.warn(e.message) // symbols that failed to parse, skipped
 * ```
 */
export function parseExchangeInfo(
  raw: unknown,
  market: BinanceMarket,
): { symbols: Map<string, BinanceSymbolRules>; errors: ExchangeDataError[]; serverTime?: number } {
  const symbols = new Map<string, BinanceSymbolRules>()
  const errors: ExchangeDataError[] = []
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Obj
  if (!Array.isArray(o.symbols)) {
    errors.push(
      new ExchangeDataError(
        BINANCE_VENUE[market],
        'Invalid exchangeInfo',
        ['symbols: expected an array'],
        raw,
      ),
    )
    return { symbols, errors }
  }
  for (const s of o.symbols as unknown[]) {
    const r = parseSymbolRules(s, market)
    if (r.ok) symbols.set(r.value.instrument.symbol, r.value)
    else errors.push(r.error)
  }
  return { symbols, errors, ...(typeof o.serverTime === 'number' ? { serverTime: o.serverTime } : {}) }
}

/** An order after validation and rounding: decimal strings ready to send. */
export interface PreparedOrder {
  readonly quantity: string
  readonly price?: string
  readonly triggerPrice?: string
}

/** Options of {@link prepareOrder}. */
export interface PrepareOrderOptions {
  /** A recent reference price (last/mark/average) for MARKET notional and PERCENT_PRICE checks. */
  referencePrice?: Decimal
}

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/

/**
 * Validates an order against the symbol's filters and rounds it, before anything is sent: quantity rounds down to
 * the step, a BUY limit price rounds down and a SELL rounds up to the tick (never more aggressive), triggers round
 * to the nearest tick. Spot measures tick and step from 0; USD-M from `minPrice`/`minQty`. Market-type orders pass
 * LOT_SIZE and MARKET_LOT_SIZE both; USD-M reduce-only orders skip MIN_NOTIONAL. Returns a {@link ValidationError}
 * naming the filter on a violation (no round trip for -1013).
 *
 * @example
 * ```ts
 * const r = prepareOrder({ clientOrderId: 'c1', venue: 'binance', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT',
 *   qty: new Decimal('0.0123456'), price: new Decimal('64000.129'), timeInForce: 'GTC' }, rules)
 * if (r.ok) console.log(r.value.quantity, r.value.price) // '0.01234' '64000.12' with a 0.01 tick and 0.00001 step
 * else console.warn(r.error.message)                     // names the violated filter
 * ```
 */
export function prepareOrder(
  req: OrderRequest,
  rules: BinanceSymbolRules,
  options: PrepareOrderOptions = {},
): Result<PreparedOrder, ValidationError> {
  const fail = (filter: string, why: string, field = 'qty') =>
    err(
      new ValidationError(`Order "${req.clientOrderId}" violates ${filter}: ${why}`, {
        field,
        details: { symbol: req.symbol, filter, clientOrderId: req.clientOrderId },
      }),
    )
  if (!CLIENT_ORDER_ID.test(req.clientOrderId)) {
    return fail('newClientOrderId', 'must match ^[.A-Z:/a-z0-9_-]{1,36}$', 'clientOrderId')
  }
  if (rules.status !== 'TRADING') return fail('status', `symbol is "${rules.status}"`, 'symbol')
  const futures = rules.market === 'usdm'
  const isMarket =
    req.type === 'MARKET' ||
    req.type === 'STOP_MARKET' ||
    req.type === 'TAKE_PROFIT_MARKET' ||
    req.type === 'TRAILING_STOP_MARKET'
  // A market-type order must pass LOT_SIZE and MARKET_LOT_SIZE (a zero field is disabled: real spot symbols send
  // MARKET_LOT_SIZE stepSize "0" with a maxQty far below LOT_SIZE's); it rounds to MARKET_LOT_SIZE's step if non-zero.
  const marketLot = isMarket ? rules.marketLot : undefined
  const grid = marketLot !== undefined && !marketLot.step.isZero() ? marketLot : rules.lot
  const gridName = grid === rules.lot ? 'LOT_SIZE' : 'MARKET_LOT_SIZE'
  const qty = roundToStep(req.qty, grid.step, futures ? grid.min : undefined)
  if (qty.lte(0)) return fail(gridName, `quantity "${formatDecimal(req.qty)}" rounds to 0`)
  const lots: [string, BinanceRangeFilter][] = [['LOT_SIZE', rules.lot]]
  if (marketLot !== undefined) lots.push(['MARKET_LOT_SIZE', marketLot])
  for (const [lotName, lot] of lots) {
    if (!lot.min.isZero() && qty.lt(lot.min))
      return fail(lotName, `quantity "${formatDecimal(qty)}" < minQty "${formatDecimal(lot.min)}"`)
    if (!lot.max.isZero() && qty.gt(lot.max))
      return fail(lotName, `quantity "${formatDecimal(qty)}" > maxQty "${formatDecimal(lot.max)}"`)
  }
  const pf = rules.price
  const origin = futures && !pf.min.isZero() ? pf.min : undefined
  const checkRange = (p: Decimal, field: string) => {
    if (!pf.min.isZero() && p.lt(pf.min))
      return fail(
        'PRICE_FILTER',
        `${field} "${formatDecimal(p)}" < minPrice "${formatDecimal(pf.min)}"`,
        field,
      )
    if (!pf.max.isZero() && p.gt(pf.max))
      return fail(
        'PRICE_FILTER',
        `${field} "${formatDecimal(p)}" > maxPrice "${formatDecimal(pf.max)}"`,
        field,
      )
    return undefined
  }
  let price: Decimal | undefined
  if (req.price !== undefined) {
    price = roundPriceForSide(req.price, pf.step, req.side, origin)
    if (price.lte(0)) return fail('PRICE_FILTER', 'price rounds to 0', 'price')
    const bad = checkRange(price, 'price')
    if (bad) return bad
  }
  let trigger: Decimal | undefined
  if (req.triggerPrice !== undefined) {
    trigger = roundToIncrement(req.triggerPrice, pf.step, 'NEAREST', origin)
    if (trigger.lte(0)) return fail('PRICE_FILTER', 'trigger price rounds to 0', 'triggerPrice')
    const bad = checkRange(trigger, 'triggerPrice')
    if (bad) return bad
  }
  const ref = price ?? options.referencePrice
  const n = rules.notional
  if (n !== undefined && ref !== undefined) {
    const notional = ref.times(qty)
    // USD-M waives the minimum for reduce-only orders (-4164: "... no smaller than 5 (unless you choose reduce
    // only)"), so a dust position can be closed.
    const minApplies = (price !== undefined || n.applyMinToMarket) && !(futures && req.reduceOnly === true)
    if (minApplies && notional.lt(n.min)) {
      return fail(
        futures ? 'MIN_NOTIONAL' : 'NOTIONAL',
        `notional "${formatDecimal(notional)}" < "${formatDecimal(n.min)}"`,
      )
    }
    const maxApplies = price !== undefined || n.applyMaxToMarket
    if (n.max !== undefined && maxApplies && notional.gt(n.max)) {
      return fail('NOTIONAL', `notional "${formatDecimal(notional)}" > "${formatDecimal(n.max)}"`)
    }
  }
  const pp = rules.percentPrice
  if (pp !== undefined && price !== undefined && options.referencePrice !== undefined) {
    const r = options.referencePrice
    const [up, down] = req.side === 'BUY' ? [pp.bidUp, pp.bidDown] : [pp.askUp, pp.askDown]
    if (price.gt(r.times(up)) || price.lt(r.times(down))) {
      return fail(
        'PERCENT_PRICE',
        `price "${formatDecimal(price)}" outside [${formatDecimal(r.times(down))}, ${formatDecimal(r.times(up))}]`,
        'price',
      )
    }
  }
  return ok({
    quantity: formatDecimal(qty),
    ...(price !== undefined ? { price: formatDecimal(price) } : {}),
    ...(trigger !== undefined ? { triggerPrice: formatDecimal(trigger) } : {}),
  })
}

/**
 * True when `price` sits on the symbol's tick grid (spot from 0, USD-M from minPrice).
 *
 * @example
 * ```ts
 * isOnTick(new Decimal('64000.12'), rules)  // true with a 0.01 tick
 * isOnTick(new Decimal('64000.125'), rules) // false
 * ```
 */
export function isOnTick(price: Decimal, rules: BinanceSymbolRules): boolean {
  const origin = rules.market === 'usdm' ? rules.price.min : 0
  return isMultipleOf(price, rules.price.step, origin)
}
