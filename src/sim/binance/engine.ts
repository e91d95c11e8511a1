import { Decimal } from '../../decimal/index.js'
import { SIM_LEVERAGE_BRACKETS } from './leverageBrackets.js'
import { SimSymbolMarket, type SimSymbolSpec } from './market.js'
import { checkUsdmOpenOrderCaps } from './openOrderCaps.js'
import { SimApiError } from './SimApiError.js'

export { SIM_LEVERAGE_BRACKETS } from './leverageBrackets.js'
export { SimApiError } from './SimApiError.js'

/** Which simulated market. */
export type SimMarket = 'spot' | 'usdm'

const D = (v: string | number | Decimal) => new Decimal(v)
const ZERO = new Decimal(0)

/** An order held by the simulator (the ledger's view, the source of truth for tests). */
export interface SimOrder {
  readonly market: SimMarket
  readonly account: string
  readonly symbol: string
  readonly orderId: number
  readonly clientOrderId: string
  readonly side: 'BUY' | 'SELL'
  readonly type: string
  readonly timeInForce: string
  /** Limit price, or undefined. */
  readonly price?: Decimal
  readonly stopPrice?: Decimal
  readonly origQty: Decimal
  executedQty: Decimal
  cumQuote: Decimal
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED'
  readonly reduceOnly: boolean
  readonly time: number
  updateTime: number
  /** Quote (spot buys) or base (spot sells) still locked for this order. */
  locked: Decimal
}

/** A conditional (algo) order of the USD-M market. */
export interface SimAlgoOrder {
  readonly account: string
  readonly algoId: number
  readonly clientAlgoId: string
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  readonly orderType: string
  readonly quantity: Decimal
  readonly price?: Decimal
  readonly triggerPrice?: Decimal
  readonly callbackRate?: Decimal
  readonly activatePrice?: Decimal
  readonly workingType: 'CONTRACT_PRICE' | 'MARK_PRICE'
  readonly reduceOnly: boolean
  readonly timeInForce: string
  algoStatus: 'NEW' | 'CANCELED' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'REJECTED' | 'EXPIRED'
  /** Trailing stop: extreme price seen since activation. */
  extreme?: number
  activated: boolean
  actualOrderId?: number
  readonly createTime: number
  updateTime: number
  triggerTime: number
}

/** A USD-M position (one-way mode). */
export interface SimPosition {
  qty: Decimal
  entryPrice: Decimal
  realizedPnl: Decimal
}

/** A simulated account: spot balances, futures wallet, positions, leverage. */
export interface SimAccount {
  readonly apiKey: string
  readonly spot: Map<string, { free: Decimal; locked: Decimal }>
  futuresWallet: Decimal
  readonly positions: Map<string, SimPosition>
  readonly leverage: Map<string, number>
}

/** One fill produced by the matching engine. */
export interface SimFill {
  readonly price: Decimal
  readonly qty: Decimal
  readonly commission: Decimal
  readonly commissionAsset: string
  readonly tradeId: number
  readonly isMaker: boolean
  readonly realizedPnl: Decimal
}

/** A fill with the order it belongs to: what `GET /api/v3/myTrades` and `GET /fapi/v1/userTrades` serve. */
export interface SimAccountTrade {
  readonly order: SimOrder
  readonly fill: SimFill
  readonly time: number
}

/** Callbacks through which the engine reports what happened. */
export interface EngineSink {
  /** An order changed (new, trade, canceled, expired, rejected); `fill` set for a trade. */
  orderUpdate(order: SimOrder, execType: string, fill: SimFill | undefined, now: number): void
  /** Balances of an account changed (spot assets or the futures wallet/positions). */
  accountUpdate(
    account: SimAccount,
    market: SimMarket,
    assets: readonly string[],
    symbols: readonly string[],
    reason: string,
    now: number,
  ): void
  /** An algo order changed. */
  algoUpdate(algo: SimAlgoOrder, now: number): void
  /** A public trade printed. */
  trade(
    market: SimMarket,
    m: SimSymbolMarket,
    tradeId: number,
    ticks: number,
    steps: number,
    isBuyerMaker: boolean,
    now: number,
  ): void
}

const SPOT_FEE = D('0.001')
const FUT_TAKER = D('0.0005')
const FUT_MAKER = D('0.0002')

/**
 * Binance reports commissions with 8 decimals and charges exactly what it reports: the balance must move by the
 * reported commission, or a client that books reported fees drifts from the venue by the rounding.
 */
