/**
 * One bot process of the multi-process tests and bench: drives the real `BinanceSpot` adapter against BinanceSim
 * (Binance's request-weight window per minute, reported in `x-mbx-used-weight-1m` and enforced with 429; order counts
 * in `x-mbx-order-count-*`), with the budget shared on Redis through the adapter's `rateLimitStore` option
 * (`redisUrl` set) or local. The adapter learns the sim's limits from `exchangeInfo.rateLimits` first, as in
 * production. Actions, taken in turn by every worker:
 * - `ping`: `GET /api/v3/ping` (weight 1, `ORDER` lane) on the adapter's own HTTP client, to spend request weight;
 * - `entry`: a resting LIMIT buy (`placeOrder`, a new entry: fails closed while Redis is down);
 * - `cancel`: cancels this process's oldest resting entry (`cancelOrder`), or exits when none rests;
 * - `exit`: a reduce-only MARKET sell (`placeOrder` with `reduceOnly`: the cancels' lane).
 * Runs until `requests` successes or `durationMs`, then prints one JSON line.
 *
 *   node --import tsx hammerChild.ts '<json HammerOptions>'
 */
import * as z from 'zod/mini'
import { Decimal } from '../../../src/decimal/index.js'
import { isTradekitError } from '../../../src/errors/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import {
  RedisConnection,
  RedisRateLimitStore,
  SharedBudgetUnavailableError,
  SharedStateUnavailableError,
} from '../../../src/redis/index.js'

/** What one worker does next. */
export type HammerAction = 'ping' | 'entry' | 'cancel' | 'exit'

export interface HammerOptions {
  readonly restUrl: string
  readonly redisUrl?: string
  readonly deployment?: string
  /** Stop after this many successes (when set). */
  readonly requests?: number
  /** Stop after this long, ms (when set). */
  readonly durationMs?: number
  /** Stop at the first refusal for lack of budget (and abort what is in flight). */
  readonly stopOnExhausted?: boolean
  readonly concurrency: number
  readonly actions: readonly HammerAction[]
  /** Longest wait for budget of a `ping`. */
  readonly maxWaitMs: number
  /** Limit price of entries (far below the market, so they rest). */
  readonly entryPrice?: string
  /** Pause of each worker between two actions, ms (default none): keeps orders under the order-count window. */
  readonly intervalMs?: number
  /** Redis command timeout; default 300 ms (the outage test wants a quick fail-closed). */
  readonly commandTimeoutMs?: number
}

export interface HammerResult {
  ok: number
  weight: number
  entries: number
  cancels: number
  exits: number
  s429: number
  s418: number
  limited: number
  /** Entries refused with `SharedBudgetUnavailableError` (not sent). */
  failedClosed: number
  /** Other `SharedStateUnavailableError`s. */
  unavailable: number
  /** Cancels and exits that went out while Redis was down. */
  cancelsWhileDown: number
  exitsWhileDown: number
  /** Orders whose outcome was unknown (none expected: a Redis failure never leaves one). */
  unknown: number
  errors: number
  fallbackGranted: number
  reconnected: number
  okAfterReconnect: number
  entriesAfterReconnect: number
}

const opts = JSON.parse(process.argv[2] ?? '{}') as HammerOptions
const r: HammerResult = {
  ok: 0,
  weight: 0,
  entries: 0,
  cancels: 0,
  exits: 0,
  s429: 0,
  s418: 0,
  limited: 0,
  failedClosed: 0,
  unavailable: 0,
  cancelsWhileDown: 0,
  exitsWhileDown: 0,
  unknown: 0,
  errors: 0,
  fallbackGranted: 0,
  reconnected: 0,
  okAfterReconnect: 0,
  entriesAfterReconnect: 0,
}
let firstError = ''
const redis = opts.redisUrl
  ? await RedisConnection.connect({
      url: opts.redisUrl,
      deployment: opts.deployment ?? 'test',
      commandTimeoutMs: opts.commandTimeoutMs ?? 300,
    })
  : undefined
