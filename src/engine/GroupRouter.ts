import { BoundedMap } from '../core/BoundedMap.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { ExecutionClient, MarketSnapshot, OrderIntent, Signal } from '../core/ports.js'
import type { Fill, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { StateError, type TradekitError, toTradekitError } from '../errors/index.js'
import type { Result } from '../errors/result.js'
import { OrderGroup, type OrderGroupOutcome } from '../execution/index.js'

/** Emitted when a multi-leg group finished. */
export interface GroupCompletedEvent {
  readonly type: 'engine.groupCompleted'
  readonly outcome: OrderGroupOutcome
  readonly tsEvent: number
}

/**
 * Emitted when a completed group was re-balanced because the venue reversed a fill of one leg (a failed Polymarket
 * settlement): the other legs were unwound down to what the reversed leg still holds (see `OrderGroup.rebalance`).
 */
export interface GroupRebalancedEvent {
  readonly type: 'engine.groupRebalanced'
  readonly outcome: OrderGroupOutcome
  /** The reversed fill. */
  readonly fill: Fill
  readonly tsEvent: number
}

/** One leg's exposure left by a group that could not be brought flat (or level). */
export interface GroupExposure {
  readonly venue: string
  readonly symbol: string
  /** The leg's client order id. */
  readonly clientOrderId: string
  /** Quantity still held beyond the group's level (negative: short of it). */
  readonly qty: Decimal
  /** Quantity that may still fill: the leg's order, or its unwind, is open and its cancel was never confirmed. */
  readonly openQty?: Decimal
}

/**
 * Emitted when a group ended with exposure that its unwinds, retried up to the widest bound, could not remove (or a
 * re-balance could not level): an alert for a human. The instruments of `exposures` were set `HALTED` in the
 * RiskManager (`GROUP_ESCALATED`) until someone resumes them with `risk.setInstrumentState(venue, symbol, 'ACTIVE')`.
 */
export interface GroupEscalatedEvent {
  readonly type: 'engine.groupEscalated'
  readonly outcome: OrderGroupOutcome
  readonly exposures: readonly GroupExposure[]
  readonly tsEvent: number
}

/** Unwind settings of every {@link OrderGroup} the engine runs; OrderGroup's defaults when absent. */
export interface GroupUnwindSettings {
  readonly legTimeoutMs?: number
  readonly maxUnwindSlippageBps?: number
  readonly unwindRetryStepBps?: number
  readonly unwindSlippageCapBps?: number
  readonly unwindSettleTimeoutMs?: number
}

/** What {@link GroupRouter} needs from its host (the engine): routing, the market-data gate, risk, and where results go. */
export interface GroupRouterConfig {
  readonly clock: Clock
  readonly logger: Logger
  /** Per-leg timeout, unwind bound and its retries of every {@link OrderGroup}; OrderGroup's defaults when absent. */
  readonly groups?: GroupUnwindSettings
  /** The executor that trades a venue, if any. */
  readonly executorFor: (venue: string) => ExecutionClient | undefined
  /** The instrument of `venue:symbol`. */
  readonly instrument: (venue: string, symbol: string) => Instrument | undefined
  /** The market data one leg needs; `undefined` (after denying it, `NO_MARKET_DATA`) when there is none. */
  readonly gate: (signal: Signal) => MarketSnapshot | undefined
  /** The RiskManager's group decision. */
  readonly evaluateGroup: (
    legs: ReadonlyArray<{ signal: Signal; market: MarketSnapshot }>,
  ) => Result<OrderIntent[], ReadonlyArray<{ readonly code: string; readonly message: string }>>
  /** Emits `order.denied` for a leg. */
  readonly deny: (signal: Signal, code: string, reason: string) => void
  /** Called for every intent sent, before it is sent (order → strategy routing). */
  readonly sending: (intent: OrderIntent) => void
  /** Keeps a promise in the set `stop()` waits for. */
  readonly track: (p: Promise<unknown>) => void
  readonly onCompleted: (e: GroupCompletedEvent) => void
  readonly onRebalanced: (e: GroupRebalancedEvent) => void
  /** A group was left with exposure: raise the alert. */
  readonly onEscalated: (e: GroupEscalatedEvent) => void
  /** Stops trading an instrument a group left exposed (the engine: `risk.setInstrumentState(…, 'HALTED')`). */
  readonly restrict: (venue: string, symbol: string, reason: string) => void
  readonly onError: (e: TradekitError) => void
}

/** A group the router sent, followed for fill reversals after it completed (bounded, oldest dropped). */
interface SentGroup {
  readonly group: OrderGroup
  outcome: OrderGroupOutcome | undefined
  /** Reversals that arrived before `execute` resolved. */
  readonly early: Fill[]
  /** Rebalances of one group run one after the other. */
  chain: Promise<void>
}

/** Legs of sent groups remembered by default, to re-balance them on a reversal. */
const MAX_GROUP_LEGS = 2_000

/**
 * Multi-leg signals (sharing a `groupId`): buffers the legs emitted in one event, then sends them all or none through
 * one {@link OrderGroup} on the one executor of their venue (`GROUP_UNROUTABLE` across venues, `NO_EXECUTOR`
 * without one; a leg without market data or refused by risk, e.g. on a restricted instrument, denies every leg), each leg at the smallest approved quantity. A
 * group whose fill (of a leg or of an unwind) the venue later reverses is re-balanced, completed or failed. A group
 * left with exposure is escalated: `engine.groupEscalated` and its instruments restricted. Once {@link GroupRouter.close}d
 * (the engine stopping) it sends nothing new: buffered legs are denied `ENGINE_STOPPING`, and a reversal is not
 * re-balanced but reported (`onError`) and its group's instruments restricted.
 */
export class GroupRouter {
  readonly #cfg: GroupRouterConfig
  readonly #pending = new Map<string, Signal[]>()
  readonly #legs: BoundedMap<string, SentGroup>
  /** Set by `close`: the engine is stopping, nothing new is sent. */
  #closed = false

  constructor(config: GroupRouterConfig, maxLegs = MAX_GROUP_LEGS) {
    this.#cfg = config
    this.#legs = new BoundedMap(maxLegs)
  }

  /** Buffers one leg of group `groupId` (its `signal.groupId`); the group is sent after the current event (a microtask), with every leg emitted by then. */
  add(s: Signal, groupId: string): void {
    let legs = this.#pending.get(groupId)
    if (legs === undefined) {
      legs = []
      this.#pending.set(groupId, legs)
      queueMicrotask(() => this.#flush(groupId))
    }
    legs.push(s)
  }

  /**
   * The engine is stopping (its in-flight wait may be over): legs still buffered are denied `ENGINE_STOPPING` when
   * their group flushes, and a reversal is no longer re-balanced (no unwind sent to an executor shutting down): it is
   * reported and its group's instruments set HALTED. Groups already executing or re-balancing go on. Final.
   */
  close(): void {
    this.#closed = true
  }

  /** A fill was reversed: if it belongs to a sent group, re-balance the group (after `execute`, one at a time). */
  onFillReversed(fill: Fill): void {
    const sent = this.#legs.get(fill.clientOrderId)
    if (sent === undefined) return
    if (sent.outcome === undefined) sent.early.push(fill)
    else this.#rebalance(sent, fill)
  }

  #flush(groupId: string): void {
    const legs = this.#pending.get(groupId) ?? []
    this.#pending.delete(groupId)
    if (legs.length === 0) return
    if (this.#closed) {
      for (const l of legs)
        this.#cfg.deny(l, 'ENGINE_STOPPING', `The engine is stopping: group "${groupId}" not sent`)
      return
    }
    const ex = this.#route(groupId, legs)
    if (ex === undefined) return
    const intents = this.#approve(groupId, legs)
    if (intents === undefined) return
    // Every leg gets the smallest approved quantity so the group stays balanced.
    const qty = Decimal.min(...intents.map((i) => i.qty))
    const balanced = intents.map((i) => ({ ...i, qty }))
    for (const i of balanced) this.#cfg.sending(i)
    this.#send(groupId, ex, balanced)
  }

  /** One OrderGroup drives one executor: legs on several venues cannot be sent as a group. */
  #route(groupId: string, legs: readonly Signal[]): ExecutionClient | undefined {
    const venues = new Set(legs.map((l) => l.venue))
    const first = legs[0]?.venue ?? ''
    const ex = venues.size === 1 ? this.#cfg.executorFor(first) : undefined
    if (ex !== undefined) return ex
    const why =
      venues.size === 1 ? `No executor trades on venue "${first}"` : `Group "${groupId}" spans several venues`
    for (const l of legs) this.#cfg.deny(l, venues.size === 1 ? 'NO_EXECUTOR' : 'GROUP_UNROUTABLE', why)
    return undefined
  }

  /**
   * All or none: a leg without market data or refused by the RiskManager (a restricted instrument included) drops the
   * group; nothing is sent or counted. Each leg is judged at the time of the data it was decided on
   * ({@link atLegTime}).
   */
  #approve(groupId: string, legs: readonly Signal[]): OrderIntent[] | undefined {
    const gated: Array<{ signal: Signal; market: MarketSnapshot }> = []
    const now = this.#cfg.clock.now()
    for (const signal of legs) {
      const market = this.#cfg.gate(signal)
      if (market === undefined) {
        for (const other of legs) {
          if (other !== signal)
            this.#cfg.deny(other, 'GROUP_DENIED', `Another leg of group "${groupId}" was refused`)
        }
        return undefined
      }
      gated.push({ signal, market: atLegTime(signal, market, now) })
    }
    const decided = this.#cfg.evaluateGroup(gated)
    if (decided.ok) return decided.value
    for (const [i, r] of decided.error.entries()) {
      const leg = legs[i]
      if (leg !== undefined) this.#cfg.deny(leg, r.code, r.message)
    }
    return undefined
  }

  #send(groupId: string, ex: ExecutionClient, balanced: OrderIntent[]): void {
    const g = this.#cfg.groups
    const group: OrderGroup = new OrderGroup({
      client: ex,
      clock: this.#cfg.clock,
      // Unwind ids are followed from the moment they are sent: a reversal may arrive before `execute` resolves.
      onSend: (i) => this.#remember(sent, [i.clientOrderId]),
      instruments: balanced.flatMap((i) => {
        const inst = this.#cfg.instrument(i.venue, i.symbol)
        return inst === undefined ? [] : [inst]
      }),
      ...(g?.legTimeoutMs !== undefined ? { legTimeoutMs: g.legTimeoutMs } : {}),
      ...(g?.maxUnwindSlippageBps !== undefined ? { maxUnwindSlippageBps: g.maxUnwindSlippageBps } : {}),
      ...(g?.unwindRetryStepBps !== undefined ? { unwindRetryStepBps: g.unwindRetryStepBps } : {}),
      ...(g?.unwindSlippageCapBps !== undefined ? { unwindSlippageCapBps: g.unwindSlippageCapBps } : {}),
      ...(g?.unwindSettleTimeoutMs !== undefined ? { unwindSettleTimeoutMs: g.unwindSettleTimeoutMs } : {}),
    })
    const sent: SentGroup = { group, outcome: undefined, early: [], chain: Promise.resolve() }
    this.#remember(
      sent,
      balanced.map((i) => i.clientOrderId),
    )
    this.#cfg.track(
      group.execute(balanced, groupId).then(
        (outcome) => {
          this.#cfg.onCompleted({ type: 'engine.groupCompleted', outcome, tsEvent: this.#cfg.clock.now() })
          sent.outcome = outcome
          this.#settled(sent, outcome)
          // A reversal of a failed group's fill (or of its unwind's) re-balances it to flat, like a completed one's.
          for (const f of sent.early.splice(0)) this.#rebalance(sent, f)
        },
        (e: unknown) => this.#cfg.onError(toTradekitError(e)),
      ),
    )
  }

  /** Follows `cids` (legs and unwind orders) for reversals; the oldest are forgotten past the bound. */
  #remember(sent: SentGroup, cids: readonly string[]): void {
    for (const c of cids) this.#legs.set(c, sent)
  }

  /** After `execute` or `rebalance`: follow the unwind orders too, and escalate exposure that is left. */
  #settled(sent: SentGroup, outcome: OrderGroupOutcome): void {
    this.#remember(
      sent,
      outcome.legs.flatMap((l) => (l.unwindOrders ?? []).map((o) => o.clientOrderId)),
    )
    if (outcome.status !== 'FAILED') return
    const exposures: GroupExposure[] = []
    // After a re-balance every leg has its `heldQty` and the level is the least of them (never below flat).
    const helds = outcome.legs.flatMap((l) => (l.heldQty === undefined ? [] : [l.heldQty]))
    const level = helds.length > 0 ? Decimal.max(Decimal.min(...helds), new Decimal(0)) : undefined
    for (const l of outcome.legs) {
      const qty = l.heldQty !== undefined && level !== undefined ? l.heldQty.minus(level) : l.residualQty
      // A leg (or unwind) whose cancel was never confirmed may still fill: `openQty` more is possible exposure.
      if (qty.isZero() && l.openQty === undefined) continue
      exposures.push({
        venue: l.intent.venue,
        symbol: l.intent.symbol,
        clientOrderId: l.intent.clientOrderId,
        qty,
        ...(l.openQty !== undefined ? { openQty: l.openQty } : {}),
      })
    }
    const reason = `Group "${outcome.groupId}" left exposure its unwinds could not remove`
    this.#cfg.logger.error({ groupId: outcome.groupId, exposures: exposures.length }, reason)
    for (const k of new Set(exposures.map((x) => `${x.venue}\u0000${x.symbol}`))) {
      const [venue, symbol] = k.split('\u0000') as [string, string]
      this.#cfg.restrict(venue, symbol, reason)
    }
    this.#cfg.onEscalated({
      type: 'engine.groupEscalated',
      outcome,
      exposures,
      tsEvent: this.#cfg.clock.now(),
    })
  }

  #rebalance(sent: SentGroup, fill: Fill): void {
    if (this.#closed) {
      this.#refuseRebalance(sent.outcome as OrderGroupOutcome, fill)
      return
    }
    const run = sent.chain.then(async () => {
      const before = sent.outcome as OrderGroupOutcome
      this.#cfg.logger.warn(
        { groupId: before.groupId, clientOrderId: fill.clientOrderId, qty: fill.qty.toString() },
        'group leg reversed by the venue: re-balancing the other legs',
      )
      const outcome = await sent.group.rebalance(before, fill)
      sent.outcome = outcome
      this.#cfg.onRebalanced({
        type: 'engine.groupRebalanced',
        outcome,
        fill,
        tsEvent: this.#cfg.clock.now(),
      })
      this.#settled(sent, outcome)
    })
    sent.chain = run.catch((e: unknown) => this.#cfg.onError(toTradekitError(e)))
    this.#cfg.track(sent.chain)
  }

  /** Stopping: a reversed fill's group stays unbalanced. Reported, and its instruments HALTED until a human looks. */
  #refuseRebalance(outcome: OrderGroupOutcome, fill: Fill): void {
    const { groupId } = outcome
    const reason = `Group "${groupId}" not re-balanced after the venue reversed a fill of "${fill.clientOrderId}": the engine is stopping`
    const details = { groupId, clientOrderId: fill.clientOrderId, qty: fill.qty.toString() }
    this.#cfg.logger.error(details, reason)
    for (const k of new Set(outcome.legs.map((l) => `${l.intent.venue}\u0000${l.intent.symbol}`))) {
      const [venue, symbol] = k.split('\u0000') as [string, string]
      this.#cfg.restrict(venue, symbol, reason)
    }
    this.#cfg.onError(new StateError(reason, { details }))
  }
}

/**
 * A leg's market data as old as the data its strategy decided on. The legs of a group are priced together from books
 * of different times (an arbitrage pairs a fresh book with the other side's last one, and stamps its legs with the
 * older); the cache's price time of an instrument may be fresher than that book (a trade since). So a leg whose signal
 * time lies further back than its cached price time is off from now is judged at its signal time: the RiskManager's
 * `maxDataAgeMs` then sees the stalest book the group used, and a price stamped further ahead still fails the clock
 * skew check.
 *
 * @example
 * ```ts
 * atLegTime({ ...leg, tsEvent: 0 }, { ...market, priceTs: 58_000 }, 60_000).priceTs // 0: 60 s old, STALE_MARKET_DATA
 * ```
 */
export function atLegTime(signal: Signal, market: MarketSnapshot, now: number): MarketSnapshot {
  return now - signal.tsEvent > Math.abs(now - market.priceTs)
    ? { ...market, priceTs: signal.tsEvent }
    : market
}
