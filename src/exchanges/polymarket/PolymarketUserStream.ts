import * as z from 'zod/mini'
import { BoundedMap } from '../../core/BoundedMap.js'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { ExchangeDataError, StateError, type TradekitError } from '../../errors/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'
import { POLYMARKET_VENUE } from './constants.js'
import {
  decodeFrame,
  decodeUserEvent,
  type PolymarketMakerFill,
  type PolymarketUserOrderEvent,
  type PolymarketUserTradeEvent,
} from './decode.js'
import type { ApiCredentials } from './types.js'
import { PolymarketSocketConfigShape, socketConfig } from './wsConfig.js'

/** Payload of `fill`: one of our orders traded (first report, status MATCHED or later). */
export interface PolymarketFillEvent {
  readonly type: 'fill'
  readonly fill: Fill
  readonly status: PolymarketUserTradeEvent['status']
  readonly tsEvent: number
}

/** Payload of `fill.settled`: a trade of ours reported unsettled as a `fill` was mined (same fill, same trade id). */
export interface PolymarketFillSettledEvent {
  readonly type: 'fill.settled'
  readonly fill: Fill
  readonly tsEvent: number
}

/** Payload of `fill.reversed`: a trade of ours reported as a `fill` FAILED to settle (same fill, same trade id). */
export interface PolymarketFillReversedEvent {
  readonly type: 'fill.reversed'
  readonly fill: Fill
  readonly reason: string
  readonly tsEvent: number
}

/** Events of a {@link PolymarketUserStream}. Always listen to `error`. */
export interface PolymarketUserStreamEvents {
  /** An order of ours changed (the decoded `order` message, its `type` set to the event name). */
  'user.orderUpdated': [e: Omit<PolymarketUserOrderEvent, 'type'> & { readonly type: 'user.orderUpdated' }]
  /** A trade of ours changed settlement status (the decoded `trade` message, its `type` set to the event name). */
  'user.tradeUpdated': [e: Omit<PolymarketUserTradeEvent, 'type'> & { readonly type: 'user.tradeUpdated' }]
  fill: [e: PolymarketFillEvent]
  'fill.settled': [e: PolymarketFillSettledEvent]
  'fill.reversed': [e: PolymarketFillReversedEvent]
  /** The channel opened (`isReconnect` after a drop: events sent meanwhile are lost and must be reconciled). */
  'user.connected': [e: { type: 'user.connected'; isReconnect: boolean; tsEvent: number }]
  error: [e: TradekitError]
}

/** Schema of {@link PolymarketUserStreamConfig}; defaults are applied here. */
export const PolymarketUserStreamConfigSchema = z.strictObject({
  ...PolymarketSocketConfigShape,
  /** The L2 credentials to authenticate the channel with, read at each subscription (e.g. `() => rest.credentials`). */
  credentials: z.custom<() => ApiCredentials | undefined>(
    (v) => typeof v === 'function',
    'must be a function',
  ),
})

/** What {@link PolymarketUserStream} takes (defaults documented on {@link PolymarketUserStreamConfigSchema}). */
export type PolymarketUserStreamConfig = z.input<typeof PolymarketUserStreamConfigSchema>

/** At most this many trade:order keys are remembered for de-duplication. */
const MAX_SEEN_FILLS = 100_000

/** What a fill reported so far was: not on chain yet, on chain (`MINED` or `CONFIRMED`), or reversed (`FAILED`). */
type ReportedAs = 'unsettled' | 'settled' | 'reversed'

/**
 * Polymarket's user channel as fills: order updates, trades, and from them `fill` (once per trade and order, de-
 * duplicated by trade id; {@link Fill.unsettled} until the trade is on chain), `fill.settled` (a fill reported
 * unsettled whose trade was `MINED` or `CONFIRMED` since: what it bought can be sold now) and `fill.reversed` (a
 * reported trade whose settlement FAILED; a trade first seen as FAILED is reported as both, so the matched quantity
 * and the position come out right). It keeps no reconciliation logic:
 * after a reconnect it says so (`user.connected` with `isReconnect`), and REST trade history replayed through
 * {@link ingestTrade} goes through the same de-duplication.
 *
 * @example
 * ```ts
 * const user = new PolymarketUserStream({ credentials: () => rest.credentials })
 * user.events.on('fill', (e) => book(e.fill))
 * user.subscribe([conditionId])
 * ```
 */
