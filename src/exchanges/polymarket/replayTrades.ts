import type { Fill } from '../../core/types.js'
import { type TradekitError, toTradekitError } from '../../errors/index.js'
import type { PolymarketUserTradeEvent } from './decode.js'
import type { PolymarketRest } from './PolymarketRest.js'
import type { PolymarketUserStream } from './PolymarketUserStream.js'
import type { PolymarketMarketFilter } from './restTypes.js'

/** Where {@link replayTrades} reads and writes. */
export interface TradeReplayHost {
  readonly rest: Pick<PolymarketRest, 'getTradeEvents'>
  readonly user: Pick<PolymarketUserStream, 'ingestTrade' | 'unsettledTrades'>
  /** An undecodable trade record, or a market whose history could not be read. */
  readonly onError: (e: TradekitError) => void
}

/**
 * A token's or market's trade history (REST), the trades `wanted` picks, through the user stream's de-duplication:
 * emits what the channel missed of them (`fill`, `fill.settled`, `fill.reversed`) and returns our fills in them. Only
 * the trades looked for: the history holds every trade of the account, those of orders from before a restart too,
 * which no executor here knows.
 *
 * @example
 * ```ts
 * const fills = await replayTrades(host, { tokenId }, (t) => t.takerOrderId === orderId)
 * ```
 */
export async function replayTrades(
  h: TradeReplayHost,
  filter: PolymarketMarketFilter,
  wanted: (t: PolymarketUserTradeEvent) => boolean,
): Promise<Fill[]> {
  const out: Fill[] = []
  for (const r of await h.rest.getTradeEvents(filter)) {
    if (!r.ok) h.onError(r.error)
    else if (wanted(r.value)) out.push(...h.user.ingestTrade(r.value))
  }
  return out
}

/** Whether venue order `orderId` took part in trade `t` (as its taker, or as one of its makers). */
export function involves(t: PolymarketUserTradeEvent, orderId: string): boolean {
  return t.takerOrderId === orderId || t.makerOrders.some((m) => m.orderId === orderId)
}

/**
 * Reads again the trade history of each market with a fill reported unsettled for `afterMs` or more, so a settlement
 * (or failure) the channel missed is reported (of the trades reported unsettled only). Only such markets: a trade is usually mined within seconds, and reading
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
      for (const [market, trades] of this.#host.user.unsettledTrades(this.#afterMs)) {
        await replayTrades(this.#host, { market }, (t) => trades.has(t.tradeId)).catch((e: unknown) =>
          this.#host.onError(toTradekitError(e)),
        )
      }
    } finally {
      this.#running = false
    }
  }
}
