/**
 * Fills and the live path, per operation:
 * 1. a PaperTrader MARKET fill (one level, BUY and SELL in turn) measured at 10k, 100k and 200k fills of one run (the
 *    cost must stay flat: bounded memories evict in O(1)), next to a bare exact-accounting fill (Decimal cash, qty,
 *    fee, average entry and realized PnL, nothing else) measured beside it, and the same fills on a perpetual;
 * 2. the live path of one signal: RiskManager.evaluate → approved intent → submit → filled → Portfolio updated, on a
 *    PaperTrader and on the live OrderExecutor driving BinanceSpot over the loopback BinanceSim, next to one
 *    RiskManager.evaluate on the same inputs.
 */
import { ManualClock, type MarketSnapshot, type Signal, SystemClock } from '../src/core/index.js'
import type { BookSnapshot, Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { BinanceSpot } from '../src/exchanges/binance/index.js'
import { type ExecutionClient, OrderExecutor, PaperTrader, Portfolio } from '../src/execution/index.js'
import { RiskManager } from '../src/risk/index.js'
import { BinanceSim } from '../src/sim/binance/index.js'
import { recordSuite } from './harness.js'

const FILLS = Number(process.env.BENCH_FILLS ?? 220_000)
/**
 * Fills timed at each checkpoint: long enough to amortize the garbage collections a fill causes (a window of 5,000,
 * ~35 ms, measured anything from 5 to 15 µs a fill, depending on whether a major GC landed in it).
 */
const WINDOW = 20_000
const WARMUP_FILLS = 40_000
const CHECKPOINTS = [10_000, 100_000, 200_000].filter((c) => c + WINDOW <= FILLS)

const inst: Instrument = {
  venue: 'bench',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
}
const book: BookSnapshot = {
  venue: 'bench',
  symbol: 'BTCUSDT',
  bids: [[19_999.5, 1_000_000]],
  asks: [[20_000, 1_000_000]],
  tsEvent: 0,
}

/** The least an exact fill has to do: Decimal cash, quantity, fee, average entry and realized PnL. */
class BareFill {
  cash = new Decimal('1000000000')
  qty = new Decimal(0)
  entry = new Decimal(0)
  realized = new Decimal(0)
  fees = new Decimal(0)
  readonly #rate = new Decimal('0.001')
  apply(buy: boolean, price: Decimal, qty: Decimal): void {
    const notional = price.times(qty)
    const fee = notional.times(this.#rate)
    this.fees = this.fees.plus(fee)
    if (buy) {
      const next = this.qty.plus(qty)
      this.entry = this.entry.times(this.qty).plus(notional).div(next)
      this.qty = next
      this.cash = this.cash.minus(notional).minus(fee)
    } else {
      this.realized = this.realized.plus(price.minus(this.entry).times(qty))
      this.qty = this.qty.minus(qty)
      if (this.qty.isZero()) this.entry = new Decimal(0)
      this.cash = this.cash.plus(notional).minus(fee)
    }
  }
}

/**
 * One PaperTrader filling `total` MARKET orders, timed at each of `checkpoints` (and a bare fill timed beside it). A
 * run with no checkpoints warms the code up: the cost per fill at 10,000 fills in one trader is then a property of
 * the trader, not of the JIT (the first ~20,000 fills of a process run partly unoptimized, at up to 2x the cost).
 */
async function paperFillCosts(
  total: number,
  checkpoints: readonly number[],
  instrument: Instrument = inst,
): Promise<{ at: number[]; bare: number[] }> {
  const clock = new ManualClock(0)
  const paper = new PaperTrader({
    instruments: [instrument],
    balances: { USDT: '1000000000000' },
    clock,
    takerFeeRate: '0.001',
  })
  paper.onBook(book)
  const qty = new Decimal('0.01')
  const bare = new BareFill()
  const bid = new Decimal('19999.5')
  const ask = new Decimal('20000')
  const at: number[] = []
  const bareAt: number[] = []
  let n = 0
  const fill = async () => {
    const buy = n % 2 === 0
    n++
    const o = await paper.submit({
      clientOrderId: `f${n}`,
      venue: 'bench',
      symbol: 'BTCUSDT',
      side: buy ? 'BUY' : 'SELL',
      type: 'MARKET',
      qty,
      strategyId: 'bench',
    })
    if (o.status !== 'FILLED') throw new Error(`not filled: ${o.status} ${o.reason ?? ''}`)
  }
  // CPU time of this process, not wall time: on a shared machine other work would otherwise land in a window.
  const cpuMs = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from)
    return (u.user + u.system) / 1000
  }
  for (const checkpoint of checkpoints) {
    while (n < checkpoint) await fill()
    let c0 = process.cpuUsage()
    for (let i = 0; i < WINDOW; i++) await fill()
    at.push(cpuMs(c0) / WINDOW)
    c0 = process.cpuUsage()
    for (let i = 0; i < WINDOW; i++) bare.apply(i % 2 === 0, i % 2 === 0 ? ask : bid, qty)
    bareAt.push(cpuMs(c0) / WINDOW)
  }
  while (n < total) await fill()
  return { at, bare: bareAt }
}

