import { base36 } from './base36.js'

/**
 * The client order ids a RiskManager gives its intents: `<prefix><tag>-<4 random chars><time in base 36>-<sequence>`.
 * The random part differs per instance, so two managers with one prefix never make the same id in one millisecond.
 *
 * @example
 * ```ts
 * const ids = new ClientOrderIds('tk')
 * ids.next('', Date.now()) // 'tk-3fa9lmx2k1q-0'
 * ```
 */
export class ClientOrderIds {
  readonly #prefix: string
  /** Random per instance (see the class). */
  readonly #instanceTag = randomTag()
  #seq = 0
  /** The id up to its sequence number, for the last time and tag it was built for. */
  #head: string | undefined
  #now = 0
  #tag = ''

  constructor(prefix: string) {
    this.#prefix = prefix
  }

  /** A fresh id made at `now` (`tag`: `ks` for the kill switch's flattening orders, else empty). */
  next(tag: string, now: number): string {
    if (now !== this.#now || tag !== this.#tag || this.#head === undefined) {
      this.#head = `${this.#prefix}${tag}-${this.#instanceTag}${base36(now)}-`
      this.#now = now
      this.#tag = tag
    }
    return `${this.#head}${base36(this.#seq++)}`
  }
}

/** Four random base-36 characters from WebCrypto (Node, Bun, Deno and browsers). */
function randomTag(): string {
  const bytes = new Uint8Array(4)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}
