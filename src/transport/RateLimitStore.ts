import type { WindowMode } from './RateLimiter.js'

/** One window a {@link RateLimitReservation} charges: its definition, the cost and the lane's reserve. */
export interface RateLimitCharge {
  readonly id: string
  readonly limit: number
  readonly intervalMs: number
  readonly mode: WindowMode
  /** What this request spends here. */
  readonly cost: number
  /** Budget the request's lane must leave unused (`reserve[lane] · limit`): cancels 0, so they go first. */
  readonly floor: number
}

/** What a {@link RateLimiter} asks its {@link RateLimitStore} for, after the local windows granted the request. */
export interface RateLimitReservation {
  readonly charges: readonly RateLimitCharge[]
  /** The request's lane (`CANCEL`, `ORDER`, `MARKET_DATA`). */
  readonly priority: 'CANCEL' | 'ORDER' | 'MARKET_DATA'
  /** The limiter's clock, epoch ms. */
  readonly nowMs: number
}

/**
 * Where a {@link RateLimiter} keeps the budget it shares with other processes (one Binance IP, many bots). Without a
 * store the limiter is purely in memory, as before; with one, a request the local windows granted must also be
 * reserved here (atomically, across processes) before it goes out, and usage headers, pauses and bans are forwarded
 * so every process sees them. `tradekit/redis` ships a Redis implementation.
 */
export interface RateLimitStore {
  /**
   * Charges every window of the reservation if all have room above their floor and no shared pause or ban is on;
   * otherwise charges nothing. Resolves `0` when charged, or the ms to wait before asking again (finite; any other
   * answer fails the request with an `InvariantError`). Rejects with a `BannedError` during a shared ban, or another
   * `TradekitError` when the store cannot answer (fail closed).
   */
  reserve(reservation: RateLimitReservation): Promise<number>
  /**
   * The venue's own count for a window (usage header), seen by a request sent at `sentAtMs` and answered at `nowMs`
   * (the limiter's clock; absent from older callers, then `sentAtMs`). Never throws.
   */
  observeUsage(
    window: Omit<RateLimitCharge, 'cost' | 'floor'>,
    used: number,
    sentAtMs: number,
    nowMs?: number,
  ): void
  /** Holds every process until `untilMs` (a 429 with Retry-After). Never throws. */
  pause(untilMs: number): void
  /** Bans every process until `untilMs` (a 418). Never throws. */
  ban(untilMs: number): void
}
