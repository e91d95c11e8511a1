// `npm run bench`: installs the peer libraries of bench/package.json (never a dependency of tradekit), then runs
// every bench/*.bench.ts (or those matching the first argument) and leaves the results in bench/results.json.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const benchDir = new URL('../bench/', import.meta.url).pathname
if (!['tinybench', 'grademark'].every((m) => existsSync(join(benchDir, 'node_modules', m)))) {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', benchDir], { stdio: 'inherit' })
}
const filter = process.argv[2]
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort()
if (filter === undefined) rmSync(join(benchDir, 'results.json'), { force: true })
for (const f of files) {
  console.log(`\n# ${f}`)
  execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(benchDir, f)], { stdio: 'inherit' })
}
console.log(`\nresults: bench/results.json`)
