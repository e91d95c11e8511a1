import * as z from 'zod/mini'
import { type Clock, SystemClock, type TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, subscribe, TypedEmitter } from '../core/events.js'
import type { ExecutionClient, OrderBatching, OrderIntent } from '../core/ports.js'
import type { QuoteLevel, QuoteTargets } from '../core/quotes.js'
import { ClockSchema, DurationMsSchema } from '../core/schemas.js'
import type { Instrument, Order, Side } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { StateError, type TradekitError, toTradekitError } from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import { diffQuotes, type RestingQuote } from './quotes/diffQuotes.js'
import { normalizeQuote } from './quotes/normalizeQuote.js'

/** Schema of {@link QuoteManagerConfig}; defaults are applied here. */
export const QuoteManagerConfigSchema = z.strictObject({
  /** The executor that places and cancels the quotes (PaperTrader, OrderExecutor); its fills are watched. */
  client: z.custom<ExecutionClient>(
    (v) => typeof v === 'object' && v !== null && 'submit' in v && 'cancel' in v && 'events' in v,
    'Expected an ExecutionClient',
  ),
  /** The instrument rules (tick, step, min sizes) of a symbol, read at every refresh (a tick change re-quotes). */
  instrument: z.custom<(venue: string, symbol: string) => Instrument | undefined>(
    (v) => typeof v === 'function',
  ),
  /** Time source. Default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** Price drift tolerated before a quote is replaced, in ticks. Default 0 (with `toleranceBps` 0: exact price). */
  toleranceTicks: z._default(/* @__PURE__ */ z.int().check(z.minimum(0)), 0),
  /** Price drift tolerated before a quote is replaced, in basis points of the target price. Default 0. */
  toleranceBps: z._default(/* @__PURE__ */ z.number().check(z.minimum(0)), 0),
  /**
   * Relative size difference tolerated (a partly filled quote within it is kept; on spot and outcome tokens, as for
   * `minOrderAgeMs`, only a quote no larger than its target, which the account's funds were checked for). Default 0.1.
   */
  sizeTolerance: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0.1),
  /** A quote younger than this is not replaced when its target drifts (no churn). Default 0. */
  minOrderAgeMs: z._default(DurationMsSchema, 0),
  /**
   * A pulled quote whose cancel failed (a lost answer, an order whose placement is still being looked up) is cancelled
   * again at this interval until it is gone, at most `pullRetries` times. Default 500.
   */
  pullRetryMs: z._default(DurationMsSchema, 500),
  /** How many times a pulled quote's failed cancel is retried (see `pullRetryMs`). Default 60 (30 s). */
  pullRetries: z._default(/* @__PURE__ */ z.int().check(z.minimum(0)), 60),
  /** Send quotes post-only (Binance LIMIT_MAKER / GTX, Polymarket postOnly). Default true. */
  postOnly: z._default(z.boolean(), true),
  /** Prefix of the quotes' client order ids (letters, digits; ≤ 8). Default `q`. */
  clientOrderIdPrefix: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[A-Za-z0-9]{1,8}$/)), 'q'),
  /** Called with each quote's client order id and strategy id before it is sent (the engine routes fills by it). */
  onSubmit: z.optional(
    z.custom<(clientOrderId: string, strategyId: string) => void>((v) => typeof v === 'function'),
  ),
})

/** What {@link QuoteManager} takes (defaults documented on {@link QuoteManagerConfigSchema}). */
export type QuoteManagerConfig = z.input<typeof QuoteManagerConfigSchema>

/** What one refresh did. */
export interface QuoteRefreshReport {
  readonly strategyId: string
  readonly venue: string
  /** Client order ids of the quotes placed. */
  readonly placed: readonly string[]
  /** Client order ids of the quotes cancelled. */
  readonly canceled: readonly string[]
  /** Client order ids of the quotes left resting. */
  readonly kept: readonly string[]
  /** Client order ids of the quotes changed in place (same id: a venue whose replace is an amendment, USD-M). */
  readonly amended: readonly string[]
  /**
   * Stated levels not quoted because, on the instrument's grid, they fall under its minimum quantity or notional or
   * outside its price bounds (e.g. 0.002 BTC under 50 000 on Binance USD-M, whose BTCUSDT needs 100 USDT an order).
   */
  readonly dropped: readonly QuoteLevel[]
  /**
   * Stated levels not placed because a quote of ours on their instrument and side filled after the set was approved
   * (the set was sized for the position before that fill): the strategy's next set, approved against the new
   * position, places them. A bid's fill holds back bids, an ask's asks (and, in an outcome pair, the other token's
   * side that adds the same exposure); the other side only gained room.
   */
  readonly withheld: readonly QuoteLevel[]
  /** Why nothing was placed (`halted`), when so. */
  readonly skipped?: string
  readonly tsEvent: number
}

