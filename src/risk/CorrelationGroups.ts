/** Bound on venues, and on symbols per venue, whose group is remembered. */
const MAX_REMEMBERED = 10_000

/**
 * The correlation groups of a RiskManager's config (`correlation.groups`: members are `venue:symbol` or a bare
 * symbol), with each instrument's answer remembered by venue and symbol: the checks ask for every open position of
 * every entry, and building and hashing a `venue:symbol` string each time costs more than the check.
 *
 * @example
 * ```ts
 * const groups = new CorrelationGroups({ majors: ['BTCUSDT', 'binance:ETHUSDT'] })
 * groups.of('binance', 'ETHUSDT') // 'majors'
 * groups.of('bybit', 'SOLUSDT')   // undefined
 * ```
 */
export class CorrelationGroups {
  readonly #groupOf = new Map<string, string>()
  /** Answers by venue, then symbol (`null`: in no group). */
  readonly #memo = new Map<string, Map<string, string | null>>()

  constructor(groups: Readonly<Record<string, readonly string[]>>) {
    for (const [group, members] of Object.entries(groups))
      for (const m of members) this.#groupOf.set(m, group)
  }

  /** The group of `venue:symbol`, else of the bare symbol; `undefined` when it is in none. */
  of(venue: string, symbol: string): string | undefined {
    if (this.#groupOf.size === 0) return undefined
    let bySymbol = this.#memo.get(venue)
    if (bySymbol === undefined) {
      if (this.#memo.size >= MAX_REMEMBERED) this.#memo.clear()
      bySymbol = new Map()
      this.#memo.set(venue, bySymbol)
    }
    let group = bySymbol.get(symbol)
    if (group === undefined) {
      if (bySymbol.size >= MAX_REMEMBERED) bySymbol.clear()
      group = this.#groupOf.get(`${venue}:${symbol}`) ?? this.#groupOf.get(symbol) ?? null
      bySymbol.set(symbol, group)
    }
    return group ?? undefined
  }
}
