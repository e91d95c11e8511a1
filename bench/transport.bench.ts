/**
 * Transport: loopback messages/second received through tradekit's ReconnectingWebSocket vs a bare `ws` client
 * (same server, same run), and RateLimiter decisions/second.
 *
 * The server runs in a worker thread so the client under test has the main thread to itself. Each round the
 * server pushes MESSAGES Binance-trade-sized JSON frames as fast as the socket takes them; the client counts them.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import WebSocket from 'ws'
import { ManualClock } from '../src/core/clock.js'
import { RateLimiter, ReconnectingWebSocket } from '../src/transport/index.js'
import { recordSuite, runSuite } from './harness.js'

const MESSAGES = Number(process.env.BENCH_WS_MESSAGES ?? 200_000)
const ROUNDS = Number(process.env.BENCH_WS_ROUNDS ?? 3)

const wsPath = createRequire(import.meta.url).resolve('ws')

const serverSource = `
const { parentPort, workerData } = require('node:worker_threads')
const { WebSocketServer } = require(workerData.wsPath)
const payload = JSON.stringify({ e: 'trade', E: 1700000000000, s: 'BTCUSDT', t: 12345678, p: '43123.45000000', q: '0.01230000', T: 1700000000000, m: true, M: true })
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
wss.on('listening', () => parentPort.postMessage({ port: wss.address().port }))
wss.on('connection', (ws) => {
  ws.on('message', (m) => {
    const n = Number(m.toString())
    let sent = 0
    const pump = () => {
      // Respect backpressure: never queue more than ~1 MiB in the server.
      while (sent < n && ws.bufferedAmount < 1 << 20) { ws.send(payload); sent++ }
      if (sent < n) setImmediate(pump)
    }
    pump()
  })
})
parentPort.on('message', (m) => { if (m === 'stop') { wss.close(); process.exit(0) } })
`

async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const worker = new Worker(serverSource, { eval: true, workerData: { wsPath } })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port))
    worker.once('error', reject)
  })
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      worker.postMessage('stop')
      await new Promise((r) => worker.once('exit', r))
    },
  }
}

/** Messages/second of one round on an open connection. */
type Round = () => Promise<number>

async function bareClient(url: string): Promise<{ round: Round; close: () => void }> {
  const ws = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let count = 0
  let target = 0
  let done: (() => void) | undefined
  ws.on('message', (data: Buffer) => {
    count++
    if (data.length === 0) count-- // keep the payload "used"
    if (count === target) done?.()
  })
  return {
    round: async () => {
      count = 0
      target = MESSAGES
      const finished = new Promise<void>((r) => {
        done = r
      })
      const t0 = performance.now()
      ws.send(String(MESSAGES))
      await finished
      return MESSAGES / ((performance.now() - t0) / 1000)
    },
    close: () => ws.close(),
  }
}

async function tradekitClient(url: string): Promise<{ round: Round; close: () => Promise<void> }> {
  const ws = new ReconnectingWebSocket(url, { staleAfterMs: 0 })
  ws.events.on('error', (e) => console.error(e))
  await new Promise<void>((resolve) => ws.events.once('open', () => resolve()))
  let count = 0
  let target = 0
  let done: (() => void) | undefined
  ws.events.on('message', (m) => {
    count++
    if ((typeof m.data === 'string' ? m.data.length : m.data.byteLength) === 0) count--
    if (count === target) done?.()
  })
  return {
    round: async () => {
      count = 0
      target = MESSAGES
      const finished = new Promise<void>((r) => {
        done = r
      })
      const t0 = performance.now()
      ws.send(String(MESSAGES))
      await finished
      return MESSAGES / ((performance.now() - t0) / 1000)
    },
    close: () => ws.close(),
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

const server = await startServer()
try {
  const bare = await bareClient(server.url)
  const tk = await tradekitClient(server.url)
  // Warm-up, then interleaved rounds so both clients see the same machine load.
  await bare.round()
  await tk.round()
  const bareRates: number[] = []
  const tkRates: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    bareRates.push(await bare.round())
    tkRates.push(await tk.round())
  }
  bare.close()
  await tk.close()
  const b = median(bareRates)
  const t = median(tkRates)
  recordSuite({
    suite: 'websocket loopback throughput',
    unit: 'one ~190-byte JSON frame received and delivered to a listener',
    cases: [
      {
        name: 'bare ws client (on message)',
        opsPerSec: b,
        ratioToBaseline: 1,
        baseline: true,
        samples: ROUNDS,
      },
      {
        name: 'tradekit ReconnectingWebSocket',
        opsPerSec: t,
        ratioToBaseline: t / b,
        baseline: false,
        samples: ROUNDS,
      },
    ],
    notes: `median of ${ROUNDS} interleaved rounds of ${MESSAGES} messages; server in a worker thread; target ratio >= 0.9`,
  })
} finally {
  await server.stop()
}

// ---- rate limiter decisions ----

const clock = new ManualClock(0)
let t = 0
const one = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1e12, intervalMs: 60_000 }] })
const binance = new RateLimiter({
  clock,
  windows: [
    { id: 'REQUEST_WEIGHT', limit: 1e12, intervalMs: 60_000 },
    { id: 'ORDERS_10S', limit: 1e12, intervalMs: 10_000 },
    { id: 'ORDERS_1D', limit: 1e12, intervalMs: 86_400_000 },
  ],
})
const rolling = new RateLimiter({
  clock,
  windows: [{ id: 'R', limit: 1e12, intervalMs: 10_000, mode: 'rolling' }],
})
const exhausted = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 60_000 }] })
exhausted.tryAcquire({ priority: 'CANCEL' })
const orderCost = { REQUEST_WEIGHT: 1, ORDERS_10S: 1, ORDERS_1D: 1 } as const

await runSuite('rate limiter decisions', 'one grant/refuse decision', [
  {
    name: 'tryAcquire, one fixed window',
    baseline: true,
    fn: () => {
      clock.advanceTo(++t)
      one.tryAcquire()
    },
  },
  {
    name: 'tryAcquire, 3 windows (Binance order shape)',
    fn: () => {
      clock.advanceTo(++t)
      binance.tryAcquire({ cost: orderCost, priority: 'ORDER' })
    },
  },
  {
    name: 'tryAcquire, rolling window',
    fn: () => {
      clock.advanceTo(++t)
      rolling.tryAcquire({ cost: 2 })
    },
  },
  {
    name: 'tryAcquire refused (budget exhausted)',
    fn: () => {
      exhausted.tryAcquire()
    },
  },
  {
    name: 'await acquire (fast path)',
    fn: async () => {
      clock.advanceTo(++t)
      await binance.acquire({ cost: orderCost, priority: 'CANCEL' })
    },
  },
])
