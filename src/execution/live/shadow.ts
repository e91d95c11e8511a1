import { BoundedMap } from '../../core/BoundedMap.js'
import type { Clock } from '../../core/clock.js'
import { subscribe, subscribeAll } from '../../core/events.js'
import { isTerminalStatus } from '../../core/orderState.js'
import type { ExecutionClient, OrderIntent } from '../../core/ports.js'
import type { Fill, Order, OrderStatus, Side } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { toTradekitError } from '../../errors/index.js'

const ZERO = new Decimal(0)
const BPS = new Decimal(10_000)
const MAX_PENDING = 10_000

/** How one side (live or paper) of a shadowed order ended. */
export interface ShadowSide {
  readonly status: OrderStatus
  readonly filledQty: Decimal
  /** Average fill price, when anything filled. */
  readonly avgPrice?: Decimal
  /** filledQty / requested quantity, 0..1. */
  readonly fillRatio: number
  /** Milliseconds from submission to the first fill, when anything filled. */
  readonly firstFillMs?: number
}

/** Live vs paper for one order (shadow mode). Positive differences mean live did worse than paper. */
export interface ShadowComparison {
  readonly clientOrderId: string
  readonly symbol: string
  readonly side: Side
  readonly requestedQty: Decimal
  readonly live: ShadowSide
  readonly paper: ShadowSide
  /** Adverse price difference live − paper (BUY) or paper − live (SELL), when both filled. */
  readonly priceDiff?: Decimal
  /** `priceDiff` in basis points of the paper price. */
  readonly priceDiffBps?: number
  /** paper fill ratio − live fill ratio (positive: paper filled more than live). */
  readonly fillRatioDiff: number
  /** live − paper time to first fill, when both filled. */
  readonly timeDiffMs?: number
}

/** Aggregate of the shadow comparisons so far. */
export interface ShadowReport {
  /** Orders compared (both sides terminal). */
  readonly compared: number
  /** Orders still waiting for one side to finish. */
  readonly pending: number
  /** Mean adverse price difference in bps over orders that filled on both sides. */
  readonly meanPriceDiffBps: number | undefined
  /** Worst (largest) adverse price difference in bps. */
  readonly worstPriceDiffBps: number | undefined
  /** Mean paper − live fill ratio. */
  readonly meanFillRatioDiff: number | undefined
  /** Mean live − paper time to first fill, ms. */
  readonly meanTimeDiffMs: number | undefined
}

interface SideState {
  status: OrderStatus
  filledQty: Decimal
  notional: Decimal
  firstFillTs?: number
}

interface Entry {
  readonly cid: string
  readonly symbol: string
  readonly side: Side
  readonly qty: Decimal
  readonly submittedAt: number
  readonly live: SideState
  readonly paper: SideState
}

/** Mirrors live orders into a paper client and compares the outcomes (internal to OrderExecutor). */
export class ShadowTracker {
  readonly #paper: ExecutionClient
  readonly #clock: Clock
  readonly #onCompared: (c: ShadowComparison) => void
  readonly #entries = new BoundedMap<string, Entry>(MAX_PENDING)
  readonly #detach: () => void
  #compared = 0
  #priceN = 0
  #priceSum = 0
  #worst: number | undefined
  #ratioSum = 0
  #timeN = 0
  #timeSum = 0

