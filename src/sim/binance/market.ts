import { SeededRandom } from '../../core/random.js'

/** Rules and starting state of one simulated symbol (on one market). */
export interface SimSymbolSpec {
  readonly symbol: string
  readonly base: string
  readonly quote: string
  /** Starting price (a multiple of tickSize). */
  readonly startPrice: string
  readonly tickSize: string
  readonly stepSize: string
  readonly minQty: string
  readonly maxQty: string
  readonly minPrice: string
  readonly maxPrice: string
  readonly minNotional: string
  /**
   * MARKET_LOT_SIZE `[minQty, maxQty, stepSize]` for MARKET orders, a `"0"` field disabled (default: spot
   * `["0", maxQty, "0"]`, the zero step of real spot symbols; USD-M the LOT_SIZE values).
   */
  readonly marketLot?: readonly [minQty: string, maxQty: string, stepSize: string]
  /** Price volatility per step of `tickMs` simulated ms, in ticks (standard deviation; see `stepMs`). */
  readonly volatilityTicks: number
  /** Synthetic book levels per side. */
  readonly depthLevels: number
}

function decimalsOf(s: string): number {
  const i = s.indexOf('.')
  return i < 0 ? 0 : s.length - i - 1
}

/** One level change: `[ticks, steps]`, steps 0 removes the level. */
export type LevelChange = [ticks: number, steps: number]

/** A trade printed on the simulated market. */
export interface SimTrade {
  readonly id: number
  readonly ticks: number
  readonly steps: number
  readonly time: number
  /** The buyer was the maker (the aggressor sold). */
  readonly isBuyerMaker: boolean
}

/** An OHLCV candle of the simulated market. */
export interface SimCandle {
  openTime: number
  closeTime: number
  open: number
  high: number
  low: number
  close: number
  /** Volume in steps. */
  volume: number
  /** Quote volume. */
  quoteVolume: number
  trades: number
}

/** A flushed depth diff: update ids and changed levels. */
export interface SimDepthDiff {
  readonly U: number
  readonly u: number
  readonly pu: number
  readonly bids: LevelChange[]
  readonly asks: LevelChange[]
}

/** Kline intervals the simulator serves, in ms. */
export const SIM_INTERVALS: Readonly<Record<string, number>> = Object.freeze({
  '1s': 1000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
})

/**
 * The simulated order book and price path of one symbol: integer ticks and steps internally (no float drift),
 * Binance-formatted strings on the way out. Every mutation is recorded as a pending level change; `flush()` turns
 * them into one depth diff with consecutive update ids.
 */
export class SimSymbolMarket {
  readonly spec: SimSymbolSpec
  readonly tick: number
  readonly step: number
  readonly priceDp: number
  readonly qtyDp: number
  readonly #rng: SeededRandom
  readonly bids = new Map<number, number>()
  readonly asks = new Map<number, number>()
  #mid: number
  lastUpdateId = 1000
  /** Final update id of the previous flushed (or lost) diff. */
  #prevU = 1000
  #pendingBids = new Map<number, number>()
  #pendingAsks = new Map<number, number>()
  #tradeId = 1
  readonly trades: SimTrade[] = []
  readonly candles = new Map<string, SimCandle[]>()
  lastTradeTicks: number

  constructor(spec: SimSymbolSpec, seed: number) {
    this.spec = spec
    this.tick = Number(spec.tickSize)
    this.step = Number(spec.stepSize)
    this.priceDp = decimalsOf(spec.tickSize)
    this.qtyDp = decimalsOf(spec.stepSize)
    this.#rng = new SeededRandom(seed)
    this.#mid = Math.round(Number(spec.startPrice) / this.tick)
    this.lastTradeTicks = this.#mid
    for (const iv of Object.keys(SIM_INTERVALS)) this.candles.set(iv, [])
    this.#regenerate(true)
    this.#pendingBids.clear()
    this.#pendingAsks.clear()
  }

  /** Formats ticks as a Binance price string. */
  px(ticks: number): string {
    return (ticks * this.tick).toFixed(this.priceDp)
  }
  /** Formats steps as a Binance quantity string. */
  qty(steps: number): string {
    return (steps * this.step).toFixed(this.qtyDp)
  }
  /** Price string to ticks (caller validated the tick grid). */
  toTicks(price: string | number): number {
    return Math.round(Number(price) / this.tick)
  }
  /** Quantity string to steps (caller validated the step grid). */
  toSteps(qty: string | number): number {
    return Math.round(Number(qty) / this.step)
  }

  bestBid(): number | undefined {
    let best: number | undefined
    for (const t of this.bids.keys()) if (best === undefined || t > best) best = t
    return best
  }
  bestAsk(): number | undefined {
    let best: number | undefined
    for (const t of this.asks.keys()) if (best === undefined || t < best) best = t
    return best
  }
  /** Mid price in ticks. */
  get midTicks(): number {
    return this.#mid
  }

  #set(isBid: boolean, t: number, s: number): void {
    const side = isBid ? this.bids : this.asks
    if (s <= 0) {
      if (!side.has(t)) return
      side.delete(t)
    } else {
      if (side.get(t) === s) return
      side.set(t, s)
    }
    ;(isBid ? this.#pendingBids : this.#pendingAsks).set(t, Math.max(0, s))
  }