function commissionOf(raw: Decimal): Decimal {
  return raw.toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN)
}

/** Parameters of a new order, already parsed from the request. */
export interface NewOrderOptions {
  symbol: string
  side: 'BUY' | 'SELL'
  type: string
  timeInForce?: string
  quantity?: Decimal
  price?: Decimal
  stopPrice?: Decimal
  clientOrderId: string
  reduceOnly: boolean
}

/**
 * The simulated exchange's matching and accounting: orders against the synthetic book, resting orders filled as
 * the price path crosses them, spot balances with locking, USD-M positions with margin and PnL, conditional algo
 * orders. It is the ledger tests compare against.
 */
export class SimEngine {
  readonly markets: Record<SimMarket, Map<string, SimSymbolMarket>> = { spot: new Map(), usdm: new Map() }
  readonly accounts = new Map<string, SimAccount>()
  readonly orders: SimOrder[] = []
  readonly algoOrders: SimAlgoOrder[] = []
  /** Every fill of every account, in order. */
  readonly accountTrades: SimAccountTrade[] = []
  #orderId = 1_000_000
  #algoId = 5_000_000
  readonly sink: EngineSink

  constructor(sink: EngineSink) {
    this.sink = sink
  }

  addSymbol(market: SimMarket, spec: SimSymbolSpec, seed: number): void {
    this.markets[market].set(spec.symbol, new SimSymbolMarket(spec, seed))
  }

  addAccount(apiKey: string, spotBalances: Record<string, string>, futuresWallet: string): SimAccount {
    const spot = new Map<string, { free: Decimal; locked: Decimal }>()
    for (const [a, v] of Object.entries(spotBalances)) spot.set(a, { free: D(v), locked: D(0) })
    const acc: SimAccount = {
      apiKey,
      spot,
      futuresWallet: D(futuresWallet),
      positions: new Map(),
      leverage: new Map(),
    }
    this.accounts.set(apiKey, acc)
    return acc
  }

  market(market: SimMarket, symbol: string): SimSymbolMarket {
    const m = this.markets[market].get(symbol)
    if (m === undefined) throw new SimApiError(400, -1121, 'Invalid symbol.')
    return m
  }

