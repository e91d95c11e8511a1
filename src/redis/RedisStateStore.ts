import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import {
  type PersistedRiskState,
  parsePersistedRiskState,
  StateChangeReason,
  StateSaveRefusedError,
  type StateStore,
  TradingState,
} from '../risk/index.js'
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
 * Saves one state, never by the hosts' clocks (they disagree). A Redis-side version (`v`, INCR on every save, in a
 * meta hash with a random `epoch` that changes when Redis lost its data) orders the saves. HALTED wins over any other
 * state: only an explicit resume (ARGV[4] = 1) of the halt this process has seen (ARGV[5] = `epoch:hv`) clears it, or
 * the day reset (ARGV[4] = 2) of a daily-loss halt (it lifts only its own cause, as the guard's own does).
 * A resume records its version as `rv`: a HALTED that copies a halt from before it (its basis, ARGV[3]) is stale and
 * refused, so a process still HALTED by a relay cannot latch a resumed halt again. Between ACTIVE and REDUCING the
 * last writer wins. KEYS: state, meta, channel; ARGV: json, fresh epoch, basis, resume, seen halt.
 * Returns {1, epoch, v, hv} when saved, {0, epoch, v, hv, why, stored state} when refused.
 */
const SAVE_LUA = `
local n = cjson.decode(ARGV[1])
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[2])
local m = redis.call('HMGET', KEYS[2], 'epoch', 'v', 'hv', 'rv')
local epoch, v, hv, rv = m[1], tonumber(m[2] or '0'), m[3] or '', tonumber(m[4] or '0')
local cur = redis.call('GET', KEYS[1])
local stored = ''
if cur then stored = cjson.decode(cur).state end
if n.state == 'HALTED' then
  local e, bv = string.match(ARGV[3], '^(.*):(%d+)$')
  if e == epoch and tonumber(bv) <= rv then return {0, epoch, v, hv, 'resumed', stored} end
elseif stored == 'HALTED' then
  local dayReset = ARGV[4] == '2' and cjson.decode(cur).reason == 'DAILY_LOSS'
  if ARGV[4] ~= '1' and not dayReset then return {0, epoch, v, hv, 'halted', stored} end
  if hv ~= '' and ARGV[5] ~= epoch .. ':' .. hv then return {0, epoch, v, hv, 'unseen', stored} end
end
v = v + 1
redis.call('HSET', KEYS[2], 'v', v)
if n.state == 'HALTED' then
  if stored ~= 'HALTED' or hv == '' then
    hv = tostring(v)
    redis.call('HSET', KEYS[2], 'hv', hv)
  end
elseif stored == 'HALTED' then
  hv = ''
  redis.call('HDEL', KEYS[2], 'hv')
  redis.call('HSET', KEYS[2], 'rv', v)
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[3], '{"epoch":' .. cjson.encode(epoch) .. ',"v":' .. v .. ',"hv":"' .. hv .. '","state":' .. ARGV[1] .. '}')
return {1, epoch, v, hv}
`

/** Reads the state and its version at once. KEYS: state, meta. Returns {json or false, epoch, v, hv}. */
const READ_LUA = `
local m = redis.call('HMGET', KEYS[2], 'epoch', 'v', 'hv')
return {redis.call('GET', KEYS[1]), m[1] or '', m[2] or '0', m[3] or ''}
`

/** A stored state with the Redis-side version it was saved under. */
interface Versioned {
  readonly state: PersistedRiskState | undefined
  readonly json: string | undefined
  readonly epoch: string
  readonly v: number
  /** The version of the save that latched the stored HALTED (`''` when it is not HALTED). */
  readonly hv: string
}

/** A token naming one lifetime of the stored data (kept by the first save after Redis lost it). */
const newEpoch = (): string => globalThis.crypto.randomUUID()

/** The transitions that may replace a stored HALTED: a resume (`1`), and a day reset (`2`) of a daily-loss halt. */
const RELEASES: Readonly<Record<string, string>> = {
  [StateChangeReason.RESUME]: '1',
  [StateChangeReason.DAY_RESET]: '2',
}

const WHY: Record<string, string> = {
  halted: 'only an explicit resume can replace HALTED',
  unseen: 'this process resumed without having seen the current halt',
  resumed: 'the halt it copies was resumed since',
}

/** The stored state a refusal names, when it is one. */
const storedState = (s: string | undefined): TradingState | undefined =>
  s === TradingState.ACTIVE || s === TradingState.REDUCING || s === TradingState.HALTED ? s : undefined

/**
 * The {@link StateStore} of many processes: the latched trading state (breakers, kill switch, drawdown peak) lives
 * in Redis, so it survives restarts and every process of the deployment sees it. A save is atomic and ordered by a
 * Redis-side version, never by the hosts' clocks: HALTED wins over any other state until an explicit resume, and a
 * refused save rejects with a `StateSaveRefusedError` (the guard reports it on `error` once, never retries it).
 * {@link RedisStateStore.watch} reports
 * another process's change within about a second (pub/sub, with polling as the fallback) so each process can halt
 * and cancel its own open orders.
 *
 * @example
 * ```ts
 * const store = new RedisStateStore({ redis, name: 'binance-main' })
 * const risk = new RiskManager({ store })
 * await risk.start()
 * shareKillSwitch(risk, store) // relays a halt from any process (rather than a watch listener of your own)
 * store.watch((s) => log.info({ state: s.state, reason: s.reason }, 'shared risk state'))
 * ```
 */
export class RedisStateStore implements StateStore {
  readonly #redis: RedisConnection
  /** The connection the state lives on (for its `redis.reconnected` event). */
  readonly connection: RedisConnection
  readonly #key: string
  readonly #meta: string
  readonly #channel: string
  readonly #pollMs: number
  /** The last halt this process saw (`epoch:hv`): a resume clears only a halt it has seen. */
  #seenHalt = ''
  /** The halt this process's own HALTED state stands for, by the state's `since`. */
  #halt: { readonly since: number; readonly id: string } | undefined
  /**
   * The last halt {@link RedisStateStore.watch} delivered or a refused save found stored, and the one the next new
   * HALTED saved here relays.
   */
  #delivered = ''
  #relay = ''
  /** What this process last saved, and the `since` of its last non-HALTED state saved or loaded. */
  #lastState: PersistedRiskState['state'] | undefined
  #activeSince: number | undefined

  constructor(config: RedisStateStoreConfig) {
    const cfg = parseConfig(RedisStateStoreConfigSchema, config, 'RedisStateStore')
    this.#redis = cfg.redis
    this.connection = cfg.redis
    this.#key = cfg.redis.key('risk', cfg.name)
    this.#meta = cfg.redis.key('risk-version', cfg.name)
    this.#channel = `risk:${cfg.name}`
    this.#pollMs = cfg.pollMs
  }

  /** Reads the stored state (`undefined` when none); a HALTED read here may then be resumed by this process. */
  async load(): Promise<PersistedRiskState | undefined> {
    const r = await this.#read()
    if (r.state !== undefined) this.#note(r, true)
    return r.state
  }

  /**
   * Saves atomically. HALTED replaces any state; only an explicit resume (`reason` RESUME, a new transition) of the
   * halt this process has seen replaces HALTED (or the day reset of a daily-loss halt), and a halt that copies one
   * resumed since is stale. A refused save rejects with a `StateSaveRefusedError` (`stored`, `refused`, `why`) and
   * changes nothing in Redis; a resume or day reset refused is spent (saving that state again never releases a halt:
   * the halt that refused it was not the one the host released).
   */
  async save(state: PersistedRiskState): Promise<void> {
    const parsed = parsePersistedRiskState(state)
    const json = JSON.stringify(parsed)
    const halted = parsed.state === TradingState.HALTED
    let basis = ''
    if (halted && this.#halt?.since === parsed.since) basis = this.#halt.id
    else if (halted) {
      // A new halt here: a relay of the halt it was marked for (even if this save fails and is made again later).
      basis = this.#relay
      this.#relay = ''
      this.#halt = { since: parsed.since, id: basis }
    }
    const fresh = this.#lastState === TradingState.HALTED || parsed.since !== this.#activeSince
    const release = halted || !fresh ? undefined : RELEASES[parsed.reason]
    this.#lastState = parsed.state
    const reply = await this.#redis.script(
      SAVE_LUA,
      [this.#key, this.#meta, this.#redis.key(this.#channel)],
      [json, newEpoch(), basis, release ?? '0', this.#seenHalt],
    )
    const [ok, epoch, , hv, why, stored] = Array.isArray(reply) ? reply.map(String) : []
    if (ok !== '1') {
      // Spent: once this process has seen the halt that refused it (watch), saving it again must not release it.
      if (!halted) this.#activeSince = parsed.since
      // The halt stored here is the one a relay of this refusal copies (shareKillSwitch).
      if (stored === TradingState.HALTED && hv !== undefined && hv !== '') this.#delivered = `${epoch}:${hv}`
      throw new StateSaveRefusedError(
        `Risk state ${parsed.state} not saved over ${stored || 'the stored state'}: ${WHY[why ?? ''] ?? 'refused'}`,
        { refused: parsed.state, stored: storedState(stored), why, details: { store: 'redis' } },
      )
    }
    if (halted) {
      this.#halt = { since: parsed.since, id: `${epoch}:${hv}` }
      this.#seenHalt = `${epoch}:${hv}`
    } else {
      this.#relay = ''
      this.#activeSince = parsed.since
    }
  }

  /**
   * @internal Marks the next HALTED this process saves with a new `since` as a relay of the last halt
   * {@link RedisStateStore.watch} delivered (`shareKillSwitch` calls it before its `emergencyStop`): should that halt
   * be resumed before the relay is saved, the relay is refused instead of latching the resumed halt again.
   */
  relayNextHalt(): void {
    this.#relay = this.#delivered
  }

  /**
   * Calls `listener` with every new saved state, from this or another process, in the order Redis stored them (by
   * a Redis-side version, never by the hosts' clocks): pushed over pub/sub and polled every `pollMs` in case a
   * message was lost while Redis was away. Returns a function that stops it.
   */
  watch(listener: (state: PersistedRiskState) => void): () => void {
    let last: Versioned | undefined
    let stopped = false // a poll in flight when the watch stops answers to no one
    const offer = (r: Versioned): void => {
      if (stopped || r.state === undefined || r.json === undefined) return
      // Newer when Redis stored it later; after Redis lost its data (a new epoch) the first version seen is new.
      if (
        last !== undefined &&
        r.epoch === last.epoch &&
        (r.v < last.v || (r.v === last.v && r.json === last.json))
      )
        return
      last = r
      this.#note(r, false)
      listener(r.state)
    }
    const poll = (): void => {
      this.#read().then(offer, () => {})
    }
    const pushed = (m: string): void => {
      try {
        const e = JSON.parse(m) as { epoch: string; v: number; hv: string; state: unknown }
        const state = parsePersistedRiskState(e.state)
        offer({
          state,
          json: JSON.stringify(state),
          epoch: String(e.epoch),
          v: Number(e.v),
          hv: String(e.hv),
        })
      } catch {}
    }
    this.#redis.subscribe(this.#channel, pushed).catch(() => {})
    // Each watch its own timer and subscription: stopping one (shareKillSwitch's unlink) must not stop another.
    const timer = setInterval(poll, this.#pollMs)
    poll()
    return () => {
      stopped = true
      clearInterval(timer)
      this.#redis.unsubscribe(this.#channel, pushed).catch(() => {})
    }
  }

  /** The stored state and its version. */
  async #read(): Promise<Versioned> {
    const reply = await this.#redis.script(READ_LUA, [this.#key, this.#meta], [])
    const [raw, epoch, v, hv] = Array.isArray(reply) ? reply : []
    if (raw === null || raw === undefined)
      return { state: undefined, json: undefined, epoch: '', v: 0, hv: '' }
    const json = String(raw)
    const state = parsePersistedRiskState(JSON.parse(json))
    return { state, json: JSON.stringify(state), epoch: String(epoch), v: Number(v), hv: String(hv) }
  }

  /** Remembers a halt this process has seen (a resume may clear it); `loaded`: the guard may restore it. */
  #note(r: Versioned, loaded: boolean): void {
    const s = r.state
    if (s === undefined) return
    if (s.state !== TradingState.HALTED) {
      if (loaded) this.#activeSince = s.since
      return
    }
    const id = `${r.epoch}:${r.hv}`
    this.#seenHalt = id
    if (loaded) this.#halt = { since: s.since, id }
    else this.#delivered = id
  }
}
