import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Unhandled rejections and uncaught exceptions anywhere fail the run (never ignored).
    dangerouslyIgnoreUnhandledErrors: false,
    reporters: ['default', './test/summaryReporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          // Property tests compare 10⁴ random cases with decimal.js: seconds on a loaded shared machine, and the
          // 5 s default is there to catch hangs, not to time work.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'typecheck',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['src/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
    ],
  },
})
