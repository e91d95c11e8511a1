import { defineConfig } from 'tsup'

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
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  // Members marked `@internal` stay out of the published `.d.ts` (scripts/check-pack.mjs checks the build).
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['ethers', 'ws', 'isows', 'zod', 'decimal.js', 'eventemitter3', /^node:/],
})
