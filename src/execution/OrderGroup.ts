import * as z from 'zod/mini'
import { type Clock, SystemClock, type TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { subscribe, subscribeAll } from '../core/events.js'
import { isTerminalStatus } from '../core/orderState.js'
import { type ExecutionClient, ORDER_EVENTS, type OrderIntent } from '../core/ports.js'
import { RecentIds } from '../core/RecentIds.js'
import { ClockSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import { type Fill, fillKey, type Instrument, type Order, oppositeSide } from '../core/types.js'
import { Decimal, roundToIncrement, roundToStep } from '../decimal/index.js'
import { type TradekitError, toTradekitError, ValidationError } from '../errors/index.js'
import { UnsettledLegFills } from './UnsettledLegFills.js'

/** What happened to one leg of a group. */
export const LegFate = {
  /** Filled in full and kept (the group completed). */
  FILLED: 'FILLED',
  /** Nothing filled; cancelled because another leg failed (or it timed out). */
  CANCELED: 'CANCELED',
  /** The venue rejected it. */
  REJECTED: 'REJECTED',
  /** IOC/FOK/GTD ended with nothing filled. */
  EXPIRED: 'EXPIRED',
  /** `submit` threw (validation, shutdown, queue full): nothing was sent. */
  SUBMIT_FAILED: 'SUBMIT_FAILED',
  /** Filled quantity was unwound in full. */
  UNWOUND: 'UNWOUND',
  /** Filled quantity was only partly unwound: `residualQty` is still held. */
  PARTIALLY_UNWOUND: 'PARTIALLY_UNWOUND',
  /** Filled quantity was hedged with the configured hedge order. */
  HEDGED: 'HEDGED',
  /** The venue reversed this leg's fill after the group completed (a failed settlement); see `rebalance`. */
  REVERSED: 'REVERSED',
} as const
/** Union of {@link LegFate} values. */
export type LegFate = (typeof LegFate)[keyof typeof LegFate]

/** Exposure left by a failed group's leg, given to the `hedge` function. */
export interface LegExposure {
  readonly intent: OrderIntent
  readonly order: Order
  /** Quantity filled on this leg (to hedge). */
  readonly filledQty: Decimal
}

/** The fate of one leg. */
export interface LegOutcome {
  readonly intent: OrderIntent
  /** The leg's final order, when it was submitted. */
  readonly order?: Order
  readonly fate: LegFate
  readonly filledQty: Decimal
  /** The unwind or hedge order, when one was sent (the last one, when the unwind was retried). */
  readonly unwindOrder?: Order
  /** Every unwind order sent for this leg, the first bound first (retries widen it; see `unwindRetryStepBps`). */
  readonly unwindOrders?: readonly Order[]
  /** Quantity still held from this leg after unwinding (zero unless PARTIALLY_UNWOUND). */
  readonly residualQty: Decimal
  /**
   * Quantity of this leg's order (or of its last unwind) that may still fill: its cancel was never confirmed, so the
   * order is still open on the venue. Present only then; the group is `FAILED` (possible exposure).
   */
  readonly openQty?: Decimal
  /**
   * After a `rebalance`: quantity of this leg still held (the group's remaining pairs plus any residual); negative
   * when a reversal left the leg short of what its unwind sold and the buy-back could not close it.
   */
  readonly heldQty?: Decimal
  readonly error?: TradekitError
}

/** The group's single outcome. */
export interface OrderGroupOutcome {
  readonly groupId: string
  /**
   * COMPLETED: every leg filled. UNWOUND: failed, no exposure left. HEDGED: failed, exposure hedged. FAILED: exposure
   * remains, or may (an order whose cancel was never confirmed is still open: see `openQty`).
   */
  readonly status: 'COMPLETED' | 'UNWOUND' | 'HEDGED' | 'FAILED'
  readonly legs: readonly LegOutcome[]
}

/** The widest unwind bound when `unwindSlippageCapBps` is not set (unless `maxUnwindSlippageBps` is wider). */
const DEFAULT_UNWIND_CAP_BPS = 1_000
/** Reversals of leg fills an OrderGroup remembers having counted (so a later `rebalance` does not count one twice). */
const MAX_COUNTED_REVERSALS = 10_000
/** Rounds of one `rebalance`: a reversal seen while it unwinds may lower the level again. */
const MAX_REBALANCE_ROUNDS = 3

/** Schema of {@link OrderGroupConfig}; defaults are applied here. */
export const OrderGroupConfigSchema = /* @__PURE__ */ z
  .strictObject({
    /** The client legs are sent through (PaperTrader or OrderExecutor). */
    client: z.custom<ExecutionClient>((v) => typeof v === 'object' && v !== null && 'submit' in v),
    /** Time source (timers, timestamps). Default: the system clock. */
    clock: z.optional(ClockSchema),
    /**
     * Instruments of the legs: unwind prices are rounded to their tick and quantities to their step.
     * Default: none.
     */
    instruments: z._default(z.array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null)), []),
    /** How long every leg has to fill in full before the group is declared failed. Default 10_000. */
    legTimeoutMs: z._default(/* @__PURE__ */ PositiveDurationMsSchema.check(z.maximum(3_600_000)), 10_000),
    /** On failure: unwind filled quantity (bounded slippage) or hedge it with `hedge`. Default `UNWIND`. */
    onFailure: z._default(z.enum(['UNWIND', 'HEDGE']), 'UNWIND'),
    /**
     * Worst unwind price, in bps from the leg's average fill (the unwind is a LIMIT IOC at that price).
     * Default 200.
     */
    maxUnwindSlippageBps: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(10_000)), 200),
    /**
     * An unwind that leaves exposure is retried, each time with the bound widened by this many bps, until the leg is
     * flat or the bound reached `unwindSlippageCapBps`. 0 sends one unwind only. Default 100.
     */
    unwindRetryStepBps: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(10_000)), 100),
    /**
     * The widest unwind bound a retry may use, in bps from the average fill (at least `maxUnwindSlippageBps`).
     * Default 1000, or `maxUnwindSlippageBps` when that is wider (then no retry widens it).
     */
    unwindSlippageCapBps: z.optional(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(10_000))),
    /** How long an unwind or hedge order has to finish. Default 10_000. */
    unwindTimeoutMs: z._default(/* @__PURE__ */ PositiveDurationMsSchema.check(z.maximum(3_600_000)), 10_000),
    /**
     * How long an unwind sale waits for the leg's fills the venue reported unsettled ({@link Fill.unsettled}: a
     * Polymarket trade not on chain yet, whose shares it refuses to sell) to settle; then it is sent anyway.
     * Default 60_000.
     */
    unwindSettleTimeoutMs: z._default(
      /* @__PURE__ */ PositiveDurationMsSchema.check(z.maximum(3_600_000)),
      60_000,
    ),
    /** Called with every unwind or hedge order just before it is sent (e.g. to follow its fills). Default: none. */
    onSend: z.optional(z.custom<(intent: OrderIntent) => void>((v) => typeof v === 'function')),
    /** Builds the hedge order for a leg's exposure (used when `onFailure` is HEDGE). */
    hedge: z.optional(
      z.custom<(exposure: LegExposure) => OrderIntent | undefined>((v) => typeof v === 'function'),
    ),
  })
  .check(
    z.refine((c) => c.onFailure !== 'HEDGE' || c.hedge !== undefined, {
      message: 'onFailure HEDGE needs a hedge function',
      path: ['hedge'],
    }),
    z.refine(
      (c) => c.unwindSlippageCapBps === undefined || c.unwindSlippageCapBps >= c.maxUnwindSlippageBps,
      {
        message: 'unwindSlippageCapBps must be at least maxUnwindSlippageBps',
        path: ['unwindSlippageCapBps'],
      },
    ),
  )

