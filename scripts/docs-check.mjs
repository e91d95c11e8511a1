// The built docs site (site/, from `npm run docs`) in headless Chromium (scripts/cdp.mjs): serves it on loopback,
// opens every page (following every link from index.html after the pages' scripts have rendered the navigation, then
// any page not reached that way), and fails on a console error, an uncaught exception, a failed load, a link to a
// page or anchor that does not exist, or an unreachable page. Then checks what a reader sees first: one "tradekit"
// heading, the version, GitHub and npm links, the favicon, the guide groups in order, modules named by import path,
// and that the search box finds a word that appears only in a guide ("checklist", docs/going-live.md). Screenshot of
// the front page: .ci/artifacts/docs-index.png.
//
//   npm run docs && node scripts/docs-check.mjs [site directory, default site/]
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from './cdp.mjs'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const site = process.argv[2] ?? join(root, 'site')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const GUIDE_WORD = 'checklist'
const GUIDE_PAGE = 'documents/Going_live_safely.html'
const GROUPS = ['Start here', 'Guides by task', 'Concepts', 'Modules', 'Reference', 'Contributing']
const MODULES = ['tradekit', 'tradekit/backtest', 'tradekit/binance', 'tradekit/risk', 'tradekit/sim']
const CONCURRENCY = 3

if (!existsSync(join(site, 'index.html'))) {
  console.error('docs check: site/index.html is missing; run `npm run docs` first')
  process.exit(1)
}

// The search word must be a guide's alone, or finding it would not prove guides are searched.
const inGuide = readFileSync(join(root, 'docs/going-live.md'), 'utf8').toLowerCase().includes(GUIDE_WORD)
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  )
const elsewhere = [...walk(join(root, 'src')), join(root, 'README.md')].filter((f) =>
  readFileSync(f, 'utf8').toLowerCase().includes(GUIDE_WORD),
)
const failures = []
if (!inGuide || elsewhere.length > 0)
  failures.push(
    `"${GUIDE_WORD}" must appear in docs/going-live.md and nowhere in src/ or README.md (found in ${elsewhere.map((f) => relative(root, f)).join(', ') || 'no guide'})`,
  )

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.png': 'image/png',
}
const missing = []
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
  const file = join(site, path.endsWith('/') ? `${path}index.html` : path)
  if (!file.startsWith(site) || !existsSync(file)) {
    missing.push(`${path} (from ${req.headers.referer ?? 'nowhere'})`)
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
  res.end(readFileSync(file))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const pageFiles = new Set(
  walk(site)
    .filter((f) => f.endsWith('.html'))
    .map((f) => `/${relative(site, f).split('\\').join('/')}`),
)
const ids = new Map() // page path → Set of element ids
const links = [] // { from, path, hash }
const external = new Set()
const queue = ['/index.html']
const seen = new Set(queue)

const COLLECT = `(() => ({
  ids: [...document.querySelectorAll('[id],[name]')].map((e) => e.id || e.getAttribute('name')),
  hrefs: [...document.querySelectorAll('a[href], link[href], script[src], img[src]')].map((e) => e.href || e.src),
}))()`

async function visit(page, path) {
  page.errors.length = 0
  await page.goto(origin + path)
  // typedoc renders the navigation tree from a compressed script after load: wait until it is there.
  await page.evaluate(`new Promise((resolve) => {
    const start = Date.now()
    const tick = () => document.querySelector('#tsd-nav-container li') || Date.now() - start > 5000 ? resolve() : setTimeout(tick, 20)
    tick()
  })`)
  const { ids: pageIds, hrefs } = await page.evaluate(COLLECT)
  ids.set(path, new Set(pageIds))
  for (const e of page.errors) failures.push(`${path}: ${e}`)
  for (const href of hrefs) {
    const u = new URL(href)
    if (u.origin !== origin) {
      if (u.protocol === 'http:' || u.protocol === 'https:') external.add(u.href)
      continue
    }
    links.push({ from: path, path: u.pathname, hash: decodeURIComponent(u.hash.slice(1)) })
    if (pageFiles.has(u.pathname) && !seen.has(u.pathname)) {
      seen.add(u.pathname)
      queue.push(u.pathname)
    }
  }
}

async function crawl(browser) {
  const pages = await Promise.all(Array.from({ length: CONCURRENCY }, () => browser.newPage()))
  let reachedByLinks = 0
  const run = async (page) => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      try {
        await visit(page, path)
      } catch (e) {
        failures.push(`${path}: ${e.message}`)
      }
    }
  }
  await Promise.all(pages.map(run))
  reachedByLinks = seen.size
  const orphans = [...pageFiles].filter((p) => !seen.has(p))
  for (const p of orphans) failures.push(`${p}: no link leads to this page`)
  queue.push(...orphans)
  for (const p of orphans) seen.add(p)
  await Promise.all(pages.map(run))
  return { pages, reachedByLinks }
}

