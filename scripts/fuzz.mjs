#!/usr/bin/env node
// Full fuzz run: every property in test/fuzz with FUZZ_RUNS=100000 (override with FUZZ_RUNS=n; replay a failure
// with FUZZ_SEED=<seed printed by fast-check>). Extra arguments go to vitest, e.g. `npm run fuzz -- polymarket`.
// Files run one after the other to keep the CPU load modest; expect several minutes.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
const runs = process.env.FUZZ_RUNS ?? '100000'
const args = process.argv.slice(2)
const filters = args.filter((a) => !a.startsWith('-'))
const options = args.filter((a) => a.startsWith('-'))

const child = spawn(
  process.execPath,
  [
    vitestBin,
    'run',
    '--project',
    'integration',
    '--no-file-parallelism',
    ...options,
    ...(filters.length > 0 ? filters.map((f) => `test/fuzz/${f}`) : ['test/fuzz']),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs } },
)
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal)
  else process.exit(code ?? 1)
})
