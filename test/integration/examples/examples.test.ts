/**
 * Smoke tests: every offline example runs to completion on the simulators with one command and prints what it
 * promises. (examples/paper-binance-live.ts needs the internet and is only typechecked.)
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../../../', import.meta.url).pathname

function run(
  script: string,
  args: string[] = [],
  timeoutMs = 90_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('examples', script), ...args], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += String(d)
    })
    child.stderr.on('data', (d) => {
      out += String(d)
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} timed out; output:\n${out}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('examples', () => {
  it('demo: trades on BinanceSim and writes a report', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tk-demo-'))
    const r = await run('demo.ts', ['--duration', '8', '--speed', '240', '--out', outDir])
    expect(r.out).toContain('tradekit demo summary')
    expect(r.out).toMatch(/signals\s+[1-9]/)
    expect(r.out).toMatch(/errors\s+0/)
    expect(r.out).toContain('HTML report:')
    expect(r.code, r.out).toBe(0)
  }, 120_000)

  it('backtest-csv', async () => {
    const r = await run('backtest-csv.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/candles\s+5000/)
  }, 120_000)

  it('custom-strategy', async () => {
    const r = await run('custom-strategy.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/signals \d+, trades \d+/)
  }, 120_000)

  it('hand-wired', async () => {
    const r = await run('hand-wired.ts', ['--duration', '6'])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain('equity')
    // It trades: the first signal already has an ATR stop (it was denied MISSING_STOP while ATR(14) warmed up).
    expect(r.out).toMatch(/approved (BUY|SELL)/)
    expect(r.out).not.toContain('MISSING_STOP')
  }, 120_000)

  it('kill-switch: nothing left open at the venue', async () => {
    const r = await run('kill-switch.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain('open at the venue after: 0; trading state: HALTED')
  }, 120_000)

  it('record-replay: the replay matches the live session', async () => {
    const r = await run('record-replay.ts', ['--duration', '6'])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain('replay matches the live session')
    // Not vacuously: the live session traded (an entry, and the exit it led to, must both replay).
    expect(r.out).toMatch(/live signals: [1-9]/)
  }, 120_000)

  it('polymarket-arbitrage: both legs fill as one group', async () => {
    const r = await run('polymarket-arbitrage.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/group\s+\S+: COMPLETED/)
  }, 120_000)

  it('polymarket-market-maker: quotes both tokens, gets filled, and the kill switch leaves nothing resting', async () => {
    const r = await run('polymarket-market-maker.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/fills [1-9]/)
    expect(r.out).toContain('open at the venue after the kill switch: 0')
  }, 120_000)

  it('backtest-market-maker: records a PolymarketSim session and backtests BandsMarketMaker on it', async () => {
    const r = await run('backtest-market-maker.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/replayed \d+ messages \(0 malformed\)/)
    expect(r.out).toMatch(/maker fills [1-9]/)
    expect(r.out).toMatch(/fill {4}BUY \S+ \d+ @ 0\.\d+ \(MAKER\)/)
  }, 120_000)

  it('quickstart', async () => {
    const r = await run('quickstart.ts')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toContain('FILLED')
  }, 60_000)
})
