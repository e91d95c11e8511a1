import { type RiskManager, TradingState } from '../risk/index.js'
import type { RedisStateStore } from './RedisStateStore.js'

const RELAYED = 'halted by another process: '

/**
 * Makes the kill switch deployment-wide: when any process of the deployment latches HALTED in the shared
 * {@link RedisStateStore} (its `emergencyStop`, a breaker), this process runs its own `emergencyStop` — HALTED at
 * once, then it cancels its own open orders on its registered executors. Leaving HALTED stays each host's explicit
 * decision (`risk.resume()`): a resume elsewhere is never copied. A halt latched here while Redis was down is saved
 * again when it returns, so the others still hear of it. Returns a function that stops listening.
 *
 * @example
 * ```ts
 * const store = new RedisStateStore({ redis, name: 'binance-main' })
 * const risk = new RiskManager({ store })
 * await risk.start()
 * const unlink = shareKillSwitch(risk, store)
 * ```
 */
export function shareKillSwitch(risk: RiskManager, store: RedisStateStore): () => void {
  const unwatch = store.watch((s) => {
    if (s.state !== TradingState.HALTED || risk.state === TradingState.HALTED) return
    const why = s.detail ?? s.reason
    // Tie the halt this process saves to the one it copies: a copy saved after that halt was resumed is refused.
    store.relayNextHalt()
    // A halt relayed by another process keeps the first reason, not a chain of relays.
    void risk.emergencyStop(why.startsWith(RELAYED) ? why : `${RELAYED}${why}`)
  })
  // The guard reported a failed save on `error` and does not retry it: re-save a halt once Redis is back.
  const onReconnected = (): void => {
    if (risk.state === TradingState.HALTED) store.save(risk.guard.toPersisted()).catch(() => {})
  }
  store.connection.events.on('redis.reconnected', onReconnected)
  return () => {
    unwatch()
    store.connection.events.off('redis.reconnected', onReconnected)
  }
}
