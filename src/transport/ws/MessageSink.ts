import type { WsMessageEvent } from './wsTypes.js'

const noop = (): void => {}

/**
 * Bounded async-iterator buffer behind `ReconnectingWebSocket.messages()`: when the consumer falls behind by
 * `capacity` messages the oldest is dropped and `onDrop` is called (`first` is true for the first drop of a run).
 */
export class MessageSink implements AsyncIterableIterator<WsMessageEvent> {
  readonly capacity: number
  readonly #onDrop: (first: boolean) => void
  #buf: WsMessageEvent[] = []
  #head = 0
  #waiting: ((r: IteratorResult<WsMessageEvent>) => void) | undefined
  #done = false
  #overflowing = false
  onReturn: () => void = noop

  constructor(capacity: number, onDrop: (first: boolean) => void) {
    this.capacity = capacity
    this.#onDrop = onDrop
  }

  push(e: WsMessageEvent): void {
    if (this.#done) return
    const w = this.#waiting
    if (w !== undefined) {
      this.#waiting = undefined
      w({ value: e, done: false })
      return
    }
    this.#buf.push(e)
    if (this.#buf.length - this.#head > this.capacity) {
      this.#head++
      this.#onDrop(!this.#overflowing)
      this.#overflowing = true
    }
    if (this.#head > 1024 && this.#head * 2 > this.#buf.length) {
      this.#buf = this.#buf.slice(this.#head)
      this.#head = 0
    }
  }

  end(): void {
    this.#done = true
    const w = this.#waiting
    this.#waiting = undefined
    w?.({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<WsMessageEvent>> {
    if (this.#head < this.#buf.length) {
      const value = this.#buf[this.#head++] as WsMessageEvent
      if (this.#head === this.#buf.length) {
        this.#buf = []
        this.#head = 0
        this.#overflowing = false
      }
      return Promise.resolve({ value, done: false })
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.#waiting = resolve
    })
  }

  return(): Promise<IteratorResult<WsMessageEvent>> {
    this.#done = true
    this.#buf = []
    this.#head = 0
    this.onReturn()
    this.end()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WsMessageEvent> {
    return this
  }
}