/** What a pull did. */
export interface QuotePullReport {
  readonly reason: string
  readonly canceled: readonly string[]
  /** Quotes whose cancel failed and which may still rest. */
  readonly failed: ReadonlyArray<{ readonly clientOrderId: string; readonly error: TradekitError }>
  readonly tsEvent: number
}

/** What {@link QuoteManager.stop} left: quotes that may still rest at the venue (their cancels kept failing). */
export interface QuoteStopReport {
  /** Pulled quotes whose last cancel succeeded (or that were already gone). */
  readonly canceled: readonly string[]
  /** Our quotes still open at the venue after the last attempt: nothing retries them any more. */
  readonly resting: readonly string[]
  readonly tsEvent: number
}

/** Payload of `quote.sent`. */
export interface QuoteSentEvent extends QuoteLevel {
  readonly type: 'quote.sent'
  readonly clientOrderId: string
  readonly strategyId: string
  readonly venue: string
  readonly tsEvent: number
}

/** Events of a {@link QuoteManager}. */
export interface QuoteManagerEvents {
  /** A refresh ran (cancels, then places). */
  'quotes.refreshed': [e: QuoteRefreshReport & { readonly type: 'quotes.refreshed' }]
  /** Quotes were pulled (a fault, a halt, a restricted instrument). */
  'quotes.pulled': [e: QuotePullReport & { readonly type: 'quotes.pulled' }]
  /** A quote is being sent (before the venue answers, so its fills can never arrive first). */
  'quote.sent': [e: QuoteSentEvent]
  /** A place or cancel failed (the next refresh tries again). */
  error: [e: TradekitError]
}

const ZERO = new Decimal(0)

interface Tracked {
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  readonly side: QuoteLevel['side']
  readonly price: Decimal
  readonly qty: Decimal
  readonly tick: Decimal
  readonly sentAt: number
}

/** A set handed to {@link QuoteManager.apply}, with the fill count when it was (its approval against the position). */
interface Handed {
  readonly set: QuoteTargets
  /** {@link QuoteManager}'s fill sequence number then: a fill of one of our quotes numbered above it came after. */
  readonly approvedAt: number
}

interface Slot {
  pending: Handed | undefined
  run: Promise<QuoteRefreshReport> | undefined
}

/**
 * Keeps a venue's resting orders equal to the quote sets market makers state: compares each approved set with the
 * quotes it has open and sends the smallest change — cancels first, then post-only placements — tolerating small
 * drift (`toleranceTicks`/`toleranceBps`, `sizeTolerance`, `minOrderAgeMs`). Prices are rounded to the tick (a bid
 * down, an ask up), quantities down to the step, and levels under the instrument's minimums dropped. Refreshes of one
 * strategy never overlap (the latest set wins). {@link QuoteManager.pullAll} cancels every quote at once and stops
 * placing until {@link QuoteManager.resume}; a placement that was in flight is cancelled as soon as it lands, and a
 * pulled quote whose cancel failed is cancelled again every `pullRetryMs` until it is gone. Only quotes the executor
 * has acknowledged are replaced; one still PENDING_NEW is cancelled alone, and a side with a quote still being
 * cancelled gets nothing new. A side of ours that filled after a set was approved is not placed by it (`withheld`).
 * Cancels travel in the rate limiter's first lane (the adapters send them with `Priority.CANCEL`).
 *
 * @example
 * ```ts
 * const quotes = new QuoteManager({ client: paper, instrument: (v, s) => portfolio.instrument(v, s), toleranceTicks: 1 })
 * const r = risk.evaluateQuotes(targets, portfolio.snapshot(), market)
 * if (r.ok) await quotes.apply(r.value)
 * else await quotes.apply({ ...targets, levels: [] }) // a denied set rests nothing
 * await quotes.pullAll('feed stale')
 * ```
 */
