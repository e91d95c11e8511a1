import { z } from 'zod'
import type { Balance, Order, OrderAck, OrderRequest, Position } from '../../core/index.js'
import {
  ExchangeDataError,
  ExchangeError,
  isTradekitError,
  SocketClosedError,
  TimeoutError,
  type TradekitError,
  ValidationError,
} from '../../errors/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'
import { BinanceClient, type BinancePlaceOrderOptions, Priority } from './BinanceClient.js'
import type { BinanceConfig } from './config.js'
import { BinanceErrorCode } from './errors.js'
import type { PreparedOrder } from './instruments.js'
import { balance, executionReportToEvent, spotFills, spotOrderToOrder } from './mapping.js'
import {
  BalanceUpdateSchema,
  BinanceSpotAccountSchema,
  BinanceSpotOrderSchema,
  ExecutionReportSchema,
  OutboundAccountPositionSchema,
} from './wire.js'

const SPOT_TYPES: Readonly<Record<string, string>> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_LOSS',
  STOP_LIMIT: 'STOP_LOSS_LIMIT',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT',
  TAKE_PROFIT_LIMIT: 'TAKE_PROFIT_LIMIT',
}

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
  #user: ReconnectingWebSocket | undefined
  #userOpens = 0
  #reqId = 1
  #subscriptionId: number | undefined
  #failStart: ((e: TradekitError) => void) | undefined
  readonly #pending = new Map<
    string,
    { resolve: (r: unknown) => void; reject: (e: TradekitError) => void; timer: unknown }
  >()

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
    const { prepared } = await this.prepare(req, options, true)
    const params = this.#params(req, prepared)
    let res: z.output<typeof BinanceSpotOrderSchema>
    try {
      res = await this.call('POST', this.path('/order'), BinanceSpotOrderSchema, params, {
        security: 'SIGNED',
        isOrder: true,
        priority: Priority.ORDER,
      })
    } catch (e) {
      this.submitFailed(req, e)
    }
    const order = spotOrderToOrder(res, this.venue, this.clock.now())
    if (order === undefined)
      throw new ExchangeDataError(this.venue, `Unknown order status "${res.status}"`, ['status'], res)
    this.track(order)
    return {
      clientOrderId: req.clientOrderId,
      venueOrderId: String(res.orderId),
      order,
      fills: spotFills(res, res.fills ?? [], this.venue, res.transactTime ?? this.clock.now()),
    }
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
    const res = await this.call(
      'DELETE',
      this.path('/order'),
      BinanceSpotOrderSchema,
      { symbol: symbol.toUpperCase(), origClientOrderId: clientOrderId },
      { security: 'SIGNED', priority: Priority.CANCEL },
    )
    const order = spotOrderToOrder(
      { ...res, origClientOrderId: res.origClientOrderId ?? clientOrderId },
      this.venue,
      this.clock.now(),
    )
    if (order === undefined)
      throw new ExchangeDataError(this.venue, `Unknown order status "${res.status}"`, ['status'], res)
    this.track(order)
    return order
  }

  /** Cancels every open order of a symbol (`DELETE /api/v3/openOrders`); none open resolves to `[]`. */
  async cancelAllOrders(symbol: string): Promise<Order[]> {
    try {
      const res = await this.call(
        'DELETE',
        this.path('/openOrders'),
        z.array(z.unknown()),
        { symbol: symbol.toUpperCase() },
        { security: 'SIGNED', priority: Priority.CANCEL },
      )
      const out: Order[] = []
      for (const raw of res) {
        const r = BinanceSpotOrderSchema.safeParse(raw)
        if (!r.success) continue // order lists (OCO) report differently
        const o = spotOrderToOrder(r.data, this.venue, this.clock.now())
        if (o !== undefined) {
          this.track(o)
          out.push(o)
        }
      }
      return out
    } catch (e) {
      if (isTradekitError(e) && e.details.venueCode === BinanceErrorCode.CANCEL_REJECTED) return []
      throw e
    }
  }

  /** Looks an order up by client order id; `undefined` when Binance does not know it (-2013). */
  async queryOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      const res = await this.call(
        'GET',
        this.path('/order'),
        BinanceSpotOrderSchema,
        { symbol: symbol.toUpperCase(), origClientOrderId: clientOrderId },
        { security: 'SIGNED', weight: 4 },
      )
      return spotOrderToOrder(res, this.venue, this.clock.now())
    } catch (e) {
      if (isTradekitError(e) && e.details.venueCode === BinanceErrorCode.NO_SUCH_ORDER) return undefined
      throw e
    }
  }

  /** Open orders of one symbol or all (weight 6 / 80). */
  async openOrders(symbol?: string): Promise<readonly Order[]> {
    const res = await this.call(
      'GET',
      this.path('/openOrders'),
      z.array(BinanceSpotOrderSchema),
      { symbol: symbol?.toUpperCase() },
      { security: 'SIGNED', weight: symbol ? 6 : 80 },
    )
    return res.flatMap((o) => spotOrderToOrder(o, this.venue, this.clock.now()) ?? [])
  }

  /** Non-zero balances (`GET /api/v3/account`). */
  async balances(): Promise<readonly Balance[]> {
    const res = await this.call(
      'GET',
      this.path('/account'),
      BinanceSpotAccountSchema,
      { omitZeroBalances: 'true' },
      { security: 'SIGNED', weight: 20 },
    )
    return res.balances
      .filter((b) => b.free.gt(0) || b.locked.gt(0))
      .map((b) => balance(this.venue, b.asset, b.free, b.locked))
  }

  /** Spot has no positions: always `[]`. */
  async positions(): Promise<readonly Position[]> {
    return []
  }

  /**
   * Starts the user-data subscription over the WebSocket API: `userDataStream.subscribe.signature` (HMAC keys) or
   * `session.logon` + `userDataStream.subscribe` (Ed25519). Re-subscribes after `eventStreamTerminated` and after
   * every reconnect (then reconciles over REST). Resolves once subscribed.
   */
  async startUserData(): Promise<void> {
    if (this.#user !== undefined) return
    if (this.rest.apiKey === undefined || this.rest.signer === undefined) {
      throw new ValidationError('User data needs apiKey and apiSecret (or privateKey)', { field: 'apiKey' })
    }
    const ws = new ReconnectingWebSocket(this.urls.wsApiUrl, {
      clock: this.clock,
      staleAfterMs: this.cfg.staleAfterMs,
      backoffBaseMs: this.cfg.reconnectBaseMs,
      backoffMaxMs: this.cfg.reconnectMaxMs,
      pingIntervalMs: 30_000,
      pingMessage: () => ({ id: `ping-${this.#reqId++}`, method: 'ping' }),
      onUnhandledError: () => {},
    })
    this.#user = ws
    ws.events.on('error', (e) => this.bus.emit('error', e))
    ws.events.on('message', (m) => {
      if (typeof m.data === 'string') this.#onUserMessage(m.data)
    })
    let started = false
    const first = new Promise<void>((resolve, reject) => {
      this.#failStart = reject
      ws.events.on('open', () => {
        const reopened = this.#userOpens++ > 0
        this.#subscribe().then(
          () => {
            started = true
            resolve()
            if (reopened) void this.reconcile()
          },
          (e: TradekitError) => {
            if (started) this.bus.emit('error', e)
            else reject(e)
          },
        )
      })
    })
    first.catch(() => {})
    const timer = this.clock.setTimeout(
      () => this.#failStart?.(new TimeoutError('User data subscription timed out', 3 * this.cfg.timeoutMs)),
      3 * this.cfg.timeoutMs,
    )
    try {
      await first
    } catch (e) {
      // The first subscription failed (bad key, timeout): stop the socket instead of retrying forever.
      await this.closeUserData()
      throw e
    } finally {
      this.clock.clearTimeout(timer)
      this.#failStart = undefined
    }
  }

  async #request(method: string, params: Record<string, unknown>): Promise<unknown> {
    const ws = this.#user
    if (ws === undefined) throw new ValidationError('User data is not started')
    const id = `tk-${this.#reqId++}`
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.#pending.delete(id)
        reject(new ExchangeError(this.venue, `WebSocket API "${method}" timed out`, { details: { method } }))
      }, this.cfg.timeoutMs)
      this.#pending.set(id, { resolve, reject, timer })
      try {
        ws.sendJson({ id, method, params })
      } catch (e) {
        this.clock.clearTimeout(timer as never)
        this.#pending.delete(id)
        reject(e)
      }
    })
  }

  async #subscribe(): Promise<void> {
    const apiKey = this.rest.apiKey as string
    const timestamp = Math.round(this.rest.serverNow())
    if (this.rest.signer?.keyType === 'ED25519') {
      await this.#request('session.logon', await this.signWsParams({ apiKey, timestamp }))
      const r = (await this.#request('userDataStream.subscribe', {})) as { subscriptionId?: unknown }
      this.#subscriptionId = typeof r?.subscriptionId === 'number' ? r.subscriptionId : undefined
      return
    }
    const r = (await this.#request(
      'userDataStream.subscribe.signature',
      await this.signWsParams({ apiKey, timestamp }),
    )) as {
      subscriptionId?: unknown
    }
    this.#subscriptionId = typeof r?.subscriptionId === 'number' ? r.subscriptionId : undefined
  }

  #onUserMessage(text: string): void {
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(text) as Record<string, unknown>
    } catch {
      this.bus.emit(
        'error',
        new ExchangeDataError(this.venue, 'User stream frame is not JSON', ['(root): invalid JSON'], text),
      )
      return
    }
    if (typeof msg !== 'object' || msg === null) return
    if (typeof msg.id === 'string' && this.#pending.has(msg.id)) {
      const p = this.#pending.get(msg.id)!
      this.#pending.delete(msg.id)
      this.clock.clearTimeout(p.timer as never)
      const err = msg.error as { code?: unknown; msg?: unknown } | undefined
      if (err !== undefined) {
        p.reject(
          new ExchangeError(this.venue, `WebSocket API: ${String(err.msg)}`, {
            venueCode: typeof err.code === 'number' ? err.code : undefined,
            venueMessage: String(err.msg),
            status: typeof msg.status === 'number' ? msg.status : undefined,
          }),
        )
      } else {
        p.resolve(msg.result)
      }
      return
    }
    const event = msg.event as Record<string, unknown> | null | undefined
    if (event === undefined) return
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      this.bus.emit(
        'error',
        new ExchangeDataError(
          this.venue,
          'User stream event is not an object',
          ['event: not an object'],
          text,
        ),
      )
      return
    }
    this.#onUserEvent(event)
  }

  #onUserEvent(event: Record<string, unknown>): void {
    const now = this.clock.now()
    switch (event.e) {
      case 'executionReport': {
        const r = ExecutionReportSchema.safeParse(event)
        const mapped = r.success ? executionReportToEvent(r.data, this.venue) : undefined
        if (mapped === undefined) {
          this.bus.emit(
            'error',
            new ExchangeDataError(
              this.venue,
              'Invalid executionReport',
              r.success
                ? ['X/o/q/z: unknown status or type, or quantities that cannot describe an order']
                : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
              event,
            ),
          )
          return
        }
        this.emitOrder(mapped.order, mapped.fill, r.success ? r.data.E : now)
        return
      }
      case 'outboundAccountPosition': {
        const r = OutboundAccountPositionSchema.safeParse(event)
        if (!r.success) {
          this.bus.emit(
            'error',
            new ExchangeDataError(
              this.venue,
              'Invalid outboundAccountPosition',
              r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
              event,
            ),
          )
          return
        }
        const balances = r.data.B.map((b) => balance(this.venue, b.a, b.f, b.l))
        this.bus.emit('balance.update', { type: 'balance.update', balances, tsEvent: r.data.E })
        return
      }
      case 'balanceUpdate': {
        // A deposit/withdrawal delta: the next outboundAccountPosition carries the new totals.
        if (!BalanceUpdateSchema.safeParse(event).success) {
          this.bus.emit(
            'error',
            new ExchangeDataError(this.venue, 'Invalid balanceUpdate', ['(root): invalid'], event),
          )
        }
        return
      }
      case 'eventStreamTerminated':
        this.#subscriptionId = undefined
        this.#subscribe().then(
          () => void this.reconcile(),
          (e: TradekitError) => this.bus.emit('error', e),
        )
        return
      default:
        return
    }
  }

  /** The active user-data subscription id, when subscribed. */
  get userSubscriptionId(): number | undefined {
    return this.#subscriptionId
  }

  protected async closeUserData(): Promise<void> {
    this.#failStart?.(new SocketClosedError('User data stopped before it started'))
    for (const p of this.#pending.values()) {
      this.clock.clearTimeout(p.timer as never)
      p.reject(new SocketClosedError('User data stream closed'))
    }
    this.#pending.clear()
    const ws = this.#user
    this.#user = undefined
    await ws?.close()
  }
}
