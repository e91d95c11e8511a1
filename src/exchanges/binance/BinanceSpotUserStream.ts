import type * as z from 'zod/mini'
import {
  type Clock,
  type Listenable,
  parseConfig,
  SystemClock,
  TypedEmitter,
  type UserDataEvents,
} from '../../core/index.js'
import {
  ConfigError,
  ExchangeDataError,
  ExchangeError,
  isTradekitError,
  SocketClosedError,
  TimeoutError,
  type TradekitError,
  ValidationError,
} from '../../errors/index.js'
import { backoffDelay, type ReconnectingWebSocket } from '../../transport/index.js'
import type { BinanceRest } from './BinanceRest.js'
import { decodeSpotUserEvent } from './decodeUserEvent.js'
import { BINANCE_VENUE } from './types.js'
import { type BinanceUserStreamConfig, BinanceUserStreamConfigSchema } from './userStreamConfig.js'
import { wsApiSocket } from './wsApiSocket.js'

type Resolved = z.output<typeof BinanceUserStreamConfigSchema>

/** Shortest wait before re-subscribing again after a failed re-subscription, ms. */
const MIN_RETRY_MS = 100

/**
 * The Binance Spot user-data stream over the WebSocket API: `userDataStream.subscribe.signature` (HMAC keys) or
 * `session.logon` + `userDataStream.subscribe` (Ed25519), re-subscribed after `eventStreamTerminated` and after
 * every reconnect, which it announces as `user.reconnected` once subscribed again. A failed re-subscription is
 * reported on `error` and retried with jittered backoff (time re-synced first on -1021) until it succeeds. Frames
 * become core {@link UserDataEvents} (`order.updated`, `fill`, `balance.updated`); bad ones go to `error`, dropped.
 *
 * @example
 * ```ts
 * const user = new BinanceSpotUserStream({ rest, url: 'wss://ws-api.testnet.binance.vision/ws-api/v3' })
 * user.events.on('order.updated', (e) => console.log(e.order.status))
 * await user.start()
 * ```
 */
export class BinanceSpotUserStream {
  readonly #bus = new TypedEmitter<UserDataEvents>()
  #dataErrors = 0
  /** `order.updated`, `fill`, `balance.updated`, `account.transferred`, `user.reconnected` and `error`. */
  readonly events: Listenable<UserDataEvents> = this.#bus
  readonly #cfg: Resolved
  readonly #rest: BinanceRest
  readonly #clock: Clock
  readonly #venue = BINANCE_VENUE.spot
  #ws: ReconnectingWebSocket | undefined
  #opens = 0
  #reqId = 1
  #subscriptionId: number | undefined
  /** Bumped by every (re)subscription run, socket close and `close()`: a stale run stops. */
  #run = 0
  #retryTimer: unknown
  #failStart: ((e: TradekitError) => void) | undefined
  readonly #pending = new Map<
    string,
    { resolve: (r: unknown) => void; reject: (e: TradekitError) => void; timer: unknown }
  >()

  constructor(config: BinanceUserStreamConfig) {
    this.#cfg = parseConfig(BinanceUserStreamConfigSchema, config, 'BinanceSpotUserStream')
    this.#rest = this.#cfg.rest
    this.#clock = this.#cfg.clock ?? new SystemClock()
  }

  /** The active user-data subscription id, when subscribed. */
  /** Frames refused or not placed since construction (each also reported on `error`), never dropped silently. */
  get dataErrors(): number {
    return this.#dataErrors
  }

  get subscriptionId(): number | undefined {
    return this.#subscriptionId
  }

  /** True between {@link BinanceSpotUserStream.start} and {@link BinanceSpotUserStream.close}. */
  get isStarted(): boolean {
    return this.#ws !== undefined
  }