export class PolymarketUserStream {
  /** Order, trade, fill and connection events. */
  readonly events: Listenable<PolymarketUserStreamEvents>
  readonly #bus = new TypedEmitter<PolymarketUserStreamEvents>()
  #dataErrors = 0
  readonly #cfg: z.output<typeof PolymarketUserStreamConfigSchema>
  readonly #clock: Clock
  readonly #markets = new Set<string>()
  #all = false
  readonly #myOrders = new Set<string>()
  /** Fills reported, by `tradeId:orderId`, and what their trade was when last reported. */
  readonly #seenFills = new BoundedMap<string, ReportedAs>(MAX_SEEN_FILLS)
  /**
   * Fills reported unsettled and not settled or reversed since, by `tradeId:orderId`: their market, trade and since
   * when.
   */
  readonly #unsettled = new BoundedMap<
    string,
    { readonly market: string; readonly trade: string; readonly since: number }
  >(MAX_SEEN_FILLS)
  #ws: ReconnectingWebSocket | undefined
  #closed = false

  constructor(config: PolymarketUserStreamConfig) {
    this.#cfg = parseConfig(PolymarketUserStreamConfigSchema, config, 'PolymarketUserStream')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.events = this.#bus
  }

  /** Frames refused or not placed since construction (each also reported on `error`), never dropped silently. */
  get dataErrors(): number {
    return this.#dataErrors
  }

  /** Whether {@link subscribe} opened the channel. */
  get isStarted(): boolean {
    return this.#ws !== undefined
  }