interface LiveRig {
  client: ExecutionClient
  portfolio: Portfolio
  instrument: Instrument
  price: () => Decimal
  close: () => Promise<void>
}

/** Per signal: evaluate → submit → filled → portfolio updated. Also returns the cost of one evaluate alone. */
/** Per-operation costs in µs: wall time, and this process's CPU time (what a loaded, shared machine distorts least). */
interface LiveCosts {
  pathUs: number
  pathCpuUs: number
  evaluateUs: number
  evaluateCpuUs: number
}

/** CPU time of this process since `from`, in µs. */
const cpuUs = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from)
  return u.user + u.system
}

/** The live path's risk settings (its RiskManager and the one that measures a lone evaluate). */
const pathRisk = {
  sizing: { method: 'fixedNotional', notional: '100' },
  requireStop: false,
  maxDataAgeMs: 60_000,
  breakers: {
    dailyLoss: false,
    drawdown: false,
    consecutiveLosses: false,
    orderRate: false,
    rejectionRate: false,
  },
} as const

async function livePath(rig: LiveRig, warmup: number, signals: number): Promise<LiveCosts> {
  const risk = new RiskManager({ ...pathRisk, clock: new SystemClock() })
  const { portfolio, client, instrument } = rig
  let applied = 0
  /** Set while a signal waits for its fill: resolves once the fill is applied, or rejects from the watchdog. */
  let waiting: { target: number; resolve: () => void; reject: (e: Error) => void } | undefined
  portfolio.events.on('error', (e) => console.error(`portfolio: ${e.message}`))
  portfolio.events.on('fill.applied', () => {
    applied++
    if (waiting !== undefined && applied >= waiting.target) {
      const { resolve } = waiting
      waiting = undefined
      resolve()
    }
  })
  const signalOf = (k: number): Signal => ({
    strategyId: 'bench',
    venue: instrument.venue,
    symbol: instrument.symbol,
    side: k % 2 === 0 ? 'BUY' : 'SELL',
    intent: k % 2 === 0 ? 'ENTRY' : 'EXIT',
    reason: 'bench',
    tsEvent: Date.now(),
  })
  const market = (): MarketSnapshot => ({ instrument, price: rig.price(), priceTs: Date.now() })
  // One watchdog for the run, not a timer per signal (a timer and a race per signal are the harness's cost, not the
  // path's): a signal whose fill is not applied within 5 s fails the run.
  let last = ''
  let settled = 0
  let seen = -1
  const watchdog = setInterval(() => {
    if (waiting !== undefined && settled === seen) {
      const { reject } = waiting
      waiting = undefined
      reject(new Error(`no fill applied for ${last} within 5 s`))
    }
    seen = settled
  }, 5_000)
  const one = async (k: number) => {
    const r = risk.evaluate(signalOf(k), portfolio.snapshot(), market())
    if (!r.ok) throw new Error(`denied at ${k}: ${r.error.code} ${r.error.message}`)
    const target = applied + 1
    const order = await client.submit(r.value)
    last = `${order.clientOrderId}: ${order.status} ${order.reason ?? ''} ${k}`
    // A PaperTrader books the fill before submit resolves; a venue's fill arrives later on its user stream.
    if (applied < target) {
      await new Promise<void>((resolve, reject) => {
        waiting = { target, resolve, reject }
      })
    }
    settled++
  }
  for (let k = 0; k < warmup; k++) await one(k)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let k = 0; k < signals; k++) await one(k)
  const pathUs = ((performance.now() - t0) * 1000) / signals
  const pathCpuUs = cpuUs(c0) / signals
  clearInterval(watchdog)
  // One evaluate on the same inputs (a flat book: an entry), alone: warmed up first and measured over enough calls
  // that it is the steady-state cost (2,000 cold calls measured 2-4x slower than this and flattered the ratio).
  // On a manual clock one ms a call, and its approvals never sent stop counting against the caps a ms later: every
  // call is an approval on the same room (the path's approvals end when their fills move the position).
  const s = signalOf(0)
  const account = portfolio.snapshot()
  const m = market()
  const clock = new ManualClock(m.priceTs)
  const alone = new RiskManager({ ...pathRisk, clock, entryReservationTtlMs: 1 })
  for (let k = 0; k < 5_000; k++) {
    clock.advance(1)
    alone.evaluate(s, account, m)
  }
  const E = 50_000
  const c1 = process.cpuUsage()
  const t1 = performance.now()
  let refused = 0
  for (let k = 0; k < E; k++) {
    clock.advance(1)
    if (!alone.evaluate(s, account, m).ok) refused++
  }
  const evaluateUs = ((performance.now() - t1) * 1000) / E
  const evaluateCpuUs = cpuUs(c1) / E
  await rig.close()
  if (refused > 0) throw new Error(`the lone evaluate must measure approvals: ${refused} of ${E} refused`)
  return { pathUs, pathCpuUs, evaluateUs, evaluateCpuUs }
}

