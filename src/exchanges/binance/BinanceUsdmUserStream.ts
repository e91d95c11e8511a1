import * as z from 'zod/mini'
import {
  type Clock,
  type Fill,
  type Listenable,
  type Order,
  parseConfig,
  SystemClock,
  TypedEmitter,
  type UserDataEvents,
} from '../../core/index.js'
import {
  ExchangeDataError,
  isTradekitError,
  SocketClosedError,
  TimeoutError,
  ValidationError,
} from '../../errors/index.js'
import { Priority, ReconnectingWebSocket } from '../../transport/index.js'
import type { BinanceRest } from './BinanceRest.js'
import { decodeListenKey } from './decodeMarketRest.js'
import { decodeUsdmUserEvent } from './decodeUserEvent.js'
import { algoUpdateToOrder, mapAlgoStatus, orderTradeUpdateToEvent, triggeredAlgoOrder } from './mapping.js'
import { TriggeredOrderLinks } from './TriggeredOrderLinks.js'
import { BINANCE_VENUE } from './types.js'
import { type BinanceUserStreamConfig, BinanceUserStreamConfigSchema } from './userStreamConfig.js'
import type { AlgoUpdateSchema, OrderTradeUpdateSchema } from './wire.js'

/** Constructor options of {@link BinanceUsdmUserStream}. */
export type BinanceUsdmUserStreamConfig = BinanceUserStreamConfig & {
  /** Called with the client id of every algo (conditional) order seen on the stream, so the adapter routes it. */
  onAlgoOrder?: (clientAlgoId: string) => void
}

type OrderTradeUpdate = z.output<typeof OrderTradeUpdateSchema>

/**
 * The Binance USD-M user-data stream: creates a listen key, connects to `/private/ws/<listenKey>`, keeps the key
 * alive, renews it on `listenKeyExpired`, and announces every reconnect as `user.reconnected`. Frames become core
 * {@link UserDataEvents}; the triggered order of an algo order is reported under the algo's client id, each trade
 * once (see `TriggeredOrderLinks`). Bad frames are reported on `error` and dropped.
 *
 * @example
 * ```ts
 * const user = new BinanceUsdmUserStream({ rest, url: 'wss://fstream.binance.com' })
 * user.events.on('position.updated', (e) => console.log(e.positions))
 * await user.start()
 * ```
 */
export class BinanceUsdmUserStream {
  readonly #bus = new TypedEmitter<UserDataEvents>()
  #dataErrors = 0
  /** `order.updated`, `fill`, `balance.updated`, `position.updated`, `funding.settled`, `account.transferred`, `user.reconnected`, `error`. */
  readonly events: Listenable<UserDataEvents> = this.#bus
  readonly #cfg: z.output<typeof BinanceUserStreamConfigSchema>
  readonly #rest: BinanceRest
  readonly #clock: Clock
  readonly #onAlgoOrder: (clientAlgoId: string) => void
  readonly #venue = BINANCE_VENUE.usdm
  /** Links the order an algo order triggers to it, holding its first events back until the link comes. */
  readonly #links: TriggeredOrderLinks
  #ws: ReconnectingWebSocket | undefined
  #opens = 0
  #listenKey: string | undefined
  #keepAlive: unknown

