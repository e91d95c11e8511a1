#!/usr/bin/env node
// Runs third-party clients (ccxt, Binance's official connectors, ...) unmodified against tradekit's loopback sims:
// every `test/third-party/*.mjs` script not starting with `_`, each in its own process. The test project has its
// own package.json + package-lock.json (never a dependency of tradekit) and is installed here from the npm
// registry when its node_modules is missing. Each script prints `third-party <client>: N calls, M failed`; this
// prints the tally per client and fails when any call failed or any script crashed.
// Usage: node scripts/third-party.mjs [name-filter]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'test', 'third-party')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (!existsSync(join(dir, 'node_modules'))) {
  console.log('installing test/third-party (npm ci)...')
  const r = spawnSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const filter = process.argv[2] ?? ''
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_') && f.includes(filter))
  .sort()
if (scripts.length === 0) {
  console.error(`no third-party script matches "${filter}"`)
  process.exit(1)
}

const tally = []
let failed = false
for (const f of scripts) {
  const r = spawnSync(process.execPath, [join(dir, f)], { cwd: root, encoding: 'utf8', timeout: 300_000 })
  // The official connectors log every connection at info level; keep the output to what matters.
  const out = (r.stdout ?? '').split('\n').filter((l) => l !== '' && !l.includes('] [info] '))
  for (const l of out) console.log(l)
  if (r.stderr) process.stderr.write(r.stderr)
  const line = out.find((l) => /^third-party .+: \d+ calls, \d+ failed$/.test(l))
  if (r.status !== 0 || line === undefined) {
    failed = true
    tally.push(`${f}: exited ${r.status ?? r.signal}${line === undefined ? ' without a tally' : ''}`)
  } else tally.push(line.replace(/^third-party /, ''))
}
console.log('\nthird-party clients against the sims:')
for (const t of tally) console.log(`  ${t}`)
if (failed) {
  console.log('third-party suite FAILED')
  process.exit(1)
}
console.log('third-party suite passed')
