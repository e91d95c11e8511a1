// The consumer matrix: packs tradekit, installs the tarball into copies of test/consumers with TypeScript 5.9 and
// TypeScript 7, typechecks test/consumers/usage.ts (skipLibCheck off) under every module setting a user may have,
// and requires/imports every subpath at run time. Exits 1 on the first failing cell, after printing them all.
//
//   node scripts/consumer-matrix.mjs              (after `npm run build`)
//   node scripts/consumer-matrix.mjs --keep       keep the temporary projects for inspection
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`))
const keep = process.argv.includes('--keep')

/** TypeScript lines checked; TypeScript 7 removed `esModuleInterop: false` and node10 resolution. */
const TYPESCRIPT = [
  { name: 'ts5.9', version: '~5.9.3', hasNode10: true, hasInteropOff: true },
  { name: 'ts7', version: '^7.0.2', hasNode10: false, hasInteropOff: false },
]
/** module/moduleResolution pairs, and whether the consumer package is ESM ("type": "module") or CommonJS. */
const SETTINGS = [
  { module: 'nodenext', moduleResolution: 'nodenext', type: 'module' },
  { module: 'nodenext', moduleResolution: 'nodenext', type: 'commonjs' },
  { module: 'node16', moduleResolution: 'node16', type: 'module' },
  { module: 'node16', moduleResolution: 'node16', type: 'commonjs' },
  { module: 'esnext', moduleResolution: 'bundler', type: 'module' },
  { module: 'preserve', moduleResolution: 'bundler', type: 'module' },
  { module: 'commonjs', moduleResolution: 'node10', type: 'commonjs', node10: true },
]

/**
 * Errors that are not ours: with `esModuleInterop: false` and `skipLibCheck: false`, zod 4's own `locales` declarations
 * default-import CommonJS modules (TS1259) in every project that imports zod, whatever it imports from it.
 */
const UPSTREAM = /^node_modules\/zod\/.*error TS1259:/

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

const work = mkdtempSync(join(tmpdir(), 'tradekit-consumers-'))
const tarball = join(
  work,
  run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop(),
)
console.log(`packed ${tarball}`)

const failures = []
for (const ts of TYPESCRIPT) {
  const dir = join(work, ts.name)
  mkdirSync(dir)
  for (const f of readdirSync(join(root, 'test/consumers')))
    cpSync(join(root, 'test/consumers', f), join(dir, f))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${ts.name}`, private: true }))
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      tarball,
      `typescript@${ts.version}`,
      'ethers@^6.13.0',
      '@types/node@^20',
    ],
    dir,
  )
  const tsc = join(dir, 'node_modules/.bin/tsc')
  const version = run(tsc, ['--version'], dir).trim()
  for (const s of SETTINGS) {
    if (s.node10 && !ts.hasNode10) continue
    for (const esModuleInterop of ts.hasInteropOff ? [true, false] : [true]) {
      const cell = `${ts.name} module=${s.module} resolution=${s.moduleResolution} type=${s.type} esModuleInterop=${esModuleInterop}`
      const pkgJson = { name: `consumer-${ts.name}`, private: true, type: s.type }
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkgJson))
      const config = {
        compilerOptions: {
          target: 'es2022',
          module: s.module,
          moduleResolution: s.moduleResolution,
          esModuleInterop,
          ...(s.node10 ? { ignoreDeprecations: '6.0' } : {}),
          skipLibCheck: false,
          strict: true,
          noEmit: true,
          types: ['node'],
          lib: ['es2023', 'dom'],
        },
        files: ['usage.ts'],
      }
      if (ts.name === 'ts5.9' && s.node10) delete config.compilerOptions.ignoreDeprecations
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2))
      try {
        run(tsc, ['-p', 'tsconfig.json'], dir)
        console.log(`ok   ${cell} (${version})`)
      } catch (e) {
        const errors = `${e.stdout}`.split('\n').filter((l) => /error TS\d+/.test(l))
        const ours = errors.filter((l) => !UPSTREAM.test(l))
        if (ours.length === 0 && errors.length > 0) {
          console.log(
            `ok   ${cell} (${version}; ${errors.length} errors inside zod's own declarations, see UPSTREAM)`,
          )
          continue
        }
        console.log(`FAIL ${cell} (${version})\n${ours.join('\n') || `${e.stdout}${e.stderr}`}`)
        failures.push(cell)
      }
    }
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${ts.name}`, private: true }))
  if (ts === TYPESCRIPT[0]) {
    for (const file of ['runtime.cjs', 'runtime.mjs']) {
      try {
        console.log(run(process.execPath, [file, JSON.stringify(subpaths)], dir).trim())
      } catch (e) {
        console.log(`FAIL ${file}\n${e.stdout}${e.stderr}`)
        failures.push(file)
      }
    }
  }
}

if (!keep) rmSync(work, { recursive: true, force: true })
else console.log(`kept ${work}`)
if (failures.length > 0) {
  console.error(`${failures.length} consumer cell(s) failed:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
console.log('consumer matrix: every cell passed')
