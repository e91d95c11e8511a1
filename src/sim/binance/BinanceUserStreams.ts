import type { WebSocket } from 'ws'
import type { Decimal } from '../../decimal/index.js'
import { sendFrame } from '../shared/http.js'
import type { BinanceAuth } from './BinanceAuth.js'
import type { WsApiOrderMethod } from './BinanceWsApiOrders.js'
import {
  type SimAccount,
  type SimAlgoOrder,
  SimApiError,
  type SimEngine,
  type SimFill,
  type SimMarket,
  type SimOrder,
} from './engine.js'
import {
  accountUpdateJson,
  algoUpdateJson,
  balanceUpdateJson,
  executionReportJson,
  orderTradeUpdateJson,
  outboundAccountPositionJson,
} from './json/userEvents.js'

interface WsApiConn {
  ws: WebSocket
  /** `spot` on `/ws-api/v3`, `usdm` on `/ws-fapi/v1`. */
  market: SimMarket
  subs: Map<number, string>
  nextSubId: number
  logonKey?: string
  /** Server time the socket was accepted (`connectedSince`). */
  connectedSince: number
  /** Server time of the last `session.logon` (`authorizedSince`). */
  authorizedSince?: number
}

/** One WebSocket API request as received, in {@link BinanceUserStreams.wsApiRequests}. */
export interface WsApiRequestLogEntry {
  readonly market: SimMarket
  /** The request's `method`, as sent (`"undefined"` when it had none). */
  readonly method: string
}

/** Most entries {@link BinanceUserStreams.wsApiRequests} keeps (the oldest go first). */
const WS_API_LOG_SIZE = 1_000

interface PrivateConn {
  ws: WebSocket
  listenKey: string
  /** `?listenKey=K&events=A/B`: only these event types are delivered; undefined: every event. */
  events?: ReadonlySet<string>
  /** Opened as a combined stream (`/private/stream`): events come wrapped as `{ stream, data }`. */
  combined: boolean
}

/** What {@link BinanceUserStreams} needs of the simulator. */
export interface BinanceUserStreamsConfig {
  readonly engine: SimEngine
  readonly auth: BinanceAuth
  /** Server time including skew. */
  readonly now: () => number
  /** Order methods served on the WebSocket APIs (`order.place`…), see `wsApiOrderMethods`. */
  readonly orderMethods?: Readonly<Record<string, WsApiOrderMethod>>
  /** The `rateLimits` array of an answer to `method` (the REST windows, as WebSocket API answers report them). */
  readonly rateLimits?: (market: SimMarket, method: string) => unknown[]
  /**
   * A fault to apply to one WebSocket API request (`/ws-api/v3 order.place`): the market's IP ban, or one taken from
   * the REST fault queues.
   */
  readonly takeFault?: (path: string) => WsApiFault | undefined
}

/** A fault on one WebSocket API request. */
export type WsApiFault =
  | { readonly kind: 'rateLimit'; readonly retryAfterSec: number }
  /** The IP is banned until `untilMs` (server time). */
  | { readonly kind: 'ban'; readonly untilMs: number }
  | { readonly kind: 'drop' | 'malformed' | 'silent'; readonly afterExecute: boolean }

type WsApiMethod = (c: WsApiConn, params: Record<string, unknown>) => unknown

/**
 * Starts a user-data subscription of `apiKey` on a connection. "You can have only one active subscription for a
 * given account on a given connection" (web-socket-api.md, User Data Stream subscription), by either method.
 */
function subscribe(c: WsApiConn, apiKey: string): { subscriptionId: number } {
  for (const k of c.subs.values())
    if (k === apiKey) throw new SimApiError(400, -1000, 'Already subscribed to this account.')
  const sid = c.nextSubId++
  c.subs.set(sid, apiKey)
  return { subscriptionId: sid }
}

const TOO_MANY = 'Too much request weight used; current limit is exceeded.'

/**
 * The user-data side of {@link BinanceSim}: the spot WebSocket API (`/ws-api/v3`: logon and user-data
 * subscriptions) and the USD-M private streams (`/fstream/private/ws/<key>`, `?listenKey=`, the combined
 * `/fstream/private/stream`), with listen keys, event delivery and the user-data faults (lost events, expired keys,
 * terminated subscriptions).
 *
 * @example
 * ```ts
 * const user = new BinanceUserStreams({ engine, auth, now })
 * user.openWsApi(ws)
 * user.orderUpdate(order, 'NEW', undefined, Date.now())
 * ```
 */
