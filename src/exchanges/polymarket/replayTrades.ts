import type { Fill } from '../../core/types.js'
import { type TradekitError, toTradekitError } from '../../errors/index.js'
import type { PolymarketRest } from './PolymarketRest.js'
import type { PolymarketUserStream } from './PolymarketUserStream.js'
import type { PolymarketMarketFilter } from './restTypes.js'

/** Where {@link replayTrades} reads and writes. */
export interface TradeReplayHost {
  readonly rest: Pick<PolymarketRest, 'getTradeEvents'>
  readonly user: Pick<PolymarketUserStream, 'ingestTrade' | 'unsettledMarkets'>
  /** An undecodable trade record, or a market whose history could not be read. */
  readonly onError: (e: TradekitError) => void
}

/**
 * A token's or market's trade history (REST) through the user stream's de-duplication: emits what the channel missed
 * (`fill`, `fill.settled`, `fill.reversed`) and returns our fills in it.
 *
 * @example
 * ```ts
 * const fills = await replayTrades(host, { tokenId })
 * ```
 */
export async function replayTrades(h: TradeReplayHost, filter: PolymarketMarketFilter): Promise<Fill[]> {
  const out: Fill[] = []
  for (const r of await h.rest.getTradeEvents(filter)) {
    if (r.ok) out.push(...h.user.ingestTrade(r.value))
    else h.onError(r.error)
  }
  return out
}

/**
 * Reads again the trade history of each market with a fill reported unsettled for `afterMs` or more, so a settlement
 * (or failure) the channel missed is reported. Only such markets: a trade is usually mined within seconds, and reading
 * every market with a fresh fill on each reconciliation would cost a busy market maker a full history read per market
 * every pass. One scan at a time (a reconciliation that timed out waiting for one does not start a second beside it);
 * a market whose history cannot be read is reported and the others are still read.
 *
 * @example
 * ```ts
 * const recheck = new SettlementRecheck(host, 20_000)
 * await recheck.run() // on every reconciliation
 * ```
 */
export class SettlementRecheck {
  readonly #host: TradeReplayHost
  readonly #afterMs: number
  #running = false

  constructor(host: TradeReplayHost, afterMs: number) {
    this.#host = host
    this.#afterMs = afterMs
  }

  /** One scan (nothing when one is running already). */
  async run(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (const market of this.#host.user.unsettledMarkets(this.#afterMs)) {
        await replayTrades(this.#host, { market }).catch((e: unknown) =>
          this.#host.onError(toTradekitError(e)),
        )
      }
    } finally {
      this.#running = false
    }
  }
}
