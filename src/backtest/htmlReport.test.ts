import { describe, expect, it } from 'vitest'
import type { BacktestReport } from './Backtester.js'
import { EquityCurve } from './EquityCurve.js'
import { renderHtmlReport } from './htmlReport.js'
import { PriceCurve } from './PriceCurve.js'

const t0 = Date.UTC(2026, 0, 1)
const MINUTE = 60_000

/** 50 minutes of a small dip and recovery, one losing trade with an unrounded Decimal PnL. */
function report(): BacktestReport {
  const curve = new EquityCurve(100)
  const prices = new PriceCurve('BTCUSDT', 100)
  for (let i = 0; i <= 50; i++) {
    const t = t0 + i * MINUTE
    curve.add(t, 10_000 - 6 * Math.sin((i / 50) * Math.PI), i > 10 && i < 30)
    prices.add({ symbol: 'BTCUSDT', closeTime: t, close: 64_000 + 40 * Math.cos(i / 7) })
  }
  const s = curve.summary(365 * 24 * 60)
  return {
    startTime: t0,
    endTime: t0 + 50 * MINUTE,
    candles: 51,
    ...s,
    winRate: 0,
    profitFactor: 0,
    fees: 0.128,
    signals: 2,
    signalLog: [],
    denied: 1,
    deniedByCode: { STOP_TOO_TIGHT: 1 },
    tradeCount: 1,
    trades: [
      {
        venue: 'binance',
        symbol: 'BTCUSDT',
        side: 'BUY',
        openedAt: t0 + 11 * MINUTE,
        closedAt: t0 + 29 * MINUTE,
        qty: '0.01000000',
        pnl: '-4.17011563919999999999999999999999999988',
        fees: '0.128',
      },
    ],
    equityCurve: curve.points(),
    prices: { symbol: 'BTCUSDT', points: prices.points() },
    stateChanges: [],
    errors: [],
  }
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report(), { title: 'EMA <9/21>' })

  it('is one self-contained page: no external script, style, image or font', () => {
    expect(html).not.toMatch(/<(script|img|link)[^>]+(src|href)=|https?:\/\//)
    expect(html).not.toMatch(/url\(/)
    expect(html).toContain('<title>EMA &lt;9/21&gt;</title>')
  })

  it('draws price, equity and drawdown panels with value ticks and a labelled UTC time axis', () => {
    for (const id of ['price', 'equity', 'drawdown']) expect(html).toContain(`<svg id="${id}" class="chart"`)
    const equity = html.slice(
      html.indexOf('<svg id="equity"'),
      html.indexOf('</svg>', html.indexOf('<svg id="equity"')),
    )
    const yTicks = [...equity.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1])
    const xTicks = [...equity.matchAll(/text-anchor="middle">([^<]+)</g)].map((m) => m[1])
    expect(yTicks.length).toBeGreaterThanOrEqual(3)
    expect(xTicks).toContain('01-01 00:00')
    expect(xTicks).toContain('00:30')
    // A 0.06 % dip does not fill the panel: the axis spans at least 1 % of the level.
    const values = yTicks.map((s) => Number(String(s).replace(/\u2009/g, '')))
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThanOrEqual(100)
  })

  it('marks the entry and exit of each trade on the price chart, with a hover text', () => {
    const price = html.slice(
      html.indexOf('<svg id="price"'),
      html.indexOf('</svg>', html.indexOf('<svg id="price"')),
    )
    expect(price.match(/class="mark"/g)).toHaveLength(2)
    expect(price).toContain('<title>Long BTCUSDT 0.01: closed 2026-01-01 00:29 near')
    expect(price).toContain('PnL -4.17 (fees 0.128)')
  })

  it('rounds every number for display and says why the ratios are n/a', () => {
    const text = html
    expect(text).not.toMatch(/\d{12,}/)
    expect(text).toContain('<td class="neg">-4.17</td>')
    expect(text).toContain('10\u2009000.00')
    expect(text).toContain(
      'n/a (sample too short to annualise: 50 returns over 0.03 days (needs ≥ 30 returns over ≥ 7 days))',
    )
    expect(text).toContain('STOP_TOO_TIGHT 1')
  })

  it('shows the values under the cursor on hover without a script: strips with a title across each plot', () => {
    expect(html).not.toContain('<script')
    const equity = html.slice(
      html.indexOf('<svg id="equity"'),
      html.indexOf('</svg>', html.indexOf('<svg id="equity"')),
    )
    const titles = [...equity.matchAll(/class="hb"><title>([^<]+)</g)].map((m) => m[1])
    expect(titles.length).toBeGreaterThanOrEqual(40)
    expect(titles[0]).toMatch(
      /^2026-01-01 00:00 UTC {2}· {2}BTCUSDT 64\u2009040\.00 {2}· {2}equity 10\u2009000\.00 {2}· {2}drawdown 0\.00%$/,
    )
  })

  it('a long enough sample shows the annualised ratios, and says why one is n/a', () => {
    const long = renderHtmlReport({ ...report(), sharpe: 1.23456, sortino: null, ratioNote: null })
    expect(long).toContain('<th>Sharpe (annualised)</th><td>1.23</td>')
    expect(long).toContain('<th>Sortino (annualised)</th><td>n/a (no losing period)</td>')
    const byHand = renderHtmlReport({ ...report(), sharpe: null, sortino: null, ratioNote: undefined })
    expect(byHand).toContain('<th>Sharpe (annualised)</th><td>n/a</td>')
  })

  it('draws a break-even trade as the win rate counts it, a loss: red exit and PnL cell, not green', () => {
    const base = report()
    const trade = base.trades[0] as BacktestReport['trades'][number]
    const even = renderHtmlReport({
      ...base,
      winRate: 0.5,
      tradeCount: 2,
      trades: [
        { ...trade, pnl: '0', fees: '0.1' },
        { ...trade, openedAt: t0 + 31 * MINUTE, closedAt: t0 + 40 * MINUTE, pnl: '1.5', fees: '0.1' },
      ],
    })
    const price = even.slice(
      even.indexOf('<svg id="price"'),
      even.indexOf('</svg>', even.indexOf('<svg id="price"')),
    )
    const exits = [
      ...price.matchAll(/<circle [^>]*fill="([^"]+)" class="mark"><title>[^<]*PnL ([^ ]+) /g),
    ].map((m) => [m[2], m[1]])
    expect(exits).toEqual([
      ['0.00', '#b00020'],
      ['1.50', '#087f23'],
    ])
    const segs = [...price.matchAll(/stroke="([^"]+)" class="seg"/g)].map((m) => m[1])
    expect(segs).toEqual(['#b00020', '#087f23'])
    expect(even).toContain('<td class="neg">0.00</td>')
    expect(even).toContain('<td class="pos">1.50</td>')
    expect(even).toContain('<th>Win rate</th><td>50.00%</td>')
  })

  it('shows fees paid in other assets than the account currency beside the account-currency fees', () => {
    const html = renderHtmlReport({ ...report(), fees: 0.128, feesByAsset: { BTC: '0.0003', USDT: '0.128' } })
    expect(html).toContain('<th>Fees</th><td>0.128 (by asset: BTC 0.0003, USDT 0.128)</td>')
    expect(renderHtmlReport(report())).toContain('<th>Fees</th><td>0.128</td>')
  })
})
