import { Decimal } from '../../decimal/index.js'
import type { SimMarket } from './markets.js'

/** Status of a simulated order, as Polymarket's order endpoints report it. */
export type SimOrderStatus = 'LIVE' | 'MATCHED' | 'CANCELED' | 'CANCELED_MARKET_RESOLVED'

/** An order inside the simulator. */
export interface SimOrder {
  /** EIP-712 order hash (house orders: a synthetic id). */
  readonly id: string
  /** API key of the owner (`house` for the simulator's own liquidity). */
  readonly owner: string
  /** Funding address (lower-case). */
  readonly maker: string
  readonly tokenId: string
  readonly market: string
  readonly outcome: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly originalSize: Decimal
  sizeMatched: Decimal
  readonly orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK'
  /** Unix seconds; 0 for none. */
  readonly expiration: number
  /** Unix seconds. */
  readonly createdAt: number
  status: SimOrderStatus
  readonly associateTrades: string[]
  readonly seq: number
}

/** Settlement status of a simulated trade. */
export type SimTradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED'

/** One resting maker order's part of a trade. */
export interface SimMakerFill {
  readonly orderId: string
  /** API key of the maker order's owner. */
  readonly owner: string
  /** Funding address of the maker order (lower-case). */
  readonly maker: string
  readonly side: 'BUY' | 'SELL'
  /** The maker order's price, at which this part filled. */
  readonly price: Decimal
  readonly size: Decimal
}

/**
 * One match of a taker order against every resting maker order it crossed, as Polymarket reports a trade: one trade
 * id, one settlement transaction and status, and the maker orders listed in `makers`.
 */
export interface SimTrade {
  readonly id: string
  readonly takerOrderId: string
  readonly takerOwner: string
  readonly takerMaker: string
  readonly market: string
  readonly tokenId: string
  readonly outcome: string
  /** The taker's side. */
  readonly side: 'BUY' | 'SELL'
  /** Shares matched: the sum of the makers' sizes. */
  readonly size: Decimal
  /** The price of the last (worst) maker order reached; each maker part fills at its own price. */
  readonly price: Decimal
  status: SimTradeStatus
  /** Unix seconds. */
  readonly matchTime: number
  lastUpdate: number
  /** The maker orders matched, best price first. */
  readonly makers: readonly SimMakerFill[]
  readonly transactionHash: string
}

/** A balance sheet: pUSD and outcome-token holdings of one address. */
export interface SimBalance {
  pusd: Decimal
  readonly tokens: Map<string, Decimal>
}

/** Why the engine refused an order; `message` is Polymarket's error text. */
export class SimRejection extends Error {
  override name = 'SimRejection'
  /** Polymarket's code for the rejection (`INVALID_ORDER_NOT_ENOUGH_BALANCE`, …). */
  readonly venueCode: string
  constructor(venueCode: string, message: string) {
    super(message)
    this.venueCode = venueCode
  }
}

/** A level change of one side of a book: the total size now resting at `price` (0 = gone). */
export interface SimLevelChange {
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly size: Decimal
}

/** What the engine tells the simulator's I/O layer. */
export interface SimExchangeHooks {
  levels(changes: readonly SimLevelChange[]): void
  trade(trade: SimTrade): void
  order(order: SimOrder, type: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION'): void
}

/** A new order as the engine takes it (already verified by the HTTP layer). */
export interface SimOrderInput {
  readonly id: string
  readonly owner: string
  readonly maker: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly size: Decimal
  readonly orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK'
  readonly expiration: number
  readonly postOnly: boolean
}

/**
 * The simulator's matching engine and ledger: price-time priority per token, fills at the resting order's price,
 * balances moved at match time (and moved back if settlement fails). Synchronous and deterministic.
 */
export class SimExchange {
  readonly markets: readonly SimMarket[]
  readonly #byToken = new Map<string, { market: SimMarket; outcome: string }>()
  readonly #books = new Map<string, { bids: SimOrder[]; asks: SimOrder[] }>()
  readonly orders = new Map<string, SimOrder>()
  readonly trades: SimTrade[] = []
  readonly balances = new Map<string, SimBalance>()
  readonly lastTrade = new Map<string, { price: Decimal; side: 'BUY' | 'SELL' }>()
  readonly #hooks: SimExchangeHooks
  readonly #now: () => number
  readonly #rng: () => number
  #seq = 0

