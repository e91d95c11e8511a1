import { backoffDelay } from '../backoff.js'

/** Options of {@link ReconnectBackoff}. */
export interface ReconnectBackoffConfig {
  readonly baseMs: number
  readonly maxMs: number
  /** Attempts in a row before giving up; `undefined` for never. */
  readonly maxAttempts?: number | undefined
  readonly random?: (() => number) | undefined
}

/** Counts reconnect attempts in a row and gives each its jittered exponential delay. */
export class ReconnectBackoff {
  readonly #cfg: ReconnectBackoffConfig
  #attempt = 0

  constructor(config: ReconnectBackoffConfig) {
    this.#cfg = config
  }

  /** Failed attempts in a row (0 after a healthy connection). */
  get attempt(): number {
    return this.#attempt
  }

  /** Whether another attempt is allowed by `maxAttempts`. */
  get canRetry(): boolean {
    const max = this.#cfg.maxAttempts
    return max === undefined || this.#attempt < max
  }

  /** Counts one more attempt and returns its delay (0 when `immediate`). */
  next(immediate: boolean): number {
    this.#attempt++
    if (immediate) return 0
    const { baseMs, maxMs, random } = this.#cfg
    return backoffDelay({ attempt: this.#attempt, baseMs, maxMs, ...(random ? { random } : {}) })
  }

  /** Back to the base delay (the connection proved healthy, or a reconnect was proactive). */
  reset(): void {
    this.#attempt = 0
  }
}
