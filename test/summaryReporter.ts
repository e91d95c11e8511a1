import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints `N passed, N failed` as the very last line of a test run, so a run with no tests (0 passed) or with
 * unhandled errors (counted as failed) is visible at a glance and to CI.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
      }
      if (
        mod.state() === 'failed' &&
        [...mod.children.allTests()].every((t) => t.result().state !== 'failed')
      ) {
        failed++ // a module that failed to load or errored outside any test
      }
    }
    failed += unhandledErrors.length
    // Other reporters print their summaries after this hook; write on exit so this line is the last one.
    process.once('exit', () => process.stdout.write(`\n${passed} passed, ${failed} failed\n`))
  }
}
