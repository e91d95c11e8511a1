/** Builds a {@link RiskCheckContext} for the check tests, the way `RiskManager.evaluate` builds one. */
import {
  type AccountSnapshot,
  ManualClock,
  type MarketSnapshot,
  parseConfig,
  type Signal,
} from '../../core/index.js'
import {
  type InstrumentRestriction,
  RiskCheckContext,
  riskLimits,
} from '../checks/RiskCheckContext.js'
import { readRiskInputs } from '../checks/readRiskInputs.js'
import { type RiskManagerConfig, RiskManagerConfigSchema } from '../config.js'
import { EntryReservations } from '../EntryReservations.js'
import { TradingGuard } from '../TradingGuard.js'
import { account, market, signal } from './builders.js'

export const T0 = Date.UTC(2026, 0, 15, 12)

export interface CheckCase {
  readonly signal?: Partial<Signal>
  readonly account?: Partial<AccountSnapshot>
  readonly market?: Partial<MarketSnapshot>
  readonly config?: RiskManagerConfig
  readonly restriction?: InstrumentRestriction
  /** Prepares the guard (halt, reduce, record orders). */
  readonly guard?: (g: TradingGuard) => void
  /** Entries approved and not listed yet (none by default). */
  readonly reserved?: EntryReservations
}

/** A context over the default BUY signal, 10 000 account and 100 price, at `T0`. */
export function checkContext(c: CheckCase = {}): RiskCheckContext {
  const clock = new ManualClock(T0)
  const cfg = parseConfig(RiskManagerConfigSchema, { clock, ...c.config }, 'RiskManager')
  const guard = new TradingGuard({ clock, breakers: c.config?.breakers ?? {} })
  c.guard?.(guard)
  const groupOf = new Map<string, string>()
  for (const [g, members] of Object.entries(cfg.correlation.groups)) for (const m of members) groupOf.set(m, g)
  const inputs = readRiskInputs(signal(c.signal), account(c.account), market({ priceTs: T0, ...c.market }))
  if (!inputs.ok) throw new Error(`bad test inputs: ${inputs.error.message}`)
  return new RiskCheckContext(inputs.value, T0, {
    cfg,
    limits: riskLimits(cfg),
    guard,
    restrictionOf: (key) => (key === inputs.value.key ? c.restriction : undefined),
    groupOf: (venue, symbol) => groupOf.get(`${venue}:${symbol}`) ?? groupOf.get(symbol),
    reserved: c.reserved ?? new EntryReservations(cfg.entryReservationTtlMs),
  })
}
