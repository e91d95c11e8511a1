// Fails when `npm pack` would publish anything but dist/, README, LICENSE, CHANGELOG and package.json.
import { execFileSync } from 'node:child_process'

const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })
const files = JSON.parse(out)[0].files.map((f) => f.path)
const allowed = /^(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/
const bad = files.filter((f) => !allowed.test(f))
if (bad.length > 0) {
  console.error(`unexpected files in the package: ${bad.join(', ')}`)
  process.exit(1)
}
console.log(`pack ok: ${files.length} files`)
