import { BoundedMap } from '../../core/BoundedMap.js'
import { instrumentKey } from '../../core/instrumentKey.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Fill, InstrumentKind } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { InsufficientFundsError, StateError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import type { MutablePosition } from './MutablePosition.js'
import type { FillPlan } from './planFill.js'

const ZERO = new Decimal(0)

/** What one applied fill changed, kept so a venue reversal can undo exactly that. */
export interface AppliedEffect {
  /** Cash change per asset. */
  readonly cash: ReadonlyMap<string, Decimal>
  readonly feeAsset: string
  readonly fee: Decimal
  /** The fee in the quote currency as added to the position's fees. */
  readonly feeQ: Decimal
  readonly realized: Decimal
  readonly qtyBefore: Decimal
  readonly qtyAfter: Decimal
  readonly entryBefore: Decimal | undefined
  readonly entryAfter: Decimal | undefined
  /** The instrument's latest planned fill before this one (it is the latest again once this one is undone). */
  readonly prevLatest?: string | undefined
}

/**
 * What an in-place fill leaves for its undo record: the position's quantity, entry and fees before it, the cash of each
 * asset it moved before and after it (the quote, and the fee asset when it is another cash asset), its realized PnL.
 * The deltas of an {@link AppliedEffect} are computed from it only when a reversal reads them.
 */
export interface InPlaceFill {
  readonly fill: Fill
  readonly qtyBefore: Decimal
  readonly entryBefore: Decimal | undefined
  readonly feesBefore: Decimal
  /** The position after the fill: its quantity, entry and fees are read now (it changes with later fills). */
  readonly after: MutablePosition
  readonly realized: Decimal
  /** The quote asset's cash before and after the fill. */
  readonly quote: string
  readonly quoteBefore: Decimal
  readonly quoteAfter: Decimal
  /** The fee asset's cash before and after, when the fee was paid from another cash asset than the quote. */
  readonly feeBefore: Decimal | undefined
  readonly feeAfter: Decimal | undefined
}

/** An effect kept as the before and after values it is computed from (see {@link InPlaceFill}). */
interface RawEffect extends Omit<InPlaceFill, 'fill' | 'after'> {
  readonly raw: true
  readonly feeAsset: string
  readonly fee: Decimal
  readonly qtyAfter: Decimal
  readonly entryAfter: Decimal | undefined
  readonly feesAfter: Decimal
}

/**
 * The Portfolio's per-fill undo record: the effect of each of the last `reversalWindow` fills (0: none kept), and
 * the last `dedupeWindow` fills already reversed, so a fill the venue reverses (Polymarket: failed settlement) is
 * undone exactly once.
 *
 * @example
 * ```ts
 * const log = new FillUndoLog(10_000, 100_000)
 * log.record(fillKey, fill, plan, before, (asset) => cash(asset))
 * const effect = log.effect(fillKey) // undo it, then:
 * log.reversed(fillKey)
 * ```
 */
export class FillUndoLog {
  readonly #effects: BoundedMap<string, AppliedEffect | RawEffect>
  readonly #reversed: RecentIds<string>
  readonly #reversalWindow: number
  /** The last planned (perpetual) fill recorded per instrument: whether a flip is still the latest fill. */
  readonly #latest = new Map<string, string>()

  constructor(reversalWindow: number, dedupeWindow: number) {
    this.#reversalWindow = reversalWindow
    this.#effects = new BoundedMap(reversalWindow)
    this.#reversed = new RecentIds(dedupeWindow)
  }

