let lastVenue: string | undefined
let lastSymbol: string | undefined
let lastKey = ''

/**
 * The map key of an instrument, `venue` NUL `symbol`. The last key is kept: a stream of one instrument's events
 * builds (and hashes) its key once, not at every lookup.
 *
 * @example
 * ```ts
 * prices.set(instrumentKey('binance', 'BTCUSDT'), 64_000)
 * ```
 */
export function instrumentKey(venue: string, symbol: string): string {
  if (venue !== lastVenue || symbol !== lastSymbol) {
    lastVenue = venue
    lastSymbol = symbol
    lastKey = `${venue}\u0000${symbol}`
  }
  return lastKey
}
