/** How a fault's `path` filter matches a request path. */
export type FaultPathMatch = 'includes' | 'prefix'

/** Scope of a queued fault: how many requests it applies to, and to which paths. */
export interface FaultScope {
  /** Requests the fault applies to (default 1). */
  readonly count?: number
  /** Only requests whose path contains (or starts with) this; empty or omitted: every request. */
  readonly path?: string | undefined
}

/**
 * Injected faults counted down per matching request, in the order they were queued: each sim keeps one
 * queue per kind of fault (429, 418, 5xx, slow answers, malformed frames).
 *
 * @example
 * ```ts
 * const rateLimits = new FaultQueue<{ retryAfterSec: number }>()
 * rateLimits.add({ retryAfterSec: 1 }, { count: 2, path: '/order' })
 * rateLimits.take('/api/v3/order') // { retryAfterSec: 1 }, one left
 * ```
 */
export class FaultQueue<T extends object> {
  readonly #items: Array<{ fault: T; remaining: number; path: string | undefined }> = []
  readonly #match: FaultPathMatch

  constructor(match: FaultPathMatch = 'includes') {
    this.#match = match
  }

  /** Queues `fault` for the next `count` requests matching `path`. */
  add(fault: T, scope: FaultScope = {}): void {
    const count = scope.count ?? 1
    if (count <= 0) return
    this.#items.push({ fault, remaining: count, path: scope.path === '' ? undefined : scope.path })
  }

  /** Takes one use of the first fault matching `path`, or undefined when none does. */
  take(path: string): T | undefined {
    const i = this.#items.findIndex((x) => x.remaining > 0 && this.#matches(x.path, path))
    if (i < 0) return undefined
    const item = this.#items[i] as { fault: T; remaining: number }
    item.remaining--
    if (item.remaining <= 0) this.#items.splice(i, 1)
    return item.fault
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#items.length = 0
  }

  /** Faults still queued (each counted once, whatever its remaining count). */
  get size(): number {
    return this.#items.length
  }

  #matches(filter: string | undefined, path: string): boolean {
    if (filter === undefined) return true
    return this.#match === 'prefix' ? path.startsWith(filter) : path.includes(filter)
  }
}
