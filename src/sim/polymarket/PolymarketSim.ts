import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'
import { type Clock, SystemClock } from '../../core/clock.js'
import type { Listenable } from '../../core/events.js'
import { TypedEmitter } from '../../core/events.js'
import { SeededRandom } from '../../core/random.js'
import { Decimal } from '../../decimal/index.js'
import type { TradekitError } from '../../errors/index.js'
import { type SimMarket, type SimMarketSpec, seedMarkets } from './markets.js'
import {
  checkAmounts,
  l2Signature,
  SIM_CLOB_AUTH_MESSAGE,
  SIM_CLOB_AUTH_TYPES,
  SIM_CTF_EXCHANGE,
  SIM_NEG_RISK_EXCHANGE,
  SIM_ORDER_TYPES,
} from './protocol.js'
import {
  SimExchange,
  type SimLevelChange,
  type SimOrder,
  SimRejection,
  type SimTrade,
  type SimTradeStatus,
} from './SimExchange.js'

type Ethers = typeof import('ethers')

/** Options of {@link PolymarketSim.start}; every field is optional. */
export interface PolymarketSimOptions {
  /** Seed of every random choice (markets, ids, books). Default 1. */
  seed?: number
  /** Number of seeded markets, or one spec per market. Default 4 (tick sizes 0.01, 0.001, 0.1, 0.0001; every second one neg-risk). */
  markets?: number | readonly SimMarketSpec[]
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** Clock for timestamps, heartbeats and settlement. Default: the system clock. */
  clock?: Clock
  /** Chain id the signatures must be made for. Default 137. */
  chainId?: number
  /** Without a heartbeat for this long, every order of the API key is cancelled. Default 10 000. */
  heartbeatTimeoutMs?: number
  /** Delay of each settlement step (MATCHED → MINED → CONFIRMED). Default 25. */
  settlementDelayMs?: number
  /** Page size of GET /markets, /data/orders and /data/trades. Default 100. */
  pageSize?: number
  /** pUSD credited to an address when its first API key is created. Default "10000". */
  startingBalance?: string
  /** Accepted distance between POLY_TIMESTAMP and the sim's clock, in seconds. Default 300. */
  authWindowSec?: number
}

/** API credentials the simulator issued. */
export interface SimApiCredentials {
  readonly address: string
  readonly apiKey: string
  readonly secret: string
  readonly passphrase: string
}

/** Settlement behaviour of new trades. */
export type SimSettlementMode = 'confirm' | 'fail' | 'hold'

/** A balance sheet in the ledger: pUSD and shares per token, as decimal strings. */
export interface SimLedgerBalance {
  readonly pusd: string
  readonly tokens: Readonly<Record<string, string>>
}

/** A trade in the ledger. */
export interface SimLedgerTrade {
  readonly id: string
  readonly takerOrderId: string
  readonly makerOrderId: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: string
  readonly size: string
  readonly status: SimTradeStatus
  readonly takerOwner: string
  readonly makerOwner: string
}

/** The simulator's books of record, to compare a client's view against. */
export interface SimLedger {
  readonly balances: Readonly<Record<string, SimLedgerBalance>>
  readonly trades: readonly SimLedgerTrade[]
  readonly openOrders: ReadonlyArray<{
    readonly id: string
    readonly owner: string
    readonly tokenId: string
    readonly side: 'BUY' | 'SELL'
    readonly price: string
    readonly size: string
    readonly sizeMatched: string
  }>
}

/** Events of the simulator, for tests and soaks. */
export interface PolymarketSimEvents {
  /** An order was accepted (and possibly matched). */
  'order.accepted': [e: { type: 'order.accepted'; orderId: string; owner: string; status: string }]
  /** An order was refused, with Polymarket's error text. */
  'order.rejected': [e: { type: 'order.rejected'; owner: string; error: string; status: number }]
  /** A trade changed settlement status. */
  'trade.status': [e: { type: 'trade.status'; tradeId: string; status: SimTradeStatus }]
  /** A heartbeat session lapsed: every order of the key was cancelled. */
  'heartbeat.expired': [e: { type: 'heartbeat.expired'; apiKey: string; canceled: readonly string[] }]
  error: [e: TradekitError]
}

interface Key extends SimApiCredentials {
  readonly nonce: number
}

interface Conn {
  readonly ws: WebSocket
  readonly channel: 'market' | 'user'
  readonly assets: Set<string>
  readonly markets: Set<string>
  owner: string | undefined
  custom: boolean
}

class HttpFail extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error ?? status))
  }
}

const HOUSE = 'house'
const HOUSE_ADDRESS = '0x000000000000000000000000000000000000d0d0'
/** Frames a stalled sim holds at most (the rest are lost, as by a full receive buffer). */
const MAX_HELD_INBOUND = 10_000

/**
 * A loopback Polymarket CLOB V2: REST and WebSocket on 127.0.0.1 in Polymarket's formats, with seeded binary
 * markets (YES/NO tokens, several tick sizes, some neg-risk) and house liquidity. It verifies what the real venue
 * verifies — the orders' EIP-712 signatures against the right exchange, their amounts' precision and tick, the L1
 * and L2 auth headers — and rejects bad requests with Polymarket's error texts. It runs heartbeats (all orders of
 * a key are cancelled when they stop), trade settlement (MATCHED → MINED → CONFIRMED, or RETRYING → FAILED) and
 * fault injection through {@link PolymarketSim.faults}. It needs `ethers` v6, loaded on {@link PolymarketSim.start}.
 *
 * Simplifications: matching is per token (no YES/NO mint or merge), fees are zero, and signature types 1 and 2
 * accept any maker (the proxy/Safe derivation is not checked). GTD orders expire one minute before their
 * `expiration` (Polymarket's security threshold).
 *
 * @example
 * ```ts
 * const sim = await PolymarketSim.start({ seed: 7 })
 * const creds = sim.createApiKey(wallet.address)
 * const market = sim.markets[0]
 * // point a client at sim.restUrl and sim.wsUrl ...
 * await sim.close()
 * ```
 */
