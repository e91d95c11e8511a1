import { RecentIds } from '../../core/RecentIds.js'
import type { FundingPayment } from '../../core/types.js'
import { type Decimal, type DecimalLike, toDecimal } from '../../decimal/index.js'
import type { PortfolioPosition } from './PortfolioEvents.js'

/**
 * Decides where a Portfolio books a funding fee the venue reported ({@link FundingPayment}) and books each one once:
 * a replay (same venue, time, asset and symbol, e.g. after a reconnect) is refused. A payment that names no symbol
 * (Binance USD-M cross margin) goes to the only open perpetual position on that venue settled in its asset; with
 * none or several, to no position (symbol `''`): the cash and the realized PnL still take it.
 *
 * @example
 * ```ts
 * const funding = new VenueFunding()
 * const symbol = funding.claim(payment, portfolio.positions(), (v, s) => portfolio.instrument(v, s)?.quote)
 * if (symbol !== undefined) book(symbol, payment.amount)
 * ```
 */
export class VenueFunding {
  readonly #seen: RecentIds<string>

  /** `capacity`: how many recent payments are remembered for the replay check. */
  constructor(capacity = 10_000) {
    this.#seen = new RecentIds<string>(capacity)
  }

  /** The funding a position of `qty` pays at `mark` and `rate` (a long pays a positive rate): `−qty × mark × rate`. */
  static charge(qty: Decimal, mark: Decimal, rate: DecimalLike): Decimal {
    return qty
      .times(mark)
      .times(toDecimal(rate, { field: 'rate' }))
      .neg()
  }

  /** The key a payment is deduplicated by: venue, event time, asset and symbol. */
  static keyOf(p: FundingPayment): string {
    return `${p.venue}|${p.tsEvent}|${p.asset}|${p.symbol ?? ''}`
  }

  /**
   * Claims `payment`: the symbol to book it on (`''`: no single position), or `undefined` when it was claimed before.
   * `quoteOf` gives an instrument's settlement asset.
   */
  claim(
    payment: FundingPayment,
    positions: Iterable<PortfolioPosition>,
    quoteOf: (venue: string, symbol: string) => string | undefined,
  ): string | undefined {
    const k = VenueFunding.keyOf(payment)
    if (this.#seen.has(k)) return undefined
    this.#seen.add(k)
    if (payment.symbol !== undefined) return payment.symbol
    const open: string[] = []
    for (const p of positions) {
      if (p.venue !== payment.venue || p.kind !== 'perpetual' || p.qty.isZero()) continue
      if (quoteOf(p.venue, p.symbol) === payment.asset) open.push(p.symbol)
    }
    return open.length === 1 ? (open[0] ?? '') : ''
  }
}
