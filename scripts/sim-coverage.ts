/**
 * Generates docs/sim-coverage.md: every REST endpoint, stream and WebSocket API method the loopback sims serve,
 * read from their route tables, stream catalogue and method tables (so the table cannot drift), next to the
 * hand-kept list of what is deliberately not served. `test/integration/simCoverage.test.ts` fails when the
 * committed file is stale.
 *
 *   node --import tsx scripts/sim-coverage.ts           # rewrite docs/sim-coverage.md
 *   node --import tsx scripts/sim-coverage.ts --check   # exit 1 when it is stale
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BinanceSim } from '../src/sim/binance/BinanceSim.js'
import { usdmRouteOf } from '../src/sim/binance/BinanceStreams.js'
import { binanceRoutes } from '../src/sim/binance/routes/binanceRoutes.js'
import { BINANCE_SIM_STREAMS } from '../src/sim/binance/streamCatalog.js'
import { polymarketRoutes } from '../src/sim/polymarket/routes/polymarketRoutes.js'

/** Where the generated table lives. */
export const SIM_COVERAGE_PATH = fileURLToPath(new URL('../docs/sim-coverage.md', import.meta.url))

/** PolymarketSim's WebSocket channels (the paths its server upgrades; checked live by the coverage test). */
export const POLYMARKET_WS_CHANNELS = ['/ws/market', '/ws/user'] as const

/** BinanceSim's WebSocket connection paths (each checked by the sim's stream and user-stream tests). */
const BINANCE_WS_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['`/ws/<stream>[/<stream>...]`, `/stream?streams=<a>/<b>`', 'spot market streams (raw / combined)'],
  ['`/fstream/public/{ws,stream}`', 'USD-M high-frequency book data (`@depth*`, `@bookTicker`, `@trade`)'],
  ['`/fstream/market/{ws,stream}`', 'USD-M other market data (trades, klines, tickers, mark price)'],
  ['`/fstream/{ws,stream}` (no route)', 'USD-M legacy path: delivers `/public` streams only, like Binance'],
  [
    '`/fstream/private/ws/<listenKey>`, `/fstream/private/ws?listenKey=<key>[&events=<e1>/<e2>]`, `/fstream/private/stream` + `SUBSCRIBE <listenKey>`',
    'USD-M user data',
  ],
  ['`/ws-api/v3`', 'spot WebSocket API (methods below)'],
  ['`/ws-fapi/v1`', 'USD-M WebSocket API (order methods below)'],
]

/**
 * Hand-kept: what the Binance sim deliberately does not serve, and why. Keep it next to the generated lists; a
 * client call that lands here gets Binance's 404 (`Unknown endpoint`) or a silent stream, as on a retired path.
 */
const BINANCE_NOT_SERVED: ReadonlyArray<readonly [string, string]> = [
  [
    '`POST/PUT/DELETE /api/v3/userDataStream`',
    'spot listen keys are retired; spot user data is `userDataStream.subscribe*` on the WebSocket API',
  ],
  ['spot `!ticker@arr`', 'retired by Binance (use `<symbol>@ticker` or `!miniTicker@arr`)'],
  [
    '`GET /fapi/v1/account`, `/fapi/v1/balance`, `/fapi/v1/positionRisk`',
    'retired v1 versions; v2 and v3 are served, each in its own layout',
  ],
  [
    '`/api/v3/ticker` (rolling window), `/api/v3/ticker/tradingDay`, `/api/v3/avgPrice`, `/api/v3/uiKlines`, `/api/v3/historicalTrades`, `<symbol>@ticker_<window>`',
    'not called by the clients the third-party suite runs; not simulated',
  ],
  [
    'order lists (`/api/v3/orderList/*`, OCO/OTO/OTOCO), SOR (`/api/v3/sor/*`), order amend (`PUT /api/v3/order/amend/keepPriority`)',
    'not simulated',
  ],
  [
    '`/sapi/*` except `GET /sapi/v1/asset/tradeFee`',
    'wallet, margin and capital endpoints are not simulated (ccxt: `fetchCurrencies: false`, `fetchMargins: false`)',
  ],
  [
    '`POST /fapi/v1/marginType`, `POST /fapi/v1/positionSide/dual`, `/fapi/v1/multiAssetsMargin`',
    'the sim is one-way, cross margin, single asset',
  ],
  [
    '`/fapi/v1/fundingRate`, `/fapi/v1/openInterest`, `/futures/data/*`, `/fapi/v1/income`, `/fapi/v1/commissionRate`, `/fapi/v1/continuousKlines`, mark/index/premium klines',
    'history and statistics endpoints are not simulated',
  ],
  [
    '`@forceOrder`, `!forceOrder@arr`, `!markPrice@arr`, `!bookTicker`, `@rpiDepth`, `@continuousKline_*`, `@compositeIndex`, `@assetIndex`, `!contractInfo`',
    'not simulated',
  ],
  ['COIN-M (`/dapi`, `dstream`), options (`/eapi`), portfolio margin (`/papi`)', 'not simulated'],
]