  /** Keeps what `plan` will change (before it is committed; `cashOf` reads the cash before). */
  record(
    fillKey: string,
    fill: Fill,
    plan: FillPlan,
    before: MutablePosition | undefined,
    cashOf: (asset: string) => Decimal,
  ): void {
    if (this.#reversalWindow === 0) return
    const k = instrumentKey(fill.venue, fill.symbol)
    const prevLatest = this.#latest.get(k)
    this.#latest.set(k, fillKey)
    const cash = new Map<string, Decimal>()
    for (const [asset, v] of plan.cash) cash.set(asset, v.minus(cashOf(asset)))
    this.#effects.set(fillKey, {
      cash,
      feeAsset: fill.feeAsset,
      fee: fill.fee,
      feeQ: plan.pos.fees.minus(before?.fees ?? ZERO),
      realized: plan.realized,
      qtyBefore: before?.qty ?? ZERO,
      qtyAfter: plan.pos.qty,
      entryBefore: before?.entry,
      entryAfter: plan.pos.entry,
      prevLatest,
    })
  }

  /**
   * Keeps what a fill committed in place changed (see {@link InPlaceFill}): the same effect {@link FillUndoLog.record}
   * keeps for a planned fill, its deltas computed when {@link FillUndoLog.effect} first reads it.
   */
  recordInPlace(fillKey: string, f: InPlaceFill): void {
    if (this.#reversalWindow === 0) return
    const { after } = f
    this.#effects.set(fillKey, {
      raw: true,
      feeAsset: f.fill.feeAsset, // not the fill itself: a record keeps no more than it needs
      fee: f.fill.fee,
      qtyBefore: f.qtyBefore,
      entryBefore: f.entryBefore,
      feesBefore: f.feesBefore,
      qtyAfter: after.qty,
      entryAfter: after.entry,
      feesAfter: after.fees,
      realized: f.realized,
      quote: f.quote,
      quoteBefore: f.quoteBefore,
      quoteAfter: f.quoteAfter,
      feeBefore: f.feeBefore,
      feeAfter: f.feeAfter,
    })
  }

  /** The kept effect of a fill, if it is recent enough and not reversed yet. */
  effect(fillKey: string): AppliedEffect | undefined {
    const e = this.#effects.get(fillKey)
    if (e === undefined || !('raw' in e)) return e
    const cash = new Map<string, Decimal>()
    cash.set(e.quote, e.quoteAfter.minus(e.quoteBefore))
    if (e.feeBefore !== undefined && e.feeAfter !== undefined)
      cash.set(e.feeAsset, e.feeAfter.minus(e.feeBefore))
    const eff: AppliedEffect = {
      cash,
      feeAsset: e.feeAsset,
      fee: e.fee,
      feeQ: e.feesAfter.minus(e.feesBefore),
      realized: e.realized,
      qtyBefore: e.qtyBefore,
      qtyAfter: e.qtyAfter,
      entryBefore: e.entryBefore,
      entryAfter: e.entryAfter,
    }
    this.#effects.set(fillKey, eff) // kept in place (a kept key keeps its place)
    return eff
  }

  /**
   * Reversing a fill that has no kept effect: nothing to do (`ok(undefined)`) when it was never `applied` or was
   * reversed already, else the reason it cannot be undone: its `kind`'s fills are final (not in `reversibleKinds`),
   * or it is older than the window.
   */
  withoutEffect(
    fillKey: string,
    fill: Fill,
    applied: boolean,
    kind: InstrumentKind | undefined,
    reversibleKinds: readonly InstrumentKind[],
  ): Result<undefined, StateError> {
    if (!applied || this.wasReversed(fillKey)) return ok(undefined)
    if (kind !== undefined && !reversibleKinds.includes(kind)) {
      return err(
        new StateError(
          `Fill "${fill.tradeId}" is final: fills of ${kind} instruments are not kept (reversibleKinds)`,
        ),
      )
    }
    return err(new StateError(`Fill "${fill.tradeId}" is too old to reverse (reversalWindow)`))
  }

  /** Whether the fill was already reversed (within the last `dedupeWindow` reversals). */
  wasReversed(fillKey: string): boolean {
    return this.#reversed.has(fillKey)
  }

  /**
   * Whether `fillKey` is the last fill {@link FillUndoLog.record} kept of its instrument (planned fills: perpetuals,
   * the only positions a fill can flip), and none was reversed since.
   */
  isLatest(fillKey: string, fill: Pick<Fill, 'venue' | 'symbol'>): boolean {
    return this.#latest.get(instrumentKey(fill.venue, fill.symbol)) === fillKey
  }

  /**
   * Records that the fill was undone: its effect is dropped and a second reversal is ignored. The latest fill of its
   * instrument undone, the one before it is the latest again.
   */
  reversed(fillKey: string, fill?: Pick<Fill, 'venue' | 'symbol'>): void {
    if (fill !== undefined) {
      const k = instrumentKey(fill.venue, fill.symbol)
      if (this.#latest.get(k) === fillKey) {
        const e = this.#effects.get(fillKey)
        const prev = e === undefined || 'raw' in e ? undefined : e.prevLatest
        if (prev === undefined) this.#latest.delete(k)
        else this.#latest.set(k, prev)
      }
    }
    this.#effects.delete(fillKey)
    this.#reversed.add(fillKey)
  }
}

/** The quantities and entries around one fill: what undoing it needs to give back the entry it moved. */
export type EntryEffect = Pick<AppliedEffect, 'qtyBefore' | 'qtyAfter' | 'entryBefore' | 'entryAfter'>