let down = false
redis?.events.on('redis.disconnected', () => {
  down = true
})
redis?.events.on('redis.reconnected', () => {
  down = false
  r.reconnected++
})
const store = redis ? new RedisRateLimitStore({ redis, scope: 'binance-spot-ip' }) : undefined
const spot = new BinanceSpot({
  restUrl: opts.restUrl,
  apiKey: 'sim-api-key',
  apiSecret: 'sim-api-secret',
  ...(store ? { rateLimitStore: store } : {}),
})
spot.rest.http.events.on('response', (info) => {
  if (info.status === 429) r.s429++
  if (info.status === 418) r.s418++
})
spot.rest.http.events.on('error', () => {})
spot.events.on('error', () => {})
const SYMBOL = 'BTCUSDT'
await spot.instrument(SYMBOL) // exchangeInfo: the sim's published limits size the adapter's windows

const abort = new AbortController()
const resting: string[] = []
let seq = 0
const cid = () => `h${process.pid.toString(36)}-${(++seq).toString(36)}`

async function act(action: HammerAction): Promise<void> {
  const whileDown = down
  switch (action) {
    case 'ping':
      await spot.rest.http.request({
        path: '/api/v3/ping',
        schema: z.unknown(),
        cost: { REQUEST_WEIGHT: 1 },
        priority: 'ORDER',
        maxWaitMs: opts.maxWaitMs,
        signal: abort.signal,
      })
      r.weight++
      return
    case 'entry': {
      const id = cid()
      await spot.placeOrder({
        clientOrderId: id,
        venue: spot.venue,
        symbol: SYMBOL,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal('0.001'),
        price: new Decimal(opts.entryPrice ?? '45000'),
        timeInForce: 'GTC',
      })
      resting.push(id)
      r.entries++
      if (r.reconnected > 0) r.entriesAfterReconnect++
      return
    }
    case 'cancel': {
      const id = resting.shift()
      if (id === undefined) return act('exit')
      await spot.cancelOrder(SYMBOL, id)
      r.cancels++
      if (whileDown && down) r.cancelsWhileDown++
      return
    }
    case 'exit':
      await spot.placeOrder({
        clientOrderId: cid(),
        venue: spot.venue,
        symbol: SYMBOL,
        side: 'SELL',
        type: 'MARKET',
        qty: new Decimal('0.001'),
        reduceOnly: true,
      })
      r.exits++
      if (whileDown && down) r.exitsWhileDown++
  }
}

process.stdout.write('ready\n')
const end = opts.durationMs !== undefined ? Date.now() + opts.durationMs : Number.POSITIVE_INFINITY
let stop = false
let n = 0
const pause = () => new Promise((res) => setTimeout(res, 20))
async function worker(): Promise<void> {
  while (!stop && Date.now() < end && (opts.requests === undefined || r.ok < opts.requests)) {
    const action = opts.actions[n++ % opts.actions.length] ?? 'ping'
    try {
      await act(action)
      r.ok++
      if (r.reconnected > 0) r.okAfterReconnect++
      if (opts.intervalMs !== undefined) await new Promise((res) => setTimeout(res, opts.intervalMs))
    } catch (e) {
      if (stop && abort.signal.aborted) return
      if (e instanceof SharedBudgetUnavailableError) {
        r.failedClosed++
        await pause()
      } else if (e instanceof SharedStateUnavailableError) {
        r.unavailable++
        await pause()
      } else if (isTradekitError(e, 'RATE_LIMITED') || isTradekitError(e, 'BANNED')) {
        r.limited++
        if (opts.stopOnExhausted) {
          stop = true
          abort.abort(new Error('budget exhausted'))
        } else await pause()
      } else if (isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')) {
        r.unknown++
      } else {
        r.errors++
        firstError ||= `${action}: ${e instanceof Error ? e.message : String(e)}`
      }
    }
  }
}
await Promise.all(Array.from({ length: opts.concurrency }, worker))
r.fallbackGranted = store?.stats.fallbackGranted ?? 0
if (firstError !== '') process.stderr.write(`first error: ${firstError}\n`)
await spot.close()
redis?.close()
process.stdout.write(`${JSON.stringify(r)}\n`)
