/**
 * Many processes, one Binance IP: 8 child processes hammer BinanceSim (spot's 6000 request weight per minute,
 * reported in `x-mbx-used-weight-1m`, 429 past it) through the real BinanceSpot adapter, whose limiters share one
 * budget on a real redis-server (its `rateLimitStore` option), against 8 processes with local limiters only (fed by
 * the same usage headers), in the same run.
 * Reports the share of the minute's weight each setup spent before its limiters stopped it, and its 429s / 418s.
 * Needs `redis-server` on PATH (Debian's package; .ci/run installs it).
 */
import { execFileSync } from 'node:child_process'
import { BinanceSim } from '../src/sim/index.js'
import { startRedisServer } from '../test/helpers/redisServer.js'
import { startHammer, total } from '../test/integration/redis/runHammers.js'
import { recordSuite } from './harness.js'

const PROCESSES = Number(process.env.BENCH_REDIS_PROCESSES ?? 8)
const CONCURRENCY = Number(process.env.BENCH_REDIS_CONCURRENCY ?? 64)
const LIMIT = 6000
/** Weight of spot's `GET /api/v3/exchangeInfo`, which every process sends once before it hammers. */
const EXCHANGE_INFO_WEIGHT = 20

try {
  execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
} catch {
  console.log('redis-server is not installed (apt-get install redis-server): redis bench skipped')
  process.exit(0)
}

/** Waits until the current minute has at least `ms` left, so one run stays inside one weight window. */
async function minuteWithRoom(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50))
}

async function run(shared: boolean, redisUrl: string) {
  const sim = await BinanceSim.start({ weightLimitPerMinute: LIMIT })
  try {
    await minuteWithRoom(40_000)
    const deployment = `bench-${Date.now()}` // one per run, the same for every process
    const hammers = Array.from({ length: PROCESSES }, () =>
      startHammer({
        restUrl: sim.restUrl,
        ...(shared ? { redisUrl, deployment } : {}),
        concurrency: CONCURRENCY,
        maxWaitMs: 250,
        // Generous: 8 processes, the sim and Redis share this machine's cores; a Redis answer slower than this fails
        // closed (counted below), as it would in production with the default 500 ms.
        commandTimeoutMs: 2_000,
        requests: LIMIT,
        actions: ['ping'],
        stopOnExhausted: true,
      }),
    )
    const startedIn = Math.floor(Date.now() / 60_000)
    const r = total(await Promise.all(hammers.map((h) => h.done)))
    const sameWindow = Math.floor(Date.now() / 60_000) === startedIn
    // Each process's start-up exchangeInfo spends weight from the same window as its pings.
    return { ...r, share: (r.weight + PROCESSES * EXCHANGE_INFO_WEIGHT) / LIMIT, sameWindow }
  } finally {
    await sim.close()
  }
}

const server = await startRedisServer()
try {
  const shared = await run(true, server.url)
  const local = await run(false, server.url)
  const line = (name: string, r: typeof shared) =>
    `${name}: ${(r.share * 100).toFixed(1)} % of the weight, ${r.s429} × 429, ${r.s418} × 418, ` +
    `${r.unavailable} failed closed (Redis slower than its command timeout)` +
    (r.sameWindow ? '' : ' (the run crossed a minute boundary: share not comparable)')
  console.log(line(`shared budget on Redis, ${PROCESSES} processes`, shared))
  console.log(line(`local limiters, ${PROCESSES} processes`, local))
  recordSuite({
    suite: 'redis: shared rate budget',
    unit: 'percent of the venue weight spent in one minute (higher is better, with 0 × 429 / 418)',
    cases: [
      {
        name: `shared budget on Redis (${shared.s429} × 429, ${shared.s418} × 418)`,
        opsPerSec: shared.share * 100,
        ratioToBaseline: local.share === 0 ? 0 : shared.share / local.share,
        baseline: false,
        samples: 1,
      },
      {
        name: `local limiters (${local.s429} × 429, ${local.s418} × 418)`,
        opsPerSec: local.share * 100,
        ratioToBaseline: 1,
        baseline: true,
        samples: 1,
      },
    ],
    notes: `${PROCESSES} child processes × ${CONCURRENCY} requests in flight each, Binance spot limit ${LIMIT}/min, ORDER lane (5 % reserve); the weight counts the pings and each process's start-up exchangeInfo (20).`,
  })
  if (shared.s429 + shared.s418 > 0 || (shared.sameWindow && shared.share < 0.9)) {
    console.error('shared budget missed its target: ≥ 90 % of the weight with 0 × 429 / 418')
    process.exitCode = 1
  }
} finally {
  await server.close()
}
