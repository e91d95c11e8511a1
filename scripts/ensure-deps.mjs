// Installs the project's dependencies when they are missing (a fresh clone), so `npm run demo` and `npm test` work
// with nothing installed. Uses Node built-ins only; a no-op once `npm ci` has run.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('tradekit: installing dependencies (npm ci) ...')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
}
