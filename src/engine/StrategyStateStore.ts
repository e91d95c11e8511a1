import type { StrategyRunner } from '../strategies/index.js'

/** Saves and loads strategy snapshots (e.g. a JSON file). */
export interface StrategyStateStore {
  load(): Promise<Readonly<Record<string, unknown>> | undefined>
  save(state: Readonly<Record<string, unknown>>): Promise<void>
}

/** Restores each runner's strategy from the snapshot saved under its strategy id, when there is one. */
export function restoreStrategies(
  runners: readonly StrategyRunner[],
  saved: Readonly<Record<string, unknown>> | undefined,
): void {
  for (const r of runners) {
    const s = saved?.[r.strategy.id]
    if (s !== undefined) r.restore(s as { strategyId: string; state: unknown })
  }
}

/** The snapshots of every runner's strategy that has state, keyed by strategy id. */
export function snapshotStrategies(runners: readonly StrategyRunner[]): Record<string, unknown> {
  const state: Record<string, unknown> = {}
  for (const r of runners) {
    const s = r.snapshot()
    if (s !== undefined) state[r.strategy.id] = s
  }
  return state
}