  /** Connects and subscribes; resolves once subscribed (idempotent). Rejects, and stops, if the first try fails. */
  async start(): Promise<void> {
    if (this.#ws !== undefined) return
    if (this.#rest.apiKey === undefined || this.#rest.signer === undefined) {
      throw new ValidationError('User data needs apiKey and apiSecret (or privateKey)', { field: 'apiKey' })
    }
    const ws = wsApiSocket(
      this.#cfg,
      'spot',
      this.#clock,
      () => this.#reqId++,
      (text) => this.#onMessage(text),
    )
    this.#ws = ws
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    // The subscription lives and dies with its connection.
    ws.events.on('socket.closed', () => this.#stopRun())
    const first = new Promise<void>((resolve, reject) => {
      this.#failStart = reject
      ws.events.on('socket.opened', () => {
        if (this.#opens++ > 0) {
          this.#resubscribe()
          return
        }
        const run = this.#run
        this.#subscribe().then((id) => {
          if (run === this.#run) this.#subscriptionId = id
          resolve()
        }, reject)
      })
    })
    first.catch(() => {})
    const timeoutMs = 3 * this.#cfg.timeoutMs
    const timer = this.#clock.setTimeout(
      () => this.#failStart?.(new TimeoutError('User data subscription timed out', timeoutMs)),
      timeoutMs,
    )
    try {
      await first
    } catch (e) {
      // The first subscription failed (bad key, timeout): stop the socket instead of retrying forever.
      await this.close()
      throw e
    } finally {
      this.#clock.clearTimeout(timer)
      this.#failStart = undefined
    }
  }

  /** Stops the stream; pending requests reject. Idempotent. */
  async close(): Promise<void> {
    this.#failStart?.(new SocketClosedError('User data stopped before it started'))
    this.#stopRun()
    for (const p of this.#pending.values()) {
      this.#clock.clearTimeout(p.timer as never)
      p.reject(new SocketClosedError('User data stream closed'))
    }
    this.#pending.clear()
    const ws = this.#ws
    this.#ws = undefined
    await ws?.close()
  }

