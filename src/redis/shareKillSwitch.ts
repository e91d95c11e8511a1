import type { TradekitError } from '../errors/index.js'
import { isStateSaveRefusedError, type RiskManager, TradingState } from '../risk/index.js'
import type { RedisStateStore } from './RedisStateStore.js'

const RELAYED = 'halted by another process: '

/**
 * Makes the kill switch deployment-wide: when any process of the deployment latches HALTED in the shared
 * {@link RedisStateStore} (its `emergencyStop`, a breaker), this process runs its own `emergencyStop` — HALTED at
 * once, then it cancels its own open orders on its registered executors. Leaving HALTED stays each host's explicit
 * decision (`risk.resume()`): a resume elsewhere is never copied. A halt latched here while Redis was down is saved
 * again when it returns, so the others still hear of it. A save of this process refused because Redis holds a HALTED
 * it may not replace (a day reset or a resume of another halt than the one stored) halts this process too: a halt
 * the watch delivered while this process was HALTED for a cause that has lifted since is not lost. Returns a
 * function that stops listening.
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
  const relay = (why: string): void => {
    // Tie the halt this process saves to the one it copies: a copy saved after that halt was resumed is refused.
    store.relayNextHalt()
    // A halt relayed by another process keeps the first reason, not a chain of relays.
    void risk.emergencyStop(why.startsWith(RELAYED) ? why : `${RELAYED}${why}`)
  }
  const unwatch = store.watch((s) => {
    if (s.state !== TradingState.HALTED || risk.state === TradingState.HALTED) return
    relay(s.detail ?? s.reason)
  })
  // The guard does not retry a refused save: when Redis refused it for a HALTED it holds, copy that halt now.
  const onError = (e: TradekitError): void => {
    if (!isStateSaveRefusedError(e) || e.stored !== TradingState.HALTED) return
    if (risk.state === TradingState.HALTED) return
    relay(`shared state HALTED (this process's ${e.refused} save was refused: ${e.why ?? 'refused'})`)
  }
  risk.events.on('error', onError)
  // The guard reported a failed save on `error` and does not retry it: re-save a halt once Redis is back.
  const onReconnected = (): void => {
    if (risk.state === TradingState.HALTED) store.save(risk.guard.toPersisted()).catch(() => {})
  }
  store.connection.events.on('redis.reconnected', onReconnected)
  return () => {
    unwatch()
    risk.events.off('error', onError)
    store.connection.events.off('redis.reconnected', onReconnected)
  }
}
