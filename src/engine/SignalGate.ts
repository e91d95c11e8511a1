import type { Signal } from '../core/ports.js'

/** Signals held at most while the engine starts; past it a signal is refused (`SIGNAL_QUEUE_FULL`). */
export const MAX_HELD_SIGNALS = 1_000

/** Where {@link SignalGate} sends a signal: `route` once the engine runs, `deny` (an `order.denied`) when it refuses. */
export interface SignalGateConfig {
  readonly route: (s: Signal) => void
  readonly deny: (s: Signal, code: string, reason: string) => void
  /** Bound on the signals held while starting. Default {@link MAX_HELD_SIGNALS}. */
  readonly maxHeld?: number
}

/**
 * The engine's signal door. Strategies start (`onStart`) before the engine runs: a signal they emit then is held and
 * routed, in order, once the engine runs ({@link SignalGate.open}). Once a stop began ({@link SignalGate.close}) every
 * signal, held or new, is refused with `order.denied` `ENGINE_STOPPING`: nothing is ever dropped unreported.
 *
 * @example
 * ```ts
 * const gate = new SignalGate({ route: (s) => router.route(s), deny: (s, code, why) => router.deny(s, code, why) })
 * gate.offer(signal) // held: the engine is starting
 * gate.open() // routed now
 * ```
 */
export class SignalGate {
  readonly #cfg: SignalGateConfig
  readonly #held: Signal[] = []
  #phase: 'starting' | 'running' | 'stopping' = 'starting'

  constructor(config: SignalGateConfig) {
    this.#cfg = config
  }

  /** Routes `s` when running; holds it while starting; refuses it once stopping. */
  offer(s: Signal): void {
    if (this.#phase === 'running') this.#cfg.route(s)
    else if (this.#phase === 'stopping') this.#refuse(s)
    else if (this.#held.length >= (this.#cfg.maxHeld ?? MAX_HELD_SIGNALS))
      this.#cfg.deny(
        s,
        'SIGNAL_QUEUE_FULL',
        `${this.#held.length} signals already wait for the engine to start`,
      )
    else this.#held.push(s)
  }

  /** The engine runs: routes the held signals, in the order they came. A no-op once stopping. */
  open(): void {
    if (this.#phase !== 'starting') return
    this.#phase = 'running'
    for (const s of this.#held.splice(0)) this.#cfg.route(s)
  }

  /** A stop began: refuses the held signals and every one after (a stop is final). */
  close(): void {
    this.#phase = 'stopping'
    for (const s of this.#held.splice(0)) this.#refuse(s)
  }

  #refuse(s: Signal): void {
    this.#cfg.deny(s, 'ENGINE_STOPPING', `The engine is stopping: signal of "${s.strategyId}" not routed`)
  }
}
