import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { type Strategy, StrategyRunner } from '../strategies/index.js'
import { restoreStrategies, snapshotStrategies } from './StrategyStateStore.js'

function runner(id: string, withState: boolean): { runner: StrategyRunner; restored: unknown[] } {
  const restored: unknown[] = []
  const s: Strategy = {
    id,
    requirements: { instruments: [] },
    ...(withState ? { snapshot: () => ({ n: 1 }), restore: (x: unknown) => void restored.push(x) } : {}),
  }
  const host = {
    clock: new ManualClock(0),
    positions: () => [],
    openOrders: () => [],
    cancelOrders: async () => ({ canceled: [], failed: [] }),
  }
  return { runner: new StrategyRunner(s, host), restored }
}

describe('strategy state', () => {
  it('snapshots the strategies that have state, keyed by id, and restores them', () => {
    const a = runner('a', true)
    const b = runner('b', false)
    const saved = snapshotStrategies([a.runner, b.runner])
    expect(Object.keys(saved)).toEqual(['a'])
    restoreStrategies([a.runner, b.runner], saved)
    expect(a.restored).toEqual([{ n: 1 }])
    restoreStrategies([a.runner], undefined)
    expect(a.restored).toHaveLength(1)
  })
})
