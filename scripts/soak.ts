/**
 * `npm run soak`: a chaos soak. TradingEngines trade Binance spot, Binance USD-M and Polymarket in live mode (the
 * real OrderExecutor) against the loopback simulators while a seeded chaos schedule injects every fault kind the
 * simulators support. At the end it checks that every order has a known state equal to the venue's ledger, that no
 * client order id became two orders, that the Portfolios equal the venues' balances exactly, that breakers tripped
 * only past their thresholds, that nothing was unhandled, and that the heap did not grow. See docs/soak.md.
 *
 *   npm run soak -- --minutes 1 --seed 7 [--faults bn,pm-settle-fail] [--ws-api usdm] [--load 2] [--quiet]
 *
 * `--ws-api` picks the Binance venues whose orders go over the WebSocket API (`orderEntry: 'ws-api'`): `usdm`
 * (default), `spot`, `both` or `none`; the others use REST. `--load N` runs N busy worker threads for the whole run.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Wallet } from 'ethers'
import { TypedEmitter } from '../src/core/events.js'
import type { MarketDataEvents, MarketDataSource } from '../src/core/ports.js'
import { SeededRandom } from '../src/core/random.js'
import type { Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { BinanceMarketStream, BinanceSpot, BinanceUsdm } from '../src/exchanges/binance/index.js'
import { PolymarketAdapter, type PolymarketMarketStream } from '../src/exchanges/polymarket/index.js'
import { OrderExecutor, type OrderGroupOutcome, Portfolio } from '../src/execution/index.js'
import { SystemClock, TradingEngine } from '../src/index.js'
import { openSqliteJournal } from '../src/journal/index.js'
import {
  type BreakerTrippedEvent,
  MemoryStateStore,
  RiskManager,
  type RiskManagerConfig,
} from '../src/risk/index.js'
import { BinanceSim, PolymarketSim } from '../src/sim/index.js'
import { EmaCrossover, RsiMeanReversion } from '../src/strategies/index.js'
import { CircuitBreaker } from '../src/transport/index.js'
import { ChaosPair } from './soak/ChaosPair.js'
import { ChaosTrader } from './soak/ChaosTrader.js'
import { Chaos, FAULT_KINDS, parseFaults } from './soak/chaos.js'
import {
  type Approval,
  type CheckResult,
  checkBinanceOrders,
  checkBreakers,
  checkGroups,
  checkPolymarketOrders,
  checkPortfolio,
  polymarketRows,
  spotRows,
  usdmRows,
} from './soak/checks.js'
import { HeapSampler, judgeHeap } from './soak/heap.js'
import { checkJournal } from './soak/journalCheck.js'
import { startCpuLoad } from './soak/load.js'
import { makerQuoteLimits, makers, QuoteWatch } from './soak/makers.js'
import { OrderTrace } from './soak/orderTrace.js'

interface Options {
  minutes: number
  seed: number
  faults: string | undefined
  /** Busy worker threads competing for the CPU during the whole run (0: none). */
  load: number
  quiet: boolean
  /** Binance venues entering orders over the WebSocket API. */
  wsApi: 'spot' | 'usdm' | 'both' | 'none'
  /** Adds market makers and the stale-quote watch (scripts/soak/makers.ts). */
  makers: boolean
}

/** Heap growth allowed over the sampled part of the run (after warm-up), MB per minute of least-squares trend. */
/**
 * Heap limits: a leak is a trend over 5 MB/min that also adds more than 8 MB over the sampled window (a short run's
 * jitter between forced GCs is a few MB); any rise over 64 MB fails; at least 8 samples are needed to judge.
 */
const HEAP_LIMITS = { limitMbPerMin: 5, noiseFloorMb: 8, maxRiseMb: 64, minSamples: 8 }

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    minutes: 1,
    seed: 1,
    faults: undefined,
    load: 0,
    quiet: false,
    wsApi: 'usdm',
    makers: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const [flag, inline] = a.includes('=') ? (a.split('=', 2) as [string, string]) : [a, undefined]
    const value = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    if (flag === '--minutes') o.minutes = Number(value())
    else if (flag === '--seed') o.seed = Number(value())
    else if (flag === '--faults') o.faults = value()
    else if (flag === '--load') o.load = Number(value())
    else if (flag === '--quiet') o.quiet = true
    else if (flag === '--ws-api') {
      const v = value()
      if (v !== 'spot' && v !== 'usdm' && v !== 'both' && v !== 'none')
        throw new Error(`--ws-api must be spot, usdm, both or none, got "${v}"`)
      o.wsApi = v
    } else if (flag === '--makers') o.makers = true
    else if (flag === '--help' || flag === '-h') {
      console.log(
        `usage: npm run soak -- [--minutes 1] [--seed 1] [--faults kind,family,all,-kind] [--ws-api usdm|spot|both|none] [--load N] [--quiet] [--makers]\nfault kinds: ${FAULT_KINDS.join(', ')}`,
      )
      process.exit(0)
    } else throw new Error(`Unknown option "${a}"`)
  }
  if (!(o.minutes > 0 && o.minutes <= 24 * 60))
    throw new Error(`--minutes must be in (0, 1440], got ${o.minutes}`)
  parseFaults(o.faults) // throws on an unknown kind
  if (!Number.isInteger(o.load) || o.load < 0 || o.load > 64)
    throw new Error(`--load must be an integer in [0, 64], got ${o.load}`)
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    throw new Error(`--seed must be an integer in [0, 2^32), got ${o.seed}`)
  return o
}

