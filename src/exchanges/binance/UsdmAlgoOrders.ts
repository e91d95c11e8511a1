import * as z from 'zod/mini'
import type { Clock, Order, OrderAck, OrderRequest } from '../../core/index.js'
import { type Decimal, formatDecimal } from '../../decimal/index.js'
import { ExchangeDataError, ExchangeError, type OrderOutcomeUnknownError } from '../../errors/index.js'
import type { QueryValue } from '../../transport/index.js'
import { type BinanceRest, Priority } from './BinanceRest.js'
import { decodeAlgoIds, decodeAlgoOrders } from './decodeOrderLists.js'
import { decodeAlgoOrder, decodeUsdmOrder, readAlgoOrder } from './decodeRest.js'
import { BinanceErrorCode } from './errors.js'
import type { PreparedOrder } from './instruments.js'
import { triggeredAlgoOrder } from './mapping.js'
import type { OpenOrderLimits } from './OpenOrderLimits.js'
import { BINANCE_VENUE } from './types.js'
import { ALGO_TYPES, tif } from './usdmOrderParams.js'

/** What {@link UsdmAlgoOrders} uses of the `BinanceUsdm` client it serves. */
export interface UsdmAlgoOrdersConfig {
  /** The client's signed REST calls. */
  readonly rest: Pick<BinanceRest, 'call'>
  readonly clock: Clock
  /** The client's open-order counts (`MAX_NUM_ORDERS` per symbol, `MAX_NUM_ALGO_ORDERS` per symbol). */
  readonly limits: OpenOrderLimits
  /** The error a failed submission rejects with: a lost answer becomes `OrderOutcomeUnknownError`. */
  readonly submitError: (req: OrderRequest, e: unknown) => unknown
  /** The error for an answer to an order request (`place`, `cancel`) that cannot be read (its outcome is unknown). */
  readonly undecodable: (
    clientOrderId: string,
    symbol: string,
    cause: unknown,
    action: 'place' | 'cancel',
  ) => OrderOutcomeUnknownError
  /** Told of every triggered order read over REST and its algo order, so the user stream links them too. */
  readonly onTriggered: (actualOrderId: string, clientAlgoId: string) => void
}

const PREFIX = '/fapi/v1'

/** The open-order count scope of a symbol's algo orders (`MAX_NUM_ALGO_ORDERS`). */
const algoScope = (symbol: string) => `algo:${symbol}`

/**
 * USD-M conditional (algo) orders for `BinanceUsdm`: placed, cancelled, queried and listed through the
 * `/fapi/v1/algoOrder` endpoints, capped per symbol. A triggered algo order is read through the order it placed.
 *
 * @example
 * ```ts
 * const algo = new UsdmAlgoOrders({ rest, clock, limits, submitError, undecodable, onTriggered })
 * const order = await algo.query('sl-1') // a FINISHED stop: its triggered order's status and fills
 * ```
 */
export class UsdmAlgoOrders {
  readonly #cfg: UsdmAlgoOrdersConfig
  /** Client ids of algo orders: cancelled and queried through the algo endpoints. */
  readonly #ids = new Set<string>()

  constructor(config: UsdmAlgoOrdersConfig) {
    this.#cfg = config
  }

  /** True for the order types Binance USD-M takes only on the algo endpoint (stops, take-profits, trailing). */
  static isAlgoType(type: string): boolean {
    return Object.hasOwn(ALGO_TYPES, type)
  }

  /** True when `clientOrderId` is known as an algo order's. */
  has(clientOrderId: string): boolean {
    return this.#ids.has(clientOrderId)
  }

  /** Notes an algo order's client id (seen on the user stream). */
  remember(clientAlgoId: string): void {
    this.#ids.add(clientAlgoId)
  }