  /**
   * Subscribes to the channel for these markets (condition ids; none = all of the API key's, and it then stays on
   * all: later markets are covered already). The initial message is built at each (re)connection from every market
   * added so far, so a reconnect resubscribes them all.
   */
  subscribe(conditionIds: readonly string[]): void {
    if (this.#closed) throw new StateError('The Polymarket user stream is closed')
    const creds = this.#cfg.credentials()
    if (creds === undefined) throw new StateError('No L2 credentials: call createOrDeriveApiKey() first')
    if (this.#ws === undefined) this.#all = conditionIds.length === 0
    if (!this.#all) for (const c of conditionIds) this.#markets.add(c)
    this.#socket().subscribe('user', () => ({
      auth: { apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
      markets: this.#all ? [] : [...this.#markets],
      type: 'user',
    }))
  }

  /**
   * Widens a running subscription to more markets (condition ids) without re-authenticating: sends Polymarket's
   * `{ markets, operation: "subscribe" }` on the open socket; while it is down, the initial message replayed on
   * reconnection covers them. A no-op before {@link subscribe}, when subscribed to all markets, or for known ones.
   */
  addMarkets(conditionIds: readonly string[]): void {
    if (this.#closed || this.#ws === undefined || this.#all) return
    const added = conditionIds.filter((c) => !this.#markets.has(c))
    if (added.length === 0) return
    for (const c of added) this.#markets.add(c)
    if (this.#ws.isOpen) this.#ws.send(JSON.stringify({ markets: added, operation: 'subscribe' }))
  }

  /** Condition ids the channel is subscribed to (`[]` with {@link isAllMarkets}, or before {@link subscribe}). */
  get markets(): readonly string[] {
    return [...this.#markets]
  }

  /** Whether the channel covers every market of the API key (it was subscribed with no condition id). */
  get isAllMarkets(): boolean {
    return this.#ws !== undefined && this.#all
  }

  /** Marks an order id as ours (its maker and taker fills are reported even when the owner field is missing). */
  trackOrder(orderId: string): void {
    this.#myOrders.add(orderId)
  }

  /**
   * Turns one trade (from the channel, or replayed from REST trade history) into fills of ours: emits `fill` for
   * each one not reported yet, `fill.settled` for one reported unsettled that is on chain since, and `fill.reversed`
   * for one that FAILED since (or first seen as FAILED). Returns every fill of ours in the trade, reported before or
   * not.
   */
  ingestTrade(t: PolymarketUserTradeEvent): Fill[] {
    const out: Fill[] = []
    const onChain = t.status === 'MINED' || t.status === 'CONFIRMED'
    const now: ReportedAs = t.status === 'FAILED' ? 'reversed' : onChain ? 'settled' : 'unsettled'
    for (const f of this.#ownFills(t, onChain)) {
      const key = `${f.tradeId}:${f.venueOrderId ?? ''}`
      const reported = this.#seenFills.get(key)
      // A replayed older status (REST behind the channel) does not make a settled fill unsettled again.
      out.push(reported === 'settled' && now === 'unsettled' ? settledFill(f) : f)
      // Settlement only moves on: unsettled, then settled or reversed (a replayed older status changes nothing).
      if (reported === now || reported === 'reversed' || (reported === 'settled' && now === 'unsettled'))
        continue
      this.#seenFills.set(key, now)
      if (now === 'unsettled')
        this.#unsettled.set(key, { market: t.market, trade: t.tradeId, since: this.#clock.now() })
      else this.#unsettled.delete(key)
      if (reported === undefined)
        this.#bus.emit('fill', { type: 'fill', fill: f, status: t.status, tsEvent: t.tsEvent })
      if (now === 'reversed') {
        const reason = 'settlement FAILED on chain'
        this.#bus.emit('fill.reversed', { type: 'fill.reversed', fill: f, reason, tsEvent: t.tsEvent })
      } else if (now === 'settled' && reported === 'unsettled')
        this.#bus.emit('fill.settled', { type: 'fill.settled', fill: f, tsEvent: t.tsEvent })
    }
    return out
  }

  /**
   * The trades whose fills were reported unsettled and whose settlement (or failure) has not been reported since, by
   * market (condition id): every such trade of each market with one reported at least `olderThanMs` ago.
   */
  unsettledTrades(olderThanMs = 0): Map<string, Set<string>> {
    const byMarket = new Map<string, Set<string>>()
    const due = new Set<string>()
    const before = this.#clock.now() - olderThanMs
    for (const [, u] of this.#unsettled) {
      byMarket.set(u.market, (byMarket.get(u.market) ?? new Set()).add(u.trade))
      if (u.since <= before) due.add(u.market)
    }
    for (const m of byMarket.keys()) if (!due.has(m)) byMarket.delete(m)
    return byMarket
  }

  /** Closes the channel. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#ws?.close()
  }

  /** Our fills of trade `t` ({@link Fill.unsettled} unless `onChain`). */
  #ownFills(t: PolymarketUserTradeEvent, onChain: boolean): Fill[] {
    const me = this.#cfg.credentials()?.apiKey
    const mine = (owner: string, orderId: string) => owner === me || this.#myOrders.has(orderId)
    const fills: Fill[] = []
    if (this.#isOurTaker(t, me, mine)) {
      const legs = takerLegs(t)
      for (const [price, qty] of legs) {
        const tradeId = legs.size === 1 ? t.tradeId : `${t.tradeId}:${price}`
        fills.push(this.#fill(t, tradeId, t.tokenId, t.takerOrderId, t.side, qty, new Decimal(price), false))
      }
    }
    for (const m of t.makerOrders) {
      if (!mine(m.owner, m.orderId)) continue
      fills.push(
        this.#fill(t, t.tradeId, m.tokenId, m.orderId, makerSide(t, m), m.matchedAmount, m.price, true),
      )
    }
    return onChain ? fills : fills.map((f) => ({ ...f, unsettled: true }))
  }

  /**
   * Whether the taker side of the trade is ours: always when we track the taker order id; otherwise the venue's
   * `trader_side` decides (`MAKER`: the message is for one of the maker orders, so no taker fill whatever `owner`
   * says, since `owner` is the API key the event is for); without `trader_side`, our API key as `owner` with no maker
   * order of ours.
   */
  #isOurTaker(
    t: PolymarketUserTradeEvent,
    me: string | undefined,
    mine: (owner: string, orderId: string) => boolean,
  ): boolean {
    if (this.#myOrders.has(t.takerOrderId)) return true
    if (t.owner !== me) return false
    if (t.traderSide !== undefined) return t.traderSide === 'TAKER'
    return !t.makerOrders.some((m) => mine(m.owner, m.orderId))
  }

  #fill(
    t: PolymarketUserTradeEvent,
    tradeId: string,
    symbol: string,
    orderId: string,
    side: 'BUY' | 'SELL',
    qty: Decimal,
    price: Decimal,
    maker: boolean,
  ): Fill {
    return {
      venue: POLYMARKET_VENUE,
      symbol,
      clientOrderId: orderId,
      venueOrderId: orderId,
      tradeId,
      side,
      price,
      qty,
      // Not reported: the trade message carries no fee amount and not the market's fee schedule (rate, exponent)
      // the venue charges taker fees with; see docs/polymarket.md "Fees".
      fee: new Decimal(0),
      feeAsset: 'pUSD',
      liquidity: maker ? 'MAKER' : 'TAKER',
      tsEvent: t.matchTime ?? t.tsEvent, // a trade first seen MINED happened when it matched, not when it was mined
    }
  }

  #socket(): ReconnectingWebSocket {
    if (this.#ws !== undefined) return this.#ws
    const ws = new ReconnectingWebSocket(`${this.#cfg.wsUrl}/ws/user`, socketConfig(this.#cfg, this.#clock))
    let opens = 0
    ws.events.on('socket.opened', () => {
      opens++
      this.#bus.emit('user.connected', {
        type: 'user.connected',
        isReconnect: opens > 1,
        tsEvent: this.#clock.now(),
      })
    })
    ws.events.on('message', (m) => {
      if (typeof m.data !== 'string') {
        // Reported, never dropped silently: the user channel sends text only.
        this.#dataErrors++
        this.#bus.emit(
          'error',
          new ExchangeDataError(POLYMARKET_VENUE, 'User frame is not text', ['(root): binary'], ''),
        )
        return
      }
      const f = decodeFrame(m.data, decodeUserEvent)
      this.#dataErrors += f.errors.length
      for (const e of f.errors) this.#bus.emit('error', e)
      for (const ev of f.events) {
        if (ev.type === 'order') {
          this.#myOrders.add(ev.orderId)
          this.#bus.emit('user.orderUpdated', { ...ev, type: 'user.orderUpdated' })
        } else {
          this.#bus.emit('user.tradeUpdated', { ...ev, type: 'user.tradeUpdated' })
          this.ingestTrade(ev)
        }
      }
    })
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    this.#ws = ws
    return ws
  }
}

/**
 * The taker's fills of a trade, as price (a decimal string) → quantity: the taker trades at each maker order's price,
 * not at the trade's top-level `price` (Polymarket's exchange contract gives the taker the surplus: `_matchOrders`
 * pays it `_updateTakingWithSurplus`, everything the maker orders delivered at their own prices; Polymarket/ctf-exchange
 * `Trading.sol`, the V1 source, as the V2 one was not available). A maker order on the
 * other outcome (a mint or merge) is worth 1 − its price to the taker. Legs at the same price are summed, so the usual
 * one-price trade stays one fill. When the makers' matched amounts do not add up to the trade's `size` (no maker
 * orders listed, or only some), the trade's `price` and `size` are all there is.
 */
function takerLegs(t: PolymarketUserTradeEvent): Map<string, Decimal> {
  const legs = new Map<string, Decimal>()
  let total = new Decimal(0)
  for (const m of t.makerOrders) {
    const price = (m.tokenId === t.tokenId ? m.price : new Decimal(1).minus(m.price)).toFixed()
    legs.set(price, (legs.get(price) ?? new Decimal(0)).plus(m.matchedAmount))
    total = total.plus(m.matchedAmount)
  }
  if (legs.size === 0 || !total.eq(t.size)) return new Map([[t.price.toFixed(), t.size]])
  return legs
}

/**
 * The side of a maker order in a trade: its own `side` when the venue sends it; otherwise the taker's opposite when
 * it rests on the taker's token (a plain match), and the taker's own side when it rests on the other outcome (a
 * complementary match: BUY YES against BUY NO mints a pair, SELL YES against SELL NO merges one).
 */
function makerSide(t: PolymarketUserTradeEvent, m: PolymarketMakerFill): 'BUY' | 'SELL' {
  if (m.side !== undefined) return m.side
  if (m.tokenId !== t.tokenId) return t.side
  return t.side === 'BUY' ? 'SELL' : 'BUY'
}

/** `f` without its `unsettled` mark. */
function settledFill(f: Fill): Fill {
  const { unsettled: _, ...settled } = f
  return settled
}
