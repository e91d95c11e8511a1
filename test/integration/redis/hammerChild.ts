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
 * With `killSwitch`, entries go through an OrderExecutor registered with a RiskManager on the shared RedisStateStore
 * (`shareKillSwitch`), and only while it is ACTIVE; `press` on stdin runs this process's `emergencyStop`, and any
 * halt (here or elsewhere) ends the run once this process has cancelled its own resting orders.
 * Runs until `requests` successes or `durationMs`, then prints one JSON line.
 *
 *   node --import tsx hammerChild.ts '<json HammerOptions>'
 */
import { createInterface } from 'node:readline'
import * as z from 'zod/mini'
import { Decimal } from '../../../src/decimal/index.js'
import { isTradekitError } from '../../../src/errors/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import {
  RedisConnection,
  RedisRateLimitStore,
  RedisStateStore,
  SharedBudgetUnavailableError,
  SharedStateUnavailableError,
  shareKillSwitch,
} from '../../../src/redis/index.js'
import { RiskManager } from '../../../src/risk/index.js'

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
  /** Stop sending at the first refusal for lack of budget (what is in flight finishes). */
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
  /** Entries through a risk-gated OrderExecutor with the shared kill switch (needs `redisUrl`). */
  readonly killSwitch?: boolean
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
  /** With `killSwitch`: 1 once halted, 1 when the halt came from another process. */
  halted: number
  relayed: number
  /** Orders the emergency stop cancelled: this process's own, and others' (must stay 0). */
  canceledOwn: number
  canceledForeign: number
  /** Entries acknowledged after the halt's sweep (in flight when it began), cancelled by a second sweep. */
  lateCanceled: number
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
  halted: 0,
  relayed: 0,
  canceledOwn: 0,
  canceledForeign: 0,
  lateCanceled: 0,
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
const prefix = `h${process.pid.toString(36)}-`
const cid = () => `${prefix}${(++seq).toString(36)}`
let stop = false

const exec = new OrderExecutor({ adapter: spot, requestTimeoutMs: 10_000, reconcileOnStart: false })
exec.events.on('error', () => {})
const risk = redis && opts.killSwitch ? await startRisk(redis) : undefined

/** The shared kill switch: a halt anywhere cancels this process's own orders and ends its run. */
async function startRisk(conn: RedisConnection): Promise<RiskManager> {
  const store = new RedisStateStore({ redis: conn, name: 'account-1', pollMs: 250 })
  const rm = new RiskManager({ store })
  rm.events.on('error', () => {})
  await rm.start()
  rm.registerExecutor(exec)
  shareKillSwitch(rm, store)
  rm.events.on('risk.emergencyStopped', (e) => {
    r.halted = 1
    r.relayed = e.report.reason.startsWith('halted by another process') ? 1 : 0
    for (const id of e.report.canceled) {
      if (id.startsWith(prefix)) r.canceledOwn++
      else r.canceledForeign++
    }
    stop = true
    abort.abort(new Error('halted'))
  })
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'press') void rm.emergencyStop('operator pressed the kill switch')
  })
  return rm
}

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
      if (risk !== undefined) {
        if (risk.state !== 'ACTIVE') return
        const o = await exec.submit({
          clientOrderId: id,
          venue: spot.venue,
          symbol: SYMBOL,
          side: 'BUY',
          type: 'LIMIT',
          qty: new Decimal('0.001'),
          price: new Decimal(opts.entryPrice ?? '45000'),
          timeInForce: 'GTC',
          strategyId: 'hammer',
        })
        if (o.status !== 'REJECTED') r.entries++ // sent: open, or already swept by a halt
        return
      }
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
        // Exhausted: no new request. Those in flight already hold their weight and finish (counted): aborting them
        // spent budget that `ok` never counted, more of it the slower the machine.
        if (opts.stopOnExhausted) stop = true
        else await pause()
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
if (r.halted === 1) {
  // An entry in flight when the sweep began may be acknowledged after it: a second sweep takes it.
  const late = await exec.cancelAll()
  r.lateCanceled = late.canceled.length
}
r.fallbackGranted = store?.stats.fallbackGranted ?? 0
if (firstError !== '') process.stderr.write(`first error: ${firstError}\n`)
await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
await spot.close()
redis?.close()
process.stdout.write(`${JSON.stringify(r)}\n`)
process.exit(0) // the kill switch's poll timer and stdin would keep the process alive
