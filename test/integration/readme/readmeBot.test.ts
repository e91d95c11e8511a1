/**
 * The README's first bot, run as a user runs it: the code block under `<!-- readme-bot` in README.md is written to a
 * `.mts` file (imports of `tradekit/*` pointed at this checkout's sources, nothing else changed) and started with
 * `node --import tsx`, like `npx tsx bot.mts`. It must trade on BinanceSim with default settings, then stop cleanly
 * on Ctrl-C (SIGINT). README and test cannot drift: the test reads the README.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../../../', import.meta.url).pathname

/** Public subpaths and their sources (as in tsup.config.ts). */
const SUBPATHS: Record<string, string> = {
  tradekit: 'src/index.ts',
  'tradekit/transport': 'src/transport/index.ts',
  'tradekit/binance': 'src/exchanges/binance/index.ts',
  'tradekit/polymarket': 'src/exchanges/polymarket/index.ts',
  'tradekit/indicators': 'src/indicators/index.ts',
  'tradekit/strategies': 'src/strategies/index.ts',
  'tradekit/risk': 'src/risk/index.ts',
  'tradekit/execution': 'src/execution/index.ts',
  'tradekit/backtest': 'src/backtest/index.ts',
  'tradekit/sim': 'src/sim/index.ts',
}

/** The README's bot, with its package imports pointed at the sources. */
function readmeBot(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const at = readme.indexOf('<!-- readme-bot')
  if (at === -1) throw new Error('README.md has no <!-- readme-bot --> marker')
  const block = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(at))
  if (block === null) throw new Error('no ```ts block after the readme-bot marker')
  const code = (block[1] as string).replace(/from '(tradekit(?:\/[a-z]+)?)'/g, (_, spec: string) => {
    const src = SUBPATHS[spec]
    if (src === undefined) throw new Error(`README bot imports unknown subpath "${spec}"`)
    return `from '${join(root, src)}'`
  })
  if (/from 'tradekit/.test(code)) throw new Error('an import of tradekit was not rewritten')
  return code
}

describe('README: your first bot', () => {
  it('trades on BinanceSim with default settings, then stops cleanly on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-readme-'))
    const file = join(dir, 'bot.mts')
    writeFileSync(file, readmeBot())
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let interrupted = false
    const done = new Promise<number | null>((resolve) => child.on('close', resolve))
    const onData = (d: Buffer) => {
      out += String(d)
      // The first fill: stop the bot the way its user would.
      if (!interrupted && /^filled BUY /m.test(out)) {
        interrupted = true
        child.kill('SIGINT')
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    // A safety net only (the assertions below say nothing about time): a bot that never trades fails here.
    const guard = setTimeout(() => child.kill('SIGKILL'), 150_000)
    const code = await done
    clearTimeout(guard)
    expect(out, out).toMatch(/^running; Ctrl-C to stop$/m)
    expect(out, out).toMatch(/^signal BUY ENTRY /m)
    const filled = /^filled BUY (\S+) BTC at (\S+) fills: (\d+)$/m.exec(out)
    expect(filled, out).not.toBeNull()
    expect(Number(filled?.[1])).toBeGreaterThan(0)
    expect(Number(filled?.[2])).toBeGreaterThan(0)
    expect(Number(filled?.[3])).toBeGreaterThan(0)
    expect(out, out).not.toMatch(/^error /m)
    expect(out, out).toMatch(/^equity \d+\.\d{2} USDT$/m)
    expect(code, out).toBe(0)
  }, 180_000)
})
