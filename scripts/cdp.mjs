// A minimal Chrome DevTools Protocol client for the headless-Chromium checks (docs site, HTML report): starts
// Debian's Chromium (or $CHROMIUM) the way scripts/browser-smoke.mjs does, in its own process group and a
// throw-away profile, and talks CDP over the `ws` package. Pages record console errors, uncaught exceptions and
// failed loads, so a check can assert there were none.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'

/** Starts headless Chromium and returns `{ newPage, close }`. */
export async function launchChromium({ width = 1280, height = 900 } = {}) {
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
  const profile = mkdtempSync(join(tmpdir(), 'tradekit-cdp-'))
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
      '--hide-scrollbars',
      // Several pages load at once: none of them counts as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      `--window-size=${width},${height}`,
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore', detached: true },
  )
  const exited = new Promise((resolve) => browser.once('exit', resolve))
  const portFile = join(profile, 'DevToolsActivePort')
  const deadline = Date.now() + 30_000
  while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
    if (Date.now() > deadline)
      throw new Error(`Chromium (${chromium}) did not open its DevTools port within 30 s`)
    await sleep(50)
  }
  const [port, path] = readFileSync(portFile, 'utf8').split('\n')
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let nextId = 1
  const pending = new Map()
  const listeners = new Set()
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw))
    if (msg.id !== undefined) {
      const p = pending.get(msg.id)
      pending.delete(msg.id)
      if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`))
      else p?.resolve(msg.result)
    } else for (const l of listeners) l(msg)
  })
  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject, method })
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }))
    })

  async function newPage() {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank', newWindow: true })
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true })
    const errors = []
    let loaded = () => {}
    const onEvent = (msg) => {
      if (msg.sessionId !== sessionId) return
      const p = msg.params
      if (msg.method === 'Runtime.exceptionThrown')
        errors.push(`uncaught: ${p.exceptionDetails.exception?.description ?? p.exceptionDetails.text}`)
      else if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
        errors.push(`console.${p.type}: ${p.args.map((a) => a.value ?? a.description ?? '').join(' ')}`)
      else if (msg.method === 'Log.entryAdded' && p.entry.level === 'error')
        errors.push(`${p.entry.source}: ${p.entry.text}${p.entry.url ? ` (${p.entry.url})` : ''}`)
      else if (msg.method === 'Page.loadEventFired') loaded()
    }
    listeners.add(onEvent)
    const call = (method, params) => send(method, params, sessionId)
    await Promise.all([call('Page.enable'), call('Runtime.enable'), call('Log.enable')])
    const evaluate = async (expression) => {
      const r = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
      if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description}`)
      return r.result.value
    }
    return {
      errors,
      call,
      evaluate,
      /** Navigates and waits for the load event and two animation frames (scripts' first render). */
      async goto(url, timeoutMs = 30_000) {
        const load = new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${url} did not load within ${timeoutMs} ms`)),
            timeoutMs,
          )
          loaded = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        const nav = await call('Page.navigate', { url })
        if (nav.errorText) throw new Error(`${url}: ${nav.errorText}`)
        await load
        await evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
      },
      /** Writes a PNG of the page (the whole page when `fullPage`). */
      async screenshot(file, { fullPage = false } = {}) {
        let clip
        if (fullPage) {
          const { cssContentSize } = await call('Page.getLayoutMetrics')
          clip = { x: 0, y: 0, width: cssContentSize.width, height: cssContentSize.height, scale: 1 }
        }
        const { data } = await call('Page.captureScreenshot', {
          format: 'png',
          captureBeyondViewport: fullPage,
          ...(clip ? { clip } : {}),
        })
        writeFileSync(file, Buffer.from(data, 'base64'))
      },
      async close() {
        listeners.delete(onEvent)
        await send('Target.closeTarget', { targetId })
      },
    }
  }

  async function close() {
    ws.close()
    try {
      process.kill(-browser.pid, 'SIGKILL')
    } catch {
      browser.kill('SIGKILL')
    }
    await exited
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  }
  return { newPage, close }
}