/** Code-unit order (not locale order): the same file on every machine. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const MARKET_ORDER = ['spot', 'spot wallet', 'USD-M']

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

function binanceRest(): string {
  const keys = binanceRoutes().keys()
  const rows = keys
    .map((k) => {
      const [method = '', path = ''] = k.split(' ')
      const market = path.startsWith('/fapi') ? 'USD-M' : path.startsWith('/sapi') ? 'spot wallet' : 'spot'
      return [market, method, `\`${path}\``] as const
    })
    .sort(
      (a, b) => MARKET_ORDER.indexOf(a[0]) - MARKET_ORDER.indexOf(b[0]) || cmp(a[2], b[2]) || cmp(a[1], b[1]),
    )
  return `${keys.length} endpoints.\n\n${table(['Market', 'Method', 'Path'], rows)}`
}

function binanceStreams(): string {
  const rows = BINANCE_SIM_STREAMS.map((s) => [
    `\`${s.name}\``,
    s.markets.includes('spot') ? 'yes' : '—',
    s.markets.includes('usdm')
      ? s.example.endsWith('@trade')
        ? '`/public` and `/market`'
        : `\`/${usdmRouteOf(s.example)}\``
      : '—',
  ])
  return table(['Stream', 'Spot', 'USD-M route'], rows)
}

/** The methods a running BinanceSim answers (its own list, so methods wired in by the sim are included). */
async function binanceWsApi(): Promise<string> {
  const sim = await BinanceSim.start({ tickMs: 0 })
  try {
    return [...sim.wsApiMethods]
      .sort(cmp)
      .map((m) => `- \`${m}\``)
      .join('\n')
  } finally {
    await sim.close()
  }
}

function polymarketRest(): string {
  const keys = polymarketRoutes().keys()
  const rows = keys
    .map((k) => {
      const [method = '', path = ''] = k.split(' ')
      return [method, `\`${path}\``] as const
    })
    .sort((a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0]))
  return `${keys.length} endpoints (a trailing \`*\` matches any rest of the path).\n\n${table(['Method', 'Path'], rows)}`
}

/** The whole of docs/sim-coverage.md. */
export async function renderSimCoverage(): Promise<string> {
  const wsApi = await binanceWsApi()
  return `---
title: Simulator coverage (generated)
---

<!-- Generated by scripts/sim-coverage.ts (node --import tsx scripts/sim-coverage.ts). Do not edit by hand: the
     lists come from the sims' route tables, stream catalogue and method tables; only the "not served" lists are
     hand-kept, in the script. test/integration/simCoverage.test.ts fails when this file is stale. -->

# What the simulators serve

Every REST endpoint, stream and WebSocket API method of \`BinanceSim\` and \`PolymarketSim\`, next to what is
deliberately not served. A path is served only under the prefixes Binance serves it at, and a versioned path
answers in its own version's layout (\`/fapi/v2/positionRisk\` and \`/fapi/v3/positionRisk\` differ). How to point
ccxt and the official connectors at the sims: [sim.md](sim.md).

## BinanceSim

### REST

${binanceRest()}

### WebSocket connections

${table(['Path', 'Carries'], BINANCE_WS_PATHS)}

### Market streams

${binanceStreams()}

### WebSocket API methods (\`/ws-api/v3\`, \`/ws-fapi/v1\`)

${wsApi}

### Deliberately not served

${table(['What', 'Why'], BINANCE_NOT_SERVED)}

## PolymarketSim

### REST

${polymarketRest()}

### WebSocket channels

${POLYMARKET_WS_CHANNELS.map((c) => `- \`${c}\``).join('\n')}
`
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderSimCoverage()
  if (process.argv.includes('--check')) {
    const current = readFileSync(SIM_COVERAGE_PATH, 'utf8')
    if (current !== text) {
      console.error('docs/sim-coverage.md is stale: run node --import tsx scripts/sim-coverage.ts')
      process.exit(1)
    }
  } else writeFileSync(SIM_COVERAGE_PATH, text)
}