  constructor(config: BinanceUsdmUserStreamConfig) {
    const { onAlgoOrder, ...rest } = config
    this.#cfg = parseConfig(BinanceUserStreamConfigSchema, rest, 'BinanceUsdmUserStream')
    this.#rest = this.#cfg.rest
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#onAlgoOrder = onAlgoOrder ?? (() => {})
    this.#links = new TriggeredOrderLinks({
      clock: this.#clock,
      emit: (u, algoCid, statusOnly) => this.#emitOrderTradeUpdate(u, algoCid, statusOnly),
    })
  }

  /** The current listen key (undefined before `start`). */
  /** Frames refused or not placed since construction (each also reported on `error`), never dropped silently. */
  get dataErrors(): number {
    return this.#dataErrors
  }

  get listenKey(): string | undefined {
    return this.#listenKey
  }

  /**
   * Links a triggered order to its algo order, learned over REST (`actualOrderId`): its events go out under the algo
   * order's client id from now on, as after an `ALGO_UPDATE` naming it (`ai`).
   */
  linkTriggered(actualOrderId: string, clientAlgoId: string): void {
    this.#links.link(actualOrderId, clientAlgoId)
  }

  /** Creates a listen key, connects and resolves once the socket is open (idempotent). */
  async start(): Promise<void> {
    if (this.#ws !== undefined) return
    if (this.#rest.apiKey === undefined)
      throw new ValidationError('User data needs an apiKey', { field: 'apiKey' })
    await this.#newListenKey()
    const staleAfterMs = this.#cfg.staleAfterMs
    const ws = new ReconnectingWebSocket(
      async () => `${this.#cfg.url}/private/ws/${this.#listenKey ?? (await this.#newListenKey())}`,
      {
        clock: this.#clock,
        // Binance pings every 3 minutes on this stream; silence beyond 10 minutes is a dead socket.
        staleAfterMs: staleAfterMs === 0 ? 0 : Math.max(staleAfterMs, 600_000),
        backoffBaseMs: this.#cfg.reconnectBaseMs,
        backoffMaxMs: this.#cfg.reconnectMaxMs,
        maxLifetimeMs: this.#cfg.maxConnectionLifetimeMs,
        onUnhandledError: () => {},
      },
    )
    this.#ws = ws
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    ws.events.on('message', (m) => {
      if (typeof m.data === 'string') this.#onMessage(m.data)
    })
    const opened = new Promise<void>((resolve, reject) => {
      ws.events.on('socket.opened', () => {
        resolve()
        if (this.#opens++ > 0) {
          this.#bus.emit('user.reconnected', { type: 'user.reconnected', tsEvent: this.#clock.now() })
        }
      })
      ws.events.on('socket.closed', (e) => {
        if (!e.willReconnect) reject(new SocketClosedError('User stream closed'))
      })
    })
    opened.catch(() => {})
    this.#scheduleKeepAlive()
    const timeoutMs = 3 * this.#cfg.timeoutMs
    let timer: unknown
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(
        () => reject(new TimeoutError('User data stream did not open in time', timeoutMs)),
        timeoutMs,
      )
    })
    timeout.catch(() => {})
    try {
      await Promise.race([opened, timeout])
    } catch (e) {
      await this.close()
      throw e
    } finally {
      this.#clock.clearTimeout(timer as never)
    }
  }

  /** Stops the keep-alive and the socket. Idempotent. */
  async close(): Promise<void> {
    this.#clock.clearTimeout(this.#keepAlive as never)
    this.#links.flush()
    const ws = this.#ws
    this.#ws = undefined
    await ws?.close()
  }

  async #newListenKey(): Promise<string> {
    const raw = await this.#rest.call({
      method: 'POST',
      path: '/fapi/v1/listenKey',
      schema: z.unknown(),
      security: 'API_KEY',
      // The cancel lane: without the user stream, fills and cancels go unseen, so it goes on during a shared-budget
      // outage (on the local budget) like cancels do.
      priority: Priority.CANCEL,
    })
    const r = decodeListenKey(raw, 'usdm')
    if (!r.ok) throw r.error
    this.#listenKey = r.value
    return r.value
  }

  #scheduleKeepAlive(): void {
    this.#clock.clearTimeout(this.#keepAlive as never)
    if (this.#ws === undefined) return
    this.#keepAlive = this.#clock.setTimeout(() => {
      this.#rest
        .call({
          method: 'PUT',
          path: '/fapi/v1/listenKey',
          schema: z.unknown(),
          security: 'API_KEY',
          priority: Priority.CANCEL,
        })
        .then(
          () => this.#scheduleKeepAlive(),
          (e) => {
            if (isTradekitError(e)) this.#bus.emit('error', e)
            // The key is gone: the next connection creates a new one.
            this.#listenKey = undefined
            this.#ws?.reconnect()
            this.#scheduleKeepAlive()
          },
        )
    }, this.#cfg.listenKeyKeepAliveMs)
  }

  #dataError(message: string, issues: string[], raw: unknown): void {
    this.#dataErrors++
    this.#bus.emit('error', new ExchangeDataError(this.#venue, message, issues, raw))
  }

  #emitOrder(order: Order, fill: Fill | undefined, tsEvent: number): void {
    if (fill !== undefined) this.#bus.emit('fill', { type: 'fill', fill, tsEvent })
    this.#bus.emit('order.updated', { type: 'order.updated', order, tsEvent })
  }

  #onMessage(text: string): void {
    const r = decodeUsdmUserEvent(text)
    if (!r.ok) {
      this.#dataErrors++
      this.#bus.emit('error', r.error)
      return
    }
    const e = r.value
    switch (e.kind) {
      case 'orderTrade':
        this.#onOrderTradeUpdate(e.update)
        return
      case 'algo':
        this.#onAlgoUpdate(e.update)
        return
      case 'account':
        // Funding first: a host that merges `balance.updated` into its account afterwards then finds no difference.
        for (const funding of e.funding) {
          this.#bus.emit('funding.settled', { type: 'funding.settled', funding, tsEvent: e.tsEvent })
        }
        for (const transfer of e.transfers) this.#bus.emit('account.transferred', transfer)
        if (e.balances.length > 0) {
          this.#bus.emit('balance.updated', {
            type: 'balance.updated',
            balances: e.balances,
            tsEvent: e.tsEvent,
          })
        }
        if (e.positions.length > 0) {
          this.#bus.emit('position.updated', {
            type: 'position.updated',
            positions: e.positions,
            tsEvent: e.tsEvent,
          })
        }
        return
      case 'listenKeyExpired':
        this.#listenKey = undefined
        this.#ws?.reconnect()
        return
      case 'ignored':
        return
    }
  }

  #onOrderTradeUpdate(u: OrderTradeUpdate): void {
    const mapped = orderTradeUpdateToEvent(u, this.#venue)
    if (mapped === undefined) {
      this.#dataError(`Unknown order status "${u.o.X}"`, ['o.X'], u)
      return
    }
    this.#links.onOrderUpdate(u)
  }

  /** Emits an order update (already checked to map) under its own id or, once linked, its algo order's. */
  #emitOrderTradeUpdate(u: OrderTradeUpdate, algoCid: string | undefined, statusOnly: boolean): void {
    const mapped = orderTradeUpdateToEvent(u, this.#venue, algoCid)
    if (mapped === undefined) return
    this.#emitOrder(
      algoCid !== undefined ? triggeredAlgoOrder(mapped.order, algoCid) : mapped.order,
      statusOnly ? undefined : mapped.fill,
      u.E,
    )
  }

  #onAlgoUpdate(u: z.output<typeof AlgoUpdateSchema>): void {
    const o = u.o
    this.#links.onAlgoUpdate(u)
    this.#onAlgoOrder(o.caid)
    // FINISHED: the triggered order's own updates carry the outcome.
    if (o.X === 'FINISHED' || ((o.X === 'TRIGGERED' || o.X === 'TRIGGERING') && o.ai)) return
    const order = mapAlgoStatus(o.X) === undefined ? undefined : algoUpdateToOrder(u, this.#venue)
    if (order === undefined) {
      this.#dataError('Invalid ALGO_UPDATE', ['o.X/o.o/o.q: unknown status or type'], u)
      return
    }
    this.#emitOrder(order, undefined, u.E)
  }
}
