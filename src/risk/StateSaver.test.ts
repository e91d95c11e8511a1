import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/index.js'
import type { TradekitError } from '../errors/index.js'
import { D } from './__fixtures__/builders.js'
import { isStateSaveRefusedError, StateSaveRefusedError } from './StateSaveRefusedError.js'
import { SAVE_MAX_RETRIES, SAVE_RETRY_MAX_MS } from './StateSaver.js'
import { MemoryStateStore, type PersistedRiskState, type StateStore } from './StateStore.js'
import { TradingGuard } from './TradingGuard.js'

const T0 = Date.UTC(2026, 0, 15, 12)

/** A shared store holding a HALTED (another process's kill switch): it refuses every save that is not HALTED. */
class RefusingStore implements StateStore {
  readonly inner = new MemoryStateStore()
  attempts = 0
  /** Transient failures to throw first (a connection error), before the store answers. */
  failures = 0
  load(): Promise<PersistedRiskState | undefined> {
    return this.inner.load()
  }
  async save(s: PersistedRiskState): Promise<void> {
    this.attempts++
    if (this.failures > 0) {
      this.failures--
      throw new Error('ECONNRESET')
    }
    if (s.state !== 'HALTED') {
      throw new StateSaveRefusedError(`Risk state ${s.state} not saved over HALTED`, {
        refused: s.state,
        stored: 'HALTED',
        why: 'halted',
      })
    }
    return this.inner.save(s)
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function make(store: StateStore) {
  const clock = new ManualClock(T0)
  const guard = new TradingGuard({ clock, store })
  const errors: TradekitError[] = []
  guard.events.on('error', (e) => errors.push(e))
  return { guard, clock, errors }
}

describe('StateSaver: a save the store refuses on purpose', () => {
  it('is reported once as a StateSaveRefusedError and never retried; the next change is saved', async () => {
    const store = new RefusingStore()
    const { guard, clock, errors } = make(store)
    await guard.start()
    await settle()
    expect(store.attempts).toBe(1) // the start's save: refused
    for (let i = 0; i < SAVE_MAX_RETRIES + 2; i++) {
      clock.advance(SAVE_RETRY_MAX_MS)
      await settle()
    }
    expect(store.attempts).toBe(1) // no retry
    expect(clock.pendingTimers).toBe(0)
    expect(errors).toHaveLength(1)
    const e = errors[0]
    expect(isStateSaveRefusedError(e)).toBe(true)
    expect(e).toMatchObject({ code: 'INVALID_STATE', retryable: false, refused: 'ACTIVE', stored: 'HALTED' })
    await guard.flush() // nothing new to save: the refused state is not offered again
    expect(store.attempts).toBe(1)
    expect(errors).toHaveLength(1)
    guard.halt('operator', 'KILL_SWITCH') // a change: saved at once (HALTED is accepted)
    await guard.flush()
    expect(store.inner.peek()).toMatchObject({ state: 'HALTED', reason: 'KILL_SWITCH' })
    expect(errors).toHaveLength(1)
  })

  it('a connection error before it is still retried; the refusal then ends the retries', async () => {
    const store = new RefusingStore()
    store.failures = 2
    const { guard, clock, errors } = make(store)
    await guard.start()
    await settle()
    for (let i = 0; i < 4; i++) {
      clock.advance(SAVE_RETRY_MAX_MS)
      await settle()
    }
    expect(store.attempts).toBe(3) // two failures retried, then refused
    expect(errors.map((e) => isStateSaveRefusedError(e))).toEqual([false, false, true])
    expect(clock.pendingTimers).toBe(0)
  })

  it('a change made while the refused save was in flight is saved right after it', async () => {
    const store = new RefusingStore()
    let open = (): void => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const save = store.save.bind(store)
    store.save = async (s) => {
      await gate // the start's save is in flight until the gate opens
      return save(s)
    }
    const { guard, errors } = make(store)
    await guard.start()
    guard.updateEquity(D('10000')) // queued behind the start's save, which is refused
    guard.halt('breaker', 'MAX_DRAWDOWN')
    open()
    await guard.flush()
    expect(store.attempts).toBe(2)
    expect(errors).toHaveLength(1)
    expect(store.inner.peek()).toMatchObject({ state: 'HALTED', peakEquity: '10000' })
  })

  it('tells a refusal from other errors, across copies of the package', () => {
    const e = new StateSaveRefusedError('refused', { refused: 'ACTIVE', stored: 'HALTED', why: 'halted' })
    expect(e.details).toMatchObject({ refused: 'ACTIVE', stored: 'HALTED', why: 'halted' })
    expect(isStateSaveRefusedError(e)).toBe(true)
    expect(isStateSaveRefusedError({ [Symbol.for('tradekit.stateSaveRefused')]: true })).toBe(true)
    expect(isStateSaveRefusedError(new Error('refused'))).toBe(false)
    expect(isStateSaveRefusedError(undefined)).toBe(false)
  })
})
