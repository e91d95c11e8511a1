import type { Clock, TimerHandle } from '../../core/clock.js'
import type { SimAccount, SimEngine } from './engine.js'

/**
 * The USD-M auto-cancel countdowns of {@link BinanceSim} (`POST /fapi/v1/countdownCancelAll`): one timer per account
 * and symbol; when it runs out before the next heartbeat re-arms it, every open order of that symbol is cancelled,
 * as Binance does when a client stops sending heartbeats.
 *
 * @example
 * ```ts
 * const countdowns = new CancelCountdowns(engine, clock, () => clock.now())
 * countdowns.arm(account, 'BTCUSDT', 120_000) // 0 stops it
 * ```
 */
export class CancelCountdowns {
  readonly #engine: SimEngine
  readonly #clock: Clock
  readonly #now: () => number
  readonly #timers = new Map<string, TimerHandle>()
  /** How many countdowns ran out (each cancelled its symbol's open orders). */
  expired = 0

  constructor(engine: SimEngine, clock: Clock, now: () => number) {
    this.#engine = engine
    this.#clock = clock
    this.#now = now
  }

  /** Starts, restarts (a heartbeat) or, with `countdownMs` 0, stops the countdown of an account's symbol. */
  arm(acc: SimAccount, symbol: string, countdownMs: number): void {
    const k = `${acc.apiKey}\u0000${symbol}`
    this.#clock.clearTimeout(this.#timers.get(k))
    this.#timers.delete(k)
    if (countdownMs === 0) return
    const h = this.#clock.setTimeout(() => {
      this.#timers.delete(k)
      this.expired++
      for (const o of this.#engine.openOrders('usdm', acc, symbol)) {
        this.#engine.cancelOrder('usdm', acc, symbol, o.orderId, undefined, this.#now())
      }
    }, countdownMs)
    this.#timers.set(k, h)
  }

  /** Stops every countdown (the simulator closes). */
  clear(): void {
    for (const h of this.#timers.values()) this.#clock.clearTimeout(h)
    this.#timers.clear()
  }
}
