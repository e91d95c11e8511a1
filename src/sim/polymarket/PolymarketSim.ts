import { createHmac } from 'node:crypto'
import type { WebSocket } from 'ws'
import type * as z from 'zod/mini'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import type { Listenable } from '../../core/events.js'
import { TypedEmitter } from '../../core/events.js'
import { SeededRandom } from '../../core/random.js'
import { Decimal } from '../../decimal/index.js'
import { sendFrame } from '../shared/http.js'
import { LoopbackServer } from '../shared/LoopbackServer.js'
import { bookJson, tradeJson, venuePrice } from './json.js'
import { type SimMarket, type SimMarketSpec, seedMarkets } from './markets.js'
import { PolymarketAuth, type SimKey } from './PolymarketAuth.js'
import { PolymarketHttp } from './PolymarketHttp.js'
import { type PolymarketFaultControls, PolymarketSimFaults } from './PolymarketSimFaults.js'
import type { PolymarketVenue } from './routes/PolymarketRoute.js'
import { polymarketRoutes } from './routes/polymarketRoutes.js'
import {
  SimExchange,
  type SimLevelChange,
  type SimOrder,
  type SimTrade,
  type SimTradeStatus,
} from './SimExchange.js'
import {
  type PolymarketSimConfig,
  PolymarketSimConfigSchema,
  type PolymarketSimEvents,
  type SimApiCredentials,
  type SimLedger,
  type SimLedgerBalance,
  type SimSettlementMode,
} from './types.js'

type Ethers = typeof import('ethers')

interface Conn {
  readonly ws: WebSocket
  readonly channel: 'market' | 'user'
  readonly assets: Set<string>
  readonly markets: Set<string>
  /** A user connection subscribed with no market: every market of the key (unsubscribing never widens a set). */
  allMarkets: boolean
  owner: string | undefined
  custom: boolean
}

const HOUSE = 'house'
const HOUSE_ADDRESS = '0x000000000000000000000000000000000000d0d0'

