import * as z from 'zod/mini'
import { parseConfig } from '../core/index.js'
import { StateError, toTradekitError, ValidationError } from '../errors/index.js'
import { type PersistedRiskState, parsePersistedRiskState, type StateStore } from './StateStore.js'

/** Configuration of a {@link FileStateStore} (no defaults: the path is required). */
export const FileStateStoreConfigSchema = z.strictObject({
  /** Path of the JSON file. Its directory must exist. */
  path: /* @__PURE__ */ z.string().check(z.minLength(1, 'FileStateStore needs a non-empty path')),
})

/** What {@link FileStateStore} accepts. */
export type FileStateStoreConfig = z.input<typeof FileStateStoreConfigSchema>

/**
 * The default durable {@link StateStore}: one JSON file, written atomically (a temp file in the same directory,
 * flushed with fsync, then renamed over the target). Node only: absent from the browser build of `tradekit/risk`.
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
