import { z } from 'zod'
import { formatIssues, parseConfig } from '../core/index.js'
import { StateError, toTradekitError, ValidationError } from '../errors/index.js'
import { TradingState } from './types.js'

/** Decimal as an exact string in persisted state. */
const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/)

/**
 * What a {@link TradingGuard} persists so that a restart can neither reset a tripped breaker nor forget the
 * drawdown peak or the day's starting equity. Decimals are exact strings.
 */
export const PersistedRiskStateSchema = z
  .object({
    version: z.literal(1),
    state: z.enum([TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED]),
    /** Why the state is what it is (a {@link StateChangeReason}). */
    reason: z.string(),
    /** Free-text detail of the last transition (the kill switch's reason, ...). */
    detail: z.string().optional(),
    /** When the state last changed, epoch ms. */
    since: z.number().finite(),
    peakEquity: DecimalString.optional(),
    dayKey: z.string().optional(),
    dayStartEquity: DecimalString.optional(),
    consecutiveLosses: z.number().int().nonnegative(),
    /** End of the losing-streak cooldown, epoch ms. */
    cooldownUntil: z.number().finite().optional(),
    /** When this snapshot was written, epoch ms. */
    tsSaved: z.number().finite(),
  })
  .strict()

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

/** Configuration of a {@link FileStateStore} (no defaults: the path is required). */
export const FileStateStoreConfigSchema = z
  .object({
    /** Path of the JSON file. Its directory must exist. */
    path: z.string().min(1, 'FileStateStore needs a non-empty path'),
  })
  .strict()

/** What {@link FileStateStore} accepts. */
export type FileStateStoreConfig = z.input<typeof FileStateStoreConfigSchema>

/**
 * The default durable {@link StateStore}: one JSON file, written atomically (a temp file in the same directory,
 * flushed with fsync, then renamed over the target). Node only; `node:fs` is imported lazily, so the risk module
 * still loads in browsers.
 *
 * @example
 * ```ts
 * const risk = new RiskManager({ store: new FileStateStore({ path: './risk-state.json' }) })
 * await risk.start() // a HALTED state saved before a restart is still HALTED
 * ```
 */
export class FileStateStore implements StateStore {
  /** The file written. */
  readonly path: string
  #seq = 0

  constructor(config: FileStateStoreConfig) {
    this.path = parseConfig(FileStateStoreConfigSchema, config, 'FileStateStore').path
  }

  async load(): Promise<PersistedRiskState | undefined> {
    const fs = await import('node:fs/promises')
    let text: string
    try {
      text = await fs.readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return undefined
      throw new StateError(`Cannot read risk state "${this.path}"`, { cause: e })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new ValidationError(`Risk state file "${this.path}" is not valid JSON`, {
        field: 'riskState',
        cause: e,
      })
    }
    return parsePersistedRiskState(json)
  }

  async save(state: PersistedRiskState): Promise<void> {
    const fs = await import('node:fs/promises')
    const data = `${JSON.stringify(parsePersistedRiskState(state), null, 2)}\n`
    const tmp = `${this.path}.${Math.random().toString(36).slice(2, 10)}-${(this.#seq++).toString(36)}.tmp`
    try {
      const fh = await fs.open(tmp, 'w', 0o600)
      try {
        await fh.writeFile(data, 'utf8')
        await fh.sync()
      } finally {
        await fh.close()
      }
      await fs.rename(tmp, this.path)
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined)
      throw toTradekitError(new StateError(`Cannot write risk state "${this.path}"`, { cause: e }))
    }
  }
}