async function paperRig(): Promise<LiveRig> {
  const portfolio = new Portfolio({ balances: { USDT: '1000000000' }, instruments: [inst] })
  const paper = new PaperTrader({ instruments: [inst], portfolio, takerFeeRate: '0.001' })
  paper.onBook({ ...book, tsEvent: Date.now() })
  const price = new Decimal('20000')
  // A signal follows a market event: each one re-quotes the book (a stale book expires market orders).
  const quote = () => {
    paper.onBook({ ...book, tsEvent: Date.now() })
    return price
  }
  return { client: paper, portfolio, instrument: inst, price: quote, close: async () => {} }
}

async function simRig(): Promise<LiveRig> {
  const sim = await BinanceSim.start({ tickMs: 0 })
  const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
  // The default submit throttle (10 orders a second) would make this a measure of the throttle: lift it.
  const client = new OrderExecutor({ adapter: spot, maxOrdersPerInterval: 10_000 })
  client.events.on('error', () => {})
  await client.start()
  const instrument = await spot.instrument('BTCUSDT')
  const portfolio = new Portfolio({ balances: { USDT: '1000000000' }, instruments: [instrument] })
  portfolio.attach(client)
  return {
    client,
    portfolio,
    instrument,
    // A signal follows a market event: each one steps the simulated market (fresh liquidity for market orders).
    price: () => {
      sim.step()
      return new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    },
    close: async () => {
      await client.shutdown({ timeoutMs: 2_000 })
      await spot.close()
      await sim.close()
    },
  }
}

