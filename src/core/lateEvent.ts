/**
 * Whether a market event of time `eventTs` is late: older than `heldTs`, the time of the newest event already taken,
 * while that time is not ahead of `now`. A held time ahead of the clock (a bad stamp) orders nothing: it would
 * otherwise refuse every event until the clock reached it. The one rule by which the engine's MarketCache and the
 * Portfolio's marks never go back in time.
 *
 * @example
 * ```ts
 * isLateEvent(1_000, 2_000, 5_000) // true: older than the event held
 * isLateEvent(1_000, 9_000, 5_000) // false: the time held is ahead of the clock
 * ```
 */
export function isLateEvent(eventTs: number, heldTs: number, now: number): boolean {
  return eventTs < heldTs && heldTs <= now
}