export class QuoteManager {
  readonly #bus = new TypedEmitter<QuoteManagerEvents>()
  /** Refreshes, pulls and errors. */
  readonly events: Listenable<QuoteManagerEvents> = this.#bus
  readonly #cfg: z.output<typeof QuoteManagerConfigSchema>
  readonly #clock: Clock
  readonly #tracked = new Map<string, Tracked>()
  readonly #inflight = new Set<string>()
  readonly #slots = new Map<string, Slot>()
  readonly #last = new Map<string, Handed>()
  /** Bumped by every pull of a symbol (`venue:symbol`): a refresh that started before does not place there. */
  readonly #generation = new Map<string, number>()
  readonly #ticks = new Map<string, Decimal>()
  readonly #tag = randomTag()
  /** Pulled quotes whose cancel failed, with the retries left: cancelled again until they are gone. */
  readonly #doomed = new Map<string, number>()
  /** Quotes whose cancel we sent and that has not answered yet (how many such cancels): their side waits. */
  readonly #cancelling = new Map<string, number>()
  /** Per `venue:symbol` and side, the sequence number of the last fill of one of our quotes there. */
  readonly #filledAt = new Map<string, number>()
  #fillSeq = 0
  readonly #unsubscribe: () => void
  #retryTimer: TimerHandle | undefined
  #halted: string | undefined
  #stopped = false
  #seq = 0

