/**
 * Market makers in the Backtester on recorded books: `Backtester.replay` plays two small recorded sessions (see
 * `__fixtures__/recordMakerSessions.ts`: a PolymarketSim market channel and a BinanceSim USD-M depth + trade stream,
 * recorded through the real market streams) through `polymarketReplayDecoder` / `binanceReplayDecoder` (the venues'
 * live decoders; Polymarket's keeps synced books from the deltas) into the engine, the quote path (ctx.quote →
 * RiskManager → QuoteManager) and the PaperTrader's queue-position model. Each maker gets maker fills that can be
 * checked by hand against the recording, and the same recording gives the same report twice.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  Backtester,
  type BacktestMakerReport,
  type BacktestReport,
  type RecordedMessage,
  type ReplayDecoder,
  readRecording,
  renderHtmlReport,
} from '../../../src/backtest/index.js'
import type { Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { binanceReplayDecoder } from '../../../src/exchanges/binance/index.js'
import { polymarketReplayDecoder } from '../../../src/exchanges/polymarket/index.js'
import type { Strategy } from '../../../src/strategies/index.js'
import { BandsMarketMaker, LadderMarketMaker, SpreadQuoter } from '../../../src/strategies/index.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__')
type DecimalKey = 'tickSize' | 'stepSize' | 'minPrice' | 'maxPrice' | 'minQty' | 'maxQty' | 'minNotional'
/** An instrument as the recording script saved it: its Decimals as strings. */
type SavedInstrument = Omit<Instrument, DecimalKey> & Partial<Record<DecimalKey, string>>

/** The instruments the recording script saved, with their Decimals back. */
function loadInstruments(name: string): Instrument[] {
  const raw = JSON.parse(
    readFileSync(join(fixtures, `${name}.instruments.json`), 'utf8'),
  ) as SavedInstrument[]
  const opt = <K extends DecimalKey>(k: K, v: string | undefined) =>
    v === undefined ? {} : { [k]: new Decimal(v) }
  return raw.map(({ tickSize, stepSize, minPrice, maxPrice, minQty, maxQty, minNotional, ...rest }) => {
    if (tickSize === undefined || stepSize === undefined || minQty === undefined)
      throw new Error('bad instrument')
    return {
      ...rest,
      tickSize: new Decimal(tickSize),
      stepSize: new Decimal(stepSize),
      minQty: new Decimal(minQty),
      ...opt('minPrice', minPrice),
      ...opt('maxPrice', maxPrice),
      ...opt('maxQty', maxQty),
      ...opt('minNotional', minNotional),
    }
  })
}

const [yes, no] = loadInstruments('polymarket-session') as [Instrument, Instrument]
const [btc] = loadInstruments('binance-usdm-session') as [Instrument]

async function polymarketRun(strategy: () => Strategy, queuePosition = 1): Promise<BacktestReport> {
  const bt = new Backtester({
    instruments: [yes, no],
    balances: { pUSD: '1000' },
    accountCurrency: 'pUSD',
    strategies: () => [strategy()],
    risk: { maxDataAgeMs: 600_000, requireStop: false, quotes: { maxInventory: '60', maxLevels: 20 } },
    paper: { queuePosition },
  })
  return bt.replay(readRecording(join(fixtures, 'polymarket-session.jsonl')), {
    decode: polymarketReplayDecoder(),
    rewards: { maxSpread: 0.03, minSize: 20 },
  })
}

async function binanceRun(recording?: RecordedMessage[]): Promise<BacktestReport> {
  const bt = new Backtester({
    instruments: [btc],
    balances: { USDT: '100000' },
    strategies: () => [
      new SpreadQuoter({
        venue: btc.venue,
        symbol: 'BTCUSDT',
        size: '0.003',
        spreadBps: 1,
        levels: 2,
        refreshMs: 300,
      }),
    ],
    risk: { maxDataAgeMs: 600_000, requireStop: false, quotes: { maxInventory: '0.02' } },
    paper: { queuePosition: 0.5 },
  })
  return bt.replay(recording ?? readRecording(join(fixtures, 'binance-usdm-session.jsonl')), {
    decode: binanceReplayDecoder('usdm'),
  })
}

const bands = () =>
  new BandsMarketMaker({
    venue: 'polymarket',
    tokenId: yes.symbol,
    complementTokenId: no.symbol,
    tickSize: '0.01',
    bands: [{ minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 }],
  })

const ladder = () =>
  new LadderMarketMaker({
    tokenId: yes.symbol,
    complementTokenId: no.symbol,
    minPrice: 0.05,
    maxPrice: 0.95,
    spread: 0.01,
    depth: 0.03,
    delta: 0.01,
    collateral: 300,
  })

type Fill = BacktestMakerReport['fillLog'][number]

/**
 * What in the recording (decoded again, independently of the run) made a fill possible: at the fill's time a book of
 * its symbol crossed the quote (best ask ≤ a bid's price, best bid ≥ an ask's) or a public trade reached its price.
 */