type ResolvedOptions = z.output<typeof PolymarketSimConfigSchema>
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
  readonly #server: LoopbackServer
  readonly #http: PolymarketHttp
  readonly #clock: Clock
  readonly #rng: () => number
  readonly #seed: number
  readonly #ex: SimExchange
  readonly #opts: Omit<ResolvedOptions, 'markets' | 'clock' | 'port'>
  readonly #keys = new Map<string, SimKey>()
  readonly #conns = new Set<Conn>()
  readonly #funderOf = new Map<string, string>()
  readonly #heartbeats = new Map<string, { id: string; timer: unknown }>()
  readonly #timers = new Set<unknown>()
  #hashSeq = 0
  #closed = false
  #version: 2 | 3
  readonly #depositWallets = new Map<string, string>()
  readonly #bookTimes = new Map<string, number>()
  readonly #startedAt: number

  private constructor(ethers: Ethers, server: LoopbackServer, options: ResolvedOptions) {
    this.#ethers = ethers
    this.#server = server
    this.restUrl = server.restUrl
    this.wsUrl = server.wsUrl
    this.#clock = options.clock ?? new SystemClock()
    this.#startedAt = this.#clock.now()
    this.#seed = options.seed
    const random = new SeededRandom(this.#seed)
    this.#rng = () => random.next()
    this.#opts = options
    this.#version = options.version
    const specs =
      typeof options.markets === 'number'
        ? Array.from({ length: options.markets }, () => ({}))
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
    this.#http = new PolymarketHttp({
      routes: polymarketRoutes(),
      venue: this.#venue(),
      sleep: (ms) => this.#sleep(ms),
    })
    this.events = this.#bus
    this.faults = new PolymarketSimFaults(this.#faultControls())
    this.#seedHouse(specs)
  }

  /**
   * Starts a simulator on 127.0.0.1 (loads `ethers` dynamically, so `tradekit/sim` itself never needs it).
   * Rejects when ethers v6 is not installed.
   */
  static async start(options: PolymarketSimConfig = {}): Promise<PolymarketSim> {
    const cfg = parseConfig(PolymarketSimConfigSchema, options, 'PolymarketSim')
    const ethers = (await import('ethers')) as Ethers
    let sim: PolymarketSim | undefined
    const server = new LoopbackServer({
      onRequest: (req, res) => void (sim as PolymarketSim).#http.handle(req, res),
      onSocket: (ws, req) =>
        (sim as PolymarketSim).#onSocket(ws, req.url?.startsWith('/ws/market') ? 'market' : 'user'),
      acceptUpgrade: (path) => path === '/ws/market' || path === '/ws/user',
      maxPayload: 1 << 20,
    })
    await server.listen(cfg.port)
    sim = new PolymarketSim(ethers, server, cfg)
    return sim
  }

  #venue(): PolymarketVenue {
    const auth = new PolymarketAuth({
      ethers: this.#ethers,
      keys: this.#keys,
      clock: this.#clock,
      chainId: this.#opts.chainId,
      authWindowSec: this.#opts.authWindowSec,
    })
    return {
      ex: this.#ex,
      ethers: this.#ethers,
      clock: this.#clock,
      auth,
      keys: this.#keys,
      funderOf: this.#funderOf,
      depositWallets: this.#depositWallets,
      versionOf: (m) => m.version ?? this.#version,
      serverVersion: () => this.#version,
      bookTime: (tokenId) => this.#bookTimes.get(tokenId) ?? this.#startedAt,
      heartbeats: this.#heartbeats,
      chainId: this.#opts.chainId,
      refusedMakerSignatureTypes: this.#opts.refusedMakerSignatureTypes,
      pageSize: this.#opts.pageSize,
      heartbeatTimeoutMs: this.#opts.heartbeatTimeoutMs,
      createApiKey: (address, nonce) => this.createApiKey(address, nonce),
      nextHash: () => this.#nextHash(),
      matchDelayMs: () => this.#matchDelayMs,
      tradeHistoryLagMs: () => this.#tradeHistoryLagMs,
      schedule: (fn, ms) => {
        const timer = this.#clock.setTimeout(() => {
          this.#timers.delete(timer)
          fn()
        }, ms)
        this.#timers.add(timer)
      },
      emit: (event, ...args) => this.#bus.emit(event, ...args),
    }
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
    const key: SimKey = {
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

  /**
   * Declares `wallet` a deposit wallet (signature type 3) owned by `owner`: orders with the wallet as maker and
   * signer must carry the owner's ERC-7739 signature and come from the owner's API key.
   */
  linkDepositWallet(wallet: string, owner: string): void {
    this.#depositWallets.set(wallet.toLowerCase(), owner.toLowerCase())
    this.#funderOf.set(owner.toLowerCase(), wallet.toLowerCase())
  }

  /** The exchange version `GET /version` answers now. */
  get version(): 2 | 3 {
    return this.#version
  }

  /**
   * Switches the server-wide exchange version (the Protocol V2 migration): from now on, orders on markets without a
   * version of their own must be signed for `version`; others are refused with `order_version_mismatch`. Resting
   * orders stay.
   */
  setVersion(version: 2 | 3): void {
    if (version !== 2 && version !== 3) throw new Error(`Invalid version "${String(version)}"`)
    this.#version = version
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

  /**
   * Moves trades held by the `hold` settlement mode on to CONFIRMED (or FAILED with `fail: true`); with `tokenId`,
   * only the trades whose taker order was for that token.
   */
  releaseSettlement(options: { fail?: boolean; tokenId?: string } = {}): void {
    for (const t of this.#ex.trades) {
      if (options.tokenId !== undefined && t.tokenId !== options.tokenId) continue
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
      trades: this.#ex.trades.flatMap((t) =>
        t.makers.map((m) => ({
          id: t.id,
          takerOrderId: t.takerOrderId,
          makerOrderId: m.orderId,
          tokenId: t.tokenId,
          side: t.side,
          price: m.price.toFixed(),
          size: m.size.toFixed(),
          status: t.status,
          takerOwner: t.takerOwner,
          makerOwner: m.owner,
        })),
      ),
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
    await this.#server.close()
  }

  // ───────────────────────────── fault state ─────────────────────────────

  #frozen = false
  #stalled = false
  /** Frames received during a stall, handled when it ends (TCP delays what a stalled peer sends; it loses nothing). */
  readonly #heldInbound: Array<() => void> = []
  #settlement: SimSettlementMode = 'confirm'
  #matchDelayMs = 0
  #tradeHistoryLagMs = 0
  readonly #held = new Set<string>()

  #faultControls(): PolymarketFaultControls {
    return {
      http: this.#http,
      drop: (channel) => {
        for (const c of [...this.#conns]) {
          if (channel === undefined || c.channel === channel) {
            c.ws.terminate()
            this.#conns.delete(c)
          }
        }
      },
      sendRaw: (text, channel = 'market') => {
        for (const c of this.#conns) if (c.channel === channel) sendFrame(c.ws, text)
      },
      setFrozen: (frozen) => {
        this.#frozen = frozen
      },
      setStalled: (stalled) => this.#setStalled(stalled),
      setSettlement: (mode) => {
        this.#settlement = mode
      },
      setMatchDelay: (ms) => {
        this.#matchDelayMs = ms
      },
      setTradeHistoryLag: (ms) => {
        this.#tradeHistoryLagMs = ms
      },
    }
  }

  // ───────────────────────────── WebSocket ─────────────────────────────

  #onSocket(ws: WebSocket, channel: 'market' | 'user'): void {
    if (this.#closed) {
      ws.terminate()
      return
    }
    const conn: Conn = {
      ws,
      channel,
      assets: new Set(),
      markets: new Set(),
      allMarkets: false,
      owner: undefined,
      custom: false,
    }
    this.#conns.add(conn)
    ws.on('error', () => {})
    ws.on('close', () => this.#conns.delete(conn))
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      const text = data.toString()
      if (this.#stalled) {
        if (this.#heldInbound.length < MAX_HELD_INBOUND)
          this.#heldInbound.push(() => this.#onFrame(conn, text))
        return
      }
      this.#onFrame(conn, text)
    })
  }

  /** Ends or starts a stall; frames held during it are handled in arrival order. */
  #setStalled(stalled: boolean): void {
    this.#stalled = stalled
    if (stalled) return
    for (const handle of this.#heldInbound.splice(0)) handle()
  }

  #onFrame(conn: Conn, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return
    if (text === 'PING') {
      sendFrame(conn.ws, 'PONG')
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
    if (known.length > 0 && !this.#frozen) {
      sendFrame(
        conn.ws,
        JSON.stringify(
          known.map((id) => ({
            event_type: 'book',
            ...bookJson(this.#ex, id, this.#bookTimes.get(id) ?? this.#startedAt),
          })),
        ),
      )
    }
  }

  #onUserSubscribe(conn: Conn, msg: Record<string, unknown>): void {
    const op = msg.operation
    if (conn.owner !== undefined && (op === 'subscribe' || op === 'unsubscribe') && msg.auth === undefined) {
      // Polymarket's update of a running subscription: `{ markets, operation }`, no auth again.
      const ids = Array.isArray(msg.markets)
        ? msg.markets.filter((x): x is string => typeof x === 'string')
        : []
      for (const m of ids) op === 'subscribe' ? conn.markets.add(m) : conn.markets.delete(m)
      return
    }
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
    conn.allMarkets = markets.length === 0
    for (const m of markets) conn.markets.add(m)
  }

  #broadcastMarket(tokenId: string, msg: unknown): void {
    if (this.#frozen || this.#stalled) return
    const text = JSON.stringify(msg)
    for (const c of this.#conns) if (c.channel === 'market' && c.assets.has(tokenId)) sendFrame(c.ws, text)
  }

  #sendUser(owner: string, market: string, msg: unknown): void {
    if (this.#stalled) return
    const text = JSON.stringify(msg)
    for (const c of this.#conns) {
      if (c.channel === 'user' && c.owner === owner && (c.allMarkets || c.markets.has(market))) {
        sendFrame(c.ws, text)
      }
    }
  }

  #onLevels(changes: readonly SimLevelChange[]): void {
    const byToken = new Map<string, SimLevelChange[]>()
    for (const c of changes) byToken.set(c.tokenId, [...(byToken.get(c.tokenId) ?? []), c])
    for (const [tokenId, list] of byToken) {
      this.#bookTimes.set(tokenId, this.#clock.now())
      const hash = String(bookJson(this.#ex, tokenId, this.#clock.now()).hash)
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
          hash,
          best_bid: bestBid,
          best_ask: bestAsk,
        })),
        timestamp: String(this.#clock.now()),
      })
      if (!this.#frozen && !this.#stalled) {
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
          if (c.channel === 'market' && c.custom && c.assets.has(tokenId)) sendFrame(c.ws, text)
        }
      }
    }
  }

  #onTrade(t: SimTrade): void {
    // The public tape prints each maker order's part at its own price (one `last_trade_price` each).
    for (const m of t.makers) {
      this.#broadcastMarket(t.tokenId, {
        event_type: 'last_trade_price',
        asset_id: t.tokenId,
        market: t.market,
        price: m.price.toFixed(),
        side: t.side,
        size: m.size.toFixed(),
        fee_rate_bps: '0',
        timestamp: String(this.#clock.now()),
      })
    }
    this.#sendTrade(t)
    if (this.#settlement === 'hold') {
      this.#held.add(t.id)
      return
    }
    this.#advance(t, this.#settlement === 'fail' ? ['RETRYING', 'FAILED'] : ['MINED', 'CONFIRMED'])
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
      this.#bus.emit('trade.statusChanged', { type: 'trade.statusChanged', tradeId: t.id, status: next })
      this.#sendTrade(t)
      this.#advance(t, steps.slice(1))
    }, this.#opts.settlementDelayMs)
    this.#timers.add(timer)
  }

  /** One `trade` message per API key in the trade (the taker's, each maker order's owner), all maker orders in it. */
  #sendTrade(t: SimTrade): void {
    const owners = new Set([t.takerOwner, ...t.makers.map((m) => m.owner)])
    for (const owner of owners) {
      if (owner === HOUSE) continue
      this.#sendUser(owner, t.market, {
        event_type: 'trade',
        type: 'TRADE',
        ...tradeJson(t, owner),
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
      price: venuePrice(o.price),
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

function strip(k: SimKey): SimApiCredentials {
  return { address: k.address, apiKey: k.apiKey, secret: k.secret, passphrase: k.passphrase }
}
