import { QueueFullError } from '../../errors/index.js'
import type { WebSocketData } from './wsTypes.js'

/** The bounded queue of messages sent while a socket is disconnected, flushed in order on the next open. */
export class OutboundQueue {
  readonly #items: WebSocketData[] = []
  readonly #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /** Messages waiting. */
  get size(): number {
    return this.#items.length
  }

  /** Queues a message; throws `QueueFullError` when `capacity` messages already wait. */
  push(data: WebSocketData): void {
    if (this.#items.length >= this.#capacity) {
      throw new QueueFullError(
        `Outgoing queue is full (${this.#capacity} messages) while disconnected`,
        this.#capacity,
      )
    }
    this.#items.push(data)
  }

  /**
   * Sends the queued messages in order while `canSend()` holds. A message `send` refuses (returns false) stays at
   * the head of the queue and the flush stops.
   */
  flush(send: (data: WebSocketData) => boolean, canSend: () => boolean): void {
    while (this.#items.length > 0 && canSend()) {
      const data = this.#items.shift() as WebSocketData
      if (!send(data)) {
        this.#items.unshift(data)
        break
      }
    }
  }

  /** Drops every queued message. */
  clear(): void {
    this.#items.length = 0
  }
}
