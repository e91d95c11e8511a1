import type { PolymarketHttp } from './PolymarketHttp.js'
import type { SimSettlementMode } from './types.js'

/** @internal What {@link PolymarketSimFaults} controls of a simulator. */
export interface PolymarketFaultControls {
  readonly http: PolymarketHttp
  drop(channel?: 'market' | 'user'): void
  sendRaw(text: string, channel?: 'market' | 'user'): void
  setFrozen(frozen: boolean): void
  setStalled(stalled: boolean): void
  setSettlement(mode: SimSettlementMode): void
  setMatchDelay(ms: number): void
  setTradeHistoryLag(ms: number): void
}

/**
 * Fault injection of a {@link PolymarketSim}: socket drops, stalls, silent freezes (PONGs keep flowing),
 * malformed frames, HTTP 429/5xx, slow responses, and delayed or failed settlement.
 *
 * @example
 * ```ts
 * const sim = await PolymarketSim.start({ seed: 7 })
 * sim.faults.dropConnections('user')                 // the client reconnects and reconciles fills over REST
 * sim.faults.failHttp(2, 503, { path: '/book' })     // idempotent reads are retried
 * sim.faults.settlement('fail')                      // next trades go RETRYING → FAILED
 * ```
 */
export class PolymarketSimFaults {
  readonly #sim: PolymarketFaultControls
  /** @internal */
  constructor(controls: PolymarketFaultControls) {
    this.#sim = controls
  }
  /** Terminates every WebSocket (of one channel, or all), as a network drop would. */
  dropConnections(channel?: 'market' | 'user'): void {
    this.#sim.drop(channel)
  }
  /** Silent freeze: market data stops (and is lost) while sockets stay open and PING still gets PONG. */
  freezeMarketData(frozen = true): void {
    this.#sim.setFrozen(frozen)
  }
  /**
   * Full stall: sockets stay open but nothing is sent, not even PONG; what clients send meanwhile (PING,
   * subscriptions) is held and handled, in order, when the stall ends.
   */
  stallSockets(stalled = true): void {
    this.#sim.setStalled(stalled)
  }
  /** Sends `count` malformed frames on the market channel (bad JSON, bad prices, unknown events). */
  sendMalformed(count = 3): void {
    const junk = [
      '{"event_type":"book","asset_id":',
      '{"event_type":"price_change","market":"0x1","price_changes":[{"asset_id":"1","price":"1.5","size":"1","side":"BUY"}],"timestamp":"1"}',
      '{"event_type":"last_trade_price","asset_id":"1","market":"0x1","price":"","size":"1","side":"BUY","timestamp":"1"}',
      '{"event_type":"mystery"}',
      '\u0000\u0001',
    ]
    for (let i = 0; i < count; i++) this.#sim.sendRaw(junk[i % junk.length] as string)
  }
  /** Answers the next `count` HTTP requests (optionally only those under `path`) with `status`. */
  failHttp(
    count: number,
    status: 429 | 500 | 502 | 503,
    options: { retryAfterSec?: number; path?: string } = {},
  ): void {
    this.#sim.http.failures.add(
      { status, ...(options.retryAfterSec !== undefined ? { retryAfterSec: options.retryAfterSec } : {}) },
      { count, path: options.path },
    )
  }
  /** Clears every fault: pending HTTP failures, delays, freezes, stalls, the trade history lag; settlement back to `confirm`. */
  clear(): void {
    this.#sim.http.clear()
    this.#sim.setFrozen(false)
    this.#sim.setStalled(false)
    this.#sim.setSettlement('confirm')
    this.#sim.setMatchDelay(0)
    this.#sim.setTradeHistoryLag(0)
  }
  /** Delays every HTTP response by `ms` (0 to stop). */
  delayHttp(ms: number): void {
    this.#sim.http.delayMs = ms
  }
  /** Settlement of new trades: `confirm` (MINED → CONFIRMED), `fail` (RETRYING → FAILED, balances reverted), `hold` (stay MATCHED until `releaseSettlement`). */
  settlement(mode: SimSettlementMode): void {
    this.#sim.setSettlement(mode)
  }
  /**
   * Matching delay (as on sports markets): a marketable order is answered `status: "delayed"` with nothing matched,
   * and is matched `ms` later (its fills then come on the user channel; one the book can no longer take, e.g. a FOK,
   * is dropped then, reported as the sim's `order.rejected` event). 0 stops it.
   */
  delayMatching(ms: number): void {
    this.#sim.setMatchDelay(ms)
  }
  /**
   * Trade history lag: `GET /data/trades` leaves out the trades matched in the last `ms` (the user channel still
   * reports them), as a trade history catching up with matching would. 0 stops it.
   */
  lagTradeHistory(ms: number): void {
    this.#sim.setTradeHistoryLag(ms)
  }
  /** Stops (or restores) the Poly-RateLimit-* headers on responses. */
  rateLimitHeaders(enabled: boolean): void {
    this.#sim.http.rateLimitHeaders = enabled
  }
}