  #bal(acc: SimAccount, asset: string): { free: Decimal; locked: Decimal } {
    let b = acc.spot.get(asset)
    if (b === undefined) {
      b = { free: D(0), locked: D(0) }
      acc.spot.set(asset, b)
    }
    return b
  }

  leverageOf(acc: SimAccount, symbol: string): number {
    return acc.leverage.get(symbol) ?? 20
  }

  position(acc: SimAccount, symbol: string): SimPosition {
    let p = acc.positions.get(symbol)
    if (p === undefined) {
      p = { qty: D(0), entryPrice: D(0), realizedPnl: D(0) }
      acc.positions.set(symbol, p)
    }
    return p
  }

  /** Initial margin used by positions and open orders. */
  usedMargin(acc: SimAccount): Decimal {
    let used = D(0)
    for (const [sym, p] of acc.positions) {
      if (p.qty.isZero()) continue
      const m = this.markets.usdm.get(sym)
      const mark = m ? D(m.px(m.midTicks)) : p.entryPrice
      used = used.plus(p.qty.abs().times(mark).div(this.leverageOf(acc, sym)))
    }
    for (const o of this.orders) {
      if (
        o.market !== 'usdm' ||
        o.account !== acc.apiKey ||
        !isOpen(o) ||
        o.price === undefined ||
        o.reduceOnly
      )
        continue
      used = used.plus(o.origQty.minus(o.executedQty).times(o.price).div(this.leverageOf(acc, o.symbol)))
    }
    return used
  }

  unrealized(acc: SimAccount, symbol: string): Decimal {
    const p = acc.positions.get(symbol)
    const m = this.markets.usdm.get(symbol)
    if (p === undefined || p.qty.isZero() || m === undefined) return D(0)
    return D(m.px(m.midTicks)).minus(p.entryPrice).times(p.qty)
  }

  availableBalance(acc: SimAccount): Decimal {
    let upnl = D(0)
    for (const sym of acc.positions.keys()) upnl = upnl.plus(this.unrealized(acc, sym))
    return acc.futuresWallet.plus(upnl).minus(this.usedMargin(acc))
  }

  findOrder(
    market: SimMarket,
    account: string,
    symbol: string,
    orderId?: number,
    clientOrderId?: string,
  ): SimOrder | undefined {
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i] as SimOrder
      if (o.market !== market || o.account !== account || o.symbol !== symbol) continue
      if (orderId !== undefined && o.orderId === orderId) return o
      if (clientOrderId !== undefined && o.clientOrderId === clientOrderId) return o
    }
    return undefined
  }

  /** Places an order (matching immediately what crosses). Throws {@link SimApiError} like Binance would. */
  placeOrder(
    market: SimMarket,
    acc: SimAccount,
    p: NewOrderOptions,
    now: number,
    test = false,
  ): { order: SimOrder; fills: SimFill[] } {
    const m = this.market(market, p.symbol)
    const { qty, tif } = this.#validateOrder(market, acc, p)
    if (market === 'usdm' && !test) this.#checkUsdmCaps(acc, p.symbol, false)
    const steps = m.toSteps(qty.toString())
    const limitTicks = p.price !== undefined ? m.toTicks(p.price.toString()) : undefined
    const postOnly = p.type === 'LIMIT_MAKER' || tif === 'GTX'
    const preview = m.take(p.side, steps, limitTicks, true)
    const crossing = preview.length > 0
    if (postOnly && crossing) {
      if (market === 'spot') throw new SimApiError(400, -2010, 'Order would immediately match and take.')
      throw new SimApiError(
        400,
        -5022,
        'Due to the order could not be executed as maker, the Post Only order will be rejected.',
      )
    }
    const previewSteps = preview.reduce((a, f) => a + f.steps, 0)
    this.#checkFunds(market, acc, m, p, qty, preview)
    if (test) {
      return { order: this.#newOrder(market, acc, p, tif, now), fills: [] }
    }
    const order = this.#newOrder(market, acc, p, tif, now)
    this.orders.push(order)
    if (market === 'spot') {
      if (order.price !== undefined) {
        if (p.side === 'BUY') {
          order.locked = qty.times(order.price)
          const b = this.#bal(acc, m.spec.quote)
          b.free = b.free.minus(order.locked)
          b.locked = b.locked.plus(order.locked)
        } else {
          order.locked = qty
          const b = this.#bal(acc, m.spec.base)
          b.free = b.free.minus(qty)
          b.locked = b.locked.plus(qty)
        }
      }
    }
    this.sink.orderUpdate(order, 'NEW', undefined, now)
    const fills: SimFill[] = []
    if (tif === 'FOK' && previewSteps < steps) {
      this.#finish(order, 'EXPIRED', now)
      return { order, fills }
    }
    const taken = m.take(p.side, steps, limitTicks)
    for (const t of taken) {
      const fill = this.#applyFill(order, acc, m, D(m.px(t.ticks)), D(m.qty(t.steps)), false, now)
      fills.push(fill)
      this.sink.trade(market, m, fill.tradeId, t.ticks, t.steps, p.side === 'SELL', now)
    }
    if (isOpen(order) && (p.type === 'MARKET' || tif === 'IOC')) this.#finish(order, 'EXPIRED', now)
    return { order, fills }
  }

  /** Checks what Binance checks before matching: duplicate client id, quantity, price, time in force, type. */
  #validateOrder(market: SimMarket, acc: SimAccount, p: NewOrderOptions): { qty: Decimal; tif: string } {
    const open = this.orders.find(
      (o) =>
        o.market === market && o.account === acc.apiKey && o.clientOrderId === p.clientOrderId && isOpen(o),
    )
    if (open !== undefined)
      throw new SimApiError(400, market === 'spot' ? -2010 : -4015, 'Duplicate order sent.')
    const qty = p.quantity
    if (qty === undefined)
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
      )
    if ((p.type === 'LIMIT' || p.type === 'LIMIT_MAKER') && p.price === undefined)
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
      )
    const tif = p.type === 'LIMIT' ? (p.timeInForce ?? '') : p.type === 'LIMIT_MAKER' ? 'GTC' : 'GTC'
    if (p.type === 'LIMIT' && !['GTC', 'IOC', 'FOK', 'GTX', 'GTD'].includes(tif)) {
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
      )
    }
    if (p.type !== 'LIMIT' && p.type !== 'MARKET' && p.type !== 'LIMIT_MAKER') {
      throw new SimApiError(
        400,
        market === 'usdm' ? -4120 : -1116,
        market === 'usdm'
          ? 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.'
          : 'Invalid orderType.',
      )
    }
    return { qty, tif }
  }

  /** Checks the account can pay: spot balance, or USD-M margin and reduce-only. */
  #checkFunds(
    market: SimMarket,
    acc: SimAccount,
    m: SimSymbolMarket,
    p: NewOrderOptions,
    qty: Decimal,
    preview: ReadonlyArray<{ ticks: number }>,
  ): void {
    const estPrice =
      p.price ??
      (preview.length > 0
        ? D(m.px((preview[preview.length - 1] as { ticks: number }).ticks))
        : D(m.px(m.midTicks)))
    if (market === 'spot') {
      const spec = m.spec
      if (p.side === 'BUY') {
        const need = qty.times(estPrice).times(p.type === 'MARKET' ? D('1.0') : D(1))
        if (this.#bal(acc, spec.quote).free.lt(need))
          throw new SimApiError(400, -2010, 'Account has insufficient balance for requested action.')
      } else if (this.#bal(acc, spec.base).free.lt(qty)) {
        throw new SimApiError(400, -2010, 'Account has insufficient balance for requested action.')
      }
    } else {
      const pos = this.position(acc, p.symbol)
      const reduces = (p.side === 'BUY' && pos.qty.lt(0)) || (p.side === 'SELL' && pos.qty.gt(0))
      if (p.reduceOnly && (!reduces || qty.gt(pos.qty.abs())))
        throw new SimApiError(400, -2022, 'ReduceOnly Order is rejected.')
      if (!reduces || qty.gt(pos.qty.abs())) {
        const need = qty.times(estPrice).div(this.leverageOf(acc, p.symbol))
        if (this.availableBalance(acc).lt(need)) throw new SimApiError(400, -2019, 'Margin is insufficient.')
      }
    }
  }

  #newOrder(market: SimMarket, acc: SimAccount, p: NewOrderOptions, tif: string, now: number): SimOrder {
    return {
      market,
      account: acc.apiKey,
      symbol: p.symbol,
      orderId: ++this.#orderId,
      clientOrderId: p.clientOrderId,
      side: p.side,
      type: p.type,
      timeInForce: tif,
      ...(p.price !== undefined ? { price: p.price } : {}),
      ...(p.stopPrice !== undefined ? { stopPrice: p.stopPrice } : {}),
      origQty: p.quantity ?? ZERO,
      executedQty: D(0),
      cumQuote: D(0),
      status: 'NEW',
      reduceOnly: p.reduceOnly,
      time: now,
      updateTime: now,
      locked: D(0),
    }
  }

  #applyFill(
    order: SimOrder,
    acc: SimAccount,
    m: SimSymbolMarket,
    price: Decimal,
    qty: Decimal,
    isMaker: boolean,
    now: number,
  ): SimFill {
    const trade = m.recordTrade(
      m.toTicks(price.toString()),
      m.toSteps(qty.toString()),
      order.side === 'SELL' ? !isMaker : isMaker,
      now,
    )
    order.executedQty = order.executedQty.plus(qty)
    order.cumQuote = order.cumQuote.plus(price.times(qty))
    order.updateTime = now
    order.status = order.executedQty.gte(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED'
    if (order.status === 'FILLED') this.#triggeredOrderEnded(order, now)
    let fill: SimFill
    const spec = m.spec
    if (order.market === 'spot') {
      const quote = this.#bal(acc, spec.quote)
      const base = this.#bal(acc, spec.base)
      if (order.side === 'BUY') {
        const cost = price.times(qty)
        if (order.price !== undefined) {
          const release = order.price.times(qty)
          quote.locked = quote.locked.minus(release)
          order.locked = order.locked.minus(release)
          quote.free = quote.free.plus(release.minus(cost))
        } else {
          quote.free = quote.free.minus(cost)
        }
        const commission = commissionOf(qty.times(SPOT_FEE))
        base.free = base.free.plus(qty.minus(commission))
        fill = {
          price,
          qty,
          commission,
          commissionAsset: spec.base,
          tradeId: trade.id,
          isMaker,
          realizedPnl: D(0),
        }
      } else {
        if (order.price !== undefined) {
          base.locked = base.locked.minus(qty)
          order.locked = order.locked.minus(qty)
        } else {
          base.free = base.free.minus(qty)
        }
        const proceeds = price.times(qty)
        const commission = commissionOf(proceeds.times(SPOT_FEE))
        quote.free = quote.free.plus(proceeds.minus(commission))
        fill = {
          price,
          qty,
          commission,
          commissionAsset: spec.quote,
          tradeId: trade.id,
          isMaker,
          realizedPnl: D(0),
        }
      }
      if (order.status === 'FILLED' && order.locked.gt(0)) this.#release(order, acc, m)
      this.accountTrades.push({ order, fill, time: now })
      this.sink.orderUpdate(order, 'TRADE', fill, now)
      this.sink.accountUpdate(acc, 'spot', [spec.base, spec.quote], [], 'ORDER', now)
    } else {
      const pos = this.position(acc, order.symbol)
      const signed = order.side === 'BUY' ? qty : qty.neg()
      let realized = D(0)
      if (pos.qty.isZero() || pos.qty.isNegative() === signed.isNegative()) {
        const newQty = pos.qty.plus(signed)
        pos.entryPrice = pos.entryPrice.times(pos.qty.abs()).plus(price.times(qty)).div(newQty.abs())
        pos.qty = newQty
      } else {
        const closing = Decimal.min(pos.qty.abs(), qty)
        // Booked to the wallet as reported (`rp`, 8 decimals), as Binance keeps its balances.
        realized = price
          .minus(pos.entryPrice)
          .times(closing)
          .times(pos.qty.isNegative() ? -1 : 1)
          .toDecimalPlaces(8)
        const newQty = pos.qty.plus(signed)
        if (newQty.isZero()) pos.entryPrice = D(0)
        else if (newQty.isNegative() !== pos.qty.isNegative()) pos.entryPrice = price
        pos.qty = newQty
        pos.realizedPnl = pos.realizedPnl.plus(realized)
      }
      const commission = commissionOf(price.times(qty).times(isMaker ? FUT_MAKER : FUT_TAKER))
      acc.futuresWallet = acc.futuresWallet.plus(realized).minus(commission)
      fill = {
        price,
        qty,
        commission,
        commissionAsset: spec.quote,
        tradeId: trade.id,
        isMaker,
        realizedPnl: realized,
      }
      this.accountTrades.push({ order, fill, time: now })
      this.sink.orderUpdate(order, 'TRADE', fill, now)
      this.sink.accountUpdate(acc, 'usdm', [spec.quote], [order.symbol], 'ORDER', now)
    }
    return fill
  }

  #release(order: SimOrder, acc: SimAccount, m: SimSymbolMarket): void {
    if (order.market !== 'spot' || order.locked.lte(0)) return
    const b = this.#bal(acc, order.side === 'BUY' ? m.spec.quote : m.spec.base)
    b.locked = b.locked.minus(order.locked)
    b.free = b.free.plus(order.locked)
    order.locked = D(0)
  }

  #finish(order: SimOrder, status: 'CANCELED' | 'EXPIRED', now: number): void {
    const acc = this.accounts.get(order.account) as SimAccount
    const m = this.market(order.market, order.symbol)
    order.status = status
    order.updateTime = now
    this.#release(order, acc, m)
    this.sink.orderUpdate(order, status, undefined, now)
    this.#triggeredOrderEnded(order, now)
    if (order.market === 'spot' && order.price !== undefined) {
      this.sink.accountUpdate(acc, 'spot', [m.spec.base, m.spec.quote], [], 'ORDER', now)
    }
  }

  /** Cancels an open order. Throws -2011 when unknown or already final. */
  cancelOrder(
    market: SimMarket,
    acc: SimAccount,
    symbol: string,
    orderId: number | undefined,
    clientOrderId: string | undefined,
    now: number,
  ): SimOrder {
    this.market(market, symbol)
    const o = this.findOrder(market, acc.apiKey, symbol, orderId, clientOrderId)
    if (o === undefined || !isOpen(o))
      throw new SimApiError(400, market === 'spot' ? -2011 : -2011, 'Unknown order sent.')
    this.#finish(o, 'CANCELED', now)
    return o
  }

  openOrders(market: SimMarket, acc: SimAccount, symbol?: string): SimOrder[] {
    return this.orders.filter(
      (o) =>
        o.market === market &&
        o.account === acc.apiKey &&
        isOpen(o) &&
        (symbol === undefined || o.symbol === symbol),
    )
  }

  /**
   * One step of the market: moves every price (by `volatilityScale` times each symbol's volatility), fills resting
   * orders the price crossed, fires algo orders.
   */
  step(now: number, volatilityScale = 1): void {
    for (const market of ['spot', 'usdm'] as const) {
      for (const m of this.markets[market].values()) {
        m.evolve(volatilityScale)
        // Background trade at the touch.
        if (m.random() < 0.6) {
          const side = m.random() < 0.5 ? 'BUY' : 'SELL'
          const minSteps = Math.max(1, m.toSteps(m.spec.minQty))
          const t = m.take(side, minSteps * (1 + Math.floor(m.random() * 5)), undefined)
          for (const f of t) {
            const tr = m.recordTrade(f.ticks, f.steps, side === 'SELL', now)
            this.sink.trade(market, m, tr.id, f.ticks, f.steps, side === 'SELL', now)
          }
        }
        this.#matchResting(market, m, now)
        if (market === 'usdm') this.#checkAlgo(m, now)
      }
    }
  }

  #matchResting(market: SimMarket, m: SimSymbolMarket, now: number): void {
    const bid = m.bestBid()
    const ask = m.bestAsk()
    for (const o of this.orders) {
      if (o.market !== market || o.symbol !== m.spec.symbol || !isOpen(o) || o.price === undefined) continue
      const pt = m.toTicks(o.price.toString())
      const crossed = o.side === 'BUY' ? ask !== undefined && ask <= pt : bid !== undefined && bid >= pt
      if (!crossed) continue
      const acc = this.accounts.get(o.account) as SimAccount
      const remaining = m.toSteps(o.origQty.minus(o.executedQty).toString())
      const part = m.random() < 0.5 ? Math.max(1, Math.floor(remaining / 2)) : remaining
      const fill = this.#applyFill(o, acc, m, o.price, D(m.qty(part)), true, now)
      this.sink.trade(market, m, fill.tradeId, pt, part, o.side === 'BUY', now)
    }
  }

  /** Sets USD-M leverage; checks the brackets like Binance (-4028). */
  setLeverage(
    acc: SimAccount,
    symbol: string,
    leverage: number,
  ): { leverage: number; maxNotionalValue: string; symbol: string } {
    this.market('usdm', symbol)
    const max = SIM_LEVERAGE_BRACKETS[0].initialLeverage
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > max)
      throw new SimApiError(400, -4028, `Leverage ${leverage} is not valid`)
    acc.leverage.set(symbol, leverage)
    const bracket =
      [...SIM_LEVERAGE_BRACKETS].reverse().find((b) => b.initialLeverage >= leverage) ??
      SIM_LEVERAGE_BRACKETS[0]
    return { leverage, maxNotionalValue: String(bracket.notionalCap), symbol }
  }

  /** Places a conditional (algo) order. */
  placeAlgo(
    acc: SimAccount,
    a: Omit<
      SimAlgoOrder,
      'algoId' | 'algoStatus' | 'activated' | 'createTime' | 'updateTime' | 'triggerTime' | 'account'
    >,
    now: number,
  ): SimAlgoOrder {
    this.market('usdm', a.symbol)
    if (
      this.algoOrders.some(
        (x) => x.account === acc.apiKey && x.clientAlgoId === a.clientAlgoId && x.algoStatus === 'NEW',
      )
    ) {
      throw new SimApiError(400, -4015, 'Duplicate clientAlgoId.')
    }
    this.#checkUsdmCaps(acc, a.symbol, true)
    const algo: SimAlgoOrder = {
      ...a,
      account: acc.apiKey,
      algoId: ++this.#algoId,
      algoStatus: 'NEW',
      activated: a.activatePrice === undefined,
      createTime: now,
      updateTime: now,
      triggerTime: 0,
    }
    this.algoOrders.push(algo)
    this.sink.algoUpdate(algo, now)
    return algo
  }

  /** Refuses a new USD-M order past the symbol's open-order caps (see `openOrderCaps.ts`). */
  #checkUsdmCaps(acc: SimAccount, symbol: string, isAlgo: boolean): void {
    const regular = this.openOrders('usdm', acc, symbol).length
    const algo = this.algoOrders.filter(
      (a) => a.account === acc.apiKey && a.symbol === symbol && a.algoStatus === 'NEW',
    ).length
    checkUsdmOpenOrderCaps({ regular, algo }, isAlgo)
  }

  /** The algo order whose triggered order has just ended (filled, canceled, expired) is FINISHED, as on Binance. */
  #triggeredOrderEnded(order: SimOrder, now: number): void {
    if (order.market !== 'usdm') return
    const a = this.algoOrders.find((x) => x.actualOrderId === order.orderId && x.algoStatus === 'TRIGGERED')
    if (a === undefined) return
    a.algoStatus = 'FINISHED'
    a.updateTime = now
    this.sink.algoUpdate(a, now)
  }

  /**
   * An account's algo order by `algoId` or `clientAlgoId`, newest first: a `clientAlgoId` is unique among open orders
   * only, so once one is finished it may be reused, and the id names the latest order that carries it.
   */
  findAlgo(account: string, algoId?: number, clientAlgoId?: string | null): SimAlgoOrder | undefined {
    for (let i = this.algoOrders.length - 1; i >= 0; i--) {
      const x = this.algoOrders[i] as SimAlgoOrder
      if (x.account !== account) continue
      if (x.algoId === algoId || (clientAlgoId != null && x.clientAlgoId === clientAlgoId)) return x
    }
    return undefined
  }

  cancelAlgo(
    acc: SimAccount,
    algoId: number | undefined,
    clientAlgoId: string | undefined,
    now: number,
  ): SimAlgoOrder {
    const a = this.findAlgo(acc.apiKey, algoId, clientAlgoId)
    if (a === undefined || a.algoStatus !== 'NEW') throw new SimApiError(400, -2011, 'Unknown order sent.')
    a.algoStatus = 'CANCELED'
    a.updateTime = now
    this.sink.algoUpdate(a, now)
    return a
  }

  #checkAlgo(m: SimSymbolMarket, now: number): void {
    for (const a of this.algoOrders) {
      if (a.symbol !== m.spec.symbol || a.algoStatus !== 'NEW') continue
      const price = a.workingType === 'MARK_PRICE' ? m.midTicks * m.tick : m.lastTradeTicks * m.tick
      let fire = false
      const trig = a.triggerPrice?.toNumber()
      switch (a.orderType) {
        case 'STOP_MARKET':
        case 'STOP':
          fire = trig !== undefined && (a.side === 'BUY' ? price >= trig : price <= trig)
          break
        case 'TAKE_PROFIT_MARKET':
        case 'TAKE_PROFIT':
          fire = trig !== undefined && (a.side === 'BUY' ? price <= trig : price >= trig)
          break
        case 'TRAILING_STOP_MARKET': {
          const act = a.activatePrice?.toNumber()
          if (!a.activated && act !== undefined && (a.side === 'SELL' ? price >= act : price <= act))
            a.activated = true
          if (!a.activated) break
          const cb = (a.callbackRate?.toNumber() ?? 1) / 100
          a.extreme =
            a.extreme === undefined
              ? price
              : a.side === 'SELL'
                ? Math.max(a.extreme, price)
                : Math.min(a.extreme, price)
          fire = a.side === 'SELL' ? price <= a.extreme * (1 - cb) : price >= a.extreme * (1 + cb)
          break
        }
        default:
          break
      }
      if (!fire) continue
      const acc = this.accounts.get(a.account) as SimAccount
      a.algoStatus = 'TRIGGERING'
      a.triggerTime = now
      a.updateTime = now
      this.sink.algoUpdate(a, now)
      try {
        const isLimit = a.orderType === 'STOP' || a.orderType === 'TAKE_PROFIT'
        const { order } = this.placeOrder(
          'usdm',
          acc,
          {
            symbol: a.symbol,
            side: a.side,
            type: isLimit ? 'LIMIT' : 'MARKET',
            ...(isLimit ? { timeInForce: a.timeInForce } : {}),
            quantity: a.quantity,
            ...(isLimit && a.price !== undefined ? { price: a.price } : {}),
            clientOrderId: `algo-${a.algoId}`,
            reduceOnly: a.reduceOnly,
          },
          now,
        )
        a.actualOrderId = order.orderId
        a.algoStatus = 'TRIGGERED'
        this.sink.algoUpdate(a, now)
        if (!isOpen(order)) {
          a.algoStatus = 'FINISHED'
          this.sink.algoUpdate(a, now)
        }
      } catch {
        a.algoStatus = 'REJECTED'
        this.sink.algoUpdate(a, now)
      }
    }
  }
}

/** True for NEW and PARTIALLY_FILLED orders. */
export function isOpen(o: SimOrder): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'
}