  constructor(paper: ExecutionClient, clock: Clock, onCompared: (c: ShadowComparison) => void) {
    this.#paper = paper
    this.#clock = clock
    this.#onCompared = onCompared
    const onFill = (e: { order: Order; fills: readonly Fill[] }) => this.#update('paper', e.order, e.fills)
    const onOrder = (e: { order: Order }) => this.#update('paper', e.order)
    const names = ['order.canceled', 'order.rejected', 'order.expired', 'order.accepted'] as const
    const offFill = subscribe(paper.events, { 'order.filled': onFill })
    const offOrders = subscribeAll(paper.events, names, onOrder)
    this.#detach = () => {
      offFill()
      offOrders()
    }
  }

  mirror(intent: OrderIntent, order: Order): void {
    const fresh = (): SideState => ({ status: 'PENDING_NEW', filledQty: ZERO, notional: ZERO })
    this.#entries.set(order.clientOrderId, {
      cid: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      qty: order.qty,
      submittedAt: this.#clock.now(),
      live: fresh(),
      paper: fresh(),
    })
    this.#paper.submit(intent).then(
      (o) => this.#update('paper', o),
      (e: unknown) => {
        const entry = this.#entries.get(order.clientOrderId)
        if (entry === undefined) return
        entry.paper.status = 'REJECTED'
        void toTradekitError(e)
        this.#maybeCompare(entry)
      },
    )
  }

  /** A live order changed (or filled): recorded; a live order cancelled is cancelled on paper too (errors swallowed). */
  live(order: Order, fills?: readonly Fill[]): void {
    this.#update('live', order, fills)
    const entry = this.#entries.get(order.clientOrderId)
    if (order.status === 'CANCELED' && entry !== undefined && !isTerminalStatus(entry.paper.status)) {
      this.#paper.cancel(order.clientOrderId).then(
        (o) => this.#update('paper', o),
        () => undefined,
      )
    }
  }

  /**
   * A live order was amended in place: its paper order is cancelled and the order left out of the comparison (the two
   * no longer rest at the same price or size; the paper client does not amend in place).
   */
  amended(order: Order): void {
    const cid = order.clientOrderId
    const entry = this.#entries.get(cid)
    if (entry === undefined || isTerminalStatus(entry.paper.status)) return
    this.#entries.delete(cid)
    this.#paper.cancel(cid).catch(() => undefined)
  }

  report(): ShadowReport {
    return {
      compared: this.#compared,
      pending: this.#entries.size,
      meanPriceDiffBps: this.#priceN > 0 ? this.#priceSum / this.#priceN : undefined,
      worstPriceDiffBps: this.#worst,
      meanFillRatioDiff: this.#compared > 0 ? this.#ratioSum / this.#compared : undefined,
      meanTimeDiffMs: this.#timeN > 0 ? this.#timeSum / this.#timeN : undefined,
    }
  }

  close(): void {
    this.#detach()
  }

  #update(which: 'live' | 'paper', order: Order, fills: readonly Fill[] = []): void {
    const entry = this.#entries.get(order.clientOrderId)
    if (entry === undefined) return
    const s = entry[which]
    for (const fill of fills) {
      s.filledQty = s.filledQty.plus(fill.qty)
      s.notional = s.notional.plus(fill.price.times(fill.qty))
      s.firstFillTs ??= this.#clock.now()
    }
    s.status = order.status
    this.#maybeCompare(entry)
  }

  #maybeCompare(e: Entry): void {
    if (!isTerminalStatus(e.live.status) || !isTerminalStatus(e.paper.status)) return
    this.#entries.delete(e.cid)
    const side = (s: SideState): ShadowSide => ({
      status: s.status,
      filledQty: s.filledQty,
      ...(s.filledQty.gt(0) ? { avgPrice: s.notional.div(s.filledQty) } : {}),
      fillRatio: s.filledQty.div(e.qty).toNumber(),
      ...(s.firstFillTs !== undefined ? { firstFillMs: s.firstFillTs - e.submittedAt } : {}),
    })
    const live = side(e.live)
    const paper = side(e.paper)
    let priceDiff: Decimal | undefined
    let priceDiffBps: number | undefined
    if (live.avgPrice !== undefined && paper.avgPrice !== undefined) {
      priceDiff = e.side === 'BUY' ? live.avgPrice.minus(paper.avgPrice) : paper.avgPrice.minus(live.avgPrice)
      priceDiffBps = priceDiff.div(paper.avgPrice).times(BPS).toNumber()
      this.#priceN++
      this.#priceSum += priceDiffBps
      this.#worst = this.#worst === undefined ? priceDiffBps : Math.max(this.#worst, priceDiffBps)
    }
    const timeDiffMs =
      live.firstFillMs !== undefined && paper.firstFillMs !== undefined
        ? live.firstFillMs - paper.firstFillMs
        : undefined
    if (timeDiffMs !== undefined) {
      this.#timeN++
      this.#timeSum += timeDiffMs
    }
    const fillRatioDiff = paper.fillRatio - live.fillRatio
    this.#compared++
    this.#ratioSum += fillRatioDiff
    this.#onCompared({
      clientOrderId: e.cid,
      symbol: e.symbol,
      side: e.side,
      requestedQty: e.qty,
      live,
      paper,
      ...(priceDiff !== undefined ? { priceDiff } : {}),
      ...(priceDiffBps !== undefined ? { priceDiffBps } : {}),
      fillRatioDiff,
      ...(timeDiffMs !== undefined ? { timeDiffMs } : {}),
    })
  }
}
