import type { BacktestReport } from './Backtester.js'
import { renderHtmlReport } from './htmlReport.js'

/**
 * Writes `<name>.json` and `<name>.html` into `dir` and returns their paths. Node only: absent from the browser build of `tradekit/backtest`.
 *
 * @example
 * ```ts
 * const report = await backtester.run(readCandlesCsv('btc-1m.csv', labels))
 * const { json, html } = await writeReport(report, 'reports', 'ema-9-21')
 * console.log('open', html)
 * ```
 */
export async function writeReport(
  report: BacktestReport,
  dir: string,
  name = 'backtest-report',
  options: { title?: string } = {},
): Promise<{ json: string; html: string }> {
  const fs = await import('node:fs/promises')
  const p = await import('node:path')
  await fs.mkdir(dir, { recursive: true })
  const json = p.join(dir, `${name}.json`)
  const html = p.join(dir, `${name}.html`)
  await fs.writeFile(
    json,
    `${JSON.stringify(report, (_k, v) => (v === Number.POSITIVE_INFINITY ? 'Infinity' : v), 2)}\n`,
  )
  await fs.writeFile(html, renderHtmlReport(report, options))
  return { json, html }
}
