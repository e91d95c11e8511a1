/**
 * Guards the public surface: the runtime export list of every subpath (tsup.config.ts `entries`) is snapshotted, so
 * an accidental export or removal fails here and shows up in review next to its changeset. After an intended change,
 * update with `npx vitest run src/exports.test.ts -u`.
 */
import { describe, expect, it } from 'vitest'
import { entries } from '../tsup.config.js'

const loaders: Record<string, () => Promise<Record<string, unknown>>> = {
  index: () => import('./index.js'),
  'transport/index': () => import('./transport/index.js'),
  'binance/index': () => import('./exchanges/binance/index.js'),
  'polymarket/index': () => import('./exchanges/polymarket/index.js'),
  'indicators/index': () => import('./indicators/index.js'),
  'strategies/index': () => import('./strategies/index.js'),
  'risk/index': () => import('./risk/index.js'),
  'execution/index': () => import('./execution/index.js'),
  'backtest/index': () => import('./backtest/index.js'),
  'sim/index': () => import('./sim/index.js'),
}

describe('public exports', () => {
  it('covers every entry point', () => {
    expect(Object.keys(loaders).sort()).toEqual(Object.keys(entries).sort())
  })

  for (const name of Object.keys(loaders)) {
    it(`${name} exports exactly the snapshotted names`, async () => {
      const mod = await loaders[name]!()
      expect(Object.keys(mod).sort()).toMatchSnapshot()
    })
  }
})
