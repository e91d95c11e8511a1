// Requires and imports every public subpath through the package's own name (self-reference), in CJS and ESM.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json')
for (const sub of subpaths) {
  const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(spec)})`], { stdio: 'inherit' })
  execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`], {
    stdio: 'inherit',
  })
  console.log(`ok ${spec} (cjs, esm)`)
}

// node10 resolution (`moduleResolution: node`) finds subpath types only through typesVersions: keep it in step.
const typesVersions = pkg.typesVersions?.['*'] ?? {}
for (const sub of subpaths.filter((s) => s !== '.')) {
  const expected = `./dist/${sub.slice(2)}/index.d.cts`
  if (typesVersions[sub.slice(2)]?.[0] !== expected) {
    console.error(`package.json typesVersions["*"]["${sub.slice(2)}"] must be ["${expected}"] (node10 types)`)
    process.exit(1)
  }
}
console.log(`ok typesVersions covers ${subpaths.length - 1} subpaths`)
