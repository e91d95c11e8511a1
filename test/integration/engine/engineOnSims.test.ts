/**
 * TradingEngine against the loopback simulators: two strategies on Binance spot and one on Polymarket in one engine,
 * through paper execution and through the live OrderExecutor; a feed stall moves the instrument to REDUCING and back;
 * stop() during in-flight orders loses nothing; metrics parse; a restart restores strategy and risk state.
 */
import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import type { Signal } from '../../../src/core/ports.js'
import type { Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceMarketStream, BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor, PaperTrader, Portfolio } from '../../../src/execution/index.js'
import { type Clock, SystemClock, TradingEngine } from '../../../src/index.js'
import { MemoryStateStore, RiskManager } from '../../../src/risk/index.js'
import { BinanceSim, PolymarketSim } from '../../../src/sim/index.js'
import { EmaCrossover, ResolutionSniper, RsiMeanReversion } from '../../../src/strategies/index.js'
import { assertValidExposition } from '../../helpers/exposition.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

interface Venues {
  clock: Clock
  bsim: BinanceSim
  psim: PolymarketSim
  spot: BinanceSpot
  stream: BinanceMarketStream
  clob: PolymarketAdapter
  instruments: Instrument[]
  yes: string
  no: string
}

async function startVenues(withKeys: boolean): Promise<Venues> {
  const clock = new SystemClock()
  const bsim = await BinanceSim.start({ seed: 5, tickMs: 20 })
  cleanups.push(() => bsim.close())
  const psim = await PolymarketSim.start({ seed: 4, settlementDelayMs: 5 })
  cleanups.push(() => psim.close())
  const spot = new BinanceSpot({
    ...bsim.urls.spot,
    ...(withKeys ? { apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' } : {}),
  })
  cleanups.push(() => spot.close())
  const stream = new BinanceMarketStream({ market: 'spot', streamUrl: bsim.urls.spot.streamUrl })
  cleanups.push(() => stream.close())
  const clob = new PolymarketAdapter({
    restUrl: psim.restUrl,
    wsUrl: psim.wsUrl,
    signer: wallet,
    pingIntervalMs: 200,
  })
  clob.events.on('error', () => {})
  cleanups.push(() => clob.close())
  const market = psim.markets[0]!
  const yes = market.tokens[0].tokenId
  const no = market.tokens[1].tokenId
  const pm = clob
  const instruments = [
    await spot.instrument('BTCUSDT'),
    await spot.instrument('ETHUSDT'),
    await pm.instrument(yes),
  ]
  return { clock, bsim, psim, spot, stream, clob, instruments, yes, no }
}

function strategies(v: Venues) {
  const venue = v.instruments[0]!.venue
  const sniper = new ResolutionSniper({ tokenIds: [v.yes, v.no], threshold: 0.99, maxShares: 10 })
  return {
    sniper,
    list: [
      new EmaCrossover({ venue, symbol: 'BTCUSDT', interval: '1s', fast: 3, slow: 6 }),
      new RsiMeanReversion({
        venue,
        symbol: 'ETHUSDT',
        interval: '1s',
        period: 3,
        oversold: 45,
        overbought: 55,
      }),
      sniper,
    ],
  }
}

function riskFor(clock: Clock, store = new MemoryStateStore()) {
  return new RiskManager({
    clock,
    store,
    maxDataAgeMs: 600_000,
    minStopDistanceFraction: 0.00001,
    minStopTicks: 1,
    sizing: { method: 'fixedNotional', notional: '50' },
    requireStop: false,
    maxOpenPositions: 10,
  })
}

describe('TradingEngine on BinanceSim + PolymarketSim', () => {
  it('trades both venues through paper execution, with valid metrics and health', async () => {
    const v = await startVenues(false)
    const portfolio = new Portfolio({
      balances: { USDT: '10000', pUSD: '1000' },
      currencies: { pUSD: 1 }, // Polymarket's entries are sized against the account at this rate
      instruments: v.instruments,
      clock: v.clock,
    })
    const paper = new PaperTrader({ instruments: v.instruments, portfolio, clock: v.clock })
    const s = strategies(v)
    const engine = new TradingEngine({
      clock: v.clock,
      feeds: [
        { name: 'binance-spot', venue: v.instruments[0]!.venue, source: v.stream },
        { name: 'polymarket', venue: 'polymarket', source: v.clob.market },
      ],
      venues: [
        { venue: v.instruments[0]!.venue, http: v.spot.rest.http },
        {
          venue: 'polymarket',
          http: v.clob.rest.http,
          heartbeat: () => ({ healthy: v.clob.heartbeat.state !== 'UNHEALTHY' }),
        },
      ],
      strategies: s.list,
      risk: riskFor(v.clock),
      executors: [paper],
      portfolio,
      instruments: v.instruments,
    })
    cleanups.push(() => engine.stop())
    const signals: Signal[] = []
    const filled = new Set<string>()
    const errors: string[] = []
    engine.events.on('signal', (x) => signals.push(x))
    engine.events.on('order.filled', (e) => filled.add(e.order.symbol))
    engine.events.on('error', (e) => errors.push(e.message))
    await engine.start()
    await v.stream.subscribe([
      'btcusdt@kline_1s',
      'btcusdt@depth20@100ms',
      'ethusdt@kline_1s',
      'ethusdt@depth20@100ms',
    ])
    v.clob.market.subscribe([v.yes, v.no])
    s.sniper.markResolved(v.yes)
    await v.spot.serverTime() // one REST call through the measured client
    await until(() => filled.has(v.yes) && (filled.has('BTCUSDT') || filled.has('ETHUSDT')), 25_000)
    expect(new Set(signals.map((x) => x.strategyId)).size).toBeGreaterThanOrEqual(2)
    expect(portfolio.checkInvariants().ok).toBe(true)
    const health = engine.health()
    expect(health.feeds.map((f) => f.healthy)).toEqual([true, true])
    const text = engine.metrics()
    assertValidExposition(text)
    expect(text).toMatch(/tradekit_http_request_duration_seconds_count\{venue="[a-z-]+",status="2xx"\} [1-9]/)
    expect(text).toContain('tradekit_rate_limit_remaining{')
    expect(text).toContain('tradekit_venue_heartbeat_healthy{venue="polymarket"} 1')
    await engine.stop()
    expect(errors).toEqual([])
  }, 40_000)

  it('trades both venues live through OrderExecutor; stop() during in-flight orders loses nothing', async () => {
    const v = await startVenues(true)
    await v.clob.rest.createOrDeriveApiKey()
    const pm = v.clob
    const bexec = new OrderExecutor({ adapter: v.spot })
    const pexec = new OrderExecutor({ adapter: pm })
    bexec.events.on('error', () => {})
    pexec.events.on('error', () => {})
    await bexec.start()
    await pexec.start()
    const portfolio = new Portfolio({
      balances: { USDT: '100000', pUSD: '10000' },
      currencies: { pUSD: 1 },
      instruments: v.instruments,
      clock: v.clock,
    })
    const s = strategies(v)
    const engine = new TradingEngine({
      clock: v.clock,
      feeds: [
        { name: 'binance-spot', venue: v.instruments[0]!.venue, source: v.stream },
        { name: 'polymarket', venue: 'polymarket', source: v.clob.market },
      ],
      strategies: s.list,
      risk: riskFor(v.clock),
      executors: [bexec, pexec],
      portfolio,
      instruments: v.instruments,
      shutdown: { cancelOpenOrders: true, timeoutMs: 5_000 },
    })
    const submitted = new Set<string>()
    engine.events.on('order.submitted', (e) => submitted.add(e.order.clientOrderId))
    engine.events.on('error', () => {})
    await engine.start()
    await v.stream.subscribe(['btcusdt@kline_1s', 'ethusdt@kline_1s'])
    v.clob.market.subscribe([v.yes, v.no])
    s.sniper.markResolved(v.yes)
    await until(() => submitted.size >= 2, 25_000)
    // Stop while orders may still be in flight: every order must end in a known state matching the venue.
    await engine.stop()
    for (const cid of submitted) {
      const o = bexec.order(cid) ?? pexec.order(cid)
      expect(o, cid).toBeDefined()
      expect(o?.status).not.toBe('PENDING_NEW')
    }
    const statusOf: Record<string, string> = {
      NEW: 'OPEN',
      PARTIALLY_FILLED: 'PARTIALLY_FILLED',
      FILLED: 'FILLED',
      CANCELED: 'CANCELED',
      EXPIRED: 'EXPIRED',
      EXPIRED_IN_MATCH: 'EXPIRED',
      REJECTED: 'REJECTED',
    }
    let compared = 0
    for (const o of v.bsim.ledger.orders) {
      if (!submitted.has(o.clientOrderId)) continue
      compared++
      expect(bexec.order(o.clientOrderId)?.status, o.clientOrderId).toBe(statusOf[o.status])
      expect(bexec.order(o.clientOrderId)?.filledQty.toString()).toBe(new Decimal(o.executedQty).toString())
    }
    expect(compared).toBeGreaterThan(0)
  }, 40_000)

  it('a feed stall moves its instruments to REDUCING and back to ACTIVE', async () => {
    const v = await startVenues(false)
    const portfolio = new Portfolio({
      balances: { USDT: '10000' },
      instruments: v.instruments,
      clock: v.clock,
    })
    const paper = new PaperTrader({ instruments: v.instruments, portfolio, clock: v.clock })
    const engine = new TradingEngine({
      clock: v.clock,
      feeds: [
        { name: 'binance-spot', venue: v.instruments[0]!.venue, source: v.stream, staleAfterMs: 1_500 },
      ],
      strategies: [],
      risk: riskFor(v.clock),
      executors: [paper],
      portfolio,
      instruments: v.instruments,
      feedHealth: { checkIntervalMs: 200 },
    })
    cleanups.push(() => engine.stop())
    const states: string[] = []
    engine.events.on('risk.instrumentStateChanged', (e) => {
      if (e.symbol === 'BTCUSDT') states.push(e.to)
    })
    await engine.start()
    await v.stream.subscribe(['btcusdt@kline_1s'])
    await until(() => engine.health().feeds[0]?.lastDataAgeMs !== null)
    v.bsim.faults.stall(4_000)
    await until(() => states.includes('REDUCING'))
    expect(engine.instrumentState(v.instruments[0]!.venue, 'BTCUSDT')).toBe('REDUCING')
    await until(() => states.at(-1) === 'ACTIVE')
    expect(states).toEqual(['REDUCING', 'ACTIVE'])
  }, 40_000)

  it('a restart restores strategy state and the latched risk state', async () => {
    const v = await startVenues(false)
    const store = new MemoryStateStore()
    const saved: Record<string, unknown>[] = []
    const stateStore = {
      load: async () => saved.at(-1),
      save: async (x: Readonly<Record<string, unknown>>) => {
        saved.push(JSON.parse(JSON.stringify(x)))
      },
    }
    const make = () => {
      const portfolio = new Portfolio({
        balances: { USDT: '10000' },
        instruments: v.instruments,
        clock: v.clock,
      })
      const strategy = new EmaCrossover({
        venue: v.instruments[0]!.venue,
        symbol: 'BTCUSDT',
        interval: '1s',
        fast: 3,
        slow: 6,
      })
      const risk = riskFor(v.clock, store)
      const engine = new TradingEngine({
        clock: v.clock,
        feeds: [{ name: 'binance-spot', venue: v.instruments[0]!.venue, source: v.stream }],
        strategies: [strategy],
        risk,
        executors: [new PaperTrader({ instruments: v.instruments, portfolio, clock: v.clock })],
        portfolio,
        instruments: v.instruments,
        stateStore,
      })
      return { engine, strategy, risk }
    }
    const first = make()
    await first.engine.start()
    await v.stream.subscribe(['btcusdt@kline_1s'])
    await until(() => first.strategy.snapshot().candles.length >= 3)
    first.risk.halt('operator halt before restart')
    await first.engine.stop()
    const candles = first.strategy.snapshot().candles.length
    const second = make()
    await second.engine.start()
    expect(second.strategy.snapshot().candles.length).toBeGreaterThanOrEqual(candles)
    expect(second.risk.state).toBe('HALTED')
    await second.engine.stop()
  }, 40_000)
})
