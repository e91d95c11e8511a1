// Bundles small browser programs that import tradekit (from the built dist/, through the package's own exports) with
// esbuild for the browser, and checks their minified + gzip size against bundle-size.json. A Node built-in in what a
// program imports fails its bundle.
//
//   node scripts/bundle-size.mjs          (after `npm run build`)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const { bundles } = JSON.parse(readFileSync(join(root, 'bundle-size.json'), 'utf8'))

const work = mkdtempSync(join(tmpdir(), 'tradekit-bundle-'))
mkdirSync(join(work, 'node_modules'))
symlinkSync(root, join(work, 'node_modules/tradekit'), 'dir')
const failures = []
try {
  for (const b of bundles) {
    const entry = join(work, `${b.name.replace(/\W+/g, '-')}.mjs`)
    writeFileSync(entry, `${b.code}\n`)
    let text
    try {
      const out = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        minify: true,
        write: false,
        logLevel: 'silent',
        absWorkingDir: work,
      })
      text = out.outputFiles[0].text
    } catch (e) {
      const why = (e.errors ?? []).map((x) => `${x.location?.file ?? ''}: ${x.text}`).join('; ') || String(e)
      console.log(`FAIL ${b.name}: does not bundle for the browser: ${why}`)
      failures.push(b.name)
      continue
    }
    const gzipKB = gzipSync(text, { level: 9 }).length / 1024
    const line = `${b.name}: ${(text.length / 1024).toFixed(1)} KB minified, ${gzipKB.toFixed(1)} KB gzip (limit ${b.maxGzipKB})`
    if (gzipKB > b.maxGzipKB) {
      console.log(`FAIL ${line}`)
      failures.push(b.name)
    } else console.log(`ok   ${line}`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
if (failures.length > 0) {
  console.error(`${failures.length} bundle(s) over their limit or not bundling: ${failures.join(', ')}`)
  process.exit(1)
}