async function evidence(file: string, decode: ReplayDecoder, f: Fill): Promise<string | undefined> {
  const px = Number(f.price)
  for await (const m of readRecording(join(fixtures, file))) {
    if (m instanceof Error) continue
    const r = decode(m) // every message, in order: the Polymarket decoder keeps the books
    if (!r.ok || m.t !== f.t) continue
    for (const e of r.value) {
      if (e.kind === 'book' && e.value.symbol === f.symbol) {
        const best = f.side === 'BUY' ? e.value.asks[0]?.[0] : e.value.bids[0]?.[0]
        if (best !== undefined && (f.side === 'BUY' ? best <= px : best >= px))
          return `book crossed at ${best}`
      }
      if (e.kind === 'trade' && e.value.symbol === f.symbol && e.value.side !== f.side) {
        const p = e.value.price
        if (f.side === 'BUY' ? p <= px : p >= px) return `trade at ${p}`
      }
    }
  }
  return undefined
}

/** The checks every maker run passes: maker fills only, each one backed by the recording, totals consistent. */
async function checkFills(r: BacktestReport, file: string, decode: () => ReplayDecoder): Promise<void> {
  const m = r.makers
  if (m === undefined) throw new Error('no maker report')
  expect(r.errors).toEqual([])
  expect(r.replay?.dataErrors).toBe(0)
  expect(m.fills).toBe(m.fillLog.length)
  expect(m.fillLog.every((f) => f.liquidity === 'MAKER')).toBe(true)
  expect(m.fillLog.reduce((a, f) => a.plus(f.qty), new Decimal(0)).toFixed()).toBe(m.filledQty)
  expect(m.fillRatio).toBeCloseTo(Number(m.filledQty) / Number(m.placedQty), 12)
  for (const f of m.fillLog) expect(await evidence(file, decode(), f), JSON.stringify(f)).toBeDefined()
}

/** The fills with what in the recording made each possible. */
async function explained(r: BacktestReport, file: string, decode: () => ReplayDecoder): Promise<string[]> {
  const out: string[] = []
  const lines = fills(r)
  for (const [i, f] of (r.makers?.fillLog ?? []).entries()) {
    out.push(`${lines[i]} (${await evidence(file, decode(), f)})`)
  }
  return out
}

/** Fills as `+ms side qty@price` from the session's start. */
const fills = (r: BacktestReport) =>
  (r.makers?.fillLog ?? []).map(
    (f) =>
      `+${f.t - r.startTime} ${f.symbol === no.symbol ? 'NO ' : f.symbol === yes.symbol ? 'YES ' : ''}${f.side} ${f.qty}@${f.price}`,
  )