  /**
   * A level's size: 1 to 400 units of about 100 quote (at the start price; never below `minQty`), so a book of
   * 20 levels holds some 400 000 quote and a paper account of a few thousand fills in full.
   */
  #randomQty(): number {
    const minSteps = Math.max(1, Math.round(Number(this.spec.minQty) / this.step))
    const unit = Math.max(minSteps, Math.round(100 / Number(this.spec.startPrice) / this.step))
    return unit * this.#rng.int(1, 400)
  }

  #regenerate(initial: boolean): void {
    const depth = this.spec.depthLevels
    const bidTop = this.#mid - 1
    const askTop = this.#mid + 1
    const wantBids = new Set<number>()
    const wantAsks = new Set<number>()
    for (let k = 0; k < depth; k++) {
      wantBids.add(bidTop - k)
      wantAsks.add(askTop + k)
    }
    for (const t of [...this.bids.keys()]) if (!wantBids.has(t)) this.#set(true, t, 0)
    for (const t of [...this.asks.keys()]) if (!wantAsks.has(t)) this.#set(false, t, 0)
    for (const t of wantBids) {
      if (t <= 0) continue
      if (initial || !this.bids.has(t) || this.#rng.next() < 0.3) this.#set(true, t, this.#randomQty())
    }
    for (const t of wantAsks) {
      if (initial || !this.asks.has(t) || this.#rng.next() < 0.3) this.#set(false, t, this.#randomQty())
    }
  }

  /** Moves the price one step along the seeded path (volatility times `scale`) and refreshes the synthetic book. */
  evolve(scale = 1): void {
    const delta = Math.round(this.#rng.gauss() * this.spec.volatilityTicks * scale)
    const floor = Math.max(
      this.spec.depthLevels + 2,
      Math.ceil(Number(this.spec.minPrice) / this.tick) + this.spec.depthLevels + 2,
    )
    this.#mid = Math.max(floor, this.#mid + delta)
    this.#regenerate(false)
  }

  /** Random number in [0,1) from the symbol's seeded stream. */
  random(): number {
    return this.#rng.next()
  }

  /**
   * Takes liquidity: buys walk the asks up to `limitTicks` (or without limit), sells walk the bids down. Returns
   * the fills; with `dryRun` the book is not touched.
   */
  take(
    side: 'BUY' | 'SELL',
    steps: number,
    limitTicks: number | undefined,
    dryRun = false,
  ): Array<{ ticks: number; steps: number }> {
    const book = side === 'BUY' ? this.asks : this.bids
    const levels = [...book.entries()].sort((a, b) => (side === 'BUY' ? a[0] - b[0] : b[0] - a[0]))
    const fills: Array<{ ticks: number; steps: number }> = []
    let left = steps
    for (const [t, s] of levels) {
      if (left <= 0) break
      if (limitTicks !== undefined && (side === 'BUY' ? t > limitTicks : t < limitTicks)) break
      const n = Math.min(s, left)
      fills.push({ ticks: t, steps: n })
      left -= n
      if (!dryRun) this.#set(side !== 'BUY', t, s - n)
    }
    return fills
  }

  /** Records a trade and updates candles. */
  recordTrade(ticks: number, steps: number, isBuyerMaker: boolean, time: number): SimTrade {
    const trade: SimTrade = { id: this.#tradeId++, ticks, steps, time, isBuyerMaker }
    this.trades.push(trade)
    if (this.trades.length > 1000) this.trades.splice(0, this.trades.length - 1000)
    this.lastTradeTicks = ticks
    const price = ticks * this.tick
    for (const [iv, ms] of Object.entries(SIM_INTERVALS)) {
      const list = this.candles.get(iv) as SimCandle[]
      const openTime = Math.floor(time / ms) * ms
      let c = list[list.length - 1]
      if (c === undefined || c.openTime !== openTime) {
        c = {
          openTime,
          closeTime: openTime + ms - 1,
          open: price,
          high: price,
          low: price,
          close: price,
          volume: 0,
          quoteVolume: 0,
          trades: 0,
        }
        list.push(c)
        if (list.length > 1000) list.splice(0, list.length - 1000)
      }
      c.high = Math.max(c.high, price)
      c.low = Math.min(c.low, price)
      c.close = price
      c.volume += steps
      c.quoteVolume += price * steps * this.step
      c.trades++
    }
    return trade
  }

  /** True when level changes are waiting to be flushed. */
  get hasPending(): boolean {
    return this.#pendingBids.size > 0 || this.#pendingAsks.size > 0
  }

  /**
   * Turns pending level changes into one depth diff with the next update ids. With `lose`, the ids are consumed
   * but the diff is dropped (a sequence gap, as after a lost message).
   */
  flush(lose = false): SimDepthDiff | undefined {
    if (!this.hasPending) return undefined
    const bids = [...this.#pendingBids.entries()].sort((a, b) => b[0] - a[0]) as LevelChange[]
    const asks = [...this.#pendingAsks.entries()].sort((a, b) => a[0] - b[0]) as LevelChange[]
    this.#pendingBids = new Map()
    this.#pendingAsks = new Map()
    const U = this.lastUpdateId + 1
    const u = this.lastUpdateId + Math.max(1, bids.length + asks.length)
    const pu = this.#prevU
    this.lastUpdateId = u
    this.#prevU = u
    if (lose) return undefined
    return { U, u, pu, bids, asks }
  }

  /** Depth snapshot: best levels first, as Binance's REST depth. */
  snapshot(limit: number): { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } {
    const bids = [...this.bids.entries()].sort((a, b) => b[0] - a[0]).slice(0, limit)
    const asks = [...this.asks.entries()].sort((a, b) => a[0] - b[0]).slice(0, limit)
    return {
      lastUpdateId: this.lastUpdateId,
      bids: bids.map(([t, s]) => [this.px(t), this.qty(s)]),
      asks: asks.map(([t, s]) => [this.px(t), this.qty(s)]),
    }
  }
}
