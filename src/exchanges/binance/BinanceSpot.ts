import * as z from 'zod/mini'
import type { Balance, Order, OrderAck, OrderRequest, Position, ReplaceOutcome } from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import { ExchangeError, isTradekitError, type TradekitError, ValidationError } from '../../errors/index.js'
import { err, ok } from '../../errors/result.js'
import { orderPriority } from '../../transport/index.js'
import { BinanceClient, type BinancePlaceOrderOptions, Priority } from './BinanceClient.js'
import { BinanceSpotUserStream } from './BinanceSpotUserStream.js'
import type { BinanceConfig } from './config.js'
import { decodeSpotCancelAll, decodeSpotOrders } from './decodeOrderLists.js'
import { decodeSpotBalances, decodeSpotOrder } from './decodeRest.js'
import { BinanceErrorCode, mapBinanceError } from './errors.js'
import type { PreparedOrder } from './instruments.js'

const SPOT_TYPES: Readonly<Record<string, string>> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_LOSS',
  STOP_LIMIT: 'STOP_LOSS_LIMIT',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT',
  TAKE_PROFIT_LIMIT: 'TAKE_PROFIT_LIMIT',
}

/** `-2021` "Order cancel-replace partially failed." and `-2022` "Order cancel-replace failed." */
const CANCEL_REPLACE_PARTIAL = -2021
const CANCEL_REPLACE_FAILED = -2022

/** The `data` of a failed cancel-replace: each leg's result, a failed leg's response as its `{ code, msg }`. */
const CancelReplaceDataSchema = z.object({
  cancelResult: z.optional(z.string()),
  newOrderResult: z.optional(z.string()),
  cancelResponse: z.optional(z.unknown()),
  newOrderResponse: z.optional(z.unknown()),
})

/** A failed leg's response in a cancel-replace's `data`: Binance's `{ code, msg }`. */
const CancelReplaceLegErrorSchema = z.object({ code: z.optional(z.number()), msg: z.optional(z.string()) })

/**
 * Binance Spot: public and signed REST, filters checked before sending, market streams, local order books and
 * user data through the WebSocket API subscription. Testnet by default; `{ testnet: false }` targets production,
 * where placing orders also needs `{ allowLiveTrading: true }`.
 *
 * @example
 * ```ts
 * const spot = new BinanceSpot({ apiKey, apiSecret }) // testnet
 * spot.events.on('fill', (e) => console.log(e.fill))
 * await spot.startUserData()
 * const ack = await spot.placeOrder({ clientOrderId: 'my-1', venue: 'binance', symbol: 'BTCUSDT', side: 'BUY',
 *   type: 'LIMIT', qty: new Decimal('0.001'), price: new Decimal('50000'), timeInForce: 'GTC' })
 * ```
 */
export class BinanceSpot extends BinanceClient {
  constructor(config: BinanceConfig = {}) {
    super('spot', config)
  }