  constructor(markets: readonly SimMarket[], hooks: SimExchangeHooks, now: () => number, rng: () => number) {
    this.markets = markets
    this.#hooks = hooks
    this.#now = now
    this.#rng = rng
    for (const m of markets) {
      for (const t of m.tokens) {
        this.#byToken.set(t.tokenId, { market: m, outcome: t.outcome })
        this.#books.set(t.tokenId, { bids: [], asks: [] })
      }
    }
  }

  /** The market and outcome of a token, if the token exists. */
  token(tokenId: string): { market: SimMarket; outcome: string } | undefined {
    return this.#byToken.get(tokenId)
  }

  /** Balance sheet of an address (created empty on first use). */
  balance(address: string): SimBalance {
    const key = address.toLowerCase()
    let b = this.balances.get(key)
    if (b === undefined) {
      b = { pusd: new Decimal(0), tokens: new Map() }
      this.balances.set(key, b)
    }
    return b
  }

  /** What open orders of `address` hold back: pUSD for bids, shares per token for asks. */
  reserved(address: string): { pusd: Decimal; tokens: Map<string, Decimal> } {
    const key = address.toLowerCase()
    let pusd = new Decimal(0)
    const tokens = new Map<string, Decimal>()
    for (const o of this.orders.values()) {
      if (o.status !== 'LIVE' || o.maker !== key) continue
      const left = o.originalSize.minus(o.sizeMatched)
      if (o.side === 'BUY') pusd = pusd.plus(left.times(o.price))
      else tokens.set(o.tokenId, (tokens.get(o.tokenId) ?? new Decimal(0)).plus(left))
    }
    return { pusd, tokens }
  }

  /**
   * Shares per token that `address` bought in trades not on chain yet (MATCHED or RETRYING): they are in its balance
   * but cannot be sold, since a failed settlement takes them back (see `revert`).
   */
  unsettled(address: string): Map<string, Decimal> {
    const key = address.toLowerCase()
    const tokens = new Map<string, Decimal>()
    for (const t of this.trades) {
      if (t.status !== 'MATCHED' && t.status !== 'RETRYING') continue
      for (const m of t.makers) {
        const buyer = t.side === 'BUY' ? t.takerMaker : m.maker
        if (buyer !== key) continue
        tokens.set(t.tokenId, (tokens.get(t.tokenId) ?? new Decimal(0)).plus(m.size))
      }
    }
    return tokens
  }

  /** Aggregated levels of a token's book, best first. */
  levels(tokenId: string): { bids: Array<[Decimal, Decimal]>; asks: Array<[Decimal, Decimal]> } {
    const book = this.#books.get(tokenId)
    if (book === undefined) return { bids: [], asks: [] }
    return { bids: aggregate(book.bids), asks: aggregate(book.asks) }
  }

