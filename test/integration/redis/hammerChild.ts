/**
 * One bot process of the multi-process tests and bench: hammers BinanceSim's `/api/v3/ping` (weight 1) through an
 * HttpClient whose RateLimiter has Binance's request-weight window fed by `x-mbx-used-weight-1m`, with the budget
 * shared on Redis (`redisUrl` set) or local. Runs until `requests` answers or `durationMs`, then prints one JSON line.
 *
 *   node --import tsx hammerChild.ts '<json HammerOptions>'
 */
import * as z from 'zod/mini'
import {
  RedisConnection,
  RedisRateLimitStore,
  SharedStateUnavailableError,
} from '../../../src/redis/index.js'
import { HttpClient, type Priority, RateLimiter } from '../../../src/transport/index.js'

export interface HammerOptions {
  readonly restUrl: string
  readonly redisUrl?: string
  readonly deployment?: string
  readonly limit: number
  /** Stop after this many 200s (when set). */
  readonly requests?: number
  /** Stop after this long, ms (when set). */
  readonly durationMs?: number
  /** Stop at the first wait for budget longer than this. */
  readonly stopOnExhausted?: boolean
  readonly concurrency: number
  readonly priorities: readonly Priority[]
  readonly maxWaitMs: number
  /** Redis command timeout; default 300 ms (the outage test wants a quick fail-closed). */
  readonly commandTimeoutMs?: number
}

export interface HammerResult {
  ok: number
  weight: number
  s429: number
  s418: number
  limited: number
  unavailable: number
  fallbackGranted: number
  reconnected: number
  okAfterReconnect: number
}

const opts = JSON.parse(process.argv[2] ?? '{}') as HammerOptions
const r: HammerResult = {
  ok: 0,
  weight: 0,
  s429: 0,
  s418: 0,
  limited: 0,
  unavailable: 0,
  fallbackGranted: 0,
  reconnected: 0,
  okAfterReconnect: 0,
}
const redis = opts.redisUrl
  ? await RedisConnection.connect({
      url: opts.redisUrl,
      deployment: opts.deployment ?? 'test',
      commandTimeoutMs: opts.commandTimeoutMs ?? 300,
    })
  : undefined
redis?.events.on('redis.reconnected', () => r.reconnected++)
const store = redis ? new RedisRateLimitStore({ redis, scope: 'binance-spot-ip' }) : undefined
const limiter = new RateLimiter({
  windows: [{ id: 'REQUEST_WEIGHT', limit: opts.limit, intervalMs: 60_000 }],
  maxWaitMs: opts.maxWaitMs,
  ...(store ? { store } : {}),
})
const http = new HttpClient({
  baseUrl: opts.restUrl,
  venue: 'binance-sim',
  maxAttempts: 1,
  rateLimiter: limiter,
  usageHeaders: { 'x-mbx-used-weight-1m': 'REQUEST_WEIGHT' },
  onResponse: (info) => {
    if (info.status === 429) r.s429++
    if (info.status === 418) r.s418++
  },
  onUnhandledError: () => {},
})

process.stdout.write('ready\n')
const end = opts.durationMs !== undefined ? Date.now() + opts.durationMs : Number.POSITIVE_INFINITY
let stop = false
let n = 0
async function worker(): Promise<void> {
  while (!stop && Date.now() < end && (opts.requests === undefined || r.ok < opts.requests)) {
    const priority = opts.priorities[n++ % opts.priorities.length] ?? 'ORDER'
    try {
      await http.get('/api/v3/ping', { schema: z.unknown(), cost: { REQUEST_WEIGHT: 1 }, priority })
      r.ok++
      r.weight++
      if (r.reconnected > 0) r.okAfterReconnect++
    } catch (e) {
      if (e instanceof SharedStateUnavailableError) {
        r.unavailable++
        await new Promise((res) => setTimeout(res, 20))
      } else if (e instanceof Error && 'code' in e && (e.code === 'RATE_LIMITED' || e.code === 'BANNED')) {
        r.limited++
        if (opts.stopOnExhausted) stop = true
        else await new Promise((res) => setTimeout(res, 20))
      } else {
        throw e
      }
    }
  }
}
await Promise.all(Array.from({ length: opts.concurrency }, worker))
r.fallbackGranted = store?.stats.fallbackGranted ?? 0
limiter.close()
redis?.close()
process.stdout.write(`${JSON.stringify(r)}\n`)