  /**
   * Places a checked and rounded conditional order (`POST /fapi/v1/algoOrder`, `algoType=CONDITIONAL`); the ack
   * counts against the symbol's `MAX_NUM_ALGO_ORDERS` and `MAX_NUM_ORDERS`.
   */
  async place(req: OrderRequest, prepared: PreparedOrder, signedAt: number): Promise<OrderAck> {
    const symbol = req.symbol.toUpperCase()
    const params = {
      algoType: 'CONDITIONAL',
      symbol,
      side: req.side,
      type: ALGO_TYPES[req.type] as string,
      quantity: prepared.quantity,
      ...(prepared.price !== undefined ? { price: prepared.price, timeInForce: tif(req) } : {}),
      ...(req.type === 'TRAILING_STOP_MARKET'
        ? {
            callbackRate: formatDecimal(req.trailingPercent as Decimal),
            ...(prepared.triggerPrice !== undefined ? { activatePrice: prepared.triggerPrice } : {}),
          }
        : { triggerPrice: prepared.triggerPrice }),
      ...(req.reduceOnly ? { reduceOnly: 'true' } : {}),
      clientAlgoId: req.clientOrderId,
    }
    let res: unknown
    try {
      res = await this.#call('POST', '/algoOrder', params, {
        isOrder: true,
        signedAt,
        priority: req.reduceOnly ? Priority.CANCEL : Priority.ORDER,
      })
    } catch (e) {
      throw this.#cfg.submitError(req, e)
    }
    this.#ids.add(req.clientOrderId)
    const decoded = decodeAlgoOrder(res, this.#cfg.clock.now())
    if (!decoded.ok) throw this.#cfg.undecodable(req.clientOrderId, symbol, decoded.error, 'place')
    const order = decoded.value
    this.#cfg.limits.observe(algoScope(symbol), order)
    this.#cfg.limits.observe(symbol, order)
    return { clientOrderId: req.clientOrderId, venueOrderId: order.venueOrderId as string, order, fills: [] }
  }

  /**
   * Cancels an algo order by client id (`DELETE /fapi/v1/algoOrder`) and reads it back. Binance cancels only an
   * active (untriggered) algo order: once TRIGGERED, the order it placed (`actualOrderId`) rests in the matching
   * engine, so a refused algo cancel (-2011, -2013) cancels that order (`DELETE /fapi/v1/order`) instead, reported
   * under the algo order's client id. A FINISHED one (its order already filled or canceled) keeps the refusal.
   */
  async cancel(symbol: string, clientAlgoId: string): Promise<Order> {
    try {
      await this.#call('DELETE', '/algoOrder', { clientAlgoId }, { priority: Priority.CANCEL })
    } catch (e) {
      return this.#cancelTriggered(symbol, clientAlgoId, e)
    }
    const order = await this.query(clientAlgoId)
    if (order === undefined)
      throw new ExchangeDataError(
        BINANCE_VENUE.usdm,
        `Algo order "${clientAlgoId}" vanished after cancel`,
        [],
        { symbol },
      )
    return order
  }

  /**
   * After Binance refused to cancel an algo order: cancels the order it placed when triggered (TRIGGERED, with an
   * `actualOrderId`), by order id, and returns it as {@link UsdmAlgoOrders.query} would; otherwise rethrows `refusal`.
   */
  async #cancelTriggered(symbol: string, clientAlgoId: string, refusal: unknown): Promise<Order> {
    const code = refusal instanceof ExchangeError ? refusal.venueCode : undefined
    if (code !== BinanceErrorCode.CANCEL_REJECTED && code !== BinanceErrorCode.NO_SUCH_ORDER) throw refusal
    let raw: unknown
    try {
      raw = await this.#call('GET', '/algoOrder', { clientAlgoId })
    } catch {
      throw refusal
    }
    const r = readAlgoOrder(raw, this.#cfg.clock.now())
    if (!r.ok || 'order' in r.value || r.value.record.algoStatus !== 'TRIGGERED') throw refusal
    const { record, actualOrderId } = r.value
    // Linked first: the stream's ORDER_TRADE_UPDATE of the cancel may come before this answer.
    this.#cfg.onTriggered(actualOrderId, record.clientAlgoId)
    const res = await this.#call(
      'DELETE',
      '/order',
      { symbol: record.symbol, orderId: actualOrderId },
      { priority: Priority.CANCEL },
    )
    const actual = decodeUsdmOrder(res, this.#cfg.clock.now())
    if (!actual.ok) throw this.#cfg.undecodable(clientAlgoId, symbol, actual.error, 'cancel')
    return triggeredAlgoOrder(actual.value, record.clientAlgoId)
  }

  /**
   * Looks an algo order up by client id (`GET /fapi/v1/algoOrder`); `undefined` when Binance does not know it (-2013).
   * Once triggered (TRIGGERED, FINISHED) it is read through the order it placed (`actualOrderId`, `GET /fapi/v1/order`):
   * that order's status, filled quantity and average price, under the algo order's client id. The algo record alone
   * never reports a fill; a FINISHED one that names no order is an `ExchangeDataError`.
   */
  async query(clientAlgoId: string): Promise<Order | undefined> {
    let raw: unknown
    try {
      raw = await this.#call('GET', '/algoOrder', { clientAlgoId })
    } catch (e) {
      if (e instanceof ExchangeError && e.venueCode === BinanceErrorCode.NO_SUCH_ORDER) return undefined
      throw e
    }
    const r = readAlgoOrder(raw, this.#cfg.clock.now())
    if (!r.ok) throw r.error
    if ('order' in r.value) return r.value.order
    const { record, actualOrderId } = r.value
    const actual = decodeUsdmOrder(
      await this.#call('GET', '/order', { symbol: record.symbol, orderId: actualOrderId }),
      this.#cfg.clock.now(),
    )
    if (!actual.ok) throw actual.error
    this.#cfg.onTriggered(actualOrderId, record.clientAlgoId)
    return triggeredAlgoOrder(actual.value, record.clientAlgoId)
  }

  /** Open algo orders of a symbol, or of every symbol (`GET /fapi/v1/openAlgoOrders`, weight 1, or 40 for all). */
  async open(symbol?: string): Promise<Order[]> {
    const raw = await this.#call('GET', '/openAlgoOrders', { symbol }, { weight: symbol ? 1 : 40 })
    const r = decodeAlgoOrders(raw, this.#cfg.clock.now())
    if (!r.ok) throw r.error
    return r.value
  }

  /** Cancels every open algo order of a symbol, by algo id (only the ids are read, so no status can stop it). */
  async cancelOpen(symbol: string): Promise<void> {
    const ids = decodeAlgoIds(await this.#call('GET', '/openAlgoOrders', { symbol }))
    if (!ids.ok) throw ids.error
    for (const algoId of ids.value)
      await this.#call('DELETE', '/algoOrder', { algoId }, { priority: Priority.CANCEL })
  }

  /**
   * Checks `MAX_NUM_ALGO_ORDERS` before sending: Binance USD-M caps the algo orders an account has open on a symbol.
   * Counted per symbol, and read with `GET /fapi/v1/openAlgoOrders?symbol=` (weight 1) when the count is unknown or
   * says full. Throws a `ValidationError` naming the filter.
   */
  async checkCap(req: OrderRequest, limit: number | undefined): Promise<void> {
    if (limit === undefined) return
    const symbol = req.symbol.toUpperCase()
    await this.#cfg.limits.check(
      {
        filter: 'MAX_NUM_ALGO_ORDERS',
        scope: algoScope(symbol),
        limit,
        // Only the client ids are read: an entry tradekit cannot decode must not block a protective stop.
        readOpen: async () => {
          const open = await this.#cfg.rest.call({
            method: 'GET',
            path: `${PREFIX}/openAlgoOrders`,
            schema: z.array(z.object({ clientAlgoId: z.string() })),
            params: { symbol },
            security: 'SIGNED',
          })
          return open.map((a) => a.clientAlgoId)
        },
      },
      req.clientOrderId,
    )
  }

  #call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, QueryValue>,
    opts: { weight?: number; isOrder?: boolean; signedAt?: number; priority?: Priority } = {},
  ): Promise<unknown> {
    return this.#cfg.rest.call({
      method,
      path: `${PREFIX}${path}`,
      schema: z.unknown(),
      params,
      security: 'SIGNED',
      ...opts,
    })
  }
}
