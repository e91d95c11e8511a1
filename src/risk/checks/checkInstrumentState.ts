import { type RiskRejection, rejection, TradingState } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Per-instrument trading state (set with `RiskManager.setInstrumentState`, e.g. by feed health): HALTED denies every
 * signal on the instrument, REDUCING denies entries (exits pass). The denial carries the cause's code and reason.
 *
 * @example
 * ```ts
 * risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'feed stale' })
 * checkInstrumentState(ctx)?.code // 'FEED_UNHEALTHY' for an ENTRY on binance:BTCUSDT
 * ```
 */
export function checkInstrumentState(ctx: RiskCheckContext): RiskRejection | undefined {
  const r = ctx.restriction()
  if (r === undefined || r.state === TradingState.ACTIVE) return undefined
  if (r.state === TradingState.REDUCING && ctx.signal.intent === 'EXIT') return undefined
  return rejection(r.cause.code, r.cause.reason, { instrument: ctx.key, instrumentState: r.state })
}
