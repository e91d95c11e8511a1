/**
 * The JSON reports pinned by `reportsUnchanged.test.ts`: both benchmark configs (`bench/backtestConfigs.ts`) over the
 * same synthetic candles. Run this file to record them (only at a commit whose results are the reference):
 * `node --import tsx test/integration/backtest/backtestReports.ts`.
 */
import { writeFileSync } from 'node:fs'
import { backtestConfig, labels } from '../../../bench/backtestConfigs.js'
import { Backtester, syntheticCandles } from '../../../src/backtest/index.js'

/** Candles per config: enough for hundreds of trades, breaker pauses and resumes. */
export const CANDLES = 40_000
/** Where the reference reports live. */
export const REPORTS_FILE = new URL('./__fixtures__/backtestReports.json', import.meta.url)

/** The reports of both configs, serialised exactly as they are compared. */
export async function backtestReports(): Promise<Record<'quiet' | 'tradeHeavy', string>> {
  const run = async (name: 'quiet' | 'tradeHeavy') =>
    JSON.stringify(await new Backtester(backtestConfig(name)).run(syntheticCandles(CANDLES, labels)))
  return { quiet: await run('quiet'), tradeHeavy: await run('tradeHeavy') }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const r = await backtestReports()
  writeFileSync(
    REPORTS_FILE,
    `${JSON.stringify({ candles: CANDLES, quiet: JSON.parse(r.quiet), tradeHeavy: JSON.parse(r.tradeHeavy) })}\n`,
  )
  console.log(`recorded ${REPORTS_FILE.pathname}`)
}
