// Browser smoke test: bundles test/browser/page.mjs for the browser with esbuild (a Node built-in anywhere in what it
// imports fails the bundle), serves it on loopback next to a BinanceSim, opens it in headless Chromium (Debian's
// package, /usr/bin/chromium) and waits for the page to post what it computed and streamed.
//
//   node scripts/browser-smoke.mjs          (after `npm run build`)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { BinanceSim } from '../dist/sim/index.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'

const bundle = await build({
  entryPoints: [join(root, 'test/browser/page.mjs')],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  write: false,
  minify: true,
  logLevel: 'silent',
})
const js = bundle.outputFiles[0].text
console.log(`bundled the page for the browser: ${(js.length / 1024).toFixed(0)} KB minified`)

const sim = await BinanceSim.start({ seed: 3, tickMs: 20 })
let settle
const result = new Promise((resolve) => {
  settle = resolve
})
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/result') {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      res.end('ok')
      settle(JSON.parse(body))
    })
    return
  }
  if (req.url === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    return
  }
  res.writeHead(200, { 'content-type': 'text/html' })
  res.end(
    '<!doctype html><meta charset="utf-8"><title>tradekit smoke</title><script type="module" src="/page.js"></script>',
  )
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${server.address().port}/?stream=${encodeURIComponent(sim.urls.spot.streamUrl)}`

const profile = mkdtempSync(join(tmpdir(), 'tradekit-chromium-'))
const browser = spawn(
  chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    url,
  ],
  // Own process group, so that the kill below also ends Chromium's helper processes (they write into the profile).
  { stdio: 'ignore', detached: true },
)
const exited = new Promise((resolve) => browser.once('exit', resolve))
const timeout = setTimeout(() => settle({ ok: false, error: 'no result from the page within 60 s' }), 60_000)
const r = await result
clearTimeout(timeout)
try {
  process.kill(-browser.pid, 'SIGKILL')
} catch {
  browser.kill('SIGKILL')
}
await exited
server.close()
await sim.close()
rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })

const failures = []
if (!r.ok) failures.push(r.error)
else {
  if (r.ema !== 4) failures.push(`EMA(3) of 1..5 is 4, got ${r.ema}`)
  if (r.sum !== '0.3') failures.push(`Decimal 0.1 + 0.2 = ${r.sum}`)
  if (r.symbol !== 'BTCUSDT' || !(r.bestBid > 0) || !(r.bestAsk > r.bestBid))
    failures.push(`book: ${JSON.stringify({ symbol: r.symbol, bid: r.bestBid, ask: r.bestAsk })}`)
}
if (failures.length > 0) {
  console.error(`browser smoke FAILED:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
console.log(
  `browser smoke ok: book ${r.symbol} ${r.bestBid}/${r.bestAsk} streamed in ${r.userAgent.match(/HeadlessChrome\/[\d.]+/)?.[0] ?? r.userAgent}`,
)
