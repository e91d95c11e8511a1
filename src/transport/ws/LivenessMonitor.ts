import type { Clock, TimerHandle } from '../../core/clock.js'
import type { OutgoingMessage } from './wsTypes.js'

/** Options of {@link LivenessMonitor}. */
export interface LivenessMonitorConfig {
  readonly clock: Clock
  /** No frame for this long means dead; `0` disables. */
  readonly staleAfterMs: number
  /** Ping every this many ms; `0` disables. */
  readonly pingIntervalMs: number
  readonly pingMessage?: OutgoingMessage | undefined
}

/** What the monitor calls back into its socket. */
export interface LivenessHooks {
  /** Whether the connection is still open (timers that fire after it ended do nothing). */
  isOpen(): boolean
  /** No frame for `silentMs` (at least `staleAfterMs`). */
  onStale(silentMs: number): void
  /** Time to send the ping message. */
  sendPing(message: OutgoingMessage): void
}

/**
 * Heartbeat and stall detection of one open connection: sends the ping message every `pingIntervalMs` and reports
 * a connection that received no frame for `staleAfterMs`. Every frame (message, ping or pong) calls `touch`.
 */
export class LivenessMonitor {
  readonly #cfg: LivenessMonitorConfig
  readonly #hooks: LivenessHooks
  #lastFrameAt = 0
  #stale: TimerHandle | undefined
  #ping: TimerHandle | undefined

  constructor(config: LivenessMonitorConfig, hooks: LivenessHooks) {
    this.#cfg = config
    this.#hooks = hooks
  }

  /** Starts watching a connection that opened at `now`. */
  start(now: number): void {
    this.#lastFrameAt = now
    if (this.#cfg.staleAfterMs > 0) this.#armStale(this.#cfg.staleAfterMs)
    if (this.#cfg.pingIntervalMs > 0) this.#armPing()
  }

  /** A frame arrived at `now`. */
  touch(now: number): void {
    this.#lastFrameAt = now
  }

  /** Stops both timers (the connection ended). */
  stop(): void {
    this.#cfg.clock.clearTimeout(this.#stale)
    this.#cfg.clock.clearTimeout(this.#ping)
    this.#stale = this.#ping = undefined
  }

  #armStale(ms: number): void {
    const clock = this.#cfg.clock
    this.#stale = clock.setTimeout(() => {
      if (!this.#hooks.isOpen()) return
      const silentMs = clock.now() - this.#lastFrameAt
      const limit = this.#cfg.staleAfterMs
      if (silentMs < limit) {
        this.#armStale(limit - silentMs)
        return
      }
      this.#hooks.onStale(silentMs)
    }, ms)
  }

  #armPing(): void {
    this.#ping = this.#cfg.clock.setTimeout(() => {
      const message = this.#cfg.pingMessage
      if (!this.#hooks.isOpen() || message === undefined) return
      this.#hooks.sendPing(message)
      this.#armPing()
    }, this.#cfg.pingIntervalMs)
  }
}