function replayCommand(o: Options): string {
  return `npm run soak -- --minutes ${o.minutes} --seed ${o.seed}${o.faults !== undefined ? ` --faults ${o.faults}` : ''} --ws-api ${o.wsApi}${o.load > 0 ? ` --load ${o.load}` : ''}${o.makers ? ' --makers' : ''}`
}

/** Re-runs this script under `--expose-gc` so heap samples follow a forced GC. */
function respawnWithGc(): void {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, TRADEKIT_SOAK_CHILD: '1' },
    },
  )
  child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 1 : 0)))
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => child.kill(s))
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function until(cond: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) return false
    await sleep(stepMs)
  }
  return true
}

/** Polymarket's books and trades, and the stream's errors (a failed book resync), which the engine counts. */
function polymarketFeed(market: PolymarketMarketStream): MarketDataSource {
  const bus = new TypedEmitter<MarketDataEvents>()
  market.events.on('book', (b) => bus.emit('book', b))
  market.events.on('trade', (t) => bus.emit('trade', t))
  market.events.on('error', (e) => bus.emit('error', e))
  return { events: bus }
}

const RATE = {
  global: { maxOrders: 40, windowMs: 10_000 },
  perInstrument: { maxOrders: 4, windowMs: 10_000 },
}

function makeRisk(
  clock: SystemClock,
  clientOrderIdPrefix: string,
  quotes?: RiskManagerConfig['quotes'],
): RiskManager {
  return new RiskManager({
    ...(quotes !== undefined ? { quotes } : {}),
    clock,
    clientOrderIdPrefix,
    store: new MemoryStateStore(),
    maxDataAgeMs: 10_000,
    maxClockSkewMs: 5_000,
    minStopDistanceFraction: 0.00001,
    minStopTicks: 1,
    sizing: { method: 'fixedNotional', notional: '250' },
    requireStop: false,
    maxOpenPositions: 10,
    // Spot fees are paid in the base asset: a closed position leaves dust, which must not block the next entry.
    maxPositionsPerInstrument: 3,
    breakers: {
      orderRate: { ...RATE, action: 'DENY' },
      consecutiveLosses: { reduceAfter: 4, haltAfter: 1_000, cooldownMs: 3_000 },
      rejectionRate: { windowMs: 20_000, minSamples: 12, maxRejectedFraction: 0.6, action: 'REDUCING' },
      drawdown: { maxDrawdownFraction: 0.05, reduceAtFraction: 0.02 },
      dailyLoss: { maxLossFraction: 0.05, action: 'REDUCING' },
    },
  })
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2))
  const log = (...a: unknown[]) => {
    if (!opts.quiet) console.log(...a)
  }
  const unhandled: string[] = []
  process.on('unhandledRejection', (e) => unhandled.push(`unhandledRejection: ${stack(e)}`))
  process.on('uncaughtException', (e) => unhandled.push(`uncaughtException: ${stack(e)}`))

  const kinds = parseFaults(opts.faults)
  const rng = new SeededRandom(opts.seed)
  const durationMs = Math.round(opts.minutes * 60_000)
  const clock = new SystemClock()
  const t0 = Date.now()
  log(
    `soak: ${opts.minutes} min, seed ${opts.seed}, ${kinds.length} fault kinds, Binance WebSocket API entry: ${opts.wsApi}, ${opts.load} busy threads`,
  )
  // The load runs from before the venues start until every check but the heap's is done.
  const load = startCpuLoad(opts.load, (e) => unhandled.push(`load thread: ${stack(e)}`))

  // ---------------------------------------------------------------- venues
  const bsim = await BinanceSim.start({
    seed: opts.seed,
    symbols: ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'],
    tickMs: 100,
    spotBalances: { USDT: '100000' },
    futuresBalance: '100000',
    weightLimitPerMinute: 1_000_000,
  })
  const psim = await PolymarketSim.start({ seed: opts.seed, settlementDelayMs: 40 })
  const BINANCE_TIMEOUT = 1_500
  const PM_TIMEOUT = 1_500
  const keys = { apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' }
  // The chaos schedule draws a fault every ~1.5 s and each lasts at most 2.5 s; with the default 30 s cooldown one
  // burst of five failed requests would latch a venue's REST client open for most of a short run (then the soak
  // measures a breaker, not the venue). A cooldown of the faults' length keeps the breaker in play.
  const breaker = () => new CircuitBreaker({ failureThreshold: 5, cooldownMs: 3_000 })
  const entry = (v: 'spot' | 'usdm') =>
    opts.wsApi === v || opts.wsApi === 'both' ? ('ws-api' as const) : ('rest' as const)
  const spot = new BinanceSpot({
    ...bsim.urls.spot,
    ...keys,
    orderEntry: entry('spot'),
    timeoutMs: BINANCE_TIMEOUT,
    circuitBreaker: breaker(),
    staleAfterMs: 5_000,
  })
  const usdm = new BinanceUsdm({
    ...bsim.urls.usdm,
    ...keys,
    orderEntry: entry('usdm'),
    timeoutMs: BINANCE_TIMEOUT,
    circuitBreaker: breaker(),
    staleAfterMs: 5_000,
  })
  const streamOpts = { staleAfterMs: 3_000, reconnectBaseMs: 100, reconnectMaxMs: 1_000 }
  const spotStream = new BinanceMarketStream({
    market: 'spot',
    streamUrl: bsim.urls.spot.streamUrl,
    ...streamOpts,
  })
  const usdmStream = new BinanceMarketStream({
    market: 'usdm',
    streamUrl: bsim.urls.usdm.streamUrl,
    ...streamOpts,
  })
  // Every call and event of the makers' quotes, to explain one found resting.
  const quoteTrace = new OrderTrace()
  quoteTrace.wrap(usdm)
  const wallet = Wallet.createRandom()
  const pm = new PolymarketAdapter({
    restUrl: psim.restUrl,
    wsUrl: psim.wsUrl,
    signer: wallet,
    timeoutMs: PM_TIMEOUT,
    circuitBreaker: breaker(),
    pingIntervalMs: 500,
    staleAfterMs: 3_000,
    marketSilenceMs: 3_000,
    reconnectBaseMs: 100,
  })
  quoteTrace.wrap(pm)
  const clob = pm.rest
  await clob.createOrDeriveApiKey()
  const pmApiKey = clob.credentials?.apiKey ?? ''
  const market = psim.markets[0]
  if (market === undefined) throw new Error('PolymarketSim has no market')
  const yes = market.tokens[0].tokenId
  const no = market.tokens[1].tokenId
  const spotSymbols = [
    { symbol: 'BTCUSDT', base: 'BTC' },
    { symbol: 'ETHUSDT', base: 'ETH' },
    { symbol: 'BNBUSDT', base: 'BNB' },
  ]
  const spotInst: Instrument[] = []
  for (const s of spotSymbols) spotInst.push(await spot.instrument(s.symbol))
  const usdmSymbols = ['BTCUSDT', 'ETHUSDT']
  const usdmInst: Instrument[] = []
  for (const s of usdmSymbols) usdmInst.push(await usdm.instrument(s))
  const yesInst = await pm.instrument(yes)
  const noInst = await pm.instrument(no)
  const spotVenue = spotInst[0]?.venue as string
  const usdmVenue = usdmInst[0]?.venue as string

  // ---------------------------------------------------------------- books and executors
  const depthBook = await spot.orderBook('BTCUSDT')
  let resyncs = 0
  depthBook.events.on('book.resyncStarted', () => resyncs++)
  depthBook.events.on('error', () => {})
  const execOpts = {
    requestTimeoutMs: 4_000,
    queryAttempts: 6,
    queryIntervalMs: 500,
    maxOrdersPerInterval: 10,
  }
  // Every order event and fill of both engines goes to one SQLite journal, compared with the ledgers at the end.
  const journalDir = mkdtempSync(join(tmpdir(), 'tradekit-soak-journal-'))
  const journal = await openSqliteJournal({ path: join(journalDir, 'soak.db') })
  const spotExec = new OrderExecutor({ adapter: spot, clientOrderIdPrefix: 'sp', ...execOpts })
  const usdmExec = new OrderExecutor({ adapter: usdm, clientOrderIdPrefix: 'um', ...execOpts })
  const pmExec = new OrderExecutor({ adapter: pm, clientOrderIdPrefix: 'pm', ...execOpts })
  quoteTrace.watch(usdmExec)
  quoteTrace.watch(pmExec)
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
  const fmtMap = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(' ') || 'none'
  const execErrors = new Map<string, number>()
  for (const [name, ex] of [
    ['spot', spotExec],
    ['usdm', usdmExec],
    ['polymarket', pmExec],
  ] as const) {
    ex.events.on('error', (e) =>
      execErrors.set(`${name}:${e.code}`, (execErrors.get(`${name}:${e.code}`) ?? 0) + 1),
    )
  }
  const synthesized = new Map<string, number>()
  const synthesizedIds: string[] = []
  const trace = process.env.SOAK_TRACE === '1' ? new Map<string, string[]>() : undefined
  const note = (cid: string, what: string) => {
    if (trace === undefined) return
    const l = trace.get(cid) ?? []
    l.push(`${Date.now() - t0}ms ${what}`)
    trace.set(cid, l)
  }
  for (const [name, ex] of [
    ['spot', spotExec],
    ['usdm', usdmExec],
    ['polymarket', pmExec],
  ] as const) {
    ex.events.on('order.filled', (e) => {
      for (const fill of e.fills) {
        if (fill.tradeId.startsWith('reconcile:')) {
          inc(synthesized, name)
          synthesizedIds.push(e.order.clientOrderId)
        }
        note(
          e.order.clientOrderId,
          `fill ${fill.qty.toFixed()}@${fill.price.toFixed()} fee ${fill.fee.toFixed()} ${fill.feeAsset} ${fill.tradeId} → ${e.order.status}`,
        )
      }
    })
    for (const ev of [
      'order.submitted',
      'order.accepted',
      'order.canceled',
      'order.rejected',
      'order.expired',
      'order.outcomeUnresolved',
    ] as const) {
      ex.events.on(ev, (e: { order: { clientOrderId: string; status: string; filledQty: Decimal } }) =>
        note(e.order.clientOrderId, `${ev} → ${e.order.status} filled ${e.order.filledQty.toFixed()}`),
      )
    }
    ex.events.on('order.transitionRefused', (e) =>
      note(e.order.clientOrderId, `transitionRefused ${e.attempted}`),
    )
  }
  await spotExec.start()
  await usdmExec.start()
  await pmExec.start()
  const acceptedPm: string[] = []
  psim.events.on('order.accepted', (e) => {
    if (e.owner === pmApiKey) acceptedPm.push(e.orderId)
  })
  if (trace !== undefined) {
    const pmDebug: string[] = []
    trace.set('pm-debug', pmDebug)
    psim.events.on('order.accepted', (e) =>
      pmDebug.push(`${Date.now() - t0}ms sim accepted ${e.orderId.slice(0, 12)} ${e.status}`),
    )
    psim.events.on('trade.statusChanged', (e) =>
      pmDebug.push(`${Date.now() - t0}ms sim trade ${e.tradeId.slice(0, 8)} ${e.status}`),
    )
    pm.user.events.on('fill', (e) =>
      pmDebug.push(
        `${Date.now() - t0}ms clob fill ${e.fill.venueOrderId?.slice(0, 12)} ${e.fill.qty.toFixed()} ${e.status}`,
      ),
    )
    pm.user.events.on('user.orderUpdated', (e) =>
      pmDebug.push(
        `${Date.now() - t0}ms clob user.orderUpdated ${e.orderId.slice(0, 12)} ${e.action} matched ${e.sizeMatched.toFixed()}`,
      ),
    )
    pm.user.events.on('user.connected', () => pmDebug.push(`${Date.now() - t0}ms clob ws.open user`))
    pm.market.events.on('market.connected', () => pmDebug.push(`${Date.now() - t0}ms clob ws.open market`))
    const place = pm.placeOrder.bind(pm)
    pm.placeOrder = async (req) => {
      try {
        const ack = await place(req)
        pmDebug.push(
          `${Date.now() - t0}ms ack ${req.clientOrderId} ${req.type} ${req.timeInForce ?? ''} qty ${req.qty.toFixed()} → ${ack.order.status} ${ack.order.filledQty.toFixed()}`,
        )
        return ack
      } catch (e) {
        pmDebug.push(`${Date.now() - t0}ms ack ${req.clientOrderId} threw ${String(e)}`)
        throw e
      }
    }
    const post = clob.postOrder.bind(clob)
    clob.postOrder = async (...a: Parameters<typeof post>) => {
      const r = await post(...a)
      pmDebug.push(`${Date.now() - t0}ms postOrder ${JSON.stringify(r)}`)
      return r
    }
  }

  // ---------------------------------------------------------------- engines
  // Spot and Polymarket share one engine and one Portfolio (USDT and pUSD are different assets). USD-M keeps its
  // own wallet in USDT at the venue, separate from the spot USDT balance, so it gets its own engine and Portfolio.
  const portfolioA = new Portfolio({
    currencies: { pUSD: 1 }, // pUSD cash and the outcome tokens count towards engine A's equity
    balances: { USDT: '100000', pUSD: '10000' },
    instruments: [...spotInst, yesInst, noInst],
    clock,
  })
  const portfolioB = new Portfolio({ balances: { USDT: '100000' }, instruments: usdmInst, clock })
  // Average-cost realized PnL depends on the order fills are applied in: count USD-M fills applied after a fill the
  // venue made later (a higher trade id of the same symbol), to explain a wallet that differs from the sim's.
  const usdmOrder = { last: new Map<string, number>(), late: 0 }
  portfolioB.events.on('fill.applied', (e) => {
    const { symbol, tradeId } = e.applied.fill
    const id = Number(tradeId)
    if (id < (usdmOrder.last.get(symbol) ?? 0)) usdmOrder.late++
    else usdmOrder.last.set(symbol, id)
  })
  const pmTick = yesInst.tickSize
  const perp = usdmInst[1] as Instrument
  const quoteLimits = opts.makers ? makerQuoteLimits(perp) : undefined
  const riskA = makeRisk(clock, 'ka', quoteLimits)
  const riskB = makeRisk(clock, 'kb', quoteLimits)
  const mk = opts.makers ? makers({ yes, no, pmTick: pmTick.toFixed(), perp }) : { a: [], b: [] }
  const engineA = new TradingEngine({
    clock,
    feeds: [
      { name: 'binance-spot', venue: spotVenue, source: spotStream, staleAfterMs: 2_500 },
      { name: 'polymarket', venue: 'polymarket', source: polymarketFeed(pm.market), staleAfterMs: 4_000 },
    ],
    strategies: [
      new EmaCrossover({ venue: spotVenue, symbol: 'BTCUSDT', interval: '1s', fast: 2, slow: 4 }),
      new RsiMeanReversion({
        venue: spotVenue,
        symbol: 'ETHUSDT',
        interval: '1s',
        period: 3,
        oversold: 45,
        overbought: 55,
      }),
      new ChaosTrader({
        id: 'chaos-spot',
        venue: spotVenue,
        symbol: 'BNBUSDT',
        on: 'candle',
        canShort: false,
        tickSize: (spotInst[2] as Instrument).tickSize,
        minQty: minQtyOf(spotInst[2] as Instrument),
        rng: rng.fork('chaos-spot'),
      }),
      new ChaosTrader({
        id: 'chaos-pm',
        venue: 'polymarket',
        symbol: yes,
        on: 'book',
        everyMs: 1_200,
        canShort: false,
        tickSize: pmTick,
        minQty: minQtyOf(yesInst),
        rng: rng.fork('chaos-pm'),
      }),
      new ChaosPair({
        id: 'chaos-pair',
        venue: 'polymarket',
        yes,
        no,
        everyMs: 2_500,
        rng: rng.fork('chaos-pair'),
      }),
      ...mk.a,
    ],
    risk: riskA,
    executors: [spotExec, pmExec],
    journal,
    portfolio: portfolioA,
    instruments: [...spotInst, yesInst, noInst],
    groups: { legTimeoutMs: 3_000, maxUnwindSlippageBps: 1_000 },
    feedHealth: { checkIntervalMs: 500 },
    shutdown: { cancelOpenOrders: true, timeoutMs: 8_000 },
  })
  const engineB = new TradingEngine({
    clock,
    feeds: [{ name: 'binance-usdm', venue: usdmVenue, source: usdmStream, staleAfterMs: 2_500 }],
    strategies: [
      new ChaosTrader({
        id: 'chaos-perp',
        venue: usdmVenue,
        symbol: 'BTCUSDT',
        on: 'candle',
        canShort: true,
        tickSize: (usdmInst[0] as Instrument).tickSize,
        minQty: minQtyOf(usdmInst[0] as Instrument),
        rng: rng.fork('chaos-perp'),
      }),
      new EmaCrossover({ venue: usdmVenue, symbol: 'ETHUSDT', interval: '1s', fast: 2, slow: 5 }),
      ...mk.b,
    ],
    risk: riskB,
    executors: [usdmExec],
    journal,
    portfolio: portfolioB,
    instruments: usdmInst,
    feedHealth: { checkIntervalMs: 500 },
    shutdown: { cancelOpenOrders: true, timeoutMs: 8_000 },
  })

  const submitted = { spot: new Set<string>(), usdm: new Set<string>(), pm: new Set<string>() }
  const counters = {
    signals: 0,
    denied: new Map<string, number>(),
    filled: 0,
    rejected: 0,
    canceled: 0,
    dataErrors: 0,
    engineErrors: new Map<string, number>(),
    outcomeUnknown: 0,
    rejectReasons: new Map<string, number>(),
    stateChanges: [] as string[],
  }
  const trips: { A: BreakerTrippedEvent[]; B: BreakerTrippedEvent[] } = { A: [], B: [] }
  const approvals: { A: Approval[]; B: Approval[] } = { A: [], B: [] }
  for (const [label, engine] of [
    ['A', engineA],
    ['B', engineB],
  ] as const) {
    engine.events.on('order.submitted', (e) => {
      const o = e.order
      if (o.venue === spotVenue) submitted.spot.add(o.clientOrderId)
      else if (o.venue === usdmVenue) submitted.usdm.add(o.clientOrderId)
      else submitted.pm.add(o.clientOrderId)
    })
    engine.events.on('signal', () => counters.signals++)
    engine.events.on('order.denied', (e) => inc(counters.denied, e.code))
    engine.events.on('order.filled', () => counters.filled++)
    engine.events.on('order.rejected', (e) => {
      counters.rejected++
      inc(counters.rejectReasons, `${e.order.venue}: ${(e.order.reason ?? '?').slice(0, 60)}`)
    })
    engine.events.on('order.canceled', () => counters.canceled++)
    engine.events.on('dataError', () => counters.dataErrors++)
    engine.events.on('error', (e) => inc(counters.engineErrors, e.code))
    engine.events.on('risk.instrumentStateChanged', (e) =>
      counters.stateChanges.push(`${label} ${e.symbol.slice(0, 10)} ${e.from}→${e.to}`),
    )
  }
  for (const ex of [spotExec, usdmExec, pmExec])
    ex.events.on('order.outcomeUnresolved', () => counters.outcomeUnknown++)
  // Multi-leg groups: every group the RiskManager approved must reach an outcome (COMPLETED, or unwound/hedged).
  const groups = {
    approved: new Set<string>(),
    outcomes: new Map<string, OrderGroupOutcome>(),
    escalated: new Set<string>(),
    rebalanced: new Map<string, number>(),
    exits: 0,
  }
  riskA.events.on('risk.approved', (e) => {
    if (e.intent.groupId !== undefined) groups.approved.add(e.intent.groupId)
    // The pair's exits close only its own share of the YES token the YES chaos trader also trades.
    if (e.intent.strategyId === 'chaos-pair' && e.signal.intent === 'EXIT') groups.exits++
  })
  engineA.events.on('engine.groupCompleted', (e) => groups.outcomes.set(e.outcome.groupId, e.outcome))
  engineA.events.on('engine.groupRebalanced', (e) => {
    groups.outcomes.set(e.outcome.groupId, e.outcome)
    inc(groups.rebalanced, e.outcome.status)
  })
  engineA.events.on('engine.groupEscalated', (e) => groups.escalated.add(e.outcome.groupId))
  riskA.events.on('risk.breakerTripped', (e) => trips.A.push(e))
  riskB.events.on('risk.breakerTripped', (e) => trips.B.push(e))
  const approval = (e: {
    tsEvent: number
    intent: { venue: string; symbol: string; reduceOnly?: boolean }
  }) => ({ tsEvent: e.tsEvent, key: `${e.intent.venue}:${e.intent.symbol}` }) as Approval
  riskA.events.on('risk.approved', (e) => {
    if (e.intent.reduceOnly !== true && e.signal.intent === 'ENTRY') approvals.A.push(approval(e))
  })
  riskB.events.on('risk.approved', (e) => {
    if (e.intent.reduceOnly !== true && e.signal.intent === 'ENTRY') approvals.B.push(approval(e))
  })
  riskA.events.on('error', () => {})
  riskB.events.on('error', () => {})

  await engineA.start()
  await engineB.start()
  const quoteWatch = opts.makers
    ? new QuoteWatch(
        [
          {
            label: 'A',
            engine: engineA,
            risk: riskA,
            venue: 'polymarket',
            // The sim's book by order hash: ours the adapter maps to a quote id (`q`), or to nothing (signed by nobody here).
            venueQuotes: () =>
              psim
                .ledger()
                .openOrders.filter((o) => o.owner === pmApiKey)
                .map((o) => ({
                  clientOrderId: pm.clientOrderIdOf(o.id) ?? o.id,
                  symbol: o.tokenId,
                  id: o.id,
                }))
                .filter((o) => o.clientOrderId.startsWith('q') || o.clientOrderId === o.id),
            ourView: (cid) => {
              const o = pmExec.order(cid)
              return o === undefined
                ? 'unknown'
                : `${o.status}${o.reason !== undefined ? ` ${o.reason}` : ''}`
            },
          },
          {
            label: 'B',
            engine: engineB,
            risk: riskB,
            venue: usdmVenue,
            // QuoteManager client ids start with its prefix, `q` (the engine's other orders: `kb-`, `um-`).
            venueQuotes: () => bsim.ledger.openOrders('usdm').filter((o) => o.clientOrderId.startsWith('q')),
            ourView: (cid) => {
              const o = usdmExec.order(cid)
              return o === undefined
                ? 'unknown'
                : `${o.status}${o.reason !== undefined ? ` ${o.reason}` : ''}`
            },
          },
        ],
        (cid) => {
          const o = usdmExec.order(cid) ?? pmExec.order(cid)
          return `          ours now: ${o?.status ?? 'unknown'}\n${quoteTrace.of(cid)}`
        },
      )
    : undefined
  quoteWatch?.start()
  quoteWatch?.startKillSwitches(Math.max(10_000, durationMs / 4))
  await spotStream.subscribe([
    'btcusdt@kline_1s',
    'btcusdt@depth20@100ms',
    'ethusdt@kline_1s',
    'ethusdt@depth20@100ms',
    'bnbusdt@kline_1s',
    'bnbusdt@depth20@100ms',
  ])
  await usdmStream.subscribe([
    'btcusdt@kline_1s',
    'btcusdt@depth20@100ms',
    'ethusdt@kline_1s',
    'ethusdt@depth20@100ms',
  ])
  pm.market.subscribe([yes, no])

  // An operator that resumes trading a few seconds after a breaker stopped it, so the soak keeps trading.
  const operator = setInterval(() => {
    for (const r of [riskA, riskB]) {
      const s = r.status()
      if (s.state !== 'ACTIVE' && s.reason !== 'MANUAL' && Date.now() - s.since > 3_000) r.resume()
    }
  }, 1_000)

  // A house market maker keeps the Polymarket book moving (the simulator's house liquidity is otherwise static), so
  // the book-driven strategy sees updates and resting orders of ours can be hit.
  const houseRng = rng.fork('house')
  const fair = new Decimal(market.fairPrice)
  const house = setInterval(() => {
    const side = houseRng.chance(0.5) ? 'BUY' : 'SELL'
    const px =
      side === 'BUY'
        ? fair.minus(pmTick.times(houseRng.int(1, 4)))
        : fair.plus(pmTick.times(houseRng.int(1, 4)))
    if (px.gt(0) && px.lt(1)) psim.placeHouseOrder(yes, side, px.toFixed(), String(houseRng.int(20, 200)))
    // The NO book, around 1 − fair, so the pair strategy's NO leg keeps finding liquidity.
    const noSide = houseRng.chance(0.5) ? 'BUY' : 'SELL'
    const noFair = new Decimal(1).minus(fair)
    const noPx =
      noSide === 'BUY'
        ? noFair.minus(pmTick.times(houseRng.int(1, 4)))
        : noFair.plus(pmTick.times(houseRng.int(1, 4)))
    if (noPx.gt(0) && noPx.lt(1))
      psim.placeHouseOrder(no, noSide, noPx.toFixed(), String(houseRng.int(20, 200)))
  }, 700)

  // ---------------------------------------------------------------- chaos
  const chaos = new Chaos(
    {
      bsim,
      psim,
      pmConditionId: market.conditionId,
      pmTick: pmTick.toFixed(),
      binanceTimeoutMs: BINANCE_TIMEOUT,
      polymarketTimeoutMs: PM_TIMEOUT,
    },
    rng.fork('chaos'),
    kinds,
    Math.max(400, Math.min(1_500, durationMs / 60)),
  )
  const heap = new HeapSampler()
  const warmupMs = Math.min(60_000, durationMs / 3)
  // Every 2 s, more often in short runs so they still have enough samples to judge.
  const heapTimer = setInterval(
    () => {
      if (Date.now() - t0 >= warmupMs) heap.sample()
    },
    Math.max(250, Math.min(2_000, durationMs / 60)),
  )
  const progress = setInterval(() => {
    log(
      `  t+${Math.round((Date.now() - t0) / 1000)}s: ${chaos.injected.length} faults, ${submitted.spot.size + submitted.usdm.size + submitted.pm.size} orders, ${counters.filled} fills, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MB`,
    )
  }, 10_000)
  chaos.start()
  await sleep(durationMs)

  // ---------------------------------------------------------------- settle
  chaos.stop()
  quoteWatch?.stopKillSwitches()
  clearInterval(house)
  clearInterval(heapTimer)
  clearInterval(progress)
  log('chaos stopped; settling')
  await sleep(3_000)
  clearInterval(operator)
  // No new orders from here: a manual halt (not a breaker) stops every signal; then cancel what rests.
  riskA.halt('soak: settling')
  riskB.halt('soak: settling')
  await quoteWatch?.afterHalt()
  quoteWatch?.stop()
  await sleep(500)
  const executors = [spotExec, usdmExec, pmExec]
  for (let round = 0; round < 5; round++) {
    await Promise.all(executors.map((ex) => ex.cancelAll().catch(() => undefined)))
    const quiet = await until(() => executors.every((ex) => ex.openOrders().length === 0), 3_000)
    if (quiet) break
  }
  // Let settlements finish and unknown outcomes resolve, then reconcile until nothing changes.
  await sleep(1_500)
  for (let round = 0; round < 15; round++) {
    let changed = false
    for (const ex of executors) {
      try {
        const r = await ex.reconcile()
        if (r.adopted.length > 0 || r.updated.length > 0) changed = true
      } catch {
        changed = true
      }
    }
    const pending = executors.some((ex) =>
      ex.openOrders().some((o) => o.status === 'PENDING_NEW' || o.status === 'PENDING_CANCEL'),
    )
    if (!changed && !pending) break
    await sleep(1_500)
  }
  const settledAt = Date.now()

  // ---------------------------------------------------------------- checks
  const results: CheckResult[] = []
  results.push(...checkBinanceOrders('spot', 'spot', bsim, spotExec, submitted.spot))
  results.push(...checkBinanceOrders('usdm', 'usdm', bsim, usdmExec, submitted.usdm))
  results.push(...checkPolymarketOrders(psim, pmApiKey, acceptedPm, pmExec, submitted.pm))
  results.push(checkPortfolio('spot', spotRows(bsim, portfolioA, spotVenue, 'USDT', spotSymbols)))
  const usdmPortfolio = checkPortfolio('usdm', usdmRows(bsim, portfolioB, usdmVenue, usdmSymbols))
  results.push({
    ...usdmPortfolio,
    summary: `${usdmPortfolio.summary} (fills applied after a later one: ${usdmOrder.late})`,
  })
  results.push(checkPortfolio('polymarket', polymarketRows(psim, wallet.address, portfolioA, [yes, no])))
  results.push(checkBreakers('A', trips.A, approvals.A, RATE))
  results.push(checkBreakers('B', trips.B, approvals.B, RATE))
  results.push(checkGroups(groups))
  if (quoteWatch !== undefined) results.push(quoteWatch.result())
  await journal.flush()
  results.push(
    await checkJournal(
      journal,
      bsim,
      [
        { market: 'spot', venue: spotVenue, submitted: submitted.spot },
        { market: 'usdm', venue: usdmVenue, submitted: submitted.usdm },
      ],
      { venue: 'polymarket', exec: pmExec, submitted: submitted.pm },
    ),
  )
  const totalOrders = submitted.spot.size + submitted.usdm.size + submitted.pm.size
  const minOrders = Math.max(10, Math.round(opts.minutes * 20))
  results.push({
    name: 'trading happened',
    ok: totalOrders >= minOrders && counters.filled > 0 && submitted.pm.size > 0 && submitted.usdm.size > 0,
    summary: `${totalOrders} orders (spot ${submitted.spot.size}, usdm ${submitted.usdm.size}, polymarket ${submitted.pm.size}), ${counters.filled} fills, ${counters.signals} signals`,
    failures:
      totalOrders >= minOrders && counters.filled > 0 && submitted.pm.size > 0 && submitted.usdm.size > 0
        ? []
        : [`expected at least ${minOrders} orders on every venue and some fills`],
  })
  const failedInjections = chaos.injected.filter((f) => f.detail.startsWith('INJECTION FAILED'))
  const kindsSeen = new Set(chaos.injected.map((f) => f.kind))
  results.push({
    name: 'faults injected',
    ok: failedInjections.length === 0,
    summary: `${chaos.injected.length} faults of ${kindsSeen.size}/${kinds.length} kinds`,
    failures: failedInjections.map((f) => `${f.kind}: ${f.detail}`),
    notes: kinds.filter((k) => !kindsSeen.has(k)).map((k) => `not drawn this run: ${k}`),
  })

  // Stop everything before judging the heap and the handlers.
  await load.stop()
  await engineA.stop()
  await engineB.stop()
  await Promise.allSettled([spot.close(), usdm.close(), spotStream.close(), usdmStream.close(), pm.close()])
  await bsim.close()
  await psim.close()
  await journal.close()
  rmSync(journalDir, { recursive: true, force: true })
  await sleep(200)

  const trend = heap.trend()
  const verdict = judgeHeap(trend, HEAP_LIMITS)
  results.push({
    name: 'heap bounded',
    ok: verdict.ok,
    summary: `${trend.samples} samples${trend.gcForced ? ' (after forced GC)' : ''}: ${trend.firstMb.toFixed(1)} → ${trend.lastMb.toFixed(1)} MB, max ${trend.maxMb.toFixed(1)} MB, trend ${trend.slopeMbPerMin.toFixed(2)} MB/min = ${verdict.growthMb.toFixed(1)} MB over the run (leak: > ${HEAP_LIMITS.limitMbPerMin} MB/min and > ${HEAP_LIMITS.noiseFloorMb} MB)`,
    failures: verdict.why === undefined ? [] : [verdict.why],
  })
  results.push({
    name: 'no unhandled rejections or exceptions',
    ok: unhandled.length === 0,
    summary: `${unhandled.length} unhandled`,
    failures: unhandled,
  })

  // ---------------------------------------------------------------- report
  const ok = results.every((r) => r.ok)
  console.log('')
  console.log(
    `soak report — seed ${opts.seed}, ${opts.minutes} min, load ${opts.load}, settled in ${((settledAt - t0 - durationMs) / 1000).toFixed(1)} s`,
  )
  console.log(`  faults:     ${fmtMap(countBy(chaos.injected.map((f) => f.kind)))}`)
  console.log(`  denied:     ${fmtMap(counters.denied)}`)
  console.log(
    `  rejected ${counters.rejected}, canceled ${counters.canceled}, outcome unknown ${counters.outcomeUnknown}, data errors ${counters.dataErrors}, book resyncs ${resyncs}`,
  )
  console.log(`  rejections: ${fmtMap(counters.rejectReasons)}`)
  console.log(`  engine errors: ${fmtMap(counters.engineErrors)}`)
  console.log(`  executor errors: ${fmtMap(execErrors)}`)
  console.log(`  fills synthesized by reconciliation (fee unknown): ${fmtMap(synthesized)}`)
  if (!opts.quiet) console.log(`  feed states: ${counters.stateChanges.length} changes`)
  if (trace !== undefined) {
    for (const line of trace.get('pm-debug') ?? []) console.log(`  pm: ${line}`)
    for (const cid of synthesizedIds.slice(0, 4)) {
      console.log(`  trace of ${cid} (fill synthesized):`)
      for (const line of trace.get(cid) ?? []) console.log(`            ${line}`)
    }
  }
  for (const r of results) {
    console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.summary}`)
    for (const f of r.failures.slice(0, 20)) {
      console.log(`        - ${f}`)
      const cid = /: (\S+) /.exec(f)?.[1]
      for (const line of (cid !== undefined ? trace?.get(cid) : undefined) ?? [])
        console.log(`            ${line}`)
    }
    if (r.failures.length > 20) console.log(`        … ${r.failures.length - 20} more`)
    if (!opts.quiet) for (const n of r.notes ?? []) console.log(`        · ${n}`)
  }
  if (!ok) {
    console.log('')
    console.log(`SOAK FAILED (seed ${opts.seed}). Replay: ${replayCommand(opts)}`)
    return 1
  }
  console.log(`SOAK PASSED (seed ${opts.seed})`)
  return 0
}

function minQtyOf(i: Instrument): Decimal {
  return Decimal.max(i.minQty ?? i.stepSize, i.stepSize)
}

function countBy(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1)
  return m
}

function stack(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e)
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function' && process.env.TRADEKIT_SOAK_CHILD !== '1') {
  respawnWithGc()
} else {
  let opts: Options | undefined
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e))
    process.exit(2)
  }
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`soak crashed: ${stack(e)}`)
      console.error(
        `SOAK FAILED (seed ${opts?.seed}). Replay: ${opts !== undefined ? replayCommand(opts) : 'npm run soak'}`,
      )
      process.exit(1)
    },
  )
}
