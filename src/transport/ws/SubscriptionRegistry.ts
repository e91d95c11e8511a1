import type { OutgoingMessage } from './wsTypes.js'

/** The subscriptions a socket replays after every reconnect, in registration order. */
export class SubscriptionRegistry {
  readonly #subs = new Map<string, OutgoingMessage>()

  /** Registers `message` under `key`; registering a key again replaces its message and moves it last. */
  set(key: string, message: OutgoingMessage): void {
    this.#subs.delete(key)
    this.#subs.set(key, message)
  }

  /** Forgets `key`; returns whether it was registered. */
  delete(key: string): boolean {
    return this.#subs.delete(key)
  }

  /** Registered keys, in replay order. */
  keys(): string[] {
    return [...this.#subs.keys()]
  }

  /** Sends every subscription in order while `canSend()` holds; returns false when it stopped early. */
  replay(send: (message: OutgoingMessage) => void, canSend: () => boolean): boolean {
    for (const message of this.#subs.values()) {
      if (!canSend()) return false
      send(message)
    }
    return true
  }
}