await paperFillCosts(WARMUP_FILLS, []) // a throwaway trader: see paperFillCosts
const fills = await paperFillCosts(FILLS, CHECKPOINTS)
// The same MARKET fills on a perpetual (margin check, signed position, liquidation estimate), at 10,000 fills.
const perpetual: Instrument = { ...inst, kind: 'perpetual' }
await paperFillCosts(WARMUP_FILLS, [], perpetual)
const perpFills = await paperFillCosts(10_000 + WINDOW, [10_000], perpetual)
// Warmed up like the evaluate it is compared with: the path runs through many more functions than one evaluate, and
// its first ~20,000 signals (partly unoptimized: a signal runs ~140 functions) measured up to 2x the steady-state cost.
const PAPER_WARMUP = 20_000
const PAPER_SIGNALS = 20_000
const paper = await livePath(await paperRig(), PAPER_WARMUP, PAPER_SIGNALS)
// Binance spot allows 100 orders per 10 s (exchangeInfo `ORDERS`), which the adapter keeps: 300 signals measured that
// limit (about 100 ms a signal), not the path. 20 warm-up and 70 measured signals stay under it.
const sim = await livePath(await simRig(), 20, 70)

const perSec = (us: number) => 1e6 / us
const bare = Math.min(...fills.bare)
recordSuite({
  suite: 'paper fills over a long run',
  unit: `one MARKET fill (${FILLS.toLocaleString('en-US')} fills in one PaperTrader; ${WINDOW} fills timed at each point, in CPU time)`,
  cases: [
    {
      name: 'bare exact-accounting fill (Decimal, no events)',
      opsPerSec: perSec(bare * 1000),
      ratioToBaseline: 1,
      baseline: true,
      samples: fills.bare.length,
    },
    ...fills.at.map((ms, i) => ({
      name: `PaperTrader fill at ${(CHECKPOINTS[i] ?? 0).toLocaleString('en-US')} fills`,
      opsPerSec: 1000 / ms,
      ratioToBaseline: bare / ms,
      baseline: false,
      samples: WINDOW,
    })),
    ...perpFills.at.map((ms) => ({
      name: 'PaperTrader perpetual fill at 10,000 fills',
      opsPerSec: 1000 / ms,
      ratioToBaseline: bare / ms,
      baseline: false,
      samples: WINDOW,
    })),
  ],
  notes: `target: a PaperTrader fill costs <= 4x the bare fill (ratio >= 0.25), flat from 10k to 200k fills (the target is the spot fill's; the perpetual row is for comparison); µs per fill: ${fills.at.map((ms) => (ms * 1000).toFixed(1)).join(' / ')}, perpetual ${((perpFills.at[0] ?? 0) * 1000).toFixed(1)} (bare ${(bare * 1000).toFixed(2)})`,
})

recordSuite({
  suite: 'live path per signal',
  unit: 'one signal: RiskManager.evaluate → approved intent → submit → filled → Portfolio updated',
  cases: [
    {
      name: 'one RiskManager.evaluate (same inputs)',
      opsPerSec: perSec(paper.evaluateCpuUs),
      ratioToBaseline: 1,
      baseline: true,
      samples: 50_000,
    },
    {
      name: 'signal to settled fill, PaperTrader',
      opsPerSec: perSec(paper.pathCpuUs),
      ratioToBaseline: paper.evaluateCpuUs / paper.pathCpuUs,
      baseline: false,
      samples: PAPER_SIGNALS,
    },
    {
      name: 'signal to settled fill, OrderExecutor + BinanceSpot on loopback BinanceSim',
      opsPerSec: perSec(sim.pathUs),
      ratioToBaseline: paper.evaluateCpuUs / sim.pathUs,
      baseline: false,
      samples: 70,
    },
  ],
  notes: `target: signal to settled fill on PaperTrader <= 4x one evaluate (ratio >= 0.25); the evaluate and the PaperTrader path in CPU time of this process (as the fills above: on a shared machine other work lands in a wall-time window), the BinanceSim path in wall time (it waits on the network); µs: evaluate ${paper.evaluateCpuUs.toFixed(1)} (wall ${paper.evaluateUs.toFixed(1)}), paper path ${paper.pathCpuUs.toFixed(1)} (wall ${paper.pathUs.toFixed(1)}), BinanceSim path ${sim.pathUs.toFixed(0)} (real HTTP + WebSocket on 127.0.0.1; evaluate there ${sim.evaluateUs.toFixed(1)})`,
})
