import type { OrderIntent } from '../core/ports.js'

/** The order fields of an intent (strategy metadata stays with the executor). */
export function stripIntent(intent: OrderIntent) {
  const { strategyId: _s, stopPrice: _sp, takeProfitPrice: _tp, signal: _sig, groupId: _g, ...req } = intent
  return req
}