  /** Places an order: matches what crosses, rests the rest (GTC/GTD), kills it (FAK) or refuses it (FOK). */
  place(input: SimOrderInput): { order: SimOrder; trades: SimTrade[] } {
    const info = this.#byToken.get(input.tokenId)
    const book = this.#books.get(input.tokenId)
    if (info === undefined || book === undefined) {
      throw new SimRejection('INVALID_ORDER_ERROR', 'could not insert order')
    }
    if (info.market.closed)
      throw new SimRejection('MARKET_NOT_READY', 'the market is not yet ready to process new orders')
    if (this.orders.has(input.id)) {
      throw new SimRejection(
        'INVALID_ORDER_DUPLICATED',
        "order is invalid. Duplicated. Same order has already been placed, can't be placed again",
      )
    }
    const opposite = input.side === 'BUY' ? book.asks : book.bids
    const crosses = (o: SimOrder) =>
      input.side === 'BUY' ? o.price.lte(input.price) : o.price.gte(input.price)
    if (input.postOnly && opposite.length > 0 && crosses(opposite[0] as SimOrder)) {
      throw new SimRejection('INVALID_POST_ONLY_ORDER', 'invalid post-only order: order crosses book')
    }
    // Liquidity available to this order (self-trades excluded: resting orders of the same owner are skipped).
    let available = new Decimal(0)
    for (const o of opposite) {
      if (!crosses(o)) break
      if (o.owner !== input.owner) available = available.plus(o.originalSize.minus(o.sizeMatched))
      if (available.gte(input.size)) break
    }
    if (input.orderType === 'FOK' && available.lt(input.size)) {
      throw new SimRejection(
        'FOK_ORDER_NOT_FILLED_ERROR',
        "order couldn't be fully filled, FOK orders are fully filled/killed",
      )
    }
    if (input.orderType === 'FAK' && available.isZero()) {
      throw new SimRejection(
        'FAK_ORDER_NOT_FILLED_ERROR',
        'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
      )
    }
    const now = Math.floor(this.#now() / 1000)
    const order: SimOrder = {
      id: input.id,
      owner: input.owner,
      maker: input.maker.toLowerCase(),
      tokenId: input.tokenId,
      market: info.market.conditionId,
      outcome: info.outcome,
      side: input.side,
      price: input.price,
      originalSize: input.size,
      sizeMatched: new Decimal(0),
      orderType: input.orderType,
      expiration: input.expiration,
      createdAt: now,
      status: 'LIVE',
      associateTrades: [],
      seq: this.#seq++,
    }
    const makers: SimMakerFill[] = []
    const changes = new Map<string, SimLevelChange>()
    // Own resting orders the new one would trade with: never matched (no self-trade), cancelled if it rests.
    const selfCrossing: string[] = []
    const updated: SimOrder[] = []
    for (let i = 0; i < opposite.length && order.sizeMatched.lt(order.originalSize); ) {
      const resting = opposite[i] as SimOrder
      if (!crosses(resting)) break
      if (resting.owner === order.owner) {
        selfCrossing.push(resting.id)
        i++
        continue
      }
      const qty = Decimal.min(
        order.originalSize.minus(order.sizeMatched),
        resting.originalSize.minus(resting.sizeMatched),
      )
      makers.push(this.#fill(order, resting, qty))
      changes.set(`${resting.side}${resting.price.toFixed()}`, {
        tokenId: order.tokenId,
        side: resting.side,
        price: resting.price,
        size: new Decimal(0),
      })
      if (resting.sizeMatched.eq(resting.originalSize)) {
        resting.status = 'MATCHED'
        opposite.splice(i, 1)
      } else i++
      updated.push(resting)
    }
    const trades = makers.length > 0 ? [this.#trade(order, makers, now)] : []
    for (const o of updated) this.#hooks.order(o, 'UPDATE')
    const filled = order.sizeMatched.eq(order.originalSize)
    this.orders.set(order.id, order)
    if (filled) order.status = 'MATCHED'
    else if (order.orderType === 'GTC' || order.orderType === 'GTD') {
      // Self-trade prevention (cancel the resting side): a book is never left crossed.
      for (const id of selfCrossing) this.cancel(id)
      insert(order.side === 'BUY' ? book.bids : book.asks, order)
      changes.set(`${order.side}${order.price.toFixed()}`, {
        tokenId: order.tokenId,
        side: order.side,
        price: order.price,
        size: new Decimal(0),
      })
      this.#hooks.order(order, 'PLACEMENT')
    } else order.status = 'CANCELED' // FAK remainder
    if (changes.size > 0) this.#hooks.levels(this.#withTotals(book, [...changes.values()]))
    for (const t of trades) this.#hooks.trade(t)
    return { order, trades }
  }

  /** Cancels one live order; returns false when it is not live. */
  cancel(id: string, status: SimOrderStatus = 'CANCELED'): boolean {
    const o = this.orders.get(id)
    if (o === undefined || o.status !== 'LIVE') return false
    const book = this.#books.get(o.tokenId)
    if (book !== undefined) {
      const side = o.side === 'BUY' ? book.bids : book.asks
      const i = side.indexOf(o)
      if (i >= 0) side.splice(i, 1)
      this.#hooks.levels(
        this.#withTotals(book, [{ tokenId: o.tokenId, side: o.side, price: o.price, size: new Decimal(0) }]),
      )
    }
    o.status = status
    this.#hooks.order(o, 'CANCELLATION')
    return true
  }

  /** Live orders matching `pred`. */
  liveOrders(pred: (o: SimOrder) => boolean = () => true): SimOrder[] {
    return [...this.orders.values()]
      .filter((o) => o.status === 'LIVE' && pred(o))
      .sort((a, b) => a.seq - b.seq)
  }

  /** Undoes the balance transfers of a failed trade (every maker part). */
  revert(trade: SimTrade): void {
    for (const m of trade.makers) {
      const [buyer, seller] = trade.side === 'BUY' ? [trade.takerMaker, m.maker] : [m.maker, trade.takerMaker]
      this.#transfer(seller, buyer, trade.tokenId, m.size, m.price)
    }
  }

  /** Matches `qty` of the taker against one resting order at the resting price and moves the balances. */
  #fill(taker: SimOrder, resting: SimOrder, qty: Decimal): SimMakerFill {
    taker.sizeMatched = taker.sizeMatched.plus(qty)
    resting.sizeMatched = resting.sizeMatched.plus(qty)
    const [buyer, seller] = taker.side === 'BUY' ? [taker.maker, resting.maker] : [resting.maker, taker.maker]
    this.#transfer(buyer, seller, taker.tokenId, qty, resting.price)
    return {
      orderId: resting.id,
      owner: resting.owner,
      maker: resting.maker,
      side: resting.side,
      price: resting.price,
      size: qty,
    }
  }

  /** The one trade of a taker order's match against `makers` (one id for all of them, as the venue reports it). */
  #trade(taker: SimOrder, makers: readonly SimMakerFill[], now: number): SimTrade {
    const id = uuid(this.#rng)
    const last = makers[makers.length - 1] as SimMakerFill
    const trade: SimTrade = {
      id,
      takerOrderId: taker.id,
      takerOwner: taker.owner,
      takerMaker: taker.maker,
      market: taker.market,
      tokenId: taker.tokenId,
      outcome: taker.outcome,
      side: taker.side,
      size: makers.reduce((s, m) => s.plus(m.size), new Decimal(0)),
      price: last.price,
      status: 'MATCHED',
      matchTime: now,
      lastUpdate: now,
      makers,
      transactionHash: `0x${hex(this.#rng, 32)}`,
    }
    taker.associateTrades.push(id)
    for (const m of makers) {
      const resting = this.orders.get(m.orderId)
      if (resting !== undefined && !resting.associateTrades.includes(id)) resting.associateTrades.push(id)
    }
    this.trades.push(trade)
    this.lastTrade.set(taker.tokenId, { price: last.price, side: taker.side })
    return trade
  }

  /** Moves `qty` shares from seller to buyer and `qty × price` pUSD from buyer to seller. */
  #transfer(buyer: string, seller: string, tokenId: string, qty: Decimal, price: Decimal): void {
    const cost = qty.times(price)
    const b = this.balance(buyer)
    const s = this.balance(seller)
    b.pusd = b.pusd.minus(cost)
    s.pusd = s.pusd.plus(cost)
    b.tokens.set(tokenId, (b.tokens.get(tokenId) ?? new Decimal(0)).plus(qty))
    s.tokens.set(tokenId, (s.tokens.get(tokenId) ?? new Decimal(0)).minus(qty))
  }

