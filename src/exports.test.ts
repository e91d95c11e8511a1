/**
 * Guards the public surface: the runtime export list of every subpath (tsup.config.ts `entries`) is snapshotted, so
 * an accidental export or removal fails here and shows up in review next to its changeset. After an intended change,
 * update with `npx vitest run src/exports.test.ts -u`.
 */
import { describe, expect, it } from 'vitest'
import { browserEntries, entries } from '../tsup.config.js'

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
  'journal/index': () => import('./journal/index.js'),
  'redis/index': () => import('./redis/index.js'),
}

/** Browser builds: loader, the Node build they mirror, and the Node-only names they leave out. */
const browserBuilds: Record<
  string,
  { load: () => Promise<Record<string, unknown>>; node: string; nodeOnly: readonly string[] }
> = {
  'index.browser': { load: () => import('./index.browser.js'), node: 'index', nodeOnly: ['serveMetrics'] },
  'risk/index.browser': {
    load: () => import('./risk/index.browser.js'),
    node: 'risk/index',
    nodeOnly: ['FileStateStore', 'FileStateStoreConfigSchema'],
  },
  'backtest/index.browser': {
    load: () => import('./backtest/index.browser.js'),
    node: 'backtest/index',
    nodeOnly: [
      'Recorder',
      'RecorderOptionsSchema',
      'readCandlesCsv',
      'readRecording',
      'sweep',
      'writeReport',
    ],
  },
}

describe('browser builds', () => {
  it('covers every browser entry', () => {
    expect(Object.keys(browserBuilds).sort()).toEqual(Object.keys(browserEntries).sort())
  })

  for (const [name, b] of Object.entries(browserBuilds)) {
    it(`${name} exports the Node build's names minus exactly the Node-only ones`, async () => {
      const [browser, node] = await Promise.all([b.load(), loaders[b.node]!()])
      const expected = Object.keys(node)
        .filter((k) => !b.nodeOnly.includes(k))
        .sort()
      expect(Object.keys(browser).sort()).toEqual(expected)
      for (const k of b.nodeOnly) expect(Object.keys(node)).toContain(k)
      for (const k of expected) expect(browser[k], k).toBe(node[k])
    }, 30_000) // the first import of a whole entry point transforms its module graph: slow on a loaded machine
  }
})

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
