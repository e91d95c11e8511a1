import { Decimal } from '../decimal/index.js'

const ZERO = new Decimal(0)

/**
 * One strategy's average-cost book of one instrument: signed quantity, average entry of the open quantity, realised
 * PnL before fees, and fees per asset — with the Portfolio's arithmetic (an add re-weights the entry, a reduce keeps
 * it, a flip opens the rest at the fill price), so a Portfolio restored from it starts where it stopped. The PnL query
 * and the journal's maintained `positions` table both book fills through it, so they agree.
 *
 * @example
 * ```ts
 * const book = new PositionBook()
 * book.apply('BUY', new Decimal('100'), new Decimal('2'))
 * book.apply('SELL', new Decimal('110'), new Decimal('1')) // realised 10
 * ```
 */
export class PositionBook {
  qty: Decimal
  /** Average entry; `undefined` exactly when flat. */
  entry: Decimal | undefined
  realized: Decimal
  readonly fees: Map<string, Decimal>

  constructor(
    qty = ZERO,
    entry: Decimal | undefined = undefined,
    realized = ZERO,
    fees: Map<string, Decimal> = new Map(),
  ) {
    this.qty = qty
    this.entry = qty.isZero() ? undefined : entry
    this.realized = realized
    this.fees = fees
  }

  /**
   * Books one fill and returns the PnL it realised (before fees): `venueRealized` when the venue reported it (booked
   * whichever way the fill moved this book, as the Portfolio does), else by average cost.
   */
  apply(side: string, price: Decimal, qty: Decimal, venueRealized?: Decimal): Decimal {
    const signed = side === 'BUY' ? qty : qty.neg()
    const before = this.qty
    if (before.isZero() || before.isPositive() === signed.isPositive()) {
      const next = before.plus(signed)
      this.entry = (this.entry ?? ZERO).times(before.abs()).plus(price.times(qty)).div(next.abs())
      this.qty = next
      if (venueRealized !== undefined) this.realized = this.realized.plus(venueRealized)
      return venueRealized ?? ZERO
    }
    const closing = Decimal.min(before.abs(), qty)
    const entry = this.entry ?? price
    const realized = price
      .minus(entry)
      .times(closing)
      .times(before.isPositive() ? 1 : -1)
    this.qty = before.plus(signed)
    if (this.qty.isZero()) this.entry = undefined
    else if (this.qty.isPositive() !== before.isPositive()) this.entry = price // flipped: the rest opens here
    const booked = venueRealized ?? realized
    this.realized = this.realized.plus(booked)
    return booked
  }

  /** Adds a fee paid in `asset` (negative: a rebate). */
  fee(asset: string, amount: Decimal): void {
    this.fees.set(asset, (this.fees.get(asset) ?? ZERO).plus(amount))
  }

  /** The fees as a JSON object of decimal text, assets sorted. */
  feesJson(): string {
    const sorted = [...this.fees.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return JSON.stringify(Object.fromEntries(sorted.map(([a, v]) => [a, v.toString()])))
  }

  /** A book from its stored columns (`fees` as {@link PositionBook.feesJson} wrote it). */
  static of(qty: string, entry: unknown, realized: string, fees: string): PositionBook {
    const parsed = JSON.parse(fees) as Record<string, string>
    const map = new Map(Object.entries(parsed).map(([a, v]) => [a, new Decimal(v)]))
    const e = entry === null || entry === undefined ? undefined : new Decimal(String(entry))
    return new PositionBook(new Decimal(qty), e, new Decimal(realized), map)
  }
}
