// Fails when `npm pack` would publish anything but dist/, README, LICENSE, CHANGELOG and package.json, or when a
// built declaration file still holds something marked `@internal` (tsup strips those with `stripInternal`).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })
const files = JSON.parse(out)[0].files.map((f) => f.path)
const allowed = /^(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/
const bad = files.filter((f) => !allowed.test(f))
if (bad.length > 0) {
  console.error(`unexpected files in the package: ${bad.join(', ')}`)
  process.exit(1)
}

/** Files under `dir` (recursively) whose name matches `re`. */
function walk(dir, re) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name)
    if (d.isDirectory()) return walk(p, re)
    return re.test(d.name) ? [p] : []
  })
}
// Names declared right after an `@internal` doc comment in src/ (e.g. RollingWindow): none may reach a .d.ts.
const internalNames = new Set()
for (const file of walk('src', /(?<!\.test)(?<!\.test-d)\.ts$/)) {
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(
    /@internal[\s\S]*?\*\/\s*export\s+(?:declare\s+)?(?:abstract\s+)?(?:class|interface|type|function|const|enum)\s+(\w+)/g,
  )) {
    if (!m[0].slice(0, -m[1].length).includes('/**', 1)) internalNames.add(m[1])
  }
}
const leaks = []
for (const file of walk('dist', /\.d\.c?ts$/)) {
  const text = readFileSync(file, 'utf8')
  if (text.includes('@internal')) leaks.push(`${file}: an @internal comment`)
  for (const name of internalNames) {
    if (new RegExp(`\\b(?:class|interface|type|function|const|enum)\\s+${name}\\b`).test(text)) {
      leaks.push(`${file}: ${name}`)
    }
  }
}
if (leaks.length > 0) {
  console.error(
    `internal declarations in the published .d.ts (mark them in src, keep stripInternal):\n${leaks.join('\n')}`,
  )
  process.exit(1)
}
console.log(
  `pack ok: ${files.length} files; no @internal in the .d.ts (${internalNames.size} internal names checked)`,
)
