import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import { ClockSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import { type TradekitError, toTradekitError } from '../../errors/index.js'
import { HeartbeatIdRejectedError } from './errors.js'

/** Health of the heartbeat loop: `IDLE` (not armed), `HEALTHY`, or `UNHEALTHY` (orders blocked). */
export const HeartbeatState = { IDLE: 'IDLE', HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY' } as const
/** Union of {@link HeartbeatState} values. */
export type HeartbeatState = (typeof HeartbeatState)[keyof typeof HeartbeatState]

/** Payload of `heartbeat.healthChanged`. */
export interface HeartbeatHealthEvent {
  readonly type: 'heartbeat.healthChanged'
  readonly state: HeartbeatState
  readonly reason: string | undefined
  readonly tsEvent: number
}

/** Events of a {@link PolymarketHeartbeat}. */
export interface PolymarketHeartbeatEvents {
  /** The loop's health changed. */
  'heartbeat.healthChanged': [e: HeartbeatHealthEvent]
  /** The venue refused our heartbeat id and named the session's current one, which was adopted (no outage). */
  'heartbeat.idAdopted': [e: { type: 'heartbeat.idAdopted'; heartbeatId: string; tsEvent: number }]
  /** A heartbeat failed (the state is then `UNHEALTHY`). */
  error: [e: TradekitError]
}

/** Sends one heartbeat with the previous id (`''` starts a session) and resolves with the next id. */
export type SendHeartbeat = (heartbeatId: string, timeoutMs: number) => Promise<string>

/** Schema of {@link PolymarketHeartbeatConfig}; defaults are applied here. */
export const PolymarketHeartbeatConfigSchema = z.strictObject({
  /** Sends one beat, e.g. `(id, t) => rest.sendHeartbeat(id, t)`. */
  send: z.custom<SendHeartbeat>((v) => typeof v === 'function', 'must be a function'),
  /** Heartbeat interval, ms (also each beat's timeout). The venue cancels all orders after 10 s without one. Default 5 s. */
  intervalMs: z._default(PositiveDurationMsSchema, 5_000),
  /** Time source. Default `SystemClock`. */
  clock: z.optional(ClockSchema),
})

/** What {@link PolymarketHeartbeat} takes (defaults documented on {@link PolymarketHeartbeatConfigSchema}). */
export type PolymarketHeartbeatConfig = z.input<typeof PolymarketHeartbeatConfigSchema>

/**
 * Polymarket's order heartbeat (dead-man's switch): once armed, a signed heartbeat every `intervalMs`, each carrying
 * the id the previous one returned. A failed beat turns the state `UNHEALTHY` (the session restarts on the next
 * beat); the adapter refuses new orders until a beat succeeds again (fail closed).
 *
 * @example
 * ```ts
 * const hb = new PolymarketHeartbeat({ send: (id, t) => rest.sendHeartbeat(id, t), intervalMs: 5000 })
 * hb.events.on('heartbeat.healthChanged', (e) => log.info(e.state))
 * hb.start()
 * ```
 */
export class PolymarketHeartbeat {
  /** `heartbeat.healthChanged` and `error` events. */
  readonly events: Listenable<PolymarketHeartbeatEvents>
  readonly #bus = new TypedEmitter<PolymarketHeartbeatEvents>()
  readonly #cfg: z.output<typeof PolymarketHeartbeatConfigSchema>
  readonly #clock: Clock
  #state: HeartbeatState = HeartbeatState.IDLE
  #timer: unknown
  #id = ''
  #armed = false
  #inFlight = false
  #closed = false

  constructor(config: PolymarketHeartbeatConfig) {
    this.#cfg = parseConfig(PolymarketHeartbeatConfigSchema, config, 'PolymarketHeartbeat')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.events = this.#bus
  }

  /** Current health. Orders are refused while it is `UNHEALTHY`. */
  get state(): HeartbeatState {
    return this.#state
  }

  /** Whether the loop is armed. */
  get isArmed(): boolean {
    return this.#armed
  }

  /** Arms the loop (first beat at once). No-op when armed or closed. */
  start(): void {
    if (this.#armed || this.#closed) return
    this.#armed = true
    this.#id = ''
    void this.#beat()
  }

  /** Disarms the loop (the venue will cancel our orders ~10 s later if any are open); state `IDLE`. */
  stop(): void {
    this.#armed = false
    this.#clock.clearTimeout(this.#timer as never)
    this.#timer = undefined
    this.#set(HeartbeatState.IDLE, 'stopped')
  }

  /** Stops for good. Idempotent. */
  close(): void {
    this.#closed = true
    this.#armed = false
    this.#clock.clearTimeout(this.#timer as never)
    this.#timer = undefined
  }

  async #beat(): Promise<void> {
    if (!this.#armed || this.#closed || this.#inFlight) return
    this.#inFlight = true
    try {
      this.#id = await this.#sendAdopting()
      this.#set(HeartbeatState.HEALTHY, undefined)
    } catch (e) {
      const err = toTradekitError(e)
      // A wrong id (e.g. the session lapsed) restarts the session on the next beat.
      this.#id = ''
      this.#set(HeartbeatState.UNHEALTHY, err.shortMessage)
      this.#bus.emit('error', err)
    } finally {
      this.#inFlight = false
    }
    if (this.#armed && !this.#closed) {
      this.#timer = this.#clock.setTimeout(() => void this.#beat(), this.#cfg.intervalMs)
    }
  }

  /**
   * One beat. A 400 "Invalid Heartbeat ID" that names the session's current id (after a lost response, say) is
   * answered at once with that id, so the session, and the orders it protects, survive the hiccup.
   */
  async #sendAdopting(): Promise<string> {
    try {
      return await this.#cfg.send(this.#id, this.#cfg.intervalMs)
    } catch (e) {
      if (!(e instanceof HeartbeatIdRejectedError) || e.heartbeatId === this.#id) throw e
      const current = e.heartbeatId
      this.#id = current
      this.#bus.emit('heartbeat.idAdopted', {
        type: 'heartbeat.idAdopted',
        heartbeatId: current,
        tsEvent: this.#clock.now(),
      })
      return await this.#cfg.send(this.#id, this.#cfg.intervalMs)
    }
  }

  #set(state: HeartbeatState, reason: string | undefined): void {
    if (state === this.#state) return
    this.#state = state
    this.#bus.emit('heartbeat.healthChanged', {
      type: 'heartbeat.healthChanged',
      state,
      reason,
      tsEvent: this.#clock.now(),
    })
  }
}