  #params(req: OrderRequest, p: PreparedOrder): Record<string, string | undefined> {
    const type = Object.hasOwn(SPOT_TYPES, req.type) ? SPOT_TYPES[req.type] : undefined
    if (type === undefined) {
      throw new ValidationError(`Order type "${req.type}" is not supported on Binance Spot`, {
        field: 'type',
      })
    }
    const postOnly = req.timeInForce === 'POST_ONLY'
    const wireType = postOnly ? 'LIMIT_MAKER' : type
    const needsTif =
      wireType === 'LIMIT' || wireType === 'STOP_LOSS_LIMIT' || wireType === 'TAKE_PROFIT_LIMIT'
    if (req.timeInForce === 'GTD')
      throw new ValidationError('GTD is not supported on Binance Spot', { field: 'timeInForce' })
    return {
      symbol: req.symbol.toUpperCase(),
      side: req.side,
      type: wireType,
      ...(needsTif ? { timeInForce: req.timeInForce ?? 'GTC' } : {}),
      quantity: p.quantity,
      ...(p.price !== undefined ? { price: p.price } : {}),
      ...(p.triggerPrice !== undefined ? { stopPrice: p.triggerPrice } : {}),
      newClientOrderId: req.clientOrderId,
      newOrderRespType: 'FULL',
    }
  }

  /**
   * Places a spot order (`POST /api/v3/order`) after checking and rounding it against the symbol filters.
   *
   * @throws {ValidationError | ConfigError | OrderRejectedError | InsufficientFundsError | AuthError | RateLimitError | OrderOutcomeUnknownError}
   */
  async placeOrder(req: OrderRequest, options: BinancePlaceOrderOptions = {}): Promise<OrderAck> {
    const signedAt = this.rest.localNow() // the time the order was asked for (see orderCall)
    const { prepared, rules } = await this.prepare(req, options, true)
    const params = this.#params(req, prepared)
    await this.checkOpenOrderCap(req, rules)
    let res: unknown
    try {
      res = await this.orderCall('order.place', 'POST', this.path('/order'), z.unknown(), params, {
        isOrder: true,
        signedAt,
        // A reduce-only (exit) order goes with cancels: Spot has no such flag, so it is never sent, only the lane.
        priority: orderPriority(req),
      })
    } catch (e) {
      this.submitFailed(req, e)
    }
    const decoded = decodeSpotOrder(res, this.clock.now())
    if (!decoded.ok)
      throw this.undecodableOrderResponse(req.clientOrderId, req.symbol, 'place', decoded.error)
    const { order, fills } = decoded.value
    this.openOrderLimits.observe(req.symbol.toUpperCase(), order)
    return {
      clientOrderId: req.clientOrderId,
      venueOrderId: order.venueOrderId as string,
      order,
      fills: [...fills],
    }
  }

  /**
   * Cancels the open order `clientOrderId` and places `replacement` (a new client order id) in one request:
   * `order.cancelReplace` on the WebSocket API, `POST /api/v3/order/cancelReplace` on REST, with
   * `cancelReplaceMode=STOP_ON_FAILURE` (nothing is placed when the cancel fails). The replacement is checked and
   * rounded like {@link BinanceSpot.placeOrder}; a lost answer rejects with `OrderOutcomeUnknownError` for it.
   *
   * @throws {ValidationError | OrderRejectedError | InsufficientFundsError | RateLimitError | OrderOutcomeUnknownError}
   */
  async cancelReplaceOrder(
    clientOrderId: string,
    replacement: OrderRequest,
    options: BinancePlaceOrderOptions = {},
  ): Promise<OrderAck> {
    return (await this.#cancelReplace(clientOrderId, replacement, options)).ack
  }

  /**
   * The one-call replace of the `ExchangeAdapter` port: {@link BinanceSpot.cancelReplaceOrder} reporting each leg.
   * A `-2021` / `-2022` answer resolves with the legs from its `data` (the cancel's order or error, the placement's
   * error, or `undefined` when it was not attempted); other failures reject as `cancelReplaceOrder` does.
   */
  async replaceOrder(
    symbol: string,
    clientOrderId: string,
    replacement: OrderRequest,
  ): Promise<ReplaceOutcome> {
    try {
      const { canceled, ack } = await this.#cancelReplace(clientOrderId, replacement, {})
      return { canceled: ok(canceled), placed: ok(ack) }
    } catch (e) {
      const failed = e instanceof ExchangeError ? e : undefined
      const code = failed?.venueCode
      if (failed === undefined || (code !== CANCEL_REPLACE_PARTIAL && code !== CANCEL_REPLACE_FAILED)) throw e
      const legs = CancelReplaceDataSchema.safeParse(failed.venueData)
      if (!legs.success) throw e
      const { cancelResult, cancelResponse, newOrderResult, newOrderResponse } = legs.data
      const leg = (r: unknown): TradekitError => {
        const body = CancelReplaceLegErrorSchema.safeParse(r)
        const { code: c, msg } = body.success ? body.data : {}
        return mapBinanceError({
          venue: this.venue,
          status: failed.status ?? 400,
          code: c,
          msg,
          nowMs: this.clock.now(),
        })
      }
      const canceled =
        cancelResult === 'SUCCESS'
          ? ok(this.#canceledLeg(replacement, clientOrderId, cancelResponse))
          : err(leg(cancelResponse))
      if (newOrderResult === 'NOT_ATTEMPTED') return { canceled, placed: undefined }
      if (newOrderResult !== 'SUCCESS') return { canceled, placed: err(leg(newOrderResponse)) }
      const placed = decodeSpotOrder(newOrderResponse, this.clock.now())
      if (!placed.ok)
        throw this.undecodableOrderResponse(replacement.clientOrderId, symbol, 'place', placed.error)
      const { order, fills } = placed.value
      const ack = {
        clientOrderId: order.clientOrderId,
        venueOrderId: order.venueOrderId as string,
        order,
        fills,
      }
      return { canceled, placed: ok(ack) }
    }
  }

  /**
   * The cancelled order of a cancel-replace (its `cancelResponse`), under its own client order id; when that cannot
   * be read, the order as cancelled with nothing known filled (the user stream and reconciliation bring its fills).
   */
  #canceledLeg(replacement: OrderRequest, clientOrderId: string, raw: unknown): Order {
    const withOrig =
      typeof raw === 'object' && raw !== null ? { origClientOrderId: clientOrderId, ...raw } : raw
    const decoded = decodeSpotOrder(withOrig, this.clock.now())
    const now = this.clock.now()
    if (decoded.ok) return { ...decoded.value.order, clientOrderId, symbol: replacement.symbol.toUpperCase() }
    return {
      ...replacement,
      clientOrderId,
      status: 'CANCELED',
      filledQty: new Decimal(0),
      tsCreated: now,
      tsUpdated: now,
    }
  }

  async #cancelReplace(
    clientOrderId: string,
    replacement: OrderRequest,
    options: BinancePlaceOrderOptions,
  ): Promise<{ canceled: Order; ack: OrderAck }> {
    const { prepared } = await this.prepare(replacement, options, true)
    const params = {
      ...this.#params(replacement, prepared),
      cancelReplaceMode: 'STOP_ON_FAILURE',
      cancelOrigClientOrderId: clientOrderId,
    }
    let res: unknown
    try {
      res = await this.orderCall(
        'order.cancelReplace',
        'POST',
        this.path('/order/cancelReplace'),
        z.unknown(),
        params,
        {
          isOrder: true,
          priority: Priority.ORDER,
        },
      )
    } catch (e) {
      this.#noteCancelReplaceFailure(clientOrderId, replacement.symbol, e)
      this.submitFailed(replacement, e)
    }
    const body = res as { newOrderResponse?: unknown; cancelResponse?: unknown } | null
    const decoded = decodeSpotOrder(body?.newOrderResponse, this.clock.now())
    if (!decoded.ok)
      throw this.undecodableOrderResponse(
        replacement.clientOrderId,
        replacement.symbol,
        'place',
        decoded.error,
      )
    const { order, fills } = decoded.value
    this.openOrderLimits.finished(clientOrderId)
    this.openOrderLimits.observe(replacement.symbol.toUpperCase(), order)
    const canceled = this.#canceledLeg(replacement, clientOrderId, body?.cancelResponse)
    return {
      canceled,
      ack: {
        clientOrderId: order.clientOrderId,
        venueOrderId: order.venueOrderId as string,
        order,
        fills: [...fills],
      },
    }
  }

  /**
   * Keeps the open-order count right after a failed cancel-replace: `-2021` / `-2022` carry each leg's result in
   * `data` (binance-spot-api-docs rest-api.md, "Cancel an Existing Order and Send a New Order"). A cancelled leg, or
   * a cancel refused as "Unknown order sent." (`-2011`: the order is no longer open), frees the old order's slot; a
   * placed leg (`ALLOW_FAILURE`) is counted.
   */
  #noteCancelReplaceFailure(clientOrderId: string, symbol: string, e: unknown): void {
    if (!(e instanceof ExchangeError)) return
    if (e.venueCode !== CANCEL_REPLACE_PARTIAL && e.venueCode !== CANCEL_REPLACE_FAILED) return
    const legs = CancelReplaceDataSchema.safeParse(e.venueData)
    if (!legs.success) return
    const { cancelResult, newOrderResult, newOrderResponse } = legs.data
    const cancelBody = CancelReplaceLegErrorSchema.safeParse(legs.data.cancelResponse)
    const cancelResponse = cancelBody.success ? cancelBody.data : undefined
    const unknownOrder =
      cancelResponse?.code === BinanceErrorCode.CANCEL_REJECTED &&
      /unknown order/i.test(cancelResponse.msg ?? '')
    if (cancelResult === 'SUCCESS' || unknownOrder) this.openOrderLimits.finished(clientOrderId)
    if (newOrderResult !== 'SUCCESS') return
    const placed = decodeSpotOrder(newOrderResponse, this.clock.now())
    if (placed.ok) this.openOrderLimits.observe(symbol.toUpperCase(), placed.value.order)
  }

  /** Validates an order with `POST /api/v3/order/test` (signed, nothing is placed). */
  async testOrder(req: OrderRequest, options: BinancePlaceOrderOptions = {}): Promise<void> {
    const { prepared } = await this.prepare(req, options, false)
    await this.call('POST', this.path('/order/test'), z.unknown(), this.#params(req, prepared), {
      security: 'SIGNED',
      weight: 1,
    })
  }

  /** Cancels by client order id (`DELETE /api/v3/order`). */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    let res: unknown
    try {
      res = await this.orderCall(
        'order.cancel',
        'DELETE',
        this.path('/order'),
        z.unknown(),
        { symbol: symbol.toUpperCase(), origClientOrderId: clientOrderId },
        { priority: Priority.CANCEL },
      )
    } catch (e) {
      if (isTradekitError(e, 'EXCHANGE_DATA_INVALID'))
        throw this.undecodableOrderResponse(clientOrderId, symbol, 'cancel', e)
      throw e
    }
    // The cancel response's `clientOrderId` is the cancel request's own id; `origClientOrderId` is the order's.
    const withOrig =
      typeof res === 'object' && res !== null && !('origClientOrderId' in res)
        ? { ...res, origClientOrderId: clientOrderId }
        : res
    const decoded = decodeSpotOrder(withOrig, this.clock.now())
    if (!decoded.ok) throw this.undecodableOrderResponse(clientOrderId, symbol, 'cancel', decoded.error)
    this.openOrderLimits.observe(symbol.toUpperCase(), { ...decoded.value.order, clientOrderId })
    return decoded.value.order
  }

  /**
   * Cancels every open order of a symbol (`DELETE /api/v3/openOrders`), the orders of order lists (OCO) included;
   * none open resolves to `[]`. An entry that cannot be decoded is reported on `events` as `error`, never skipped.
   */
  async cancelAllOrders(symbol: string): Promise<Order[]> {
    try {
      const res = await this.call(
        'DELETE',
        this.path('/openOrders'),
        z.unknown(),
        { symbol: symbol.toUpperCase() },
        { security: 'SIGNED', priority: Priority.CANCEL },
      )
      const r = decodeSpotCancelAll(res, this.clock.now())
      if (!r.ok) throw r.error
      for (const e of r.value.undecodable) this.bus.emit('error', e)
      return [...r.value.orders]
    } catch (e) {
      if (e instanceof ExchangeError && e.venueCode === BinanceErrorCode.CANCEL_REJECTED) return []
      throw e
    }
  }

  /**
   * Looks an order up by client order id; `undefined` only when Binance does not know it (-2013). A response that
   * cannot be decoded (an unknown status included) throws an `ExchangeDataError`, never reads as "not found".
   */
  async queryOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    let res: unknown
    try {
      res = await this.orderCall(
        'order.status',
        'GET',
        this.path('/order'),
        z.unknown(),
        { symbol: symbol.toUpperCase(), origClientOrderId: clientOrderId },
        { weight: 4 },
      )
    } catch (e) {
      if (e instanceof ExchangeError && e.venueCode === BinanceErrorCode.NO_SUCH_ORDER) return undefined
      throw e
    }
    const r = decodeSpotOrder(res, this.clock.now())
    if (!r.ok) throw r.error
    return r.value.order
  }

  /** Open orders of one symbol or all (weight 6 / 80). */
  async openOrders(symbol?: string): Promise<readonly Order[]> {
    const res = await this.call(
      'GET',
      this.path('/openOrders'),
      z.unknown(),
      { symbol: symbol?.toUpperCase() },
      { security: 'SIGNED', weight: symbol ? 6 : 80 },
    )
    const r = decodeSpotOrders(res, this.clock.now())
    if (!r.ok) throw r.error
    return r.value
  }

  /** Non-zero balances (`GET /api/v3/account`). */
  async balances(): Promise<readonly Balance[]> {
    const raw = await this.call(
      'GET',
      this.path('/account'),
      z.unknown(),
      { omitZeroBalances: 'true' },
      { security: 'SIGNED', weight: 20 },
    )
    const r = decodeSpotBalances(raw)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Spot has no positions: always `[]`. */
  async positions(): Promise<readonly Position[]> {
    return []
  }

  /**
   * Starts the user-data subscription over the WebSocket API (a {@link BinanceSpotUserStream}: HMAC or Ed25519
   * subscription, re-subscribed after `eventStreamTerminated` and after every reconnect, each announced as
   * `user.reconnected`). Resolves once subscribed.
   */
  async startUserData(): Promise<void> {
    await this.startUserStream(
      () => new BinanceSpotUserStream({ ...this.userStreamSettings(), url: this.urls.wsApiUrl }),
    )
  }

  /** The active user-data subscription id, when subscribed. */
  get userSubscriptionId(): number | undefined {
    const user = this.userStream
    return user instanceof BinanceSpotUserStream ? user.subscriptionId : undefined
  }
}