  #withTotals(book: { bids: SimOrder[]; asks: SimOrder[] }, changes: SimLevelChange[]): SimLevelChange[] {
    return changes.map((c) => {
      let size = new Decimal(0)
      for (const o of c.side === 'BUY' ? book.bids : book.asks) {
        if (o.price.eq(c.price)) size = size.plus(o.originalSize.minus(o.sizeMatched))
      }
      return { ...c, size }
    })
  }
}

function insert(side: SimOrder[], o: SimOrder): void {
  const better = (a: SimOrder) => (o.side === 'BUY' ? a.price.gte(o.price) : a.price.lte(o.price))
  let i = 0
  while (i < side.length && better(side[i] as SimOrder)) i++
  side.splice(i, 0, o)
}

function aggregate(orders: readonly SimOrder[]): Array<[Decimal, Decimal]> {
  const out: Array<[Decimal, Decimal]> = []
  for (const o of orders) {
    const left = o.originalSize.minus(o.sizeMatched)
    const last = out[out.length - 1]
    if (last?.[0].eq(o.price)) last[1] = last[1].plus(left)
    else out.push([o.price, left])
  }
  return out
}

function hex(rng: () => number, bytes: number): string {
  let s = ''
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rng() * 256)
      .toString(16)
      .padStart(2, '0')
  return s
}

/** A random (seeded) UUID v4-shaped id. */
export function uuid(rng: () => number): string {
  const h = hex(rng, 16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}