/** The search box, as a reader uses it: open it, type the word, wait for the results. */
async function search(page, word) {
  await page.goto(`${origin}/index.html`)
  return page.evaluate(`new Promise((resolve) => {
    document.getElementById('tsd-search-trigger')?.click()
    const input = document.getElementById('tsd-search-input')
    if (!input) return resolve([])
    input.focus()
    input.value = ${JSON.stringify(word)}
    const start = Date.now()
    const tick = () => {
      input.dispatchEvent(new Event('input', { bubbles: true }))
      const results = [...document.querySelectorAll('#tsd-search-results li a')].map((a) => a.getAttribute('href'))
      if (results.length > 0 || Date.now() - start > 10000) resolve(results)
      else setTimeout(tick, 200)
    }
    tick()
  })`)
}

/** What the front page shows: heading, title bar, links, favicon, navigation groups and module names. */
async function frontPage(page) {
  await page.goto(`${origin}/index.html`)
  return page.evaluate(`new Promise((resolve) => {
    const start = Date.now()
    const done = () => resolve({
      h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
      title: document.querySelector('#tsd-toolbar-links')?.parentElement?.textContent ?? document.querySelector('.title')?.textContent ?? '',
      heading: document.querySelector('.tsd-toolbar-contents .title')?.textContent ?? '',
      toolbarLinks: [...document.querySelectorAll('#tsd-toolbar-links a')].map((a) => [a.textContent.trim(), a.href]),
      favicon: document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? '',
      groups: [...document.querySelectorAll('#tsd-nav-container > li > details > summary')].map((s) => s.textContent.trim()),
      modules: [...document.querySelectorAll('#tsd-nav-container a')].map((a) => a.textContent.trim()),
    })
    const tick = () => document.querySelector('#tsd-nav-container li') || Date.now() - start > 5000 ? done() : setTimeout(tick, 20)
    tick()
  })`)
}

const browser = await launchChromium({ width: 1280, height: 900 })
let reached = 0
try {
  const { pages, reachedByLinks } = await crawl(browser)
  reached = reachedByLinks
  const results = await search(pages[0], GUIDE_WORD)
  if (!results.some((h) => h.endsWith(GUIDE_PAGE)))
    failures.push(
      `search for "${GUIDE_WORD}" does not find ${GUIDE_PAGE} (results: ${results.join(', ') || 'none'})`,
    )
  const front = await frontPage(pages[0])
  mkdirSync(join(root, '.ci/artifacts'), { recursive: true })
  await pages[0].screenshot(join(root, '.ci/artifacts/docs-index.png'))
  if (front.h1.length !== 1 || front.h1[0] !== 'tradekit')
    failures.push(`front page headings: ${front.h1.join(' | ')}`)
  if (!front.heading.includes(`v${pkg.version}`))
    failures.push(`no version in the title bar: "${front.heading}"`)
  for (const [name, url] of [
    ['GitHub', 'https://github.com/tradekit/tradekit'],
    ['npm', 'https://www.npmjs.com/package/tradekit'],
  ])
    if (!front.toolbarLinks.some(([n, h]) => n === name && h === url))
      failures.push(`no ${name} link to ${url}`)
  if (!front.favicon.endsWith('favicon.svg')) failures.push(`no favicon (${front.favicon})`)
  if (JSON.stringify(front.groups) !== JSON.stringify(GROUPS))
    failures.push(`navigation groups ${JSON.stringify(front.groups)}, expected ${JSON.stringify(GROUPS)}`)
  for (const m of MODULES)
    if (!front.modules.includes(m)) failures.push(`no module named ${m} in the navigation`)
} finally {
  await browser.close()
  server.close()
}

for (const { from, path, hash } of links) {
  const target = path.endsWith('/') ? `${path}index.html` : path
  if (!existsSync(join(site, target))) failures.push(`${from}: broken link to ${path}`)
  else if (hash !== '' && target.endsWith('.html') && !ids.get(target)?.has(hash))
    failures.push(`${from}: broken anchor ${path}#${hash}`)
}
for (const m of missing) failures.push(`not found: ${m}`)
const unique = [...new Set(failures)]
if (unique.length > 0) {
  console.error(`docs check FAILED (${unique.length}):\n  ${unique.slice(0, 40).join('\n  ')}`)
  process.exit(1)
}
console.log(
  `docs check ok: ${seen.size} pages (${reached} reached by links from index.html) without a console error, ${links.length} internal links, ${external.size} external; search finds "${GUIDE_WORD}" in a guide`,
)
