import { type EventMap, type Listenable, type Listener, subscribeAll } from '../core/events.js'

/**
 * The listeners one owner added to other components' events, removed together: each `on` is paired with its `off`,
 * so wiring cannot leak a listener.
 */
export class Subscriptions {
  readonly #offs: Array<() => void> = []

  /** Adds `fn` to `name` on `source` until {@link Subscriptions.clear}. */
  on<M extends EventMap<M>, K extends keyof M & string>(
    source: Listenable<M>,
    name: K,
    fn: Listener<M, K>,
  ): void {
    this.#offs.push(subscribeAll(source, [name], fn))
  }

  /** Runs `off` on clear (a detach function returned by `attach`, `registerExecutor`, `connect`). */
  add(off: () => void): void {
    this.#offs.push(off)
  }

  /** Removes every listener added so far. */
  clear(): void {
    for (const off of this.#offs.splice(0)) off()
  }

  /** Listeners and detach functions held. */
  get size(): number {
    return this.#offs.length
  }
}