/** What the {@link OrderGroup} constructor takes. */
export type OrderGroupConfig = z.input<typeof OrderGroupConfigSchema>

/**
 * Executes multi-leg orders (e.g. YES and NO of one Polymarket market, or spot vs perp) as a unit: legs are sent
 * concurrently; if any leg fails or is only partly filled within `legTimeoutMs`, the others are cancelled and the
 * filled quantity is unwound with a LIMIT IOC bounded by `maxUnwindSlippageBps` (or hedged, if configured); what an
 * unwind leaves is retried with a bound widened by `unwindRetryStepBps` up to `unwindSlippageCapBps`. The group
 * reports one outcome with each leg's fate: `FAILED` only when exposure is left after the widest bound.
 *
 * @example
 * ```ts
 * const group = new OrderGroup({ client: exec, instruments: [yes, no], legTimeoutMs: 5000 })
 * const out = await group.execute([buyYes, buyNo])
 * if (out.status !== 'COMPLETED') log.warn(out.legs.map((l) => l.fate))
 * ```
 */
export class OrderGroup {
  readonly #cfg: z.output<typeof OrderGroupConfigSchema>
  readonly #clock: Clock
  readonly #instruments = new Map<string, Instrument>()
  /** Fills of the group's orders the venue has not settled: an unwind waits for them, in `execute` and `rebalance`. */
  readonly #unsettled: UnsettledLegFills
  /** Fill keys of the leg reversals an outcome already counts (seen while unwinding, or passed to `rebalance`). */
  readonly #counted = new RecentIds<string>(MAX_COUNTED_REVERSALS)
  #seq = 0

