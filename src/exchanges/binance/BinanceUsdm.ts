import * as z from 'zod/mini'
import type {
  Balance,
  Instrument,
  Order,
  OrderAck,
  OrderAmendment,
  OrderAmendmentOf,
  OrderRequest,
  Position,
  Side,
} from '../../core/index.js'
import type { Decimal } from '../../decimal/index.js'
import {
  ConfigError,
  ExchangeError,
  isTradekitError,
  StateError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { BinanceClient, type BinancePlaceOrderOptions, Priority } from './BinanceClient.js'
import { BinanceUsdmUserStream } from './BinanceUsdmUserStream.js'
import type { BinanceConfig } from './config.js'
import {
  decodeCountdownCancelAll,
  decodeLeverageBrackets,
  decodeLeverageChange,
  decodeMarkPrice,
} from './decodeMarketRest.js'
import { decodeUsdmOrders } from './decodeOrderLists.js'
import { decodePositionMode, decodeUsdmBalances, decodeUsdmOrder, decodeUsdmPositions } from './decodeRest.js'
import { BinanceErrorCode } from './errors.js'
import type { BinanceLeverageBracket, BinanceMarkPrice } from './types.js'
import { UsdmAlgoOrders } from './UsdmAlgoOrders.js'
import { cancelRequests, decodeUsdmBatch, repeatedIds, worthBatching } from './usdmBatch.js'
import { BATCH_ORDER_COST, orderParams, tif } from './usdmOrderParams.js'

/**
 * Binance USD-M Futures: REST, positions, leverage validated against the symbol's brackets, conditional orders
 * through the algo-order endpoints (with `ALGO_UPDATE` events), market streams on the `/public` and `/market`
 * paths, and user data on `/private` with a listen key kept alive and renewed on `listenKeyExpired`.
 *
 * @example
 * ```ts
 * const usdm = new BinanceUsdm({ apiKey, apiSecret }) // testnet
 * await usdm.setLeverage('BTCUSDT', 10)
 * await usdm.placeOrder({ clientOrderId: 'sl-1', venue: 'binance-usdm', symbol: 'BTCUSDT', side: 'SELL',
 *   type: 'STOP_MARKET', qty: new Decimal('0.01'), triggerPrice: new Decimal('48000'), reduceOnly: true })
 * ```
 */
export class BinanceUsdm extends BinanceClient {
  #brackets = new Map<string, BinanceLeverageBracket[]>()
  /** Conditional (algo) orders: placed, cancelled, queried and listed through the algo endpoints. */
  readonly #algo: UsdmAlgoOrders
  /** Most orders one `POST` / `DELETE` / `PUT /fapi/v1/batchOrders` places, cancels or amends. */
  readonly batchLimits = { place: 5, cancel: 10, amend: 5 }
  /** Set once the account was seen in one-way mode. */
  #oneWay = false

  constructor(config: BinanceConfig = {}) {
    super('usdm', config)
    this.#algo = new UsdmAlgoOrders({
      rest: this.rest,
      clock: this.clock,
      limits: this.openOrderLimits,
      submitError: (req, e) => this.submitError(req, e),
      undecodable: (cid, symbol, cause, action) => this.undecodableOrderResponse(cid, symbol, action, cause),
      onTriggered: (actualOrderId, cid) => {
        const user = this.userStream
        if (user instanceof BinanceUsdmUserStream) user.linkTriggered(actualOrderId, cid)
      },
    })
  }

  /** The account's position mode (`GET /fapi/v1/positionSide/dual`, signed): `hedge` or `one-way`. */
  async positionMode(): Promise<'hedge' | 'one-way'> {
    const raw = await this.call(
      'GET',
      this.path('/positionSide/dual'),
      z.unknown(),
      {},
      { security: 'SIGNED', weight: 30 },
    )
    const r = decodePositionMode(raw)
    if (!r.ok) throw r.error
    return r.value
  }

  /**
   * Refuses an account in hedge mode: tradekit supports one-way mode only (one signed position per symbol).
   * Checked once, before the user stream starts and before the first order.
   *
   * @throws {ConfigError} when the account is in hedge mode
   */
  async #assertOneWay(): Promise<void> {
    if (this.#oneWay) return
    if ((await this.positionMode()) === 'hedge') {
      throw new ConfigError(
        'The Binance USD-M account is in hedge mode; tradekit supports one-way mode only: switch it with POST /fapi/v1/positionSide/dual dualSidePosition=false',
        ['dualSidePosition: must be false (one-way mode)'],
      )
    }
    this.#oneWay = true
  }

  /**
   * The core {@link Instrument} of a symbol; with credentials, `maxLeverage` comes from the symbol's leverage
   * brackets (left out when they cannot be read).
   */
  override async instrument(symbol: string): Promise<Instrument> {
    const base = await super.instrument(symbol)
    if (!this.rest.hasCredentials) return base
    try {
      const brackets = await this.leverageBrackets(symbol)
      return { ...base, maxLeverage: Math.max(...brackets.map((b) => b.initialLeverage)) }
    } catch (e) {
      if (isTradekitError(e)) this.bus.emit('error', e)
      return base
    }
  }

  /** Mark price, index price and funding (`GET /fapi/v1/premiumIndex`). */
  async markPrice(symbol: string): Promise<BinanceMarkPrice> {
    const raw = await this.call('GET', this.path('/premiumIndex'), z.unknown(), {
      symbol: symbol.toUpperCase(),
    })
    const r = decodeMarkPrice(raw)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Leverage brackets of a symbol (`GET /fapi/v1/leverageBracket`, signed; cached). */
  async leverageBrackets(symbol: string): Promise<readonly BinanceLeverageBracket[]> {
    const s = symbol.toUpperCase()
    const cached = this.#brackets.get(s)
    if (cached !== undefined) return cached
    const res = await this.call(
      'GET',
      this.path('/leverageBracket'),
      z.unknown(),
      { symbol: s },
      { security: 'SIGNED' },
    )
    const r = decodeLeverageBrackets(res, s)
    if (!r.ok) throw r.error
    this.#brackets.set(s, r.value)
    return r.value
  }

  /**
   * Sets the leverage of a symbol after checking it against the brackets (integer, 1..max initial leverage).
   *
   * @throws {ValidationError | ExchangeError}
   */
  async setLeverage(symbol: string, leverage: number): Promise<number> {
    const brackets = await this.leverageBrackets(symbol)
    const max = Math.max(...brackets.map((b) => b.initialLeverage))
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > max) {
      throw new ValidationError(`Leverage "${leverage}" for "${symbol}" must be an integer in [1, ${max}]`, {
        field: 'leverage',
        details: { max },
      })
    }
    const res = await this.call(
      'POST',
      this.path('/leverage'),
      z.unknown(),
      { symbol: symbol.toUpperCase(), leverage },
      { security: 'SIGNED' },
    )
    const r = decodeLeverageChange(res)
    if (!r.ok) throw r.error
    return r.value
  }

  /**
   * Arms Binance's auto-cancel for a symbol (`POST /fapi/v1/countdownCancelAll`, weight 10): unless this is called
   * again within `countdownMs`, the venue cancels every open order of the symbol — a dead man's switch for a bot that
   * dies or loses the venue. `0` stops it. Sent in the cancel lane. Resolves with the countdown the venue set.
   * {@link BinanceCancelCountdown} sends the heartbeats.
   *
   * @throws {ValidationError | ExchangeError}
   */
  async countdownCancelAll(symbol: string, countdownMs: number): Promise<number> {
    if (!Number.isSafeInteger(countdownMs) || countdownMs < 0) {
      throw new ValidationError(`countdownMs "${countdownMs}" must be a whole number of ms ≥ 0`, {
        field: 'countdownMs',
      })
    }
    const res = await this.call(
      'POST',
      this.path('/countdownCancelAll'),
      z.unknown(),
      { symbol: symbol.toUpperCase(), countdownTime: countdownMs },
      { security: 'SIGNED', weight: 10, priority: Priority.CANCEL },
    )
    const r = decodeCountdownCancelAll(res)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Largest allowed leverage for a notional (from the brackets). */
  async maxLeverageFor(symbol: string, notional: number): Promise<number> {
    const brackets = await this.leverageBrackets(symbol)
    const b =
      brackets.find((x) => notional >= x.notionalFloor && notional < x.notionalCap) ??
      brackets[brackets.length - 1]
    return b?.initialLeverage ?? 1
  }

  /**
   * Places an order. LIMIT/MARKET go to `POST /fapi/v1/order`; stop, take-profit and trailing orders go to the
   * algo endpoint `POST /fapi/v1/algoOrder` (`algoType=CONDITIONAL`), as Binance requires.
   *
   * @throws {ValidationError | ConfigError | OrderRejectedError | InsufficientFundsError | AuthError | RateLimitError | OrderOutcomeUnknownError}
   */
  async placeOrder(req: OrderRequest, options: BinancePlaceOrderOptions = {}): Promise<OrderAck> {
    const signedAt = this.rest.localNow() // the time the order was asked for (see orderCall)
    const { prepared, rules } = await this.prepare(req, options, true)
    await this.#assertOneWay()
    if (UsdmAlgoOrders.isAlgoType(req.type)) {
      // Both caps of the symbol: MAX_NUM_ALGO_ORDERS, and MAX_NUM_ORDERS, which counts algo orders too.
      await this.#algo.checkCap(req, rules.maxNumAlgoOrders)
      await this.checkOpenOrderCap(req, rules)
      return this.#algo.place(req, prepared, signedAt)
    }
    const params = orderParams(req, prepared)
    await this.checkOpenOrderCap(req, rules)
    return this.#sendOrder(req, params, signedAt)
  }

  /** Sends one checked LIMIT or MARKET order (`POST /fapi/v1/order` or `order.place`) and reads its ack. */
  async #sendOrder(
    req: OrderRequest,
    params: Record<string, string | number>,
    signedAt: number,
  ): Promise<OrderAck> {
    const symbol = req.symbol.toUpperCase()
    let res: unknown
    try {
      res = await this.orderCall('order.place', 'POST', this.path('/order'), z.unknown(), params, {
        isOrder: true,
        signedAt,
        priority: req.reduceOnly ? Priority.CANCEL : Priority.ORDER,
      })
    } catch (e) {
      this.submitFailed(req, e)
    }
    const decoded = decodeUsdmOrder(res, this.clock.now())
    if (!decoded.ok) throw this.undecodableOrderResponse(req.clientOrderId, symbol, 'place', decoded.error)
    const order = decoded.value
    this.openOrderLimits.observe(symbol, order)
    return { clientOrderId: req.clientOrderId, venueOrderId: order.venueOrderId as string, order, fills: [] }
  }

  /**
   * Places up to 5 orders in one `POST /fapi/v1/batchOrders` (symbols may differ), each checked as by
   * {@link BinanceUsdm.placeOrder}; one result per request, in order. Orders too few to be worth a batch
   * (`worthBatching`) and conditional orders go by themselves. Outcomes and costs: docs/binance.md, "Batches".
   */
  async placeOrders(reqs: readonly OrderRequest[]): Promise<ReadonlyArray<Result<OrderAck>>> {
    if (reqs.length > this.batchLimits.place)
      throw new ValidationError(`At most ${this.batchLimits.place} orders per batch, got ${reqs.length}`)
    const signedAt = this.rest.localNow()
    const out: Array<Result<OrderAck>> = reqs.map(() => err(new StateError('Not sent')))
    const repeated = repeatedIds(reqs.map((r) => r.clientOrderId))
    const batch: Array<{ i: number; req: OrderRequest; params: Record<string, string | number> }> = []
    const alone: number[] = []
    for (const [i, req] of reqs.entries()) {
      const repeat = repeated.get(i)
      if (repeat !== undefined) out[i] = err(repeat)
      else if (UsdmAlgoOrders.isAlgoType(req.type)) alone.push(i)
      else {
        try {
          const { prepared, rules } = await this.prepare(req, {}, true)
          await this.#assertOneWay()
          await this.checkOpenOrderCap(req, rules)
          batch.push({ i, req, params: orderParams(req, prepared) })
          this.openOrderLimits.reserve(req.symbol.toUpperCase(), req.clientOrderId)
        } catch (e) {
          out[i] = err(toTradekitError(e))
        }
      }
    }
    const reserved = [...batch]
    // Too few to be worth a batch: each checked order goes by itself, in parallel (not checked again).
    const singles = worthBatching(batch.length, this.rest.limiter.snapshot().windows) ? [] : batch.splice(0)
    const settled = (p: Promise<OrderAck>) => p.then(ok, (e: unknown) => err(toTradekitError(e)))
    try {
      await Promise.all([
        ...alone.map(async (i) => {
          out[i] = await settled(this.placeOrder(reqs[i] as OrderRequest))
        }),
        ...singles.map(async (b) => {
          out[b.i] = await settled(this.#sendOrder(b.req, b.params, signedAt))
        }),
        batch.length > 0 ? this.#sendPlacements(batch, signedAt, out) : undefined,
      ])
    } finally {
      for (const b of reserved) this.openOrderLimits.release(b.req.symbol.toUpperCase(), b.req.clientOrderId)
    }
    return out
  }

  /** Sends a prepared batch of placements and writes each order's result into `out`. */
  async #sendPlacements(
    batch: ReadonlyArray<{ i: number; req: OrderRequest; params: Record<string, string | number> }>,
    signedAt: number,
    out: Array<Result<OrderAck>>,
  ): Promise<void> {
    let res: unknown
    try {
      res = await this.call(
        'POST',
        this.path('/batchOrders'),
        z.unknown(),
        { batchOrders: JSON.stringify(batch.map((b) => b.params)) },
        {
          security: 'SIGNED',
          cost: BATCH_ORDER_COST,
          signedAt,
          priority: batch.every((b) => b.req.reduceOnly) ? Priority.CANCEL : Priority.ORDER,
        },
      )
    } catch (e) {
      for (const b of batch) out[b.i] = err(this.#batchEntryError(b.req, e))
      return
    }
    const sent = batch.map((b) => b.req.clientOrderId)
    const answers = decodeUsdmBatch(res, sent, 'POST /fapi/v1/batchOrders', this.clock.now())
    batch.forEach((b, k) => {
      const a = answers[k] as Result<Order, TradekitError>
      if (!a.ok) {
        out[b.i] = err(this.#batchEntryError(b.req, a.error))
        return
      }
      this.openOrderLimits.observe(a.value.symbol, a.value)
      const venueOrderId = a.value.venueOrderId as string
      out[b.i] = ok({ clientOrderId: b.req.clientOrderId, venueOrderId, order: a.value, fills: [] })
    })
  }

  /**
   * One order's error in a batch placement or amendment, as the single request's would be: lost, undecodable or not
   * settled by the venue (-1006, -1007) is `OrderOutcomeUnknownError`.
   */
  #batchEntryError(req: OrderRequest, e: unknown): TradekitError {
    return toTradekitError(
      isTradekitError(e, 'EXCHANGE_DATA_INVALID')
        ? this.undecodableOrderResponse(req.clientOrderId, req.symbol, 'place', e)
        : this.submitError(req, e),
    )
  }

  /**
   * Cancels several orders by client order id: up to 10 of one symbol per `DELETE /fapi/v1/batchOrders`
   * (`batchLimits.cancel`), one request per symbol. One result per order, in order: the canceled order, or why it
   * was not (a lost answer is each order's error: look them up). Algo orders, and orders the venue does not know
   * as regular ones, are cancelled as {@link BinanceUsdm.cancelOrder} does.
   */
  async cancelOrders(
    orders: ReadonlyArray<{ readonly symbol: string; readonly clientOrderId: string }>,
  ): Promise<ReadonlyArray<Result<Order>>> {
    const out: Array<Result<Order>> = orders.map(() => err(new StateError('Not sent')))
    const { alone, requests } = cancelRequests(orders, (cid) => this.#algo.has(cid), this.batchLimits.cancel)
    const single = async (i: number) => {
      const o = orders[i] as { symbol: string; clientOrderId: string }
      out[i] = await this.cancelOrder(o.symbol, o.clientOrderId).then(ok, (e: unknown) =>
        err(toTradekitError(e)),
      )
    }
    const batched = async ({ symbol, indices }: { symbol: string; indices: readonly number[] }) => {
      const cids = indices.map((i) => (orders[i] as { clientOrderId: string }).clientOrderId)
      let answers: Array<Result<Order, TradekitError>>
      try {
        const res = await this.call(
          'DELETE',
          this.path('/batchOrders'),
          z.unknown(),
          { symbol, origClientOrderIdList: JSON.stringify(cids) },
          { security: 'SIGNED', priority: Priority.CANCEL },
        )
        answers = decodeUsdmBatch(res, cids, 'DELETE /fapi/v1/batchOrders', this.clock.now())
      } catch (e) {
        answers = cids.map(() => err(toTradekitError(e)))
      }
      await Promise.all(
        indices.map(async (i, k) => {
          const a = answers[k] as Result<Order, TradekitError>
          out[i] = a.ok ? a : await this.#cancelRefused(symbol, cids[k] as string, a.error)
        }),
      )
    }
    await Promise.all([...alone.map(single), ...requests.map(batched)])
    return out
  }

  /**
   * What a refused cancel of a regular order means: an answer that cannot be read leaves the outcome unknown; an
   * order the venue does not know as a regular one may be an algo order (placed by another client instance).
   */
  async #cancelRefused(symbol: string, cid: string, e: TradekitError): Promise<Result<Order>> {
    if (isTradekitError(e, 'EXCHANGE_DATA_INVALID'))
      return err(this.undecodableOrderResponse(cid, symbol, 'cancel', e))
    const code = e instanceof ExchangeError ? e.venueCode : undefined
    if (code !== BinanceErrorCode.CANCEL_REJECTED && code !== BinanceErrorCode.NO_SUCH_ORDER) return err(e)
    return this.#algo.cancel(symbol, cid).then(ok, () => err(e))
  }

  /**
   * Amends an open LIMIT order's price and quantity in place, keeping its order id and client id: `order.modify`
   * on the WebSocket API, `PUT /fapi/v1/order` on REST. The new values are checked and rounded against the symbol
   * filters first; Binance re-queues the order and rejects an amendment the filters refuse. A lost answer rejects
   * with `OrderOutcomeUnknownError` (query the order to learn its state).
   *
   * @throws {ValidationError | OrderRejectedError | RateLimitError | OrderOutcomeUnknownError}
   */
  async modifyOrder(
    symbol: string,
    clientOrderId: string,
    changes: { side: Side; qty: Decimal; price: Decimal },
  ): Promise<Order> {
    const { req, params } = await this.#amendment({ symbol, clientOrderId, changes })
    return this.#sendAmendment(req, params, this.rest.localNow())
  }

  /** Sends one checked amendment (`PUT /fapi/v1/order` or `order.modify`) and reads the order it answers. */
  async #sendAmendment(
    req: OrderRequest,
    params: Record<string, string | undefined>,
    signedAt: number,
  ): Promise<Order> {
    let res: unknown
    try {
      res = await this.orderCall('order.modify', 'PUT', this.path('/order'), z.unknown(), params, {
        isOrder: true,
        signedAt,
        priority: Priority.ORDER,
      })
    } catch (e) {
      this.submitFailed(req, e)
    }
    const decoded = decodeUsdmOrder(res, this.clock.now())
    if (!decoded.ok)
      throw this.undecodableOrderResponse(req.clientOrderId, req.symbol, 'place', decoded.error)
    return decoded.value
  }

  /**
   * Amends up to 5 open LIMIT orders in one `PUT /fapi/v1/batchOrders` (symbols may differ), each checked as by
   * {@link BinanceUsdm.modifyOrder}; one result per order, in order (a refused one stays as it was). Too few to be
   * worth a batch go by themselves. Outcomes and costs: docs/binance.md, "Batches".
   */
  async amendOrders(amendments: ReadonlyArray<OrderAmendmentOf>): Promise<ReadonlyArray<Result<Order>>> {
    const limit = this.batchLimits.amend
    if (amendments.length > limit)
      throw new ValidationError(`At most ${limit} amendments per batch, got ${amendments.length}`)
    const signedAt = this.rest.localNow()
    const out: Array<Result<Order>> = amendments.map(() => err(new StateError('Not sent')))
    const repeated = repeatedIds(amendments.map((a) => a.clientOrderId))
    const batch: Array<{ i: number; req: OrderRequest; params: Record<string, string | undefined> }> = []
    for (const [i, a] of amendments.entries()) {
      try {
        const repeat = repeated.get(i)
        if (repeat !== undefined) throw repeat
        batch.push({ i, ...(await this.#amendment(a)) })
      } catch (e) {
        out[i] = err(toTradekitError(e))
      }
    }
    if (!worthBatching(batch.length, this.rest.limiter.snapshot().windows)) {
      // Each checked amendment goes by itself, in parallel (not checked again).
      const send = (b: (typeof batch)[number]) => this.#sendAmendment(b.req, b.params, signedAt)
      await Promise.all(
        batch.map(async (b) => (out[b.i] = await send(b).then(ok, (e) => err(toTradekitError(e))))),
      )
      return out
    }
    let res: unknown
    try {
      const batchOrders = JSON.stringify(batch.map((b) => b.params))
      res = await this.call(
        'PUT',
        this.path('/batchOrders'),
        z.unknown(),
        { batchOrders },
        {
          security: 'SIGNED',
          cost: BATCH_ORDER_COST,
          signedAt,
          priority: Priority.ORDER,
        },
      )
    } catch (e) {
      for (const b of batch) out[b.i] = err(this.#batchEntryError(b.req, e))
      return out
    }
    const sent = batch.map((b) => b.req.clientOrderId)
    const answers = decodeUsdmBatch(res, sent, 'PUT /fapi/v1/batchOrders', this.clock.now())
    batch.forEach((b, k) => {
      const a = answers[k] as Result<Order, TradekitError>
      out[b.i] = a.ok ? a : err(this.#batchEntryError(b.req, a.error))
    })
    return out
  }

  /** An amendment checked and rounded against the symbol's filters, as the order it makes and the venue's parameters. */
  async #amendment(
    a: OrderAmendmentOf,
  ): Promise<{ req: OrderRequest; params: Record<string, string | undefined> }> {
    const { changes } = a
    const req: OrderRequest = {
      clientOrderId: a.clientOrderId,
      venue: this.venue,
      symbol: a.symbol.toUpperCase(),
      side: changes.side,
      type: 'LIMIT',
      qty: changes.qty,
      price: changes.price,
      timeInForce: 'GTC',
    }
    const { prepared } = await this.prepare(req, {}, true)
    const params = {
      symbol: req.symbol,
      origClientOrderId: a.clientOrderId,
      side: changes.side,
      quantity: prepared.quantity,
      price: prepared.price,
    }
    return { req, params }
  }

  /** The in-place amendment of the `ExchangeAdapter` port: {@link BinanceUsdm.modifyOrder}. */
  amendOrder(symbol: string, clientOrderId: string, changes: OrderAmendment): Promise<Order> {
    return this.modifyOrder(symbol, clientOrderId, changes)
  }

  /** Validates a LIMIT/MARKET order with `POST /fapi/v1/order/test`. */
  async testOrder(req: OrderRequest, options: BinancePlaceOrderOptions = {}): Promise<void> {
    const { prepared } = await this.prepare(req, options, false)
    await this.call(
      'POST',
      this.path('/order/test'),
      z.unknown(),
      {
        symbol: req.symbol.toUpperCase(),
        side: req.side,
        type: req.type,
        quantity: prepared.quantity,
        ...(prepared.price !== undefined ? { price: prepared.price, timeInForce: tif(req) } : {}),
        newClientOrderId: req.clientOrderId,
      },
      { security: 'SIGNED' },
    )
  }

  /** Cancels by client order id: regular orders, or algo orders by `clientAlgoId`. */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const s = symbol.toUpperCase()
    if (this.#algo.has(clientOrderId)) return this.#algo.cancel(s, clientOrderId)
    let r: Result<Order, TradekitError>
    try {
      const res = await this.orderCall(
        'order.cancel',
        'DELETE',
        this.path('/order'),
        z.unknown(),
        { symbol: s, origClientOrderId: clientOrderId },
        { priority: Priority.CANCEL },
      )
      r = decodeUsdmOrder(res, this.clock.now())
    } catch (e) {
      r = err(toTradekitError(e))
    }
    if (!r.ok) r = await this.#cancelRefused(s, clientOrderId, r.error)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Cancels every open regular and algo order of a symbol. */
  async cancelAllOrders(symbol: string): Promise<void> {
    const s = symbol.toUpperCase()
    await this.call(
      'DELETE',
      this.path('/allOpenOrders'),
      z.unknown(),
      { symbol: s },
      { security: 'SIGNED', priority: Priority.CANCEL },
    )
    await this.#algo.cancelOpen(s)
  }

  /**
   * Looks up a regular or algo order by client order id; `undefined` only when Binance knows neither (-2013). A
   * response that cannot be decoded (an unknown status included) throws an `ExchangeDataError`, never "not found".
   * A triggered algo order (TRIGGERED, FINISHED) is read through the order it placed (`actualOrderId`): that order's
   * status, filled quantity and average price, under the algo order's client id.
   */
  async queryOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    if (this.#algo.has(clientOrderId)) return this.#algo.query(clientOrderId)
    let res: unknown
    try {
      res = await this.orderCall('order.status', 'GET', this.path('/order'), z.unknown(), {
        symbol: symbol.toUpperCase(),
        origClientOrderId: clientOrderId,
      })
    } catch (e) {
      if (e instanceof ExchangeError && e.venueCode === BinanceErrorCode.NO_SUCH_ORDER)
        return this.#algo.query(clientOrderId)
      throw e
    }
    const r = decodeUsdmOrder(res, this.clock.now())
    if (!r.ok) throw r.error
    return r.value
  }

  /** Open regular and algo orders. */
  async openOrders(symbol?: string): Promise<readonly Order[]> {
    const s = symbol?.toUpperCase()
    const [regular, algos] = await Promise.all([
      this.call(
        'GET',
        this.path('/openOrders'),
        z.unknown(),
        { symbol: s },
        { security: 'SIGNED', weight: s ? 1 : 40 },
      ),
      this.#algo.open(s),
    ])
    const r = decodeUsdmOrders(regular, this.clock.now())
    if (!r.ok) throw r.error
    return [...r.value, ...algos]
  }

  /** Wallet balances (`GET /fapi/v3/balance`): `free` is the available balance, `locked` the rest. */
  async balances(): Promise<readonly Balance[]> {
    const raw = await this.call('GET', '/fapi/v3/balance', z.unknown(), {}, { security: 'SIGNED', weight: 5 })
    const r = decodeUsdmBalances(raw)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Open positions (`GET /fapi/v2/positionRisk`), signed quantity. */
  async positions(): Promise<readonly Position[]> {
    const raw = await this.call(
      'GET',
      '/fapi/v2/positionRisk',
      z.unknown(),
      {},
      { security: 'SIGNED', weight: 5 },
    )
    const r = decodeUsdmPositions(raw)
    if (!r.ok) throw r.error
    return r.value
  }

  // ------------------------------------------------------------------ user data

  /**
   * Starts the USD-M user-data stream (a {@link BinanceUsdmUserStream}: listen key created, kept alive and renewed
   * on `listenKeyExpired`; every reconnect announced as `user.reconnected`). Resolves once connected.
   */
  async startUserData(): Promise<void> {
    await this.#assertOneWay()
    await this.startUserStream(
      () =>
        new BinanceUsdmUserStream({
          ...this.userStreamSettings(),
          url: this.urls.streamUrl,
          maxConnectionLifetimeMs: this.cfg.maxConnectionLifetimeMs,
          listenKeyKeepAliveMs: this.cfg.listenKeyKeepAliveMs,
          onAlgoOrder: (cid) => this.#algo.remember(cid),
        }),
    )
  }

  /** The current listen key (undefined before `startUserData`). */
  get listenKey(): string | undefined {
    const user = this.userStream
    return user instanceof BinanceUsdmUserStream ? user.listenKey : undefined
  }
}