describe('Backtester.replay: market makers on recorded books', () => {
  it('BandsMarketMaker on a recorded PolymarketSim session: fills, spread and markouts by hand', async () => {
    const a = await polymarketRun(bands)
    await checkFills(a, 'polymarket-session.jsonl', polymarketReplayDecoder)
    // The YES book starts at 0.70 / 0.72 (mid 0.71): the band bid rests at 0.71 − 0.02 = 0.69. The house then
    // sweeps the bids down to 0.67 (the bid follows the mid down to 0.68) and rests 80 shares at 0.68: that ask
    // crosses our 0.68 bid, a maker fill of the band's 30. Holding 30 YES, the "buy NO / sell YES" band offers them;
    // the house bid of 120 at 0.71 crosses that ask: sold at 0.71.
    expect(await explained(a, 'polymarket-session.jsonl', polymarketReplayDecoder)).toEqual([
      '+1653 YES BUY 30@0.68 (book crossed at 0.68)',
      '+2485 YES SELL 30@0.71 (book crossed at 0.71)',
    ])
    const m = a.makers!
    // Mid before each fill 0.695 (bid 0.67 / ask 0.72): 30 × (0.695 − 0.68) + 30 × (0.71 − 0.695) = 0.45 + 0.45.
    expect(m.spreadCaptured).toBe('0.9')
    // One second after the buy, the YES book is 0.71 / 0.72: +0.035 per share. The sell has no YES book a second
    // later in the recording, so it stays unmeasured; nothing is 10 s or 60 s old when the session ends.
    expect(m.markouts.map((x) => [x.horizonMs, x.count])).toEqual([
      [1000, 1],
      [10_000, 0],
      [60_000, 0],
    ])
    expect(m.markouts[0]?.perShare).toBeCloseTo(0.035, 12)
    expect(m.markouts[0]?.total).toBeCloseTo(1.05, 12)
    expect(m.inventory.map((x) => x.qty)).toEqual(['30', '0'])
    // The round trip is the run's one closed trade: 30 × (0.71 − 0.68) = 0.9 less the paper venue's fees.
    expect(a.tradeCount).toBe(1)
    expect(new Decimal(a.trades[0]!.pnl).plus(a.trades[0]!.fees).toFixed()).toBe('0.9')
    // Quotes of 30 shares rest within 0.03 of the mid the whole session long: reward-eligible time accrues.
    expect(m.rewardEligibleMs).toBeGreaterThan(0)
    expect(m.rewardEligibleMs).toBeLessThanOrEqual((a.endTime - a.startTime) * m.quotesPlaced)
    const b = await polymarketRun(bands)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    // The HTML report shows the makers' section and their fills.
    const html = renderHtmlReport(a)
    expect(html).toContain('<h2>Market making</h2>')
    expect(html).toContain('<th>Spread captured</th><td>0.90</td>')
    expect(html).toContain('<h2>Maker fills (2; times UTC)</h2>')
  })

  it('LadderMarketMaker on a recorded PolymarketSim session: queue position decides the fills at a price', async () => {
    // The ladder's first bid joins the house's 353 shares at 0.70 (0.71 − spread 0.01). A taker then sells 30 at 0.70.
    // At the back of the queue (queuePosition 1, the default) those 30 shares go to the 353 ahead: no fill until the
    // house's 80-share ask at 0.68 crosses the ladder's bids (risk leaves room for 60 shares in all: maxInventory).
    const back = await polymarketRun(ladder, 1)
    await checkFills(back, 'polymarket-session.jsonl', polymarketReplayDecoder)
    expect(await explained(back, 'polymarket-session.jsonl', polymarketReplayDecoder)).toEqual([
      '+1653 YES BUY 60@0.69 (book crossed at 0.68)',
      '+2485 YES SELL 14.83@0.71 (book crossed at 0.71)',
    ])
    // At the front (queuePosition 0) the taker's 30 fill our bid at 0.70, and the 7.73 shares the ladder then offers
    // at 0.72 fill from the next public trade there.
    const front = await polymarketRun(ladder, 0)
    await checkFills(front, 'polymarket-session.jsonl', polymarketReplayDecoder)
    expect(await explained(front, 'polymarket-session.jsonl', polymarketReplayDecoder)).toEqual([
      '+806 YES BUY 30@0.7 (trade at 0.7)',
      '+1244 YES SELL 7.73@0.72 (trade at 0.72)',
      '+1653 YES BUY 37.73@0.69 (book crossed at 0.68)',
      '+2485 YES SELL 14.83@0.71 (book crossed at 0.71)',
    ])
    for (const r of [back, front]) expect(r.makers!.inventory.every((x) => Number(x.qty) <= 60)).toBe(true)
    expect(JSON.stringify(await polymarketRun(ladder, 0))).toBe(JSON.stringify(front))
  })

  it('SpreadQuoter on a recorded BinanceSim USD-M session: every fill backed by the recording, deterministic', async () => {
    const a = await binanceRun()
    await checkFills(a, 'binance-usdm-session.jsonl', () => binanceReplayDecoder('usdm'))
    // Quotes 1 bp from the mid sit inside the spread (nothing ahead in the queue): the book moving through them or
    // an aggTrade through their price fills them.
    expect(await explained(a, 'binance-usdm-session.jsonl', () => binanceReplayDecoder('usdm'))).toEqual([
      '+402 BUY 0.003@49978.2 (book crossed at 49974.4)',
      '+502 SELL 0.003@49979.3 (book crossed at 49979.5)',
      '+1107 SELL 0.003@49986 (book crossed at 49987.4)',
      '+1912 BUY 0.003@49984.2 (trade at 49983.9)',
      '+2214 BUY 0.003@49979 (book crossed at 49976.9)',
      '+2416 BUY 0.003@49971.8 (trade at 49968.8)',
      '+2717 SELL 0.003@49973.9 (book crossed at 49976.5)',
      '+2919 SELL 0.003@49981.6 (book crossed at 49984)',
    ])
    const m = a.makers!
    expect(m.inventory.map((x) => x.qty)).toEqual([
      '0.003',
      '0',
      '-0.003',
      '0',
      '0.003',
      '0.006',
      '0.003',
      '0',
    ])
    expect(m.markouts[0]?.count).toBeGreaterThan(0)
    expect(m.rewardEligibleMs).toBe(0) // no `rewards`: not measured
    const b = await binanceRun()
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('an empty recording gives an empty report', async () => {
    const r = await binanceRun([])
    expect([r.startTime, r.endTime, r.makers?.quotesPlaced, r.makers?.fills, r.replay?.messages]).toEqual([
      0, 0, 0, 0, 0,
    ])
    expect(r.errors).toEqual([])
  })

  it('a candle backtest has no maker section', async () => {
    const bt = new Backtester({ instruments: [btc], balances: { USDT: '1000' }, strategies: () => [] })
    const r = await bt.run([])
    expect(r.makers).toBeUndefined()
    expect(r.replay).toBeUndefined()
    expect(renderHtmlReport(r)).not.toContain('Market making')
  })
})