  constructor(config: OrderGroupConfig) {
    this.#cfg = parseConfig(OrderGroupConfigSchema, config, 'OrderGroup')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#unsettled = new UnsettledLegFills(this.#cfg.client)
    for (const i of this.#cfg.instruments) this.#instruments.set(`${i.venue}\u0000${i.symbol}`, i)
  }

  /** Sends every leg at once and resolves with the group's outcome. Never rejects for a leg's failure. */
  async execute(legs: readonly OrderIntent[], groupId?: string): Promise<OrderGroupOutcome> {
    if (legs.length === 0)
      throw new ValidationError('An order group needs at least one leg', { field: 'legs' })
    const ids = new Set(legs.map((l) => l.clientOrderId))
    if (ids.size !== legs.length || ids.has('')) {
      throw new ValidationError('Every leg needs its own non-empty client order id', {
        field: 'clientOrderId',
      })
    }
    const gid = groupId ?? legs[0]?.groupId ?? `group-${this.#clock.now()}-${++this.#seq}`
    const watch = new Watcher(this.#cfg.client, this.#clock, this.#unsettled)
    try {
      for (const l of legs) watch.add(l.clientOrderId)
      const submitted = await Promise.all(
        legs.map(async (intent) => {
          try {
            const order = await this.#cfg.client.submit({ ...intent, groupId: gid })
            watch.seen(order)
            return { intent, order: watch.latest(intent.clientOrderId) ?? order }
          } catch (e) {
            return { intent, error: toTradekitError(e) }
          }
        }),
      )
      const anySubmitFailed = submitted.some((s) => s.error !== undefined)
      let finals: (Order | undefined)[]
      if (anySubmitFailed) {
        finals = submitted.map((s) =>
          s.error === undefined ? watch.latest(s.intent.clientOrderId) : undefined,
        )
      } else {
        // Wait until every leg filled, or one leg ended without filling (no point waiting for the others).
        const cids = submitted.map((s) => s.intent.clientOrderId)
        await watch.untilAll(
          cids,
          (os) =>
            os.every((o) => o?.status === 'FILLED') ||
            os.some((o) => o !== undefined && isTerminalStatus(o.status) && o.status !== 'FILLED'),
          this.#cfg.legTimeoutMs,
        )
        finals = cids.map((c) => watch.latest(c))
      }
      if (!anySubmitFailed && finals.every((o) => o?.status === 'FILLED')) {
        return {
          groupId: gid,
          status: 'COMPLETED',
          legs: submitted.map((s, i) => ({
            intent: s.intent,
            order: finals[i] as Order,
            fate: 'FILLED' as const,
            filledQty: (finals[i] as Order).filledQty,
            residualQty: new Decimal(0),
          })),
        }
      }
      // Failure: cancel what is still working, then deal with what filled.
      await Promise.all(
        submitted.map(async (s) => {
          const cur = watch.latest(s.intent.clientOrderId)
          if (s.error !== undefined || cur === undefined || isTerminalStatus(cur.status)) return
          try {
            watch.seen(await this.#cfg.client.cancel(s.intent.clientOrderId))
          } catch {
            // Learn the final state from events below.
          }
          await watch.until(
            s.intent.clientOrderId,
            (o) => isTerminalStatus(o.status),
            this.#cfg.unwindTimeoutMs,
          )
        }),
      )
      const outcomes: LegOutcome[] = []
      for (const s of submitted) {
        if (s.error !== undefined) {
          outcomes.push({
            intent: s.intent,
            fate: 'SUBMIT_FAILED',
            filledQty: new Decimal(0),
            residualQty: new Decimal(0),
            error: s.error,
          })
          continue
        }
        const order = watch.latest(s.intent.clientOrderId) as Order
        // A cancel never confirmed: the rest of the order may still fill, unhedged.
        const open = isTerminalStatus(order.status) ? undefined : order.qty.minus(order.filledQty)
        if (order.filledQty.isZero()) {
          const fate =
            order.status === 'REJECTED' ? 'REJECTED' : order.status === 'EXPIRED' ? 'EXPIRED' : 'CANCELED'
          outcomes.push({
            intent: s.intent,
            order,
            fate,
            filledQty: order.filledQty,
            residualQty: new Decimal(0),
            ...(open !== undefined ? { openQty: open } : {}),
          })
          continue
        }
        const { leg: done } = await this.#unwind(
          watch,
          s.intent,
          order,
          order.filledQty,
          oppositeSide(order.side),
        )
        outcomes.push(open !== undefined ? { ...done, openQty: open.plus(done.openQty ?? 0) } : done)
      }
      const residual = outcomes.some((o) => o.residualQty.gt(0) || o.openQty !== undefined)
      const hedged = outcomes.some((o) => o.fate === 'HEDGED')
      return { groupId: gid, status: residual ? 'FAILED' : hedged ? 'HEDGED' : 'UNWOUND', legs: outcomes }
    } finally {
      watch.close()
    }
  }

  /**
   * Re-balances a group after the venue reversed one of its fills (a Polymarket trade whose settlement FAILED): the
   * fill of a leg, or of an unwind order sent for a leg. Each leg is brought to the level the reversal left: for a
   * completed group, what the reversed leg still holds (the other legs are unwound down to it, so the group is not
   * left holding one side); for a failed group, flat (a leg the reversal left short of what its unwind sold is bought
   * back, a leg whose unwind was undone is unwound again). Unwinds are LIMIT IOCs bounded and retried as in `execute`
   * (or hedged). Pass the outcome of `execute`, or of the previous `rebalance`, and the reversed fill: with its
   * venue, symbol and trade id, a reversal the group counted already (one that came while an unwind waited to sell
   * that leg, or one passed before) is not counted twice. A leg reversed while this runs is not sold beyond what the
   * venue left it, and the legs are levelled again (a few rounds at most). Resolves with the new outcome: a leg whose
   * own fill was reversed is `REVERSED`, each leg has its `heldQty`; `FAILED` when the legs could not be brought level.
   *
   * @example
   * ```ts
   * // One rebalance at a time, each on the outcome of the one before (as the TradingEngine does).
   * let outcome = group.execute([buyYes, buyNo])
   * exec.events.on('fill.reversed', (e) => {
   *   outcome = outcome.then((o) => group.rebalance(o, e.fill)) // sells the NO shares the failed YES trade left
   * })
   * ```
   */
  async rebalance(
    outcome: OrderGroupOutcome,
    reversed: Pick<Fill, 'venue' | 'symbol' | 'tradeId' | 'clientOrderId' | 'qty'>,
  ): Promise<OrderGroupOutcome> {
    const cid = reversed.clientOrderId
    const ownFill = (l: LegOutcome) => l.intent.clientOrderId === cid
    const unwindOf = (l: LegOutcome) =>
      (l.unwindOrders ?? (l.unwindOrder !== undefined ? [l.unwindOrder] : [])).find(
        (o) => o.clientOrderId === cid,
      )
    const hit = outcome.legs.find((l) => ownFill(l) || unwindOf(l) !== undefined)
    if (hit === undefined || hit.order === undefined) {
      throw new ValidationError(`"${cid}" is not a leg or an unwind of this group`, {
        field: 'clientOrderId',
      })
    }
    const zero = new Decimal(0)
    // A reversal the outcome counts already (seen while the group unwound, or passed before) is not counted twice.
    const fresh = this.#counted.addNew(fillKey(reversed))
    // The leg's own fill, or a buy-back on its side, undone: it holds less; an unwind's sale undone: more.
    const sameSide = ownFill(hit) || unwindOf(hit)?.side === hit.order.side
    let legs: LegOutcome[] = outcome.legs.map((l) => {
      const h = l.heldQty ?? (l.fate === 'FILLED' ? l.filledQty : l.residualQty)
      if (l !== hit) return { ...l, heldQty: h }
      const heldQty = !fresh ? h : sameSide ? h.minus(reversed.qty) : h.plus(reversed.qty)
      return { ...l, fate: ownFill(l) ? ('REVERSED' as const) : l.fate, heldQty }
    })
    const watch = new Watcher(this.#cfg.client, this.#clock, this.#unsettled)
    try {
      // Reversals of any leg while this runs are counted (the leg is not sold beyond what the venue left it).
      for (const l of legs) if (l.order !== undefined) watch.add(l.intent.clientOrderId)
      let target = zero
      for (let round = 0; round < MAX_REBALANCE_ROUNDS; round++) {
        // A failed group's legs are flat or hold a residual; a completed one's hold their pairs: the level is the least.
        target = Decimal.max(zero, Decimal.min(...legs.map((l) => l.heldQty ?? zero)))
        const r = await this.#level(watch, legs, target, `r${++this.#seq}`)
        legs = r.legs
        // Another round only for a reversal counted meanwhile, never beside an order that may still fill.
        if (!r.counted || isLevel(legs, target) || legs.some((l) => l.openQty !== undefined)) break
      }
      const hedged = legs.some((l) => l.fate === 'HEDGED')
      return {
        groupId: outcome.groupId,
        // A hedge that filled leaves its leg at the level: a leg off it (a hedge or unwind short) is exposure.
        status: !isLevel(legs, target) ? 'FAILED' : hedged ? 'HEDGED' : 'UNWOUND',
        legs,
      }
    } finally {
      watch.close()
    }
  }

  /**
   * One round of `rebalance`: unwinds each leg's excess over `target` (buys back a shortfall). `counted`: whether a
   * leg's reversal seen meanwhile was counted (its holding then may be below the level: another round).
   */
  async #level(
    watch: Watcher,
    legs: readonly LegOutcome[],
    target: Decimal,
    tag: string,
  ): Promise<{ legs: LegOutcome[]; counted: boolean }> {
    const zero = new Decimal(0)
    const out: LegOutcome[] = []
    let counted = false
    for (const leg of legs) {
      const now = leg.heldQty ?? zero
      const excess = now.minus(target)
      if (excess.isZero() || leg.order === undefined) {
        out.push({ ...leg, residualQty: zero })
        continue
      }
      const order = leg.order
      // Over target: sell (or buy back a short leg) down to it; under target (a short left by a reversal): buy back.
      const side = excess.gt(0) ? oppositeSide(order.side) : order.side
      const earlier = (leg.unwindOrders ?? []).map((o) => o.clientOrderId)
      const { leg: done, lost } = await this.#unwind(
        watch,
        leg.intent,
        order,
        excess.abs(),
        side,
        tag,
        earlier,
      )
      if (lost.gt(0)) counted = true
      // What the unwind moved (what it set out to move, less what is left), and what the venue took back meanwhile.
      const moved = Decimal.max(excess.abs().minus(lost), zero).minus(done.residualQty)
      const heldQty = excess.gt(0) ? now.minus(lost).minus(moved) : now.plus(moved)
      const unwindOrders = [...(leg.unwindOrders ?? []), ...(done.unwindOrders ?? [])]
      // An earlier order of the leg whose cancel was never confirmed may still fill: it stays reported.
      const openQty = leg.openQty === undefined ? done.openQty : leg.openQty.plus(done.openQty ?? zero)
      out.push({
        ...done,
        fate: leg.fate === 'REVERSED' || lost.gt(0) ? 'REVERSED' : done.fate, // its own fill reversed meanwhile
        filledQty: order.filledQty,
        heldQty,
        ...(unwindOrders.length > 0 ? { unwindOrders } : {}),
        ...(openQty !== undefined ? { openQty } : {}),
      })
    }
    return { legs: out, counted }
  }

  /**
   * Takes `qty` of a leg's exposure off with `side` orders: the hedge (once), or LIMIT IOC unwinds, the first bounded by
   * `maxUnwindSlippageBps`, each retry by `unwindRetryStepBps` more, up to `unwindSlippageCapBps`, until nothing is left.
   */
  async #unwind(
    watch: Watcher,
    intent: OrderIntent,
    order: Order,
    qty: Decimal,
    side: Order['side'],
    tag = 'u',
    earlier: readonly string[] = [],
  ): Promise<{ leg: LegOutcome; lost: Decimal }> {
    const filled = order.filledQty
    const none = new Decimal(0)
    // The hedge covers what is to be taken off now (all of the leg in `execute`, the excess in `rebalance`); a leg short
    // of the level (a reversal took more than its unwind left) is bought back, not hedged the same way as an excess.
    if (this.#cfg.onFailure === 'HEDGE' && side !== order.side)
      return { leg: await this.#hedge(watch, intent, { ...order, filledQty: qty }), lost: none }
    const { maxUnwindSlippageBps: first, unwindRetryStepBps: step } = this.#cfg
    const cap = this.#cfg.unwindSlippageCapBps ?? Math.max(DEFAULT_UNWIND_CAP_BPS, first)
    // Selling what the leg bought: shares of a trade the venue has not settled (the leg's, or a buy-back's) cannot be
    // sold yet, a sale now would only be refused. What it reversed of the leg meanwhile (a failed settlement took the
    // shares back) is not there to sell: counted here, once (a `rebalance` passed the same fill later does not count
    // it again). A sell leg's reversal gives shares back: left to the `rebalance` of that fill.
    const sellsBought = side === 'SELL' && order.side === 'BUY'
    const cids = [order.clientOrderId, ...earlier]
    if (sellsBought) await watch.settled(cids, this.#cfg.unwindSettleTimeoutMs)
    const gone = sellsBought ? watch.takeReversed(order.clientOrderId) : []
    for (const f of gone) this.#counted.add(fillKey(f))
    const lost = gone.reduce((sum, f) => sum.plus(f.qty), none)
    const sent: Order[] = []
    let residual = Decimal.max(qty.minus(lost), 0)
    let open: Decimal | undefined
    let error: TradekitError | undefined
    for (let bps = first, n = 1; residual.gt(0); n++) {
      let req: OrderIntent | undefined
      try {
        req = this.#unwindIntent(intent, order, { qty: residual, side, bps }, n === 1 ? tag : `${tag}${n}`)
      } catch (e) {
        error = toTradekitError(e)
      }
      if (req === undefined || req.qty.lte(0)) break
      const r = await this.#send(watch, req)
      if (r.error !== undefined) error = r.error
      if (r.done !== undefined) sent.push(r.done)
      residual = Decimal.max(residual.minus(r.done?.filledQty ?? 0), new Decimal(0))
      // An unwind not known final may still fill: a retry beside it could sell the leg twice. Stop and report it.
      if (r.open !== undefined) {
        open = r.open
        break
      }
      if (bps >= cap || step <= 0) break
      bps = Math.min(cap, bps + step)
    }
    const last = sent.at(-1)
    const leg: LegOutcome = {
      intent,
      order,
      fate: residual.isZero() ? 'UNWOUND' : 'PARTIALLY_UNWOUND',
      filledQty: filled,
      ...(last !== undefined ? { unwindOrder: last, unwindOrders: sent } : {}),
      residualQty: residual,
      ...(open !== undefined ? { openQty: open } : {}),
      ...(error ? { error } : {}),
    }
    return { leg, lost }
  }

  /** The configured hedge for a leg's filled quantity. */
  async #hedge(watch: Watcher, intent: OrderIntent, order: Order): Promise<LegOutcome> {
    const filled = order.filledQty
    let req: OrderIntent | undefined
    let error: TradekitError | undefined
    try {
      req = this.#cfg.hedge?.({ intent, order, filledQty: filled })
    } catch (e) {
      error = toTradekitError(e)
    }
    const r: SendResult = req === undefined ? {} : await this.#send(watch, req)
    const done = r.done
    const fate = req !== undefined && done?.filledQty.gte(req.qty) === true ? 'HEDGED' : 'PARTIALLY_UNWOUND'
    error ??= r.error
    return {
      intent,
      order,
      fate,
      filledQty: filled,
      ...(done ? { unwindOrder: done, unwindOrders: [done] } : {}),
      residualQty: fate === 'HEDGED' ? new Decimal(0) : filled,
      ...(r.open !== undefined ? { openQty: r.open } : {}),
      ...(error ? { error } : {}),
    }
  }

  /**
   * Sends one unwind or hedge order and waits (bounded) for its final state. One still open after `unwindTimeoutMs`
   * (or whose submit outcome is unknown) is cancelled and awaited once more; if it still is not final, `open` says
   * how much of it may yet fill.
   */
  async #send(watch: Watcher, req: OrderIntent): Promise<SendResult> {
    const cid = req.clientOrderId
    const final = (o: Order) => isTerminalStatus(o.status)
    watch.add(cid)
    let error: TradekitError | undefined
    try {
      this.#cfg.onSend?.(req)
    } catch {
      // A host's hook never keeps an unwind from being sent.
    }
    try {
      watch.seen(await this.#cfg.client.submit(req))
      await watch.until(cid, final, this.#cfg.unwindTimeoutMs)
    } catch (e) {
      error = toTradekitError(e)
    }
    let done = watch.latest(cid)
    // Nothing tracked after a failed submit: nothing was sent, unless the venue's answer was lost.
    const unknown = done === undefined && error?.code === 'ORDER_OUTCOME_UNKNOWN'
    if ((done !== undefined && !final(done)) || unknown) {
      try {
        watch.seen(await this.#cfg.client.cancel(cid))
      } catch {
        // Learn the final state from events below.
      }
      done = await watch.until(cid, final, this.#cfg.unwindTimeoutMs)
    }
    const open =
      done === undefined
        ? unknown
          ? req.qty
          : undefined
        : final(done)
          ? undefined
          : done.qty.minus(done.filledQty)
    return {
      ...(done !== undefined ? { done } : {}),
      ...(open !== undefined ? { open } : {}),
      ...(error !== undefined ? { error } : {}),
    }
  }

  /** A LIMIT IOC of `qty` on `side`, priced at the leg's average fill moved by at most `bps`. */
  #unwindIntent(
    intent: OrderIntent,
    order: Order,
    what: { qty: Decimal; side: Order['side']; bps: number },
    tag: string,
  ): OrderIntent {
    const inst = this.#instruments.get(`${order.venue}\u0000${order.symbol}`)
    const avg = order.avgFillPrice ?? order.price
    if (avg === undefined)
      throw new ValidationError(`No fill price to unwind "${order.clientOrderId}" against`)
    const { side } = what
    const slip = new Decimal(what.bps).div(10_000)
    let price = side === 'SELL' ? avg.times(new Decimal(1).minus(slip)) : avg.times(slip.plus(1))
    let qty = what.qty
    if (inst !== undefined) {
      // Round toward the fill so the bound is never exceeded.
      price = roundToIncrement(price, inst.tickSize, side === 'SELL' ? 'UP' : 'DOWN')
      if (inst.kind === 'outcome') {
        price = Decimal.min(Decimal.max(price, inst.tickSize), new Decimal(1).minus(inst.tickSize))
      }
      qty = roundToStep(qty, inst.stepSize)
    }
    const cid = `${order.clientOrderId}-${tag}`
    return {
      clientOrderId: cid.length <= 36 ? cid : `u-${this.#clock.now().toString(36)}-${++this.#seq}`,
      venue: order.venue,
      symbol: order.symbol,
      side,
      type: 'LIMIT',
      qty,
      price,
      timeInForce: 'IOC',
      // A buy-back of an over-sold leg opens nothing on a perpetual either: it only closes the short the unwind left.
      ...(inst?.kind === 'perpetual' && side !== order.side ? { reduceOnly: true } : {}),
      strategyId: intent.strategyId,
      ...(intent.groupId !== undefined ? { groupId: intent.groupId } : {}),
    }
  }
}

/** What {@link OrderGroup}'s `#send` learned of one unwind or hedge order. */
interface SendResult {
  /** Its latest state (final unless `open` is set). */
  readonly done?: Order
  /** Set when it is still not final after its cancel: how much of it may yet fill. */
  readonly open?: Decimal
  readonly error?: TradekitError
}

/** Whether every leg holds `target` and no order of the group may still fill (a cancel never confirmed). */
function isLevel(legs: readonly LegOutcome[], target: Decimal): boolean {
  return legs.every((l) => (l.heldQty ?? target).eq(target) && l.openQty === undefined)
}

/**
 * Follows the client's events for a set of client order ids (and their fills the venue has not settled yet); lets
 * callers wait for a condition with a timeout.
 */
class Watcher {
  readonly #clock: Clock
  readonly #unsettled: UnsettledLegFills
  readonly #latest = new Map<string, Order>()
  readonly #waiters = new Map<string, Set<() => void>>()
  /** Per watched order: its fills the venue reversed since the watch began, not yet taken. */
  readonly #reversed = new Map<string, Fill[]>()
  readonly #detach: () => void

  /** `unsettled`: the group's unsettled fills, followed across its `execute` and `rebalance` calls. */
  constructor(client: ExecutionClient, clock: Clock, unsettled: UnsettledLegFills) {
    this.#clock = clock
    this.#unsettled = unsettled
    const release = unsettled.hold()
    const wake = (cid: string) => {
      for (const f of [...(this.#waiters.get(cid) ?? [])]) f()
    }
    const offSettled = unsettled.onSettled(wake)
    const on = (e: { order: Order }) => this.seen(e.order)
    const offOrders = subscribeAll(client.events, ORDER_EVENTS, on)
    const offReversed = subscribe(client.events, {
      'fill.reversed': (e: { fill: Fill }) => {
        const cid = e.fill.clientOrderId
        if (this.#waiters.has(cid)) this.#reversed.set(cid, [...(this.#reversed.get(cid) ?? []), e.fill])
      },
    })
    this.#detach = () => {
      offOrders()
      offReversed()
      offSettled()
      release()
    }
  }

  /** `cid`'s fills the venue reversed since the watch began (or since the last take), taken: the next take omits them. */
  takeReversed(cid: string): Fill[] {
    const fills = this.#reversed.get(cid) ?? []
    this.#reversed.delete(cid)
    return fills
  }

  /** Resolves once no fill of `cids` is unsettled (at once when none is), or after `timeoutMs`. */
  settled(cids: readonly string[], timeoutMs: number): Promise<void> {
    return this.untilAll(cids, () => cids.every((c) => !this.#unsettled.has(c)), timeoutMs)
  }

  /** Watches `cid` (a leg or an unwind order), its fills included. */
  add(cid: string): void {
    this.#unsettled.follow(cid)
    if (!this.#waiters.has(cid)) this.#waiters.set(cid, new Set())
  }

  seen(order: Order): void {
    const w = this.#waiters.get(order.clientOrderId)
    if (w === undefined) return
    const prev = this.#latest.get(order.clientOrderId)
    // Keep the most advanced view: terminal beats open, more filled beats less.
    if (prev !== undefined && isTerminalStatus(prev.status) && !isTerminalStatus(order.status)) return
    if (prev?.filledQty.gt(order.filledQty) === true) return
    this.#latest.set(order.clientOrderId, order)
    for (const f of [...w]) f()
  }

  latest(cid: string): Order | undefined {
    return this.#latest.get(cid)
  }

  /** Resolves with the order once `pred` holds, or with its latest state after `timeoutMs`. */
  until(cid: string, pred: (o: Order) => boolean, timeoutMs: number): Promise<Order | undefined> {
    const now = this.#latest.get(cid)
    if (now !== undefined && pred(now)) return Promise.resolve(now)
    return new Promise((resolve) => {
      const set = this.#waiters.get(cid) ?? new Set()
      this.#waiters.set(cid, set)
      let timer: TimerHandle | undefined
      const check = () => {
        const o = this.#latest.get(cid)
        if (o !== undefined && pred(o)) finish()
      }
      const finish = () => {
        set.delete(check)
        this.#clock.clearTimeout(timer)
        resolve(this.#latest.get(cid))
      }
      set.add(check)
      timer = this.#clock.setTimeout(finish, timeoutMs)
    })
  }

  /** Resolves once `pred` holds over the latest states of `cids`, or after `timeoutMs`. */
  untilAll(
    cids: readonly string[],
    pred: (orders: (Order | undefined)[]) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    const states = () => cids.map((c) => this.#latest.get(c))
    if (pred(states())) return Promise.resolve()
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined
      const finish = () => {
        for (const c of cids) this.#waiters.get(c)?.delete(check)
        this.#clock.clearTimeout(timer)
        resolve()
      }
      const check = () => {
        if (pred(states())) finish()
      }
      for (const c of cids) {
        const set = this.#waiters.get(c) ?? new Set()
        this.#waiters.set(c, set)
        set.add(check)
      }
      timer = this.#clock.setTimeout(finish, timeoutMs)
    })
  }

  close(): void {
    this.#detach()
  }
}
