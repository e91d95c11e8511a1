import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/index.js'
import { MemoryStateStore, type PersistedRiskState, type StateStore } from './StateStore.js'
import { TradingGuard } from './TradingGuard.js'

const T0 = Date.UTC(2026, 0, 15, 12)

/** A store unreachable for its first `failures` loads, each of which waits for `release()`. */
class UnreachableStore implements StateStore {
  readonly inner: MemoryStateStore
  failures: number
  loads = 0
  #gates: Array<() => void> = []
  constructor(failures: number, initial?: PersistedRiskState) {
    this.failures = failures
    this.inner = new MemoryStateStore(initial)
  }
  async load(): Promise<PersistedRiskState | undefined> {
    this.loads++
    await new Promise<void>((resolve) => this.#gates.push(resolve))
    if (this.failures > 0) {
      this.failures--
      throw new Error('ECONNREFUSED')
    }
    return this.inner.load()
  }
  save(s: PersistedRiskState): Promise<void> {
    return this.inner.save(s)
  }
  /** Lets the loads waiting go on. */
  release(): void {
    for (const g of this.#gates.splice(0)) g()
  }
}

const halted: PersistedRiskState = {
  version: 1,
  state: 'HALTED',
  reason: 'KILL_SWITCH',
  since: T0 - 1_000,
  consecutiveLosses: 0,
  tsSaved: T0 - 1_000,
}

describe('TradingGuard.start', () => {
  it('a failed start can be retried: the next call loads again, and restores the saved HALTED', async () => {
    const store = new UnreachableStore(1, halted)
    const guard = new TradingGuard({ clock: new ManualClock(T0), store })
    const first = guard.start()
    store.release()
    await expect(first).rejects.toThrow(/ECONNREFUSED/)
    expect(guard.isReady).toBe(false)
    const second = guard.start() // the engine retries a failed start
    expect(second).not.toBe(first)
    store.release()
    await second
    expect(store.loads).toBe(2)
    expect(guard.isReady).toBe(true)
    expect(guard.state).toBe('HALTED')
    expect(guard.start()).toBe(second) // a start that succeeded is not run again
  })

  it('concurrent starts share one attempt, failed or not', async () => {
    const store = new UnreachableStore(1)
    const guard = new TradingGuard({ clock: new ManualClock(T0), store })
    const a = guard.start()
    const b = guard.start()
    expect(b).toBe(a)
    store.release()
    await expect(Promise.all([a, b])).rejects.toThrow(/ECONNREFUSED/)
    expect(store.loads).toBe(1)
    const c = guard.start()
    const d = guard.start()
    expect(d).toBe(c)
    store.release()
    await Promise.all([c, d])
    expect(store.loads).toBe(2)
    expect(guard.isReady).toBe(true)
  })
})