  #reconnected(): void {
    this.#bus.emit('user.reconnected', { type: 'user.reconnected', tsEvent: this.#clock.now() })
  }

  /** Ends the current (re)subscription run: no answer of it counts, its pending retry is cancelled. */
  #stopRun(): void {
    this.#run++
    this.#subscriptionId = undefined
    this.#clock.clearTimeout(this.#retryTimer as never)
    this.#retryTimer = undefined
  }

  /**
   * Subscribes again (after a reconnect or `eventStreamTerminated`) until it succeeds, then announces
   * `user.reconnected`. Each failure goes to `error`; -1021 re-syncs the server time before the jittered retry.
   */
  #resubscribe(): void {
    this.#stopRun()
    const run = this.#run
    let failures = 0
    const attempt = (): void => {
      this.#retryTimer = undefined
      // A failed try may have subscribed all the same (its answer lost or late): end this connection's
      // subscriptions first, or a second one would deliver every event twice (Binance allows one per account).
      const stale = failures > 0 ? this.#unsubscribeAll() : Promise.resolve()
      stale
        .then(() => (run === this.#run ? this.#subscribe() : undefined))
        .then(
          (id) => {
            if (run !== this.#run) return
            this.#subscriptionId = id
            this.#reconnected()
          },
          async (e: unknown) => {
            if (run !== this.#run) return
            this.#subscriptionId = undefined
            if (isTradekitError(e)) this.#bus.emit('error', e)
            if (e instanceof ExchangeError && e.venueCode === -1021) {
              await this.#rest.syncTime().catch((se: unknown) => {
                if (isTradekitError(se)) this.#bus.emit('error', se)
              })
            }
            if (run !== this.#run) return
            failures++
            const delayMs = Math.max(
              MIN_RETRY_MS,
              backoffDelay({
                attempt: failures,
                baseMs: this.#cfg.reconnectBaseMs,
                maxMs: this.#cfg.reconnectMaxMs,
              }),
            )
            this.#retryTimer = this.#clock.setTimeout(attempt, delayMs)
          },
        )
    }
    attempt()
  }

  /** Signs WebSocket API params: sorted by name, `k=v&...`, like REST. */
  async #sign(params: Record<string, string | number>): Promise<Record<string, string | number>> {
    const signer = this.#rest.signer
    if (signer === undefined)
      throw new ConfigError('User data needs an API secret or private key', ['apiSecret'])
    const payload = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&')
    return { ...params, signature: await signer.sign(payload) }
  }

  async #request(method: string, params: Record<string, unknown>): Promise<unknown> {
    const ws = this.#ws
    if (ws === undefined) throw new ValidationError('User data is not started')
    const id = `tk-${this.#reqId++}`
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id)
        reject(new ExchangeError(this.#venue, `WebSocket API "${method}" timed out`, { details: { method } }))
      }, this.#cfg.timeoutMs)
      this.#pending.set(id, { resolve, reject, timer })
      try {
        ws.sendJson({ id, method, params })
      } catch (e) {
        this.#clock.clearTimeout(timer as never)
        this.#pending.delete(id)
        reject(e)
      }
    })
  }

  /**
   * `userDataStream.unsubscribe` without a `subscriptionId`: closes every subscription of this connection's session
   * (the connection is this stream's alone).
   */
  async #unsubscribeAll(): Promise<void> {
    await this.#request('userDataStream.unsubscribe', {})
  }

  /** Sends the subscription; resolves with the subscription id the venue gave. */
  async #subscribe(): Promise<number | undefined> {
    const apiKey = this.#rest.apiKey as string
    const timestamp = Math.round(this.#rest.serverNow())
    let r: { subscriptionId?: unknown }
    if (this.#rest.signer?.keyType === 'ED25519') {
      await this.#request('session.logon', await this.#sign({ apiKey, timestamp }))
      r = (await this.#request('userDataStream.subscribe', {})) as { subscriptionId?: unknown }
    } else {
      r = (await this.#request(
        'userDataStream.subscribe.signature',
        await this.#sign({ apiKey, timestamp }),
      )) as {
        subscriptionId?: unknown
      }
    }
    return typeof r?.subscriptionId === 'number' ? r.subscriptionId : undefined
  }

  #onMessage(text: string): void {
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(text) as Record<string, unknown>
    } catch {
      this.#dataError('User stream frame is not JSON', ['(root): invalid JSON'], text)
      return
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.#dataError('User stream frame is not an object', ['(root): not an object'], text)
      return
    }
    if (typeof msg.id === 'string' && this.#pending.has(msg.id)) {
      this.#answer(msg.id, msg)
      return
    }
    // A late answer to a request that already timed out (and was reported then).
    if (msg.id !== undefined && msg.status !== undefined) return
    const event = msg.event as Record<string, unknown> | null | undefined
    if (event === undefined) {
      this.#dataError('User stream frame has no event', ['event: missing (unknown envelope)'], text)
      return
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      this.#dataError('User stream event is not an object', ['event: not an object'], text)
      return
    }
    this.#onEvent(event)
  }

  #answer(id: string, msg: Record<string, unknown>): void {
    const p = this.#pending.get(id)
    if (p === undefined) return
    this.#pending.delete(id)
    this.#clock.clearTimeout(p.timer as never)
    const err = msg.error as { code?: unknown; msg?: unknown } | undefined
    if (err !== undefined) {
      p.reject(
        new ExchangeError(this.#venue, `WebSocket API: ${String(err.msg)}`, {
          venueCode: typeof err.code === 'number' ? err.code : undefined,
          venueMessage: String(err.msg),
          status: typeof msg.status === 'number' ? msg.status : undefined,
        }),
      )
    } else {
      p.resolve(msg.result)
    }
  }

  #dataError(message: string, issues: string[], raw: unknown): void {
    this.#dataErrors++
    this.#bus.emit('error', new ExchangeDataError(this.#venue, message, issues, raw))
  }

  #onEvent(event: Record<string, unknown>): void {
    const r = decodeSpotUserEvent(event)
    if (!r.ok) {
      this.#dataErrors++
      this.#bus.emit('error', r.error)
      return
    }
    const e = r.value
    switch (e.kind) {
      case 'order':
        if (e.fill !== undefined) this.#bus.emit('fill', { type: 'fill', fill: e.fill, tsEvent: e.tsEvent })
        this.#bus.emit('order.updated', { type: 'order.updated', order: e.order, tsEvent: e.tsEvent })
        return
      case 'balances':
        this.#bus.emit('balance.updated', {
          type: 'balance.updated',
          balances: e.balances,
          tsEvent: e.tsEvent,
        })
        return
      case 'transfer':
        this.#bus.emit('account.transferred', e.transfer)
        return
      case 'terminated':
        this.#resubscribe()
        return
      case 'ignored':
        return
    }
  }
}
