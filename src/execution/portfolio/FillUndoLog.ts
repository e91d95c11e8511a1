import { BoundedMap } from '../../core/BoundedMap.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
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
  readonly #effects: BoundedMap<string, AppliedEffect>
  readonly #reversed: RecentIds<string>
  readonly #reversalWindow: number

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
    })
  }

  /** The kept effect of a fill, if it is recent enough and not reversed yet. */
  effect(fillKey: string): AppliedEffect | undefined {
    return this.#effects.get(fillKey)
  }

  /** Whether the fill was already reversed (within the last `dedupeWindow` reversals). */
  wasReversed(fillKey: string): boolean {
    return this.#reversed.has(fillKey)
  }

  /** Records that the fill was undone: its effect is dropped and a second reversal is ignored. */
  reversed(fillKey: string): void {
    this.#effects.delete(fillKey)
    this.#reversed.add(fillKey)
  }
}

/**
 * Average entry after undoing a fill: unchanged since the fill → the entry before it; the fill added a lot → that lot
 * (at the fill price) leaves the average; it closed part of the position → the closed lot returns at the old entry.
 *
 * @example
 * ```ts
 * position.entry = reversedEntry(position, qtyAfterUndo, fill.price, effect)
 * ```
 */
export function reversedEntry(
  p: MutablePosition,
  qty: Decimal,
  price: Decimal,
  eff: AppliedEffect,
): Decimal | undefined {
  if (qty.isZero()) return undefined
  const unchanged =
    p.qty.eq(eff.qtyAfter) && (p.entry?.eq(eff.entryAfter ?? ZERO) ?? eff.entryAfter === undefined)
  if (unchanged) return eff.entryBefore
  const delta = eff.qtyAfter.minus(eff.qtyBefore).abs()
  const added =
    eff.qtyBefore.isZero() || eff.qtyBefore.isPositive() === eff.qtyAfter.minus(eff.qtyBefore).isPositive()
  const cost = (p.entry ?? ZERO).times(p.qty.abs())
  const next = added ? cost.minus(price.times(delta)) : cost.plus((eff.entryBefore ?? price).times(delta))
  const entry = next.div(qty.abs())
  return entry.gt(0) ? entry : eff.entryBefore
}
