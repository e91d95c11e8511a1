/**
 * Transport: loopback messages/second received through tradekit's ReconnectingWebSocket vs a bare `ws` client
 * (same server, same run), and RateLimiter decisions/second.
 *
 * The server runs in a worker thread so the client under test has the main thread to itself. Each round the
 * server writes MESSAGES pre-framed Binance-trade-sized JSON text frames as fast as the socket takes them (so the
 * client, not the server, is the bottleneck); the client counts them.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import WebSocket from 'ws'
import { ManualClock } from '../src/core/clock.js'
import { RateLimiter, ReconnectingWebSocket } from '../src/transport/index.js'
import { recordSuite, runSuite } from './harness.js'

const MESSAGES = Number(process.env.BENCH_WS_MESSAGES ?? 300_000) // a multiple of the server's batch (1000)
const ROUNDS = Number(process.env.BENCH_WS_ROUNDS ?? 3)

const wsPath = createRequire(import.meta.url).resolve('ws')

const serverSource = `
const { parentPort, workerData } = require('node:worker_threads')
const { WebSocketServer } = require(workerData.wsPath)
const payload = Buffer.from(JSON.stringify({ e: 'trade', E: 1700000000000, s: 'BTCUSDT', t: 12345678, p: '43123.45000000', q: '0.01230000', T: 1700000000000, m: true, M: true }))
// Pre-framed server-to-client text frames (FIN + opcode 1, unmasked), so the server costs next to nothing and the
// client under test is the bottleneck.
const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 255])
const frame = Buffer.concat([header, payload])
const BATCH = 1000
const batch = Buffer.concat(Array.from({ length: BATCH }, () => frame))
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
wss.on('listening', () => parentPort.postMessage({ port: wss.address().port }))
wss.on('connection', (ws) => {
  const socket = ws._socket
  ws.on('message', (m) => {
    let left = Math.ceil(Number(m.toString()) / BATCH)
    const pump = () => {
      while (left > 0) {
        left--
        if (!socket.write(batch)) { socket.once('drain', pump); return }
      }
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

/** A bare `ws` client; with `decode` it turns each text frame into a string, as any JSON consumer must. */
async function bareClient(url: string, decode: boolean): Promise<{ round: Round; close: () => void }> {
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
    if ((decode ? data.toString() : data).length === 0) count-- // keep the payload "used"
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
  await new Promise<void>((resolve) => ws.events.once('socket.opened', () => resolve()))
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
  const clients = [
    {
      name: 'bare ws client (Buffer, not decoded)',
      ...(await bareClient(server.url, false)),
      rates: [] as number[],
    },
    { name: 'bare ws client + toString()', ...(await bareClient(server.url, true)), rates: [] as number[] },
    { name: 'tradekit ReconnectingWebSocket', ...(await tradekitClient(server.url)), rates: [] as number[] },
  ]
  // Warm-up, then interleaved rounds so every client sees the same machine load.
  for (const c of clients) await c.round()
  for (let i = 0; i < ROUNDS; i++) for (const c of clients) c.rates.push(await c.round())
  for (const c of clients) await c.close()
  // Like-for-like baseline: a bare client doing the same useful work (a text frame as a string). The raw Buffer
  // client is printed too, so the cost of UTF-8 decoding itself stays visible.
  const base = median(clients[1]?.rates ?? [])
  recordSuite({
    suite: 'websocket loopback throughput',
    unit: 'one ~190-byte JSON text frame received and delivered to a listener',
    cases: clients.map((c, i) => ({
      name: c.name,
      opsPerSec: median(c.rates),
      ratioToBaseline: median(c.rates) / base,
      baseline: i === 1,
      samples: ROUNDS,
    })),
    notes: `median of ${ROUNDS} interleaved rounds of ${MESSAGES} messages; pre-framed server in a worker thread; tradekit delivers text frames as strings, so the baseline is the bare client that decodes too; target ratio >= 0.9`,
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