/** Whether the fill took a position from one side to the other (long to short or short to long). */
export function isFlip(eff: Pick<EntryEffect, 'qtyBefore' | 'qtyAfter'>): boolean {
  return (
    !eff.qtyBefore.isZero() &&
    !eff.qtyAfter.isZero() &&
    eff.qtyBefore.isNegative() !== eff.qtyAfter.isNegative()
  )
}

/**
 * Average entry after undoing a fill: unchanged since the fill → the entry before it; the fill added a lot → that lot
 * (at the fill price) leaves the average; it closed part of the position → the closed lot returns at the old entry; it
 * flipped the position → both (the lot it opened leaves at the fill price, the one it closed returns at the old entry).
 * A result at or below zero (later fills crossed the position over) falls back to the old entry (else the fill price).
 *
 * @example
 * ```ts
 * position.entry = reversedEntry(position, qtyAfterUndo, fill.price, effect)
 * ```
 */
export function reversedEntry(
  p: { readonly qty: Decimal; readonly entry: Decimal | undefined },
  qty: Decimal,
  price: Decimal,
  eff: EntryEffect,
): Decimal | undefined {
  if (qty.isZero()) return undefined
  const unchanged =
    p.qty.eq(eff.qtyAfter) && (p.entry?.eq(eff.entryAfter ?? ZERO) ?? eff.entryAfter === undefined)
  if (unchanged) return eff.entryBefore
  let entry: Decimal
  if (isFlip(eff)) {
    // Signed cost: what is held now, less the lot the flip opened (at the fill price), plus the lot it closed.
    const cost = (p.entry ?? ZERO)
      .times(p.qty)
      .minus(price.times(eff.qtyAfter))
      .plus((eff.entryBefore ?? price).times(eff.qtyBefore))
    entry = cost.div(qty)
  } else {
    const delta = eff.qtyAfter.minus(eff.qtyBefore).abs()
    const added =
      eff.qtyBefore.isZero() || eff.qtyBefore.isPositive() === eff.qtyAfter.minus(eff.qtyBefore).isPositive()
    const cost = (p.entry ?? ZERO).times(p.qty.abs())
    const next = added ? cost.minus(price.times(delta)) : cost.plus((eff.entryBefore ?? price).times(delta))
    entry = next.div(qty.abs())
  }
  return entry.gt(0) ? entry : (eff.entryBefore ?? price)
}

/**
 * The quantity and average entry of position `p` once `fill` (whose kept effect is `eff`) is undone; an error when
 * undoing it would leave a negative spot or outcome-token holding, or when the fill flipped the position and is not
 * its `latest` fill (a later fill reduced or added to the new side: its lots cannot be told apart, so nothing is
 * changed rather than an entry invented).
 *
 * @example
 * ```ts
 * const r = reversedPosition(position, fill, effect, log.isLatest(fillKey(fill)))
 * if (r.ok) Object.assign(position, r.value)
 * ```
 */
export function reversedPosition(
  p: MutablePosition,
  fill: Fill,
  eff: AppliedEffect,
  latest = true,
): Result<{ qty: Decimal; entry: Decimal | undefined }, InsufficientFundsError | StateError> {
  const delta = eff.qtyAfter.minus(eff.qtyBefore)
  const qty = p.qty.minus(delta)
  if (p.kind !== 'perpetual' && qty.lt(0)) {
    return err(
      new InsufficientFundsError(
        fill.venue,
        `Cannot reverse fill "${fill.tradeId}": ${delta.toString()} of "${fill.symbol}" are no longer held`,
      ),
    )
  }
  const unchanged =
    p.qty.eq(eff.qtyAfter) && (p.entry?.eq(eff.entryAfter ?? ZERO) ?? eff.entryAfter === undefined)
  if (isFlip(eff) && !(latest && unchanged)) {
    return err(
      new StateError(
        `Cannot reverse fill "${fill.tradeId}": it flipped the "${fill.symbol}" position and later fills moved it since`,
      ),
    )
  }
  return ok({ qty, entry: reversedEntry(p, qty, fill.price, eff) })
}

/**
 * Writes into position `p` what undoing a fill leaves: `undone` (see {@link reversedPosition}) and the realized PnL and
 * fees its effect `eff` had added taken off again.
 *
 * @example
 * ```ts
 * const r = reversedPosition(position, fill, effect)
 * if (r.ok) writeReversal(position, r.value, effect)
 * ```
 */
export function writeReversal(
  p: MutablePosition,
  undone: { readonly qty: Decimal; readonly entry: Decimal | undefined },
  eff: AppliedEffect,
): void {
  p.qty = undone.qty
  p.entry = undone.qty.isZero() ? undefined : undone.entry
  p.realized = p.realized.minus(eff.realized)
  p.fees = p.fees.minus(eff.feeQ)
}
