import * as z from 'zod/mini'
import { formatIssues } from '../core/index.js'
import { ValidationError } from '../errors/index.js'
import { TradingState } from './types.js'

/** Decimal as an exact string in persisted state. */
const DecimalString = /* @__PURE__ */ z.string().check(z.regex(/^-?\d+(\.\d+)?$/))

/**
 * What a {@link TradingGuard} persists so that a restart can neither reset a tripped breaker nor forget the
 * drawdown peak or the day's starting equity. Decimals are exact strings.
 */
export const PersistedRiskStateSchema = z.strictObject({
  version: z.literal(1),
  state: z.enum([TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED]),
  /** Why the state is what it is (a `StateChangeReason` of `tradekit/risk`). */
  reason: z.string(),
  /** Free-text detail of the last transition (the kill switch's reason, ...). */
  detail: z.optional(z.string()),
  /** When the state last changed, epoch ms. */
  since: z.number(),
  peakEquity: z.optional(DecimalString),
  dayKey: z.optional(z.string()),
  dayStartEquity: z.optional(DecimalString),
  consecutiveLosses: /* @__PURE__ */ z.int().check(z.nonnegative()),
  /** End of the losing-streak cooldown, epoch ms. */
  cooldownUntil: z.optional(z.number()),
  /**
   * The highest state asked for by causes that do not lift themselves (a manual reduce under a daily-loss halt, say):
   * a day reset or a cooldown's end comes down to it, not below. Absent: ACTIVE.
   */
  held: z.optional(z.enum([TradingState.REDUCING, TradingState.HALTED])),
  /**
   * Measurement restarts a `resume({ resetDrawdownPeak, resetDailyLoss })` asked for before any equity was known (right
   * after a restart): they take effect at the next equity. Absent: none.
   */
  pendingReset: z.optional(
    z.strictObject({ drawdownPeak: z.optional(z.literal(true)), dailyLoss: z.optional(z.literal(true)) }),
  ),
  /** When this snapshot was written, epoch ms. */
  tsSaved: z.number(),
})

/** The persisted breaker state (see {@link PersistedRiskStateSchema}). */
export type PersistedRiskState = z.output<typeof PersistedRiskStateSchema>

/**
 * Where a {@link TradingGuard} keeps its latched state. `load` resolves `undefined` when nothing was saved yet and
 * rejects when what was saved is unreadable (a corrupt file must stop the start, not silently reset a breaker).
 */
export interface StateStore {
  /** Reads the last saved state. */
  load(): Promise<PersistedRiskState | undefined>
  /** Replaces the saved state; must be atomic (a crash mid-write leaves the old or the new state, never half). */
  save(state: PersistedRiskState): Promise<void>
}

/**
 * Validates a loaded value against {@link PersistedRiskStateSchema}; throws a {@link ValidationError} listing the
 * issues (used by every store on load).
 *
 * @example
 * ```ts
 * const state = parsePersistedRiskState(JSON.parse(await readFile('risk.json', 'utf8'))) // throws on a bad file
 * ```
 */
export function parsePersistedRiskState(value: unknown): PersistedRiskState {
  const r = PersistedRiskStateSchema.safeParse(value)
  if (r.success) return r.data
  const issues = formatIssues(r.error)
  throw new ValidationError(`Persisted risk state is invalid: ${issues.join('; ')}`, {
    field: 'riskState',
    details: { issues },
  })
}

/**
 * A {@link StateStore} in memory: for tests and backtests. Keeps a deep copy, so later changes to the saved object
 * cannot leak in.
 *
 * @example
 * ```ts
 * const store = new MemoryStateStore()
 * const risk = new RiskManager({ store })
 * await risk.start()
 * ```
 */
export class MemoryStateStore implements StateStore {
  #json: string | undefined
  #saves = 0

  /** Number of completed saves. */
  get saves(): number {
    return this.#saves
  }

  constructor(initial?: PersistedRiskState) {
    if (initial !== undefined) this.#json = JSON.stringify(parsePersistedRiskState(initial))
  }

  async load(): Promise<PersistedRiskState | undefined> {
    return this.#json === undefined ? undefined : parsePersistedRiskState(JSON.parse(this.#json))
  }

  async save(state: PersistedRiskState): Promise<void> {
    this.#json = JSON.stringify(parsePersistedRiskState(state))
    this.#saves++
  }

  /** The last saved state, or `undefined`. */
  peek(): PersistedRiskState | undefined {
    return this.#json === undefined ? undefined : (JSON.parse(this.#json) as PersistedRiskState)
  }
}