export class PolymarketSim {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:53121`. */
  readonly restUrl: string
  /** Base URL of the WebSockets; channels are `${wsUrl}/ws/market` and `${wsUrl}/ws/user`. */
  readonly wsUrl: string
  /** Fault injection controls. */
  readonly faults: PolymarketSimFaults
  /** Simulator events (accepted and rejected orders, settlement, heartbeat expiry). */
  readonly events: Listenable<PolymarketSimEvents>

  readonly #bus = new TypedEmitter<PolymarketSimEvents>({ onUnhandledError: () => {} })
  readonly #ethers: Ethers
  readonly #server: Server
  readonly #wss: WebSocketServer
  readonly #clock: Clock
  readonly #rng: () => number
  readonly #seed: number
  readonly #ex: SimExchange
  readonly #opts: Required<Omit<PolymarketSimOptions, 'markets' | 'clock' | 'port'>>
  readonly #keys = new Map<string, Key>()
  readonly #conns = new Set<Conn>()
  readonly #funderOf = new Map<string, string>()
  readonly #heartbeats = new Map<string, { id: string; timer: unknown }>()
  readonly #timers = new Set<unknown>()
  #hashSeq = 0
  #closed = false

  private constructor(
    ethers: Ethers,
    server: Server,
    wss: WebSocketServer,
    port: number,
    options: PolymarketSimOptions,
  ) {
    this.#ethers = ethers
    this.#server = server
    this.#wss = wss
    this.restUrl = `http://127.0.0.1:${port}`
    this.wsUrl = `ws://127.0.0.1:${port}`
    this.#clock = options.clock ?? new SystemClock()
    this.#seed = options.seed ?? 1
    const random = new SeededRandom(this.#seed)
    this.#rng = () => random.next()
    this.#opts = {
      seed: this.#seed,
      chainId: options.chainId ?? 137,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
      settlementDelayMs: options.settlementDelayMs ?? 25,
      pageSize: options.pageSize ?? 100,
      startingBalance: options.startingBalance ?? '10000',
      authWindowSec: options.authWindowSec ?? 300,
    }
    const specs =
      typeof options.markets === 'number' || options.markets === undefined
        ? Array.from({ length: typeof options.markets === 'number' ? options.markets : 4 }, () => ({}))
        : options.markets
    const markets = seedMarkets(this.#rng, specs)
    this.#ex = new SimExchange(
      markets,
      {
        levels: (c) => this.#onLevels(c),
        trade: (t) => this.#onTrade(t),
        order: (o, type) => this.#onOrder(o, type),
      },
      () => this.#clock.now(),
      this.#rng,
    )
    this.events = this.#bus
    this.faults = new PolymarketSimFaults(this)
    this.#seedHouse(specs)
  }

  /**
   * Starts a simulator on 127.0.0.1 (loads `ethers` dynamically, so `tradekit/sim` itself never needs it).
   * Rejects when ethers v6 is not installed.
   */
  static async start(options: PolymarketSimOptions = {}): Promise<PolymarketSim> {
    const ethers = (await import('ethers')) as Ethers
    const server = createServer()
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
    })
    const port = (server.address() as AddressInfo).port
    const sim = new PolymarketSim(ethers, server, wss, port, options)
    server.on('request', (req, res) => void sim.#handle(req, res))
    server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0]
      if (path !== '/ws/market' && path !== '/ws/user') {
        socket.destroy()
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        sim.#onSocket(ws, path === '/ws/market' ? 'market' : 'user'),
      )
    })
    return sim
  }

  /** The seeded markets (condition id, YES/NO token ids, tick size, neg-risk). */
  get markets(): readonly SimMarket[] {
    return this.#ex.markets
  }

  /** Issues (or returns the existing) API key of `address` for `nonce`, without L1 auth; funds new addresses. */
  createApiKey(address: string, nonce = 0): SimApiCredentials {
    const checksum = this.#ethers.getAddress(address)
    const id = `${checksum.toLowerCase()}:${nonce}`
    for (const k of this.#keys.values()) if (`${k.address.toLowerCase()}:${k.nonce}` === id) return strip(k)
    const mac = (label: string) => createHmac('sha256', `sim:${this.#seed}`).update(`${label}:${id}`).digest()
    const h = mac('key').toString('hex')
    const key: Key = {
      address: checksum,
      nonce,
      apiKey: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`,
      secret: mac('secret').toString('base64url').padEnd(44, '='),
      passphrase: mac('pass').toString('hex'),
    }
    if (![...this.#keys.values()].some((k) => k.address === checksum)) {
      this.fund(checksum, { pusd: this.#opts.startingBalance })
    }
    this.#keys.set(key.apiKey, key)
    return strip(key)
  }

  /** Credits pUSD and/or shares to an address (a funder for signature types 1 and 2). */
  fund(address: string, amounts: { pusd?: string; tokens?: Readonly<Record<string, string>> }): void {
    const b = this.#ex.balance(address)
    if (amounts.pusd !== undefined) b.pusd = b.pusd.plus(amounts.pusd)
    for (const [t, q] of Object.entries(amounts.tokens ?? {})) {
      b.tokens.set(t, (b.tokens.get(t) ?? new Decimal(0)).plus(q))
    }
  }

  /** Declares `funder` (a proxy or Safe) as the wallet of `signer` for balance queries. */
  linkFunder(signer: string, funder: string): void {
    this.#funderOf.set(signer.toLowerCase(), funder.toLowerCase())
  }

  /** Rests a house (simulator-owned) order, to shape a book. Returns its id. */
  placeHouseOrder(tokenId: string, side: 'BUY' | 'SELL', price: string, size: string): string {
    const id = `0x${createHmac('sha256', 'house')
      .update(String(this.#hashSeq++))
      .digest('hex')}`
    this.#ex.place({
      id,
      owner: HOUSE,
      maker: HOUSE_ADDRESS,
      tokenId,
      side,
      price: new Decimal(price),
      size: new Decimal(size),
      orderType: 'GTC',
      expiration: 0,
      postOnly: false,
    })
    return id
  }

  /** Changes a market's tick size and announces it with `tick_size_change` on both tokens. */
  setTickSize(conditionId: string, tickSize: string): void {
    const m = this.#market(conditionId)
    const old = m.tickSize
    m.tickSize = tickSize
    for (const t of m.tokens) {
      this.#broadcastMarket(t.tokenId, {
        event_type: 'tick_size_change',
        asset_id: t.tokenId,
        market: m.conditionId,
        old_tick_size: old,
        new_tick_size: tickSize,
        timestamp: String(this.#clock.now()),
      })
    }
  }

  /** Resolves a market: cancels its orders and sends `market_resolved`. */
  resolveMarket(conditionId: string, winningTokenId: string): void {
    const m = this.#market(conditionId)
    m.closed = true
    m.winner = winningTokenId
    for (const o of this.#ex.liveOrders((x) => x.market === conditionId)) {
      this.#ex.cancel(o.id, 'CANCELED_MARKET_RESOLVED')
    }
    const winner = m.tokens.find((t) => t.tokenId === winningTokenId)
    const msg = {
      event_type: 'market_resolved',
      market: m.conditionId,
      assets_ids: m.tokens.map((t) => t.tokenId),
      winning_asset_id: winningTokenId,
      winning_outcome: winner?.outcome ?? '',
      timestamp: String(this.#clock.now()),
    }
    for (const t of m.tokens) this.#broadcastMarket(t.tokenId, msg)
  }

  /** Moves trades held by the `hold` settlement mode on to CONFIRMED (or FAILED with `fail: true`). */
  releaseSettlement(options: { fail?: boolean } = {}): void {
    for (const t of this.#ex.trades) {
      if (t.status === 'MATCHED' && this.#held.has(t.id)) {
        this.#held.delete(t.id)
        this.#advance(t, options.fail === true ? ['RETRYING', 'FAILED'] : ['MINED', 'CONFIRMED'])
      }
    }
  }

  /** The books of record: balances, trades and open orders. */
  ledger(): SimLedger {
    const balances: Record<string, SimLedgerBalance> = {}
    for (const [addr, b] of this.#ex.balances) {
      if (addr === HOUSE_ADDRESS) continue
      const tokens: Record<string, string> = {}
      for (const [t, q] of b.tokens) if (!q.isZero()) tokens[t] = q.toFixed()
      balances[addr] = { pusd: b.pusd.toFixed(), tokens }
    }
    return {
      balances,
      trades: this.#ex.trades.map((t) => ({
        id: t.id,
        takerOrderId: t.takerOrderId,
        makerOrderId: t.maker.orderId,
        tokenId: t.tokenId,
        side: t.side,
        price: t.price.toFixed(),
        size: t.size.toFixed(),
        status: t.status,
        takerOwner: t.takerOwner,
        makerOwner: t.maker.owner,
      })),
      openOrders: this.#ex
        .liveOrders((o) => o.owner !== HOUSE)
        .map((o) => ({
          id: o.id,
          owner: o.owner,
          tokenId: o.tokenId,
          side: o.side,
          price: o.price.toFixed(),
          size: o.originalSize.toFixed(),
          sizeMatched: o.sizeMatched.toFixed(),
        })),
    }
  }

  /** Open WebSocket connections: market sockets, and user sockets that authenticated. */
  get connections(): { market: number; user: number } {
    let market = 0
    let user = 0
    for (const c of this.#conns) {
      if (c.channel === 'market') market++
      else if (c.owner !== undefined) user++
    }
    return { market, user }
  }

  /** Stops the servers, closes every socket and clears every timer. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const t of this.#timers) this.#clock.clearTimeout(t as never)
    this.#timers.clear()
    for (const hb of this.#heartbeats.values()) this.#clock.clearTimeout(hb.timer as never)
    this.#heartbeats.clear()
    for (const c of this.#conns) c.ws.terminate()
    this.#conns.clear()
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()))
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  // ───────────────────────────── fault state (used by PolymarketSimFaults) ─────────────────────────────

  /** @internal */ _httpFailures: Array<{ status: number; retryAfterSec?: number; path?: string }> = []
  /** @internal */ _httpDelayMs = 0
  /** @internal */ _frozen = false
  /** @internal */ _stalled = false
  /** Frames received during a stall, handled when it ends (TCP delays what a stalled peer sends; it loses nothing). */
  readonly #heldInbound: Array<() => void> = []
  /** @internal */ _settlement: SimSettlementMode = 'confirm'
  /** @internal */ _rateLimitHeaders = true
  readonly #held = new Set<string>()

  /** @internal Closes every socket of a channel (or all), as a network drop would. */
  _drop(channel?: 'market' | 'user'): void {
    for (const c of [...this.#conns]) {
      if (channel === undefined || c.channel === channel) {
        c.ws.terminate()
        this.#conns.delete(c)
      }
    }
  }

  /** @internal Sends raw text frames to every market socket. */
  _sendRaw(text: string, channel: 'market' | 'user' = 'market'): void {
    for (const c of this.#conns) if (c.channel === channel) safeSend(c.ws, text)
  }

  // ───────────────────────────── HTTP ─────────────────────────────

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = ''
    try {
      body = await readBody(req)
      if (this._httpDelayMs > 0) await this.#sleep(this._httpDelayMs)
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const failIdx = this._httpFailures.findIndex(
        (f) => f.path === undefined || url.pathname.startsWith(f.path),
      )
      if (failIdx >= 0) {
        const f = this._httpFailures.splice(failIdx, 1)[0] as { status: number; retryAfterSec?: number }
        const headers: Record<string, string> = {}
        if (f.retryAfterSec !== undefined) headers['retry-after'] = String(f.retryAfterSec)
        throw new HttpFail(
          f.status,
          { error: f.status === 429 ? 'Too Many Requests' : 'Internal Server Error' },
          headers,
        )
      }
      const out = this.#route(req.method ?? 'GET', url, body, req)
      send(res, 200, out, this.#limitHeaders())
    } catch (e) {
      if (e instanceof HttpFail) {
        send(res, e.status, e.body, { ...this.#limitHeaders(), ...e.headers })
        return
      }
      if (e instanceof SimRejection) {
        send(res, 400, { error: e.message }, this.#limitHeaders())
        return
      }
      send(res, 500, { error: 'Internal Server Error' }, {})
    }
  }

  #limitHeaders(): Record<string, string> {
    if (!this._rateLimitHeaders) return {}
    return {
      'poly-ratelimit-limit': '9000',
      'poly-ratelimit-remaining': '8999',
      'poly-ratelimit-reset': '10',
    }
  }

  #route(method: string, url: URL, body: string, req: IncomingMessage): unknown {
    const p = url.pathname
    const q = url.searchParams
    const key = `${method} ${p}`
    switch (key) {
      case 'GET /ok':
        return 'OK'
      case 'GET /time':
        return Math.floor(this.#clock.now() / 1000)
      case 'GET /markets':
        return this.#page(
          this.#ex.markets.map((m) => this.#marketJson(m)),
          q.get('next_cursor'),
        )
      case 'GET /book':
        return this.#bookJson(this.#tokenParam(q))
      case 'POST /books':
        return parseJson<Array<{ token_id: string }>>(body, 'Invalid payload').map((b) =>
          this.#bookJson(this.#tokenOr404(b.token_id)),
        )
      case 'GET /price': {
        const t = this.#tokenParam(q)
        const side = q.get('side')
        if (side !== 'BUY' && side !== 'SELL') throw new HttpFail(400, { error: 'Invalid side' })
        const lv = this.#ex.levels(t)
        const best = side === 'BUY' ? lv.bids[0] : lv.asks[0]
        return { price: best === undefined ? '0' : best[0].toFixed() }
      }
      case 'GET /midpoint': {
        const lv = this.#ex.levels(this.#tokenParam(q))
        const b = lv.bids[0]
        const a = lv.asks[0]
        if (b === undefined || a === undefined)
          throw new HttpFail(404, { error: 'No orderbook exists for the requested token id' })
        return { mid: b[0].plus(a[0]).div(2).toFixed() }
      }
      case 'GET /spread': {
        const lv = this.#ex.levels(this.#tokenParam(q))
        const b = lv.bids[0]
        const a = lv.asks[0]
        if (b === undefined || a === undefined)
          throw new HttpFail(404, { error: 'No orderbook exists for the requested token id' })
        return { spread: a[0].minus(b[0]).toFixed() }
      }
      case 'GET /last-trade-price': {
        const lt = this.#ex.lastTrade.get(this.#tokenParam(q))
        return lt === undefined ? { price: '0', side: '' } : { price: lt.price.toFixed(), side: lt.side }
      }
      case 'GET /tick-size': {
        const info = this.#ex.token(this.#tokenParam(q))
        return { minimum_tick_size: Number(info?.market.tickSize) }
      }
      case 'GET /neg-risk': {
        const info = this.#ex.token(this.#tokenParam(q))
        return { neg_risk: info?.market.negRisk ?? false }
      }
      case 'POST /auth/api-key':
      case 'GET /auth/derive-api-key': {
        const { address, nonce } = this.#verifyL1(req)
        const existing = [...this.#keys.values()].find((k) => k.address === address && k.nonce === nonce)
        if (method === 'POST' && existing !== undefined)
          throw new HttpFail(400, { error: 'Could not create api key' })
        if (method === 'GET' && existing === undefined)
          throw new HttpFail(400, { error: 'Could not derive api key!' })
        const k = existing ?? this.createApiKey(address, nonce)
        return { apiKey: k.apiKey, secret: k.secret, passphrase: k.passphrase }
      }
      default:
        break
    }
    if (method === 'GET' && p.startsWith('/markets/')) {
      const m = this.#ex.markets.find((x) => x.conditionId === p.slice('/markets/'.length))
      if (m === undefined) throw new HttpFail(404, { error: 'market not found' })
      return this.#marketJson(m)
    }
    // Everything below needs L2 auth.
    const k = this.#verifyL2(req, method, p, body)
    switch (key) {
      case 'POST /order': {
        const r = this.#postOrder(k, parseJson(body, 'Invalid order payload'))
        return r
      }
      case 'POST /orders': {
        const list = parseJson<unknown[]>(body, 'Invalid order payload')
        if (!Array.isArray(list) || list.length > 15)
          throw new HttpFail(400, { error: 'Too many orders in payload, max allowed: 15' })
        return list.map((o) => {
          try {
            return this.#postOrder(k, o)
          } catch (e) {
            if (e instanceof SimRejection || e instanceof HttpFail) {
              return { success: false, errorMsg: e.message, orderID: '', status: '' }
            }
            throw e
          }
        })
      }
      case 'DELETE /order': {
        const { orderID } = parseJson<{ orderID: string }>(body, 'Invalid order payload')
        return this.#cancel(k, [orderID])
      }
      case 'DELETE /orders':
        return this.#cancel(k, parseJson<string[]>(body, 'Invalid order payload'))
      case 'DELETE /cancel-all':
        return this.#cancel(
          k,
          this.#ex.liveOrders((o) => o.owner === k.apiKey).map((o) => o.id),
        )
      case 'DELETE /cancel-market-orders': {
        const f = parseJson<{ market?: string; asset_id?: string }>(body || '{}', 'Invalid payload')
        return this.#cancel(
          k,
          this.#ex
            .liveOrders(
              (o) =>
                o.owner === k.apiKey &&
                (f.market === undefined || o.market === f.market) &&
                (f.asset_id === undefined || o.tokenId === f.asset_id),
            )
            .map((o) => o.id),
        )
      }
      case 'GET /data/orders': {
        const orders = this.#ex.liveOrders(
          (o) =>
            o.owner === k.apiKey &&
            (q.get('market') === null || o.market === q.get('market')) &&
            (q.get('asset_id') === null || o.tokenId === q.get('asset_id')) &&
            (q.get('id') === null || o.id === q.get('id')),
        )
        return this.#page(
          orders.map((o) => this.#orderJson(o)),
          q.get('next_cursor'),
        )
      }
      case 'GET /data/trades': {
        const trades = this.#ex.trades.filter(
          (t) =>
            (t.takerOwner === k.apiKey || t.maker.owner === k.apiKey) &&
            (q.get('market') === null || t.market === q.get('market')) &&
            (q.get('asset_id') === null || t.tokenId === q.get('asset_id')) &&
            (q.get('id') === null || t.id === q.get('id')),
        )
        return this.#page(
          trades.map((t) => this.#tradeJson(t, k.apiKey)),
          q.get('next_cursor'),
        )
      }
      case 'GET /balance-allowance': {
        const addr = this.#funderOf.get(k.address.toLowerCase()) ?? k.address
        const bal = this.#ex.balance(addr)
        const type = q.get('asset_type')
        let amount: Decimal
        if (type === 'COLLATERAL') amount = bal.pusd
        else if (type === 'CONDITIONAL') amount = bal.tokens.get(q.get('token_id') ?? '') ?? new Decimal(0)
        else throw new HttpFail(400, { error: 'Invalid asset type' })
        const max = '115792089237316195423570985008687907853269984665640564039457584007913129639935'
        return {
          balance: amount.times(1e6).toFixed(0),
          allowances: { [SIM_CTF_EXCHANGE]: max, [SIM_NEG_RISK_EXCHANGE]: max },
        }
      }
      case 'POST /v1/heartbeats':
      case 'POST /heartbeats':
        return this.#heartbeat(
          k,
          parseJson<{ heartbeat_id?: string | null }>(body || '{}', 'Invalid payload'),
        )
      default:
        break
    }
    if (method === 'GET' && p.startsWith('/data/order/')) {
      const o = this.#ex.orders.get(p.slice('/data/order/'.length))
      if (o === undefined || o.owner !== k.apiKey) throw new HttpFail(404, { error: 'order not found' })
      return this.#orderJson(o)
    }
    throw new HttpFail(404, { error: 'Not Found' })
  }

  #verifyL1(req: IncomingMessage): { address: string; nonce: number } {
    const h = (n: string) => header(req, n)
    const address = h('poly_address')
    const signature = h('poly_signature')
    const timestamp = h('poly_timestamp')
    const nonceText = h('poly_nonce') ?? '0'
    const bad = () => new HttpFail(401, { error: 'Invalid L1 Request headers' })
    if (
      address === undefined ||
      signature === undefined ||
      timestamp === undefined ||
      !/^\d+$/.test(nonceText)
    ) {
      throw bad()
    }
    this.#checkTimestamp(timestamp)
    let recovered: string
    try {
      recovered = this.#ethers.verifyTypedData(
        { name: 'ClobAuthDomain', version: '1', chainId: this.#opts.chainId },
        SIM_CLOB_AUTH_TYPES,
        { address, timestamp, nonce: nonceText, message: SIM_CLOB_AUTH_MESSAGE },
        signature,
      )
    } catch {
      throw bad()
    }
    if (recovered.toLowerCase() !== address.toLowerCase()) throw bad()
    return { address: this.#ethers.getAddress(address), nonce: Number(nonceText) }
  }

  #verifyL2(req: IncomingMessage, method: string, path: string, body: string): Key {
    const unauthorized = () => new HttpFail(401, { error: 'Unauthorized/Invalid api key' })
    const apiKey = header(req, 'poly_api_key')
    const k = apiKey === undefined ? undefined : this.#keys.get(apiKey)
    const ts = header(req, 'poly_timestamp')
    const sig = header(req, 'poly_signature')
    if (k === undefined || ts === undefined || sig === undefined) throw unauthorized()
    if (header(req, 'poly_passphrase') !== k.passphrase) throw unauthorized()
    if ((header(req, 'poly_address') ?? '').toLowerCase() !== k.address.toLowerCase()) throw unauthorized()
    this.#checkTimestamp(ts)
    if (l2Signature(k.secret, ts, method, path, body) !== sig) throw unauthorized()
    return k
  }

  #checkTimestamp(ts: string): void {
    const now = Math.floor(this.#clock.now() / 1000)
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) - now) > this.#opts.authWindowSec) {
      throw new HttpFail(401, { error: 'Unauthorized/Invalid api key' })
    }
  }

  #postOrder(k: Key, raw: unknown): unknown {
    try {
      return this.#postOrderInner(k, raw)
    } catch (e) {
      const status = e instanceof HttpFail ? e.status : 400
      this.#bus.emit('order.rejected', {
        type: 'order.rejected',
        owner: k.apiKey,
        error: (e as Error).message,
        status,
      })
      throw e
    }
  }

  #postOrderInner(k: Key, raw: unknown): unknown {
    const invalid = () => new HttpFail(400, { error: 'Invalid order payload' })
    if (typeof raw !== 'object' || raw === null) throw invalid()
    const b = raw as Record<string, unknown>
    const o = b.order as Record<string, unknown> | undefined
    if (o === undefined || typeof o !== 'object' || o === null) throw invalid()
    if ('nonce' in o || 'feeRateBps' in o || !('timestamp' in o)) {
      throw new HttpFail(400, { error: 'order_version_mismatch' })
    }
    if (b.owner !== k.apiKey)
      throw new HttpFail(400, { error: 'the order owner has to be the owner of the API KEY' })
    const orderType = b.orderType
    if (orderType !== 'GTC' && orderType !== 'GTD' && orderType !== 'FOK' && orderType !== 'FAK')
      throw invalid()
    const postOnly = b.postOnly === true
    if (postOnly && (orderType === 'FOK' || orderType === 'FAK')) {
      throw new SimRejection(
        'INVALID_POST_ONLY_ORDER_TYPE',
        'invalid post-only order: only GTC and GTD order types are allowed',
      )
    }
    const str = (v: unknown, re: RegExp) => {
      if (typeof v !== 'string' || !re.test(v)) throw invalid()
      return v
    }
    const uint = /^(0|[1-9]\d{0,77})$/
    const addr = /^0x[0-9a-fA-F]{40}$/
    const b32 = /^0x[0-9a-fA-F]{64}$/
    if (typeof o.salt !== 'number' || !Number.isSafeInteger(o.salt) || o.salt < 0) throw invalid()
    const side = o.side
    if (side !== 'BUY' && side !== 'SELL') throw invalid()
    const sigType = o.signatureType
    if (sigType !== 0 && sigType !== 1 && sigType !== 2) throw invalid()
    const order = {
      salt: String(o.salt),
      maker: str(o.maker, addr),
      signer: str(o.signer, addr),
      tokenId: str(o.tokenId, uint),
      makerAmount: str(o.makerAmount, uint),
      takerAmount: str(o.takerAmount, uint),
      side: side === 'BUY' ? 0 : 1,
      signatureType: sigType,
      timestamp: str(o.timestamp, uint),
      metadata: str(o.metadata, b32),
      builder: str(o.builder, b32),
    }
    const expiration = Number(str(o.expiration, uint))
    const signature = str(o.signature, /^0x[0-9a-fA-F]{130}$/)
    const info = this.#ex.token(order.tokenId)
    if (info === undefined) throw new HttpFail(400, { error: 'Invalid token id' })
    const domain = {
      name: 'Polymarket CTF Exchange',
      version: '2',
      chainId: this.#opts.chainId,
      verifyingContract: info.market.negRisk ? SIM_NEG_RISK_EXCHANGE : SIM_CTF_EXCHANGE,
    }
    let recovered = ''
    try {
      recovered = this.#ethers.verifyTypedData(domain, SIM_ORDER_TYPES, order, signature)
    } catch {
      recovered = ''
    }
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    if (!same(recovered, order.signer) || (sigType === 0 && !same(order.maker, order.signer))) {
      throw new HttpFail(400, { error: 'invalid signature' })
    }
    if (!same(order.signer, k.address)) {
      throw new HttpFail(400, { error: 'the order signer address has to be the address of the API KEY' })
    }
    const { price, size } = checkAmounts(
      side,
      order.makerAmount,
      order.takerAmount,
      orderType,
      info.market.tickSize,
    )
    if ((orderType === 'GTC' || orderType === 'GTD') && size.lt(info.market.minOrderSize)) {
      throw new SimRejection(
        'INVALID_ORDER_MIN_SIZE',
        `order is invalid. Size (${size.toFixed()}) lower than the minimum: ${info.market.minOrderSize}`,
      )
    }
    if (orderType === 'GTD' && expiration <= Math.floor(this.#clock.now() / 1000) + 60) {
      throw new SimRejection('INVALID_ORDER_EXPIRATION', 'invalid expiration')
    }
    // Balance check (pUSD for bids, shares for asks), net of what open orders already hold.
    const maker = order.maker.toLowerCase()
    const bal = this.#ex.balance(maker)
    const res = this.#ex.reserved(maker)
    const enough =
      side === 'BUY'
        ? bal.pusd.minus(res.pusd).gte(new Decimal(order.makerAmount).div(1e6))
        : (bal.tokens.get(order.tokenId) ?? new Decimal(0))
            .minus(res.tokens.get(order.tokenId) ?? 0)
            .gte(size)
    if (!enough) throw new SimRejection('INVALID_ORDER_NOT_ENOUGH_BALANCE', 'not enough balance / allowance')
    if (sigType !== 0) this.#funderOf.set(order.signer.toLowerCase(), maker)
    const id = this.#ethers.TypedDataEncoder.hash(domain, SIM_ORDER_TYPES, order)
    const { order: placed, trades } = this.#ex.place({
      id,
      owner: k.apiKey,
      maker,
      tokenId: order.tokenId,
      side,
      price,
      size,
      orderType,
      expiration,
      postOnly,
    })
    if (orderType === 'GTD' && placed.status === 'LIVE') {
      const timer = this.#clock.setTimeout(
        () => {
          this.#timers.delete(timer)
          this.#ex.cancel(id)
        },
        Math.max(0, (expiration - 60) * 1000 - this.#clock.now()),
      )
      this.#timers.add(timer)
    }
    const status = trades.length > 0 ? 'matched' : placed.status === 'LIVE' ? 'live' : 'unmatched'
    this.#bus.emit('order.accepted', { type: 'order.accepted', orderId: id, owner: k.apiKey, status })
    let making = new Decimal(0)
    let taking = new Decimal(0)
    for (const t of trades) {
      const cash = t.size.times(t.price)
      if (side === 'BUY') {
        making = making.plus(cash)
        taking = taking.plus(t.size)
      } else {
        making = making.plus(t.size)
        taking = taking.plus(cash)
      }
    }
    return {
      success: true,
      errorMsg: '',
      orderID: id,
      status,
      makingAmount: making.toFixed(),
      takingAmount: taking.toFixed(),
      transactionsHashes: trades.map((t) => t.transactionHash),
      tradeIDs: trades.map((t) => t.id),
    }
  }

  #cancel(k: Key, ids: readonly string[]): { canceled: string[]; not_canceled: Record<string, string> } {
    const canceled: string[] = []
    const notCanceled: Record<string, string> = {}
    for (const id of ids) {
      const o = this.#ex.orders.get(id)
      if (o === undefined || o.owner !== k.apiKey) notCanceled[id] = "order can't be found"
      else if (this.#ex.cancel(id)) canceled.push(id)
      else notCanceled[id] = 'already canceled or matched'
    }
    return { canceled, not_canceled: notCanceled }
  }

  #heartbeat(k: Key, body: { heartbeat_id?: string | null }): { heartbeat_id: string } {
    const current = this.#heartbeats.get(k.apiKey)
    const given = body.heartbeat_id ?? ''
    if (current !== undefined && given !== '' && given !== current.id) {
      throw new HttpFail(400, { error: 'Invalid Heartbeat ID', heartbeat_id: current.id })
    }
    if (current !== undefined) this.#clock.clearTimeout(current.timer as never)
    const id = randomUUID()
    const timer = this.#clock.setTimeout(() => {
      this.#heartbeats.delete(k.apiKey)
      const canceled = this.#ex.liveOrders((o) => o.owner === k.apiKey).map((o) => o.id)
      for (const oid of canceled) this.#ex.cancel(oid)
      this.#bus.emit('heartbeat.expired', { type: 'heartbeat.expired', apiKey: k.apiKey, canceled })
    }, this.#opts.heartbeatTimeoutMs)
    this.#heartbeats.set(k.apiKey, { id, timer })
    return { heartbeat_id: id }
  }

  // ───────────────────────────── JSON shapes ─────────────────────────────

  #page<T>(
    items: readonly T[],
    cursor: string | null,
  ): { data: T[]; next_cursor: string; limit: number; count: number } {
    const start =
      cursor === null || cursor === '' || cursor === 'MA=='
        ? 0
        : Number(Buffer.from(cursor, 'base64').toString())
    if (!Number.isSafeInteger(start) || start < 0) throw new HttpFail(400, { error: 'invalid next_cursor' })
    const data = items.slice(start, start + this.#opts.pageSize)
    const next = start + data.length
    return {
      data,
      next_cursor: next >= items.length ? 'LTE=' : Buffer.from(String(next)).toString('base64'),
      limit: this.#opts.pageSize,
      count: data.length,
    }
  }

  #marketJson(m: SimMarket): Record<string, unknown> {
    return {
      condition_id: m.conditionId,
      question: m.question,
      tokens: m.tokens.map((t) => ({
        token_id: t.tokenId,
        outcome: t.outcome,
        price: t.outcome === 'Yes' ? Number(m.fairPrice) : 1 - Number(m.fairPrice),
        winner: m.winner === t.tokenId,
      })),
      minimum_tick_size: Number(m.tickSize),
      minimum_order_size: Number(m.minOrderSize),
      neg_risk: m.negRisk,
      active: !m.closed,
      closed: m.closed,
      accepting_orders: !m.closed,
    }
  }

  #bookJson(tokenId: string): Record<string, unknown> {
    const info = this.#ex.token(tokenId)
    const lv = this.#ex.levels(tokenId)
    const lt = this.#ex.lastTrade.get(tokenId)
    return {
      market: info?.market.conditionId,
      asset_id: tokenId,
      timestamp: String(this.#clock.now()),
      hash: this.#nextHash(),
      // REST order: best level last on both sides
      bids: lv.bids.map(([p, s]) => ({ price: p.toFixed(), size: s.toFixed() })).reverse(),
      asks: lv.asks.map(([p, s]) => ({ price: p.toFixed(), size: s.toFixed() })).reverse(),
      min_order_size: info?.market.minOrderSize,
      tick_size: info?.market.tickSize,
      neg_risk: info?.market.negRisk,
      last_trade_price: lt?.price.toFixed() ?? '',
    }
  }

  #orderJson(o: SimOrder): Record<string, unknown> {
    return {
      id: o.id,
      status: o.status,
      owner: o.owner,
      maker_address: o.maker,
      market: o.market,
      asset_id: o.tokenId,
      side: o.side,
      original_size: o.originalSize.toFixed(),
      size_matched: o.sizeMatched.toFixed(),
      price: o.price.toFixed(),
      outcome: o.outcome,
      expiration: String(o.expiration),
      order_type: o.orderType,
      associate_trades: [...o.associateTrades],
      created_at: o.createdAt,
    }
  }

  #tradeJson(t: SimTrade, viewer: string): Record<string, unknown> {
    return {
      id: t.id,
      taker_order_id: t.takerOrderId,
      market: t.market,
      asset_id: t.tokenId,
      side: t.side,
      size: t.size.toFixed(),
      fee_rate_bps: '0',
      price: t.price.toFixed(),
      status: t.status,
      match_time: String(t.matchTime),
      last_update: String(t.lastUpdate),
      outcome: t.outcome,
      owner: t.takerOwner,
      trade_owner: viewer,
      maker_address: t.takerMaker,
      transaction_hash: t.transactionHash,
      trader_side: viewer === t.takerOwner ? 'TAKER' : 'MAKER',
      maker_orders: [
        {
          order_id: t.maker.orderId,
          owner: t.maker.owner,
          maker_address: t.maker.maker,
          matched_amount: t.size.toFixed(),
          price: t.price.toFixed(),
          fee_rate_bps: '0',
          asset_id: t.tokenId,
          outcome: t.outcome,
          side: t.maker.side,
        },
      ],
    }
  }

  // ───────────────────────────── WebSocket ─────────────────────────────

  #onSocket(ws: WebSocket, channel: 'market' | 'user'): void {
    if (this.#closed) {
      ws.terminate()
      return
    }
    const conn: Conn = { ws, channel, assets: new Set(), markets: new Set(), owner: undefined, custom: false }
    this.#conns.add(conn)
    ws.on('error', () => {})
    ws.on('close', () => this.#conns.delete(conn))
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      const text = data.toString()
      if (this._stalled) {
        if (this.#heldInbound.length < MAX_HELD_INBOUND)
          this.#heldInbound.push(() => this.#onFrame(conn, text))
        return
      }
      this.#onFrame(conn, text)
    })
  }

  /** @internal Ends or starts a stall; frames held during it are handled in arrival order. */
  _setStalled(stalled: boolean): void {
    this._stalled = stalled
    if (stalled) return
    for (const handle of this.#heldInbound.splice(0)) handle()
  }

  #onFrame(conn: Conn, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return
    if (text === 'PING') {
      safeSend(conn.ws, 'PONG')
      return
    }
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(text) as Record<string, unknown>
    } catch {
      return
    }
    if (conn.channel === 'market') this.#onMarketSubscribe(conn, msg)
    else this.#onUserSubscribe(conn, msg)
  }

  #onMarketSubscribe(conn: Conn, msg: Record<string, unknown>): void {
    const ids = Array.isArray(msg.assets_ids)
      ? msg.assets_ids.filter((x): x is string => typeof x === 'string')
      : []
    if (msg.operation === 'unsubscribe') {
      for (const id of ids) conn.assets.delete(id)
      return
    }
    if (msg.custom_feature_enabled === true) conn.custom = true
    // Every subscription message gets the current books of its assets (the initial dump).
    const known = ids.filter((id) => this.#ex.token(id) !== undefined)
    for (const id of known) conn.assets.add(id)
    if (known.length > 0 && !this._frozen) {
      safeSend(conn.ws, JSON.stringify(known.map((id) => ({ event_type: 'book', ...this.#bookJson(id) }))))
    }
  }

  #onUserSubscribe(conn: Conn, msg: Record<string, unknown>): void {
    const auth = msg.auth as Record<string, unknown> | undefined
    const k = typeof auth?.apiKey === 'string' ? this.#keys.get(auth.apiKey) : undefined
    if (k === undefined || auth?.secret !== k.secret || auth?.passphrase !== k.passphrase) {
      conn.ws.close(4001, 'Unauthorized')
      return
    }
    conn.owner = k.apiKey
    const markets = Array.isArray(msg.markets)
      ? msg.markets.filter((x): x is string => typeof x === 'string')
      : []
    for (const m of markets) conn.markets.add(m)
  }

  #broadcastMarket(tokenId: string, msg: unknown): void {
    if (this._frozen || this._stalled) return
    const text = JSON.stringify(msg)
    for (const c of this.#conns) if (c.channel === 'market' && c.assets.has(tokenId)) safeSend(c.ws, text)
  }

  #sendUser(owner: string, market: string, msg: unknown): void {
    if (this._stalled) return
    const text = JSON.stringify(msg)
    for (const c of this.#conns) {
      if (c.channel === 'user' && c.owner === owner && (c.markets.size === 0 || c.markets.has(market))) {
        safeSend(c.ws, text)
      }
    }
  }

  #onLevels(changes: readonly SimLevelChange[]): void {
    const byToken = new Map<string, SimLevelChange[]>()
    for (const c of changes) byToken.set(c.tokenId, [...(byToken.get(c.tokenId) ?? []), c])
    for (const [tokenId, list] of byToken) {
      const info = this.#ex.token(tokenId)
      const lv = this.#ex.levels(tokenId)
      const bestBid = lv.bids[0]?.[0].toFixed() ?? '0'
      const bestAsk = lv.asks[0]?.[0].toFixed() ?? '1'
      this.#broadcastMarket(tokenId, {
        event_type: 'price_change',
        market: info?.market.conditionId,
        price_changes: list.map((c) => ({
          asset_id: tokenId,
          price: c.price.toFixed(),
          size: c.size.toFixed(),
          side: c.side,
          hash: this.#nextHash(),
          best_bid: bestBid,
          best_ask: bestAsk,
        })),
        timestamp: String(this.#clock.now()),
      })
      if (!this._frozen && !this._stalled) {
        const text = JSON.stringify({
          event_type: 'best_bid_ask',
          market: info?.market.conditionId,
          asset_id: tokenId,
          best_bid: bestBid,
          best_ask: bestAsk,
          spread: new Decimal(bestAsk).minus(bestBid).toFixed(),
          timestamp: String(this.#clock.now()),
        })
        for (const c of this.#conns) {
          if (c.channel === 'market' && c.custom && c.assets.has(tokenId)) safeSend(c.ws, text)
        }
      }
    }
  }

  #onTrade(t: SimTrade): void {
    this.#broadcastMarket(t.tokenId, {
      event_type: 'last_trade_price',
      asset_id: t.tokenId,
      market: t.market,
      price: t.price.toFixed(),
      side: t.side,
      size: t.size.toFixed(),
      fee_rate_bps: '0',
      timestamp: String(this.#clock.now()),
    })
    this.#sendTrade(t)
    if (this._settlement === 'hold') {
      this.#held.add(t.id)
      return
    }
    this.#advance(t, this._settlement === 'fail' ? ['RETRYING', 'FAILED'] : ['MINED', 'CONFIRMED'])
  }

  #advance(t: SimTrade, steps: SimTradeStatus[]): void {
    const next = steps[0]
    if (next === undefined) return
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#closed) return
      t.status = next
      t.lastUpdate = Math.floor(this.#clock.now() / 1000)
      if (next === 'FAILED') this.#ex.revert(t)
      this.#bus.emit('trade.status', { type: 'trade.status', tradeId: t.id, status: next })
      this.#sendTrade(t)
      this.#advance(t, steps.slice(1))
    }, this.#opts.settlementDelayMs)
    this.#timers.add(timer)
  }

  #sendTrade(t: SimTrade): void {
    const owners = new Set([t.takerOwner, t.maker.owner])
    for (const owner of owners) {
      if (owner === HOUSE) continue
      this.#sendUser(owner, t.market, {
        event_type: 'trade',
        type: 'TRADE',
        ...this.#tradeJson(t, owner),
        matchtime: String(t.matchTime),
        timestamp: String(this.#clock.now()),
      })
    }
  }

  #onOrder(o: SimOrder, type: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION'): void {
    if (o.owner === HOUSE) return
    this.#sendUser(o.owner, o.market, {
      event_type: 'order',
      type,
      id: o.id,
      owner: o.owner,
      order_owner: o.owner,
      market: o.market,
      asset_id: o.tokenId,
      side: o.side,
      original_size: o.originalSize.toFixed(),
      size_matched: o.sizeMatched.toFixed(),
      price: o.price.toFixed(),
      outcome: o.outcome,
      associate_trades: [...o.associateTrades],
      timestamp: String(this.#clock.now()),
    })
  }

  // ───────────────────────────── helpers ─────────────────────────────

  #seedHouse(specs: readonly SimMarketSpec[]): void {
    this.fund(HOUSE_ADDRESS, { pusd: '1000000000' })
    this.#ex.markets.forEach((m, i) => {
      const levels = specs[i]?.levels ?? 5
      const tick = new Decimal(m.tickSize)
      const tokens: Record<string, string> = {}
      for (const t of m.tokens) tokens[t.tokenId] = '1000000000'
      this.fund(HOUSE_ADDRESS, { tokens })
      m.tokens.forEach((t, j) => {
        const fair = j === 0 ? new Decimal(m.fairPrice) : new Decimal(1).minus(m.fairPrice)
        for (let l = 1; l <= levels; l++) {
          const bid = fair.minus(tick.times(l))
          const ask = fair.plus(tick.times(l))
          const size = () => String(50 + Math.floor(this.#rng() * 450))
          if (bid.gte(tick)) this.placeHouseOrder(t.tokenId, 'BUY', bid.toFixed(), size())
          if (ask.lte(new Decimal(1).minus(tick)))
            this.placeHouseOrder(t.tokenId, 'SELL', ask.toFixed(), size())
        }
      })
    })
  }

  #market(conditionId: string): SimMarket {
    const m = this.#ex.markets.find((x) => x.conditionId === conditionId)
    if (m === undefined) throw new Error(`Unknown market "${conditionId}"`)
    return m
  }

  #tokenParam(q: URLSearchParams): string {
    return this.#tokenOr404(q.get('token_id') ?? '')
  }

  #tokenOr404(tokenId: unknown): string {
    if (typeof tokenId !== 'string' || !/^\d{1,78}$/.test(tokenId))
      throw new HttpFail(400, { error: 'Invalid token id' })
    if (this.#ex.token(tokenId) === undefined) {
      throw new HttpFail(404, { error: 'No orderbook exists for the requested token id' })
    }
    return tokenId
  }

  #nextHash(): string {
    return createHmac('sha1', 'book')
      .update(String(this.#hashSeq++))
      .digest('hex')
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.#clock.setTimeout(() => {
        this.#timers.delete(t)
        resolve()
      }, ms)
      this.#timers.add(t)
    })
  }
}

/**
 * Fault injection of a {@link PolymarketSim}: socket drops, stalls, silent freezes (PONGs keep flowing),
 * malformed frames, HTTP 429/5xx, slow responses, and delayed or failed settlement.
 *
 * @example
 * ```ts
 * const sim = await PolymarketSim.start({ seed: 7 })
 * sim.faults.dropConnections('user')                 // the client reconnects and reconciles fills over REST
 * sim.faults.failHttp(2, 503, { path: '/book' })     // idempotent reads are retried
 * sim.faults.settlement('fail')                      // next trades go RETRYING → FAILED
 * ```
 */
export class PolymarketSimFaults {
  readonly #sim: PolymarketSim
  /** @internal */
  constructor(sim: PolymarketSim) {
    this.#sim = sim
  }
  /** Terminates every WebSocket (of one channel, or all), as a network drop would. */
  dropConnections(channel?: 'market' | 'user'): void {
    this.#sim._drop(channel)
  }
  /** Silent freeze: market data stops (and is lost) while sockets stay open and PING still gets PONG. */
  freezeMarketData(frozen = true): void {
    this.#sim._frozen = frozen
  }
  /**
   * Full stall: sockets stay open but nothing is sent, not even PONG; what clients send meanwhile (PING,
   * subscriptions) is held and handled, in order, when the stall ends.
   */
  stallSockets(stalled = true): void {
    this.#sim._setStalled(stalled)
  }
  /** Sends `count` malformed frames on the market channel (bad JSON, bad prices, unknown events). */
  sendMalformed(count = 3): void {
    const junk = [
      '{"event_type":"book","asset_id":',
      '{"event_type":"price_change","market":"0x1","price_changes":[{"asset_id":"1","price":"1.5","size":"1","side":"BUY"}],"timestamp":"1"}',
      '{"event_type":"last_trade_price","asset_id":"1","market":"0x1","price":"","size":"1","side":"BUY","timestamp":"1"}',
      '{"event_type":"mystery"}',
      '\u0000\u0001',
    ]
    for (let i = 0; i < count; i++) this.#sim._sendRaw(junk[i % junk.length] as string)
  }
  /** Answers the next `count` HTTP requests (optionally only those under `path`) with `status`. */
  failHttp(
    count: number,
    status: 429 | 500 | 502 | 503,
    options: { retryAfterSec?: number; path?: string } = {},
  ): void {
    for (let i = 0; i < count; i++) this.#sim._httpFailures.push({ status, ...options })
  }
  /** Clears every fault: pending HTTP failures, delays, freezes, stalls; settlement back to `confirm`. */
  clear(): void {
    this.#sim._httpFailures.length = 0
    this.#sim._httpDelayMs = 0
    this.#sim._frozen = false
    this.#sim._setStalled(false)
    this.#sim._settlement = 'confirm'
    this.#sim._rateLimitHeaders = true
  }
  /** Delays every HTTP response by `ms` (0 to stop). */
  delayHttp(ms: number): void {
    this.#sim._httpDelayMs = ms
  }
  /** Settlement of new trades: `confirm` (MINED → CONFIRMED), `fail` (RETRYING → FAILED, balances reverted), `hold` (stay MATCHED until `releaseSettlement`). */
  settlement(mode: SimSettlementMode): void {
    this.#sim._settlement = mode
  }
  /** Stops (or restores) the Poly-RateLimit-* headers on responses. */
  rateLimitHeaders(enabled: boolean): void {
    this.#sim._rateLimitHeaders = enabled
  }
}

function strip(k: Key): SimApiCredentials {
  return { address: k.address, apiKey: k.apiKey, secret: k.secret, passphrase: k.passphrase }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return typeof v === 'string' ? v : undefined
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return
  const text = typeof body === 'string' ? JSON.stringify(body) : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(text)
}

function safeSend(ws: WebSocket, text: string): void {
  if (ws.readyState === 1) ws.send(text, () => {})
}

function parseJson<T = unknown>(text: string, error: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw new HttpFail(400, { error })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > 1 << 20) {
        reject(new HttpFail(413, { error: 'Payload too large' }))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