  constructor(config: QuoteManagerConfig) {
    this.#cfg = parseConfig(QuoteManagerConfigSchema, config, 'QuoteManager')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#unsubscribe = subscribe(this.#cfg.client.events, {
      'order.filled': (e) => {
        if (this.#tracked.has(e.order.clientOrderId)) this.#noteFill(e.order)
      },
    })
  }

  /** Why placing is stopped (the reason of the last {@link QuoteManager.pullAll}), or `undefined` while quoting. */
  get haltedReason(): string | undefined {
    return this.#halted
  }

  /** Our quotes still open at the venue (as the executor tracks them). */
  openQuotes(filter: { venue?: string; symbol?: string; strategyId?: string } = {}): Order[] {
    const out: Order[] = []
    for (const o of this.#cfg.client.openOrders({
      ...(filter.venue !== undefined ? { venue: filter.venue } : {}),
    })) {
      const t = this.#tracked.get(o.clientOrderId)
      if (t === undefined) continue
      if (filter.symbol !== undefined && t.symbol !== filter.symbol) continue
      if (filter.strategyId !== undefined && t.strategyId !== filter.strategyId) continue
      out.push(o)
    }
    return out
  }

  /**
   * Makes the quotes of `set.strategyId` on the set's symbols equal to `set.levels` (an approved set; an empty one pulls
   * them). Resolves with what the refresh did; while one runs, the next set waits and only the latest is applied.
   */
  apply(set: QuoteTargets): Promise<QuoteRefreshReport> {
    return this.#apply({ set, approvedAt: this.#fillSeq })
  }

  #apply(handed: Handed): Promise<QuoteRefreshReport> {
    const { set } = handed
    const k = `${set.strategyId}\u0000${set.venue}`
    this.#last.set(k, handed)
    let slot = this.#slots.get(k)
    if (slot === undefined) {
      slot = { pending: undefined, run: undefined }
      this.#slots.set(k, slot)
    }
    slot.pending = handed
    const s = slot
    s.run ??= this.#drain(s).finally(() => {
      s.run = undefined
    })
    return s.run
  }

  /**
   * The venue changed an instrument's tick size (Polymarket `tick_size_change`): quotes off the new grid are replaced at
   * once, whatever their age. The new tick overrides the instrument lookup's until the lookup reports the same one.
   *
   * @example
   * ```ts
   * adapter.market.events.on('market.tickSizeChanged', (e) =>
   *   void quotes.setTickSize('polymarket', e.tokenId, new Decimal(e.newTickSize)))
   * ```
   */
  setTickSize(venue: string, symbol: string, tickSize: Decimal): Promise<void> {
    this.#ticks.set(`${venue}:${symbol}`, tickSize)
    return this.refresh()
  }

  /**
   * Applies every strategy's last set again (after a tick-size change or a resume), as approved when it was handed
   * over: a side of ours that filled since is not placed again (see {@link QuoteRefreshReport.withheld}).
   */
  async refresh(): Promise<void> {
    await Promise.all([...this.#last.values()].map((h) => this.#apply(h)))
  }

  /**
   * Cancels every quote at once and stops placing until {@link QuoteManager.resume} (kill switch, halt, heartbeat
   * lost). Never rejects; quotes whose cancel failed are in the report.
   */
  pullAll(reason: string): Promise<QuotePullReport> {
    this.#halted = reason
    return this.#pull(reason, () => true)
  }

  /** Cancels our quotes on one instrument (a stale feed, a restricted instrument); later refreshes may quote it again. */
  pull(venue: string, symbol: string, reason: string): Promise<QuotePullReport> {
    const g = `${venue}:${symbol}`
    this.#generation.set(g, (this.#generation.get(g) ?? 0) + 1)
    return this.#pull(reason, (t) => t.venue === venue && t.symbol === symbol)
  }

  /** Allows placing again after {@link QuoteManager.pullAll}; the next stated sets re-quote. A no-op after `stop`. */
  resume(): void {
    if (this.#stopped) return
    this.#halted = undefined
  }

  /**
   * Ends the pull retries for good (call it after {@link QuoteManager.pullAll}, before the executor shuts down): one
   * last cancel of the pulled quotes still open, then no timer and no further retry; placing stays stopped (`resume`
   * no longer lifts it). Resolves with the quotes that may still rest. Never rejects.
   */
  async stop(reason = 'stopped'): Promise<QuoteStopReport> {
    this.#stopped = true
    this.#halted ??= reason
    this.#unsubscribe()
    this.#clock.clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
    const open = new Set(this.#cfg.client.openOrders().map((o) => o.clientOrderId))
    const ids = [...this.#doomed.keys()].filter((cid) => open.has(cid))
    this.#doomed.clear()
    const canceled = await this.#cancelEach(ids)
    const resting = this.openQuotes().map((o) => o.clientOrderId)
    return { canceled, resting, tsEvent: this.#clock.now() }
  }

  async #drain(slot: Slot): Promise<QuoteRefreshReport> {
    let report: QuoteRefreshReport | undefined
    while (slot.pending !== undefined) {
      const handed = slot.pending
      slot.pending = undefined
      report = await this.#refreshOnce(handed)
      this.#bus.emit('quotes.refreshed', { ...report, type: 'quotes.refreshed' })
    }
    return report as QuoteRefreshReport
  }

  async #refreshOnce({ set, approvedAt }: Handed): Promise<QuoteRefreshReport> {
    const { strategyId, venue } = set
    const gens = new Map(set.symbols.map((s) => [s, this.#generation.get(`${venue}:${s}`) ?? 0]))
    const { ticks, levels, dropped } = this.#normalize(set)
    const open = new Map(this.#cfg.client.openOrders({ venue }).map((o) => [o.clientOrderId, o]))
    const { quotes, waiting } = this.#resting(strategyId, venue, ticks, open)
    const diff = diffQuotes(levels, quotes, set.symbols, {
      price: (t) => this.#priceTolerance(t, ticks.get(t.symbol)),
      sizeFraction: this.#cfg.sizeTolerance,
      minOrderAgeMs: this.#cfg.minOrderAgeMs,
      // Spot and outcome quotes are funded from balances: a larger one kept would commit more than the set approved.
      sizeCapped: (symbol) => {
        const kind = this.#instrument(venue, symbol)?.kind
        return kind !== undefined && kind !== 'perpetual'
      },
    })
    // A quote of ours on the level's side filled after the set was approved: the set was sized for the old position.
    const exposed = (l: QuoteLevel) => this.#filledSince(venue, l, set.outcomePair, approvedAt)
    const mode = this.#halted === undefined ? this.#cfg.client.batching?.(venue)?.replace : undefined
    const { pairs, cancels } = pairUp(
      { cancels: diff.cancels, places: diff.places.filter((l) => !exposed(l)) },
      mode !== undefined && this.#cfg.client.replace !== undefined,
      // Only a quote the venue acknowledged is replaced; one still PENDING_NEW (its placement being looked up) is
      // cancelled alone, and its side waits.
      (cid) => (isResting(open.get(cid)) ? this.#tracked.get(cid) : undefined),
    )
    const [canceledAlone, replaced] = await Promise.all([
      this.#cancelEach(cancels, [], open),
      Promise.all(pairs.map((p) => this.#replace(strategyId, venue, p.cid, p.level, ticks, gens, mode))),
    ])
    const canceled = [
      ...canceledAlone,
      ...replaced.flatMap((r) => (r.canceled === undefined ? [] : [r.canceled])),
    ]
    const amended = replaced.flatMap((r) => (r.amended === undefined ? [] : [r.amended]))
    const replacedPlaced = replaced.flatMap((r) => (r.placed === undefined ? [] : [r.placed]))
    const base = { strategyId, venue, canceled, kept: diff.kept, amended, dropped }
    if (this.#halted !== undefined) {
      return { ...base, placed: replacedPlaced, withheld: [], skipped: 'halted', tsEvent: this.#clock.now() }
    }
    // A quote whose cancel failed, or is still being cancelled, may still rest: nothing new goes on its side, so what
    // rests never exceeds the set.
    const sideOf = (cid: string) => `${this.#tracked.get(cid)?.symbol}\u0000${this.#tracked.get(cid)?.side}`
    const stuck = new Set([
      ...waiting,
      ...cancels.filter((cid) => !canceled.includes(cid)).map(sideOf),
      ...replaced.flatMap((r) => (r.stuck === undefined ? [] : [sideOf(r.stuck)])),
    ])
    const paired = new Set(pairs.map((p) => p.level))
    const withheld: QuoteLevel[] = []
    const places = diff.places.filter((l) => {
      if (paired.has(l)) return false
      if (exposed(l)) {
        withheld.push(l)
        return false
      }
      const pulled = (this.#generation.get(`${venue}:${l.symbol}`) ?? 0) !== gens.get(l.symbol)
      return !pulled && !stuck.has(`${l.symbol}\u0000${l.side}`)
    })
    const placed = await this.#placeAll(strategyId, venue, places, ticks, gens)
    return { ...base, placed: [...replacedPlaced, ...placed], withheld, tsEvent: this.#clock.now() }
  }

  /** The set's levels on the instruments' grids (those that fall under a minimum dropped), and each symbol's tick. */
  #normalize(set: QuoteTargets): {
    ticks: Map<string, Decimal>
    levels: QuoteLevel[]
    dropped: QuoteLevel[]
  } {
    const ticks = new Map<string, Decimal>()
    const levels: QuoteLevel[] = []
    const dropped: QuoteLevel[] = []
    for (const symbol of set.symbols) {
      const inst = this.#instrument(set.venue, symbol)
      if (inst === undefined) continue
      ticks.set(symbol, inst.tickSize)
      for (const l of set.levels) {
        if (l.symbol !== symbol) continue
        const n = normalizeQuote(l, inst)
        if (n !== undefined) levels.push(n)
        else dropped.push(l)
      }
    }
    return { ticks, levels, dropped }
  }

  /** Records a fill of one of our quotes: sets approved before it place nothing more on its side. */
  #noteFill(order: Order): void {
    this.#filledAt.set(fillKey(order.venue, order.symbol, order.side), ++this.#fillSeq)
  }

  /**
   * Whether a quote of ours filled after `approvedAt` on `l`'s instrument and side, or, in an outcome pair, on the
   * other token's opposite side (a YES bid and a NO ask add the same exposure).
   */
  #filledSince(venue: string, l: QuoteLevel, pair: QuoteTargets['outcomePair'], approvedAt: number): boolean {
    const since = (symbol: string, side: Side) =>
      (this.#filledAt.get(fillKey(venue, symbol, side)) ?? 0) > approvedAt
    if (since(l.symbol, l.side)) return true
    const other = pair?.[0] === l.symbol ? pair[1] : pair?.[1] === l.symbol ? pair[0] : undefined
    return other !== undefined && since(other, l.side === 'BUY' ? 'SELL' : 'BUY')
  }

  #instrument(venue: string, symbol: string): Instrument | undefined {
    const inst = this.#cfg.instrument(venue, symbol)
    const k = `${venue}:${symbol}`
    const tick = this.#ticks.get(k)
    if (inst === undefined || tick === undefined) return inst
    if (inst.tickSize.eq(tick)) this.#ticks.delete(k)
    return { ...inst, tickSize: tick }
  }

  #priceTolerance(t: QuoteLevel, tick: Decimal | undefined): Decimal {
    const byTicks = tick === undefined ? new Decimal(0) : tick.times(this.#cfg.toleranceTicks)
    const byBps = t.price.times(this.#cfg.toleranceBps).div(10_000)
    return Decimal.max(byTicks, byBps)
  }

  /**
   * Our open quotes of one strategy on one venue, forgetting those the executor no longer has open; those being
   * cancelled (PENDING_CANCEL, or a cancel of ours not answered yet) are not among them: their sides (`symbol\0side`)
   * are `waiting`.
   */
  #resting(
    strategyId: string,
    venue: string,
    ticks: ReadonlyMap<string, Decimal>,
    open: ReadonlyMap<string, Order>,
  ): { quotes: RestingQuote[]; waiting: Set<string> } {
    const now = this.#clock.now()
    const out: RestingQuote[] = []
    const waiting = new Set<string>()
    for (const [cid, t] of this.#tracked) {
      // `open` holds only this venue's orders: another venue's quotes are neither ours here nor gone.
      if (t.venue !== venue) continue
      const o = open.get(cid)
      if (o === undefined && !this.#inflight.has(cid)) {
        this.#tracked.delete(cid)
        continue
      }
      if (t.strategyId !== strategyId) continue
      if (o?.status === 'PENDING_CANCEL' || this.#cancelling.has(cid)) {
        waiting.add(`${t.symbol}\u0000${t.side}`)
        continue
      }
      const tick = ticks.get(t.symbol)
      out.push({
        clientOrderId: cid,
        symbol: t.symbol,
        side: t.side,
        price: t.price,
        remaining: o === undefined ? t.qty : o.qty.minus(o.filledQty),
        ageMs: now - t.sentAt,
        offGrid: tick !== undefined && !tick.eq(t.tick),
      })
    }
    return { quotes: out, waiting }
  }

  /** Tracks a new quote under a fresh client order id (before it is sent, so no fill can arrive first). */
  #prepare(
    strategyId: string,
    venue: string,
    l: QuoteLevel,
    ticks: ReadonlyMap<string, Decimal>,
    clientOrderId?: string,
  ): OrderIntent {
    const cid = clientOrderId ?? `${this.#cfg.clientOrderIdPrefix}${this.#tag}${(this.#seq++).toString(36)}`
    const tick = ticks.get(l.symbol) ?? new Decimal(0)
    this.#tracked.set(cid, { ...l, strategyId, venue, tick, sentAt: this.#clock.now() })
    if (clientOrderId === undefined) {
      this.#inflight.add(cid)
      this.#cfg.onSubmit?.(cid, strategyId)
    }
    this.#bus.emit('quote.sent', {
      type: 'quote.sent',
      ...l,
      clientOrderId: cid,
      strategyId,
      venue,
      tsEvent: this.#clock.now(),
    })
    return {
      clientOrderId: cid,
      strategyId,
      venue,
      symbol: l.symbol,
      side: l.side,
      type: 'LIMIT',
      qty: l.qty,
      price: l.price,
      timeInForce: this.#cfg.postOnly ? 'POST_ONLY' : 'GTC',
    }
  }

  /** Settles a sent quote: forgets a refused one; cancels one that landed after a pull (it must not rest). */
  async #landed(
    cid: string,
    venue: string,
    symbol: string,
    gens: ReadonlyMap<string, number>,
    outcome: Result<Order>,
  ): Promise<string | undefined> {
    this.#inflight.delete(cid)
    // A refusal the venue answered (REJECTED, e.g. a post-only quote that would cross) is the executor's
    // `order.rejected`; it is not placed. A failed request is an error here.
    if (!outcome.ok || outcome.value.status === 'REJECTED') {
      this.#tracked.delete(cid)
      if (!outcome.ok) this.#bus.emit('error', outcome.error)
      return undefined
    }
    const pulled = (this.#generation.get(`${venue}:${symbol}`) ?? 0) !== gens.get(symbol)
    if (this.#halted !== undefined || pulled) await this.#cancelPulled([cid])
    return cid
  }

  /** Places the quotes: in one `submitMany` when the venue batches placements, else one by one. */
  async #placeAll(
    strategyId: string,
    venue: string,
    levels: readonly QuoteLevel[],
    ticks: ReadonlyMap<string, Decimal>,
    gens: ReadonlyMap<string, number>,
  ): Promise<string[]> {
    if (levels.length === 0) return []
    const { client } = this.#cfg
    const intents = levels.map((l) => this.#prepare(strategyId, venue, l, ticks))
    const batch = (client.batching?.(venue)?.maxPlace ?? 1) > 1 ? client.submitMany?.bind(client) : undefined
    const outcomes: ReadonlyArray<Result<Order>> =
      batch !== undefined && intents.length > 1
        ? await batch(intents).catch((e: unknown) => intents.map(() => err(toTradekitError(e))))
        : await Promise.all(
            intents.map((i) => client.submit(i).then(ok, (e: unknown) => err(toTradekitError(e)))),
          )
    const placed = await Promise.all(
      intents.map((i, k) =>
        this.#landed(i.clientOrderId, venue, i.symbol, gens, outcomes[k] ?? err(new StateError('No result'))),
      ),
    )
    return placed.filter((x): x is string => x !== undefined)
  }

  /**
   * Replaces one resting quote by a target in one venue call: cancel-replace (a new quote; the old one is cancelled)
   * or an amendment in place (same id; the quantity sent includes what the order already filled).
   */
  async #replace(
    strategyId: string,
    venue: string,
    oldCid: string,
    l: QuoteLevel,
    ticks: ReadonlyMap<string, Decimal>,
    gens: ReadonlyMap<string, number>,
    mode: OrderBatching['replace'],
  ): Promise<{ canceled?: string; placed?: string; amended?: string; stuck?: string }> {
    const { client } = this.#cfg
    const replace = client.replace?.bind(client) as NonNullable<ExecutionClient['replace']>
    if (mode === 'amend') {
      const before = this.#tracked.get(oldCid) as Tracked
      const filled = client.openOrders({ venue }).find((o) => o.clientOrderId === oldCid)?.filledQty ?? ZERO
      const intent = this.#prepare(strategyId, venue, l, ticks, oldCid)
      try {
        const after = await replace(oldCid, { ...intent, qty: l.qty.plus(filled) })
        // The venue may cancel instead (USD-M: a GTX quote moved to a price that would take).
        if (after.status !== 'OPEN' && after.status !== 'PARTIALLY_FILLED') return { canceled: oldCid }
      } catch (e) {
        this.#tracked.set(oldCid, before)
        this.#bus.emit('error', toTradekitError(e))
        return this.#isOpen(oldCid) ? { stuck: oldCid } : { canceled: oldCid }
      }
      const pulled = (this.#generation.get(`${venue}:${l.symbol}`) ?? 0) !== gens.get(l.symbol)
      if (this.#halted !== undefined || pulled) await this.#cancelPulled([oldCid])
      return { amended: oldCid }
    }
    const intent = this.#prepare(strategyId, venue, l, ticks)
    const outcome = await replace(oldCid, intent).then(ok, (e: unknown) => err(toTradekitError(e)))
    const placed = await this.#landed(intent.clientOrderId, venue, l.symbol, gens, outcome)
    if (placed !== undefined) return { canceled: oldCid, placed }
    return this.#isOpen(oldCid) ? { stuck: oldCid } : { canceled: oldCid }
  }

  #isOpen(cid: string): boolean {
    return this.#cfg.client.openOrders().some((o) => o.clientOrderId === cid)
  }

  async #pull(reason: string, match: (t: Tracked) => boolean): Promise<QuotePullReport> {
    const ids = [...this.#tracked].filter(([, t]) => match(t)).map(([cid]) => cid)
    const failed: Array<{ clientOrderId: string; error: TradekitError }> = []
    const canceled = await this.#cancelPulled(ids, failed)
    const report = { reason, canceled, failed, tsEvent: this.#clock.now() }
    this.#bus.emit('quotes.pulled', { ...report, type: 'quotes.pulled' })
    return report
  }

  /** Cancels pulled quotes; those whose cancel failed are cancelled again every `pullRetryMs` until gone. */
  async #cancelPulled(
    ids: readonly string[],
    failed: Array<{ clientOrderId: string; error: TradekitError }> = [],
  ): Promise<string[]> {
    const from = failed.length
    const done = await this.#cancelEach(ids, failed)
    for (const f of failed.slice(from)) {
      if (!this.#doomed.has(f.clientOrderId)) this.#doomed.set(f.clientOrderId, this.#cfg.pullRetries)
    }
    this.#scheduleRetry()
    return done
  }

  #scheduleRetry(): void {
    if (this.#stopped) this.#doomed.clear()
    if (this.#doomed.size === 0 || this.#retryTimer !== undefined) return
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined
      void this.#retryPulled()
    }, this.#cfg.pullRetryMs)
  }

  /** One retry round of the pulled quotes still open; each has `pullRetries` rounds. */
  async #retryPulled(): Promise<void> {
    if (this.#stopped) return
    const open = new Set(this.#cfg.client.openOrders().map((o) => o.clientOrderId))
    const ids: string[] = []
    for (const [cid, left] of this.#doomed) {
      if (!open.has(cid) || left <= 0) this.#doomed.delete(cid)
      else {
        this.#doomed.set(cid, left - 1)
        ids.push(cid)
      }
    }
    for (const cid of await this.#cancelEach(ids)) this.#doomed.delete(cid)
    this.#scheduleRetry()
  }

  /**
   * Cancels at once (one `cancelMany` per venue that batches cancels, else in parallel); an order already closed
   * counts as done. Returns the ids no longer open. With `before` (the orders as they were when the cancels were
   * decided), a cancel answered with the order filled further is a fill of ours (see {@link QuoteRefreshReport.withheld}).
   */
  async #cancelEach(
    ids: readonly string[],
    failed: Array<{ clientOrderId: string; error: TradekitError }> = [],
    before?: ReadonlyMap<string, Order>,
  ): Promise<string[]> {
    const { client } = this.#cfg
    const results = new Map<string, Result<Order>>()
    const byVenue = new Map<string, string[]>()
    for (const cid of ids) {
      if (this.#inflight.has(cid)) continue
      const venue = this.#tracked.get(cid)?.venue ?? ''
      byVenue.set(venue, [...(byVenue.get(venue) ?? []), cid])
      this.#cancelling.set(cid, (this.#cancelling.get(cid) ?? 0) + 1)
    }
    await Promise.all(
      [...byVenue].map(async ([venue, group]) => {
        const batch =
          (client.batching?.(venue)?.maxCancel ?? 1) > 1 ? client.cancelMany?.bind(client) : undefined
        let outcomes: ReadonlyArray<Result<Order>>
        try {
          outcomes =
            batch !== undefined && group.length > 1
              ? await batch(group).catch((e: unknown) => group.map(() => err(toTradekitError(e))))
              : await Promise.all(
                  group.map((cid) => client.cancel(cid).then(ok, (e: unknown) => err(toTradekitError(e)))),
                )
        } finally {
          for (const cid of group) {
            const left = (this.#cancelling.get(cid) ?? 1) - 1
            if (left > 0) this.#cancelling.set(cid, left)
            else this.#cancelling.delete(cid)
          }
        }
        group.forEach((cid, i) => {
          results.set(cid, outcomes[i] ?? err(new StateError('No result')))
        })
      }),
    )
    const stillOpen = new Set(client.openOrders().map((o) => o.clientOrderId))
    const done: string[] = []
    for (const cid of ids) {
      const r = results.get(cid)
      if (r === undefined) continue // in flight: cancelled as soon as it lands
      const was = before?.get(cid)
      if (r.ok && was !== undefined && r.value.filledQty.gt(was.filledQty)) this.#noteFill(r.value)
      if (r.ok || !stillOpen.has(cid)) done.push(cid)
      else {
        failed.push({ clientOrderId: cid, error: r.error })
        this.#bus.emit('error', r.error)
      }
    }
    return done
  }
}

/**
 * Pairs each target to place with a cancel on the same symbol and side, so a venue that replaces in one call
 * (cancel-replace, amend) does both at once; the cancels left over go alone.
 */
function pairUp(
  diff: { readonly cancels: readonly string[]; readonly places: readonly QuoteLevel[] },
  enabled: boolean,
  tracked: (cid: string) => Tracked | undefined,
): { pairs: Array<{ cid: string; level: QuoteLevel }>; cancels: string[] } {
  if (!enabled) return { pairs: [], cancels: [...diff.cancels] }
  const left = [...diff.cancels]
  const pairs: Array<{ cid: string; level: QuoteLevel }> = []
  for (const level of diff.places) {
    const i = left.findIndex((cid) => {
      const t = tracked(cid)
      return t !== undefined && t.symbol === level.symbol && t.side === level.side
    })
    if (i < 0) continue
    pairs.push({ cid: left[i] as string, level })
    left.splice(i, 1)
  }
  return { pairs, cancels: left }
}

/** Key of {@link QuoteManager}'s last fill per instrument and side. */
function fillKey(venue: string, symbol: string, side: Side): string {
  return `${venue}:${symbol}\u0000${side}`
}

/** Whether the executor has the order acknowledged and resting (so it can be replaced). */
function isResting(o: Order | undefined): boolean {
  return o !== undefined && (o.status === 'OPEN' || o.status === 'PARTIALLY_FILLED')
}

function randomTag(): string {
  const bytes = new Uint8Array(3)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}
