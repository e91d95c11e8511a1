import { defineConfig } from 'tsup'
import { pureZodPlugin } from './scripts/pureZodPlugin.js'

/** One entry per public subpath; keep in sync with package.json "exports" and typedoc.json. */
export const entries = {
  index: 'src/index.ts',
  'transport/index': 'src/transport/index.ts',
  'binance/index': 'src/exchanges/binance/index.ts',
  'polymarket/index': 'src/exchanges/polymarket/index.ts',
  'indicators/index': 'src/indicators/index.ts',
  'strategies/index': 'src/strategies/index.ts',
  'risk/index': 'src/risk/index.ts',
  'execution/index': 'src/execution/index.ts',
  'backtest/index': 'src/backtest/index.ts',
  'sim/index': 'src/sim/index.ts',
  'journal/index': 'src/journal/index.ts',
  'redis/index': 'src/redis/index.ts',
}

/**
 * Browser builds (the `browser` export condition in package.json) of the subpaths that have Node-only parts: the same
 * exports minus those parts. Built next to `entries` (shared chunks), ESM is what bundlers load; no own .d.ts (types
 * come from the Node build). Not public entry points of their own: check-examples, typedoc and the export snapshot
 * read `entries` only (src/exports.test.ts compares each browser build with its Node build).
 */
export const browserEntries = {
  'index.browser': 'src/index.browser.ts',
  'risk/index.browser': 'src/risk/index.browser.ts',
  'backtest/index.browser': 'src/backtest/index.browser.ts',
}

/**
 * Worker threads the library starts itself (found next to the module that starts them): built as files of their own,
 * not public entry points (no .d.ts, not in package.json "exports").
 */
export const workerEntries = {
  'journal/sqliteWriterWorker': 'src/journal/sqliteWriterWorker.ts',
}

export default defineConfig({
  entry: { ...entries, ...browserEntries, ...workerEntries },
  format: ['esm', 'cjs'],
  // Members marked `@internal` stay out of the published `.d.ts` (scripts/check-pack.mjs checks the build).
  dts: { entry: entries, compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  // Module-scope zod/mini schemas must not stay in bundles that do not use them (bundle-size.json).
  esbuildPlugins: [pureZodPlugin()],
  external: [
    'ethers',
    'libsql',
    'pg',
    'redis',
    'ws',
    'isows',
    'zod',
    'decimal.js',
    'eventemitter3',
    /^node:/,
  ],
})
