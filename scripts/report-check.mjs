// The HTML backtest report in a real browser: runs a backtest (EmaCrossover on examples/data/btcusdt-1m.csv) with
// the built package, writes the report, opens it in headless Chromium (scripts/cdp.mjs) with the network off, and
// checks that it renders offline without a console error: price, equity and drawdown panels with time and value
// ticks, a marker for each trade entry and exit, the values under a real mouse pointer, and no number with a run of
// 12+ digits anywhere. Screenshot: .ci/artifacts/report.png (ignored by git, kept as a CI artifact).
//
//   node scripts/report-check.mjs          (after `npm run build`)
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Backtester, readCandlesCsv, writeReport } from '../dist/backtest/index.js'
import { Decimal } from '../dist/index.js'
import { EmaCrossover } from '../dist/strategies/index.js'
import { launchChromium } from './cdp.mjs'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const artifacts = join(root, '.ci/artifacts')
mkdirSync(artifacts, { recursive: true })

const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }
const btc = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
}
const report = await new Backtester({
  instruments: [btc],
  balances: { USDT: '10000' },
  strategies: () => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })],
  risk: { sizing: { method: 'fixedFractional', riskFraction: 0.01 }, maxPositionFraction: 0.5 },
  paper: { takerFeeRate: '0.001', fallbackSlippageBps: 2 },
}).run(readCandlesCsv(join(root, 'examples/data/btcusdt-1m.csv'), labels))
const { html } = await writeReport(report, artifacts, 'report', {
  title: 'EMA 9/21 on BTCUSDT 1m (example data)',
})

const browser = await launchChromium({ width: 1100, height: 900 })
const failures = []
try {
  const page = await browser.newPage()
  // Offline: a report that needs the network fails here.
  await page.call('Network.enable')
  await page.call('Network.emulateNetworkConditions', {
    offline: true,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  })
  await page.goto(pathToFileURL(html).href)
  // A real mouse over the equity plot: the strip under it is highlighted (CSS :hover) and carries the values.
  const box = await page.evaluate(`(() => {
    const svg = document.getElementById('equity')
    svg.scrollIntoView({ block: 'center' })
    const r = svg.getBoundingClientRect()
    return { x: r.left + r.width * 0.6, y: r.top + r.height / 2 }
  })()`)
  await page.call('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y })
  const seen = await page.evaluate(`(() => {
    const panel = (id) => {
      const svg = document.getElementById(id)
      if (!svg) return null
      const texts = [...svg.querySelectorAll('text')]
      const bottom = Number(svg.getAttribute('height')) - 26
      return {
        xLabels: texts.filter((t) => Number(t.getAttribute('y')) > bottom).map((t) => t.textContent),
        yLabels: texts.filter((t) => t.getAttribute('text-anchor') === 'end').map((t) => t.textContent),
        markers: svg.querySelectorAll('.mark').length,
      }
    }
    const hovered = document.querySelectorAll('#equity .hb:hover')
    return {
      price: panel('price'), equity: panel('equity'), drawdown: panel('drawdown'),
      hovered: hovered.length,
      hoverText: hovered[0]?.querySelector('title')?.textContent ?? '',
      hoverFill: hovered[0] ? getComputedStyle(hovered[0]).fill : '',
      longNumbers: document.body.innerText.match(/\\d{12,}/g) ?? [],
      external: [...document.querySelectorAll('[src],[href]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href')),
    }
  })()`)
  await page.screenshot(join(artifacts, 'report.png'), { fullPage: true })
  failures.push(...page.errors)
  const symbolTrades = report.trades.filter((t) => t.symbol === 'BTCUSDT').slice(0, 500).length
  for (const id of ['price', 'equity', 'drawdown']) {
    const p = seen[id]
    if (p === null) failures.push(`no ${id} panel`)
    else if (p.xLabels.length < 3 || p.yLabels.length < 3)
      failures.push(`${id}: ${p.xLabels.length} time labels, ${p.yLabels.length} value ticks`)
  }
  if (report.tradeCount === 0) failures.push('the example backtest made no trade: nothing to mark')
  if (seen.price && seen.price.markers !== 2 * symbolTrades)
    failures.push(`price chart has ${seen.price.markers} trade markers, expected ${2 * symbolTrades}`)
  if (
    seen.hovered !== 1 ||
    !/equity [\d\u2009.]+ {2}· {2}drawdown/.test(seen.hoverText) ||
    seen.hoverFill === 'transparent'
  )
    failures.push(
      `hover over the equity chart: ${seen.hovered} strips, fill ${seen.hoverFill}, "${seen.hoverText}"`,
    )
  if (seen.longNumbers.length > 0)
    failures.push(`unrounded numbers on the page: ${seen.longNumbers.slice(0, 3)}`)
  if (seen.external.length > 0) failures.push(`the page references other files: ${seen.external.slice(0, 3)}`)
  console.log(`report hover over the equity chart: ${seen.hoverText}`)
} finally {
  await browser.close()
}
if (failures.length > 0) {
  console.error(`report check FAILED:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
console.log(
  `report check ok: ${report.tradeCount} trades marked, axes and hover in headless Chromium; screenshot .ci/artifacts/report.png`,
)
