import type { SimMarket } from './engine.js'

/**
 * Binance's IP bans as the sim keeps them: after a 418, every request of that market (REST and WebSocket API) is
 * answered 418 until the ban ends, with the time left as `Retry-After` ("in the case of a 418, until the ban is
 * over", Binance's LIMITS documentation). Spot and USD-M are separate venues with separate bans.
 *
 * @example
 * ```ts
 * const bans = new IpBans()
 * bans.ban('spot', now + 2000)
 * bans.untilMs('spot', now) // now + 2000 (undefined once it has passed)
 * ```
 */
export class IpBans {
  readonly #until: Record<SimMarket, number> = { spot: 0, usdm: 0 }

  /** Bans `market` until `untilMs` (the sim's clock, never skewed: a ban lasts real time); a longer ban is kept. */
  ban(market: SimMarket, untilMs: number): void {
    if (untilMs > this.#until[market]) this.#until[market] = untilMs
  }

  /** When the ban of `market` ends (the sim's clock), or `undefined` when it is not banned at `now`. */
  untilMs(market: SimMarket, now: number): number | undefined {
    const until = this.#until[market]
    return until > now ? until : undefined
  }

  /** Lifts every ban. */
  clear(): void {
    this.#until.spot = 0
    this.#until.usdm = 0
  }
}

/** The market a REST path belongs to: `/fapi/…` is USD-M, everything else (`/api/…`, `/sapi/…`) spot. */
export function marketOfPath(path: string): SimMarket {
  return path.startsWith('/fapi/') || path.startsWith('/ws-fapi/') ? 'usdm' : 'spot'
}