export class BinanceUserStreams {
  /** Accepted listen keys, by key. */
  readonly listenKeys = new Map<string, { apiKey: string; expiresAt: number }>()
  readonly #cfg: BinanceUserStreamsConfig
  readonly #wsApiConns = new Set<WsApiConn>()
  readonly #privateConns = new Set<PrivateConn>()
  readonly #methods: Readonly<Record<string, WsApiMethod>>
  readonly #requests: WsApiRequestLogEntry[] = []
  #dropUser = 0

  constructor(config: BinanceUserStreamsConfig) {
    this.#cfg = config
    this.#methods = {
      // Spot documents `ping`; USD-M does not, nor the answer to an unknown method, so the sim stays lenient and
      // answers it on both (tradekit's USD-M keepalive is `session.status`, see `wsApiKeepaliveMethod`).
      ping: () => ({}),
      time: () => ({ serverTime: this.#cfg.now() }),
      'session.logon': (c, params) => this.#logon(c, params),
      'session.status': (c) => this.#session(c),
      'userDataStream.subscribe': (c) => {
        if (c.logonKey === undefined)
          throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
        return subscribe(c, c.logonKey)
      },
      'userDataStream.subscribe.signature': (c, params) => subscribe(c, this.#cfg.auth.wsApi(params).apiKey),
      'userDataStream.unsubscribe': (c, params) => {
        const sid = params.subscriptionId
        if (typeof sid === 'number') c.subs.delete(sid)
        else c.subs.clear()
        return {}
      },
      'session.subscriptions': (c) => [...c.subs.keys()].map((subscriptionId) => ({ subscriptionId })),
      ...config.orderMethods,
    }
  }

  /** The WebSocket API methods served (read by `BinanceSim.wsApiMethods` and docs/sim-coverage.md). */
  get methodNames(): string[] {
    return Object.keys(this.#methods)
  }

  /** WebSocket API requests received, oldest first (the last 1000), e.g. to check what a client sends. */
  get wsApiRequests(): readonly WsApiRequestLogEntry[] {
    return this.#requests
  }

  /** Open WebSocket API and USD-M private connections. */
  get counts(): { wsApi: number; private: number } {
    return { wsApi: this.#wsApiConns.size, private: this.#privateConns.size }
  }

  /** Takes a WebSocket API socket: spot `/ws-api/v3`, or USD-M `/ws-fapi/v1` with `market: 'usdm'`. */
  openWsApi(ws: WebSocket, market: SimMarket = 'spot'): void {
    const c: WsApiConn = { ws, market, subs: new Map(), nextSubId: 0, connectedSince: this.#cfg.now() }
    this.#wsApiConns.add(c)
    ws.on('close', () => this.#wsApiConns.delete(c))
    ws.on('message', (data) => this.#onWsApi(c, String(data)))
  }

  /** Takes a USD-M private socket; `rest` is its path after `/fstream/private`. */
  openPrivate(ws: WebSocket, rest: string, url: URL): void {
    // `/private/ws/<key>`, `/private/ws?listenKey=<key>`, or the combined `/private/stream?streams=<key>`, where
    // Binance's own connector opens `/private/stream` and SUBSCRIBEs the key as a stream name.
    const combined = rest === '/stream'
    const named = combined ? url.searchParams.get('streams')?.split('/')[0] : rest.replace(/^\/ws\/?/, '')
    const lk = url.searchParams.get('listenKey') ?? named ?? ''
    if (!this.listenKeys.has(lk) && !combined) {
      // Binance accepts the socket but never delivers for an unknown key.
      ws.on('message', () => {})
      return
    }
    // Documented forms: `/private/ws/<listenKey>` and `/private/ws?listenKey=<key>&events=<e1>/<e2>`.
    const events = url.searchParams.get('events')
    const c: PrivateConn = {
      ws,
      listenKey: lk,
      combined,
      ...(events !== null ? { events: new Set(events.split(/[/,]/).filter((e) => e !== '')) } : {}),
    }
    this.#privateConns.add(c)
    ws.on('close', () => this.#privateConns.delete(c))
    if (combined) ws.on('message', (data) => this.#onPrivateMessage(c, String(data)))
  }

  /** SUBSCRIBE on a combined private stream: a known listen key becomes the connection's key. */
  #onPrivateMessage(c: PrivateConn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown }
    try {
      msg = JSON.parse(text)
    } catch {
      return
    }
    const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null
    const params = Array.isArray(msg.params)
      ? msg.params.filter((x): x is string => typeof x === 'string')
      : []
    if (msg.method === 'SUBSCRIBE') {
      const key = params.find((k) => this.listenKeys.has(k))
      if (key !== undefined) c.listenKey = key
    }
    const result = msg.method === 'LIST_SUBSCRIPTIONS' ? (c.listenKey === '' ? [] : [c.listenKey]) : null
    sendFrame(c.ws, JSON.stringify({ result, id }))
  }

  /** Loses the next `count` user-data events. */
  dropEvents(count: number): void {
    this.#dropUser += count
  }

  /** Sends `listenKeyExpired` on every private connection and forgets every listen key. */
  expireListenKeys(): void {
    for (const c of this.#privateConns) {
      const text = JSON.stringify({ e: 'listenKeyExpired', E: this.#cfg.now(), listenKey: c.listenKey })
      sendFrame(c.ws, c.combined ? `{"stream":${JSON.stringify(c.listenKey)},"data":${text}}` : text)
    }
    this.listenKeys.clear()
  }

  /** Ends every spot user-data subscription with `eventStreamTerminated`. */
  terminate(): void {
    for (const c of this.#wsApiConns) {
      for (const id of c.subs.keys()) {
        sendFrame(
          c.ws,
          JSON.stringify({ subscriptionId: id, event: { e: 'eventStreamTerminated', E: this.#cfg.now() } }),
        )
      }
      c.subs.clear()
    }
  }

  /** Clears pending lost events. */
  reset(): void {
    this.#dropUser = 0
  }

  /** Delivers an order change (spot `executionReport`, USD-M `ORDER_TRADE_UPDATE`). */
  orderUpdate(o: SimOrder, x: string, fill: SimFill | undefined, now: number): void {
    const m = this.#cfg.engine.market(o.market, o.symbol)
    if (o.market === 'spot') this.#sendSpot(o.account, executionReportJson(o, m, x, fill, now))
    else this.#sendPrivate(o.account, orderTradeUpdateJson(o, m, x, fill, now))
  }

  /**
   * Delivers a balance or position change (spot `outboundAccountPosition`, USD-M `ACCOUNT_UPDATE`; `balanceChange`:
   * the USD-M `bc`, e.g. a funding fee).
   */
  accountUpdate(
    acc: SimAccount,
    market: SimMarket,
    assets: readonly string[],
    symbols: readonly string[],
    reason: string,
    now: number,
    balanceChange?: Decimal,
  ): void {
    if (market === 'spot') this.#sendSpot(acc.apiKey, outboundAccountPositionJson(acc, assets, now))
    else
      this.#sendPrivate(
        acc.apiKey,
        accountUpdateJson(this.#cfg.engine, acc, symbols, reason, now, balanceChange),
      )
  }

  /** Delivers a spot deposit, withdrawal or transfer (`balanceUpdate`, the signed `delta` of `asset`). */
  balanceUpdate(acc: SimAccount, asset: string, delta: Decimal, now: number): void {
    this.#sendSpot(acc.apiKey, balanceUpdateJson(asset, delta, now))
  }

  /** Delivers a conditional order change (`ALGO_UPDATE`). */
  algoUpdate(a: SimAlgoOrder, now: number): void {
    this.#sendPrivate(a.account, algoUpdateJson(a, this.#cfg.engine.market('usdm', a.symbol), now))
  }

  #logon(c: WsApiConn, params: Record<string, unknown>): unknown {
    const key = this.#cfg.auth.wsApi(params)
    if (key.ed25519PublicKey === undefined)
      throw new SimApiError(400, -4056, 'HMAC_SHA256 API key is not supported.')
    c.logonKey = key.apiKey
    c.authorizedSince = this.#cfg.now()
    return this.#session(c)
  }

  /**
   * The session as `session.logon` / `session.status` report it: `apiKey` and `authorizedSince` null when not logged
   * on (USD-M websocket-api-general-info, "Query session status"); spot also reports `userDataStream`.
   */
  #session(c: WsApiConn): Record<string, unknown> {
    return {
      apiKey: c.logonKey ?? null,
      authorizedSince: c.authorizedSince ?? null,
      connectedSince: c.connectedSince,
      returnRateLimits: false,
      serverTime: this.#cfg.now(),
      ...(c.market === 'spot' ? { userDataStream: c.subs.size > 0 } : {}),
    }
  }

  #onWsApi(c: WsApiConn, text: string): void {
    let msg: { id?: unknown; method?: unknown; params?: Record<string, unknown> }
    try {
      msg = JSON.parse(text) ?? {}
    } catch {
      sendFrame(c.ws, JSON.stringify({ id: null, status: 400, error: { code: -1000, msg: 'Invalid JSON' } }))
      return
    }
    const id = msg.id ?? null
    const name = String(msg.method)
    if (this.#requests.length >= WS_API_LOG_SIZE) this.#requests.shift()
    this.#requests.push({ market: c.market, method: name })
    const rateLimits = () => this.#cfg.rateLimits?.(c.market, name) ?? []
    const fault = this.#cfg.takeFault?.(`${c.market === 'spot' ? '/ws-api/v3' : '/ws-fapi/v1'} ${name}`)
    if (fault?.kind === 'rateLimit' || fault?.kind === 'ban') {
      // WebSocket API 429 / 418 answers carry `retryAfter` (epoch ms) in `error.data`.
      const retryAfter = fault.kind === 'ban' ? fault.untilMs : this.#cfg.now() + fault.retryAfterSec * 1000
      const error = { code: -1003, msg: TOO_MANY, data: { serverTime: this.#cfg.now(), retryAfter } }
      sendFrame(
        c.ws,
        JSON.stringify({ id, status: fault.kind === 'ban' ? 418 : 429, error, rateLimits: rateLimits() }),
      )
      return
    }
    if (fault !== undefined && !fault.afterExecute) {
      this.#faultAnswer(c, fault.kind, id)
      return
    }
    try {
      const method = typeof msg.method === 'string' ? this.#methods[msg.method] : undefined
      if (method === undefined || !Object.hasOwn(this.#methods, msg.method as string))
        throw new SimApiError(400, -1000, `Unknown method "${name}"`)
      const result = method(c, msg.params ?? {})
      if (fault !== undefined) this.#faultAnswer(c, fault.kind, id)
      else sendFrame(c.ws, JSON.stringify({ id, status: 200, result, rateLimits: rateLimits() }))
    } catch (e) {
      const err =
        e instanceof SimApiError
          ? e
          : new SimApiError(400, -1000, 'An unknown error occurred while processing the request.')
      if (fault !== undefined) this.#faultAnswer(c, fault.kind, id)
      else
        sendFrame(
          c.ws,
          JSON.stringify({
            id,
            status: err.status,
            error: err.body,
            rateLimits: rateLimits(),
          }),
        )
    }
  }

  /** A lost answer (socket torn down, or never sent) or an unreadable one (valid id, a result no decoder takes). */
  #faultAnswer(c: WsApiConn, kind: 'drop' | 'malformed' | 'silent', id: unknown): void {
    if (kind === 'drop') c.ws.terminate()
    else if (kind === 'silent') return
    else sendFrame(c.ws, JSON.stringify({ id, status: 200, result: { orderId: 'NaN', status: 42 } }))
  }

  #sendSpot(apiKey: string, event: unknown): void {
    for (const c of this.#wsApiConns) {
      for (const [sid, key] of c.subs)
        if (key === apiKey) this.#sendUser(c.ws, JSON.stringify({ subscriptionId: sid, event }))
    }
  }

  #sendPrivate(apiKey: string, event: unknown): void {
    const text = JSON.stringify(event)
    const type = (event as { e?: unknown }).e
    for (const c of this.#privateConns) {
      const entry = this.listenKeys.get(c.listenKey)
      if (entry?.apiKey !== apiKey) continue
      if (c.events !== undefined && !c.events.has(String(type))) continue
      this.#sendUser(c.ws, c.combined ? `{"stream":${JSON.stringify(c.listenKey)},"data":${text}}` : text)
    }
  }

  #sendUser(ws: WebSocket, text: string): void {
    if (this.#dropUser > 0) {
      this.#dropUser--
      return
    }
    sendFrame(ws, text)
  }
}
