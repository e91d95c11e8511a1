import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { type PersistedRiskState, parsePersistedRiskState, type StateStore } from '../risk/index.js'
import { RedisConnection } from './RedisConnection.js'

/** Schema of {@link RedisStateStoreConfig}; defaults are applied here. */
export const RedisStateStoreConfigSchema = z.strictObject({
  /** The process's connection. */
  redis: z.custom<RedisConnection>((v) => v instanceof RedisConnection, 'must be a RedisConnection'),
  /** Which risk state: one per account or strategy group the processes share. Default `risk`. */
  name: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[\w.:-]+$/)), 'risk'),
  /** How often {@link RedisStateStore.watch} polls (the fallback when a pub/sub message is lost), ms. Default 500. */
  pollMs: z._default(/* @__PURE__ */ z.int().check(z.positive()), 500),
})

/** What {@link RedisStateStore} takes (defaults documented on {@link RedisStateStoreConfigSchema}). */
export type RedisStateStoreConfig = z.input<typeof RedisStateStoreConfigSchema>

/**
 * Never lets a stale process undo a latch: a state that differs from the stored one is written only when its
 * `since` is not older (an explicit reset after a halt is newer; a process that never saw the halt is older).
 */
const SAVE_LUA = `
local cur = redis.call('GET', KEYS[1])
local n = cjson.decode(ARGV[1])
if cur then
  local c = cjson.decode(cur)
  if c.state ~= n.state and n.since < c.since then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1
`

/**
 * The {@link StateStore} of many processes: the latched trading state (breakers, kill switch, drawdown peak) lives
 * in Redis, so it survives restarts and every process of the deployment sees it. A save is atomic and cannot
 * unlatch a newer state; {@link RedisStateStore.watch} reports another process's change within about a second
 * (pub/sub, with polling as the fallback) so each process can halt and cancel its own open orders.
 *
 * @example
 * ```ts
 * const store = new RedisStateStore({ redis, name: 'binance-main' })
 * const risk = new RiskManager({ store })
 * store.watch((s) => { if (s.state === 'HALTED') void risk.emergencyStop(s.detail ?? 'halted elsewhere') })
 * ```
 */
export class RedisStateStore implements StateStore {
  readonly #redis: RedisConnection
  /** The connection the state lives on (for its `redis.reconnected` event). */
  readonly connection: RedisConnection
  readonly #key: string
  readonly #channel: string
  readonly #pollMs: number
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(config: RedisStateStoreConfig) {
    const cfg = parseConfig(RedisStateStoreConfigSchema, config, 'RedisStateStore')
    this.#redis = cfg.redis
    this.connection = cfg.redis
    this.#key = cfg.redis.key('risk', cfg.name)
    this.#channel = `risk:${cfg.name}`
    this.#pollMs = cfg.pollMs
  }

  async load(): Promise<PersistedRiskState | undefined> {
    const raw = await this.#redis.command(['GET', this.#key])
    if (raw === null || raw === undefined) return undefined
    return parsePersistedRiskState(JSON.parse(String(raw)))
  }

  /** Saves atomically; a newer, different state already stored is kept (a stale process cannot unlatch it). */
  async save(state: PersistedRiskState): Promise<void> {
    const json = JSON.stringify(parsePersistedRiskState(state))
    await this.#redis.script(SAVE_LUA, [this.#key, this.#redis.key(this.#channel)], [json])
  }

  /**
   * Calls `listener` with every new saved state (by `tsSaved`), from this or another process: pushed over pub/sub
   * and polled every `pollMs` in case a message was lost while Redis was away. Returns a function that stops it.
   */
  watch(listener: (state: PersistedRiskState) => void): () => void {
    let last = -1
    const offer = (state: PersistedRiskState): void => {
      if (state.tsSaved <= last) return
      last = state.tsSaved
      listener(state)
    }
    const poll = (): void => {
      this.load().then(
        (s) => s !== undefined && offer(s),
        () => {},
      )
    }
    this.#redis
      .subscribe(this.#channel, (m) => {
        try {
          offer(parsePersistedRiskState(JSON.parse(m)))
        } catch {}
      })
      .catch(() => {})
    this.#timer = setInterval(poll, this.#pollMs)
    poll()
    return () => {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}
