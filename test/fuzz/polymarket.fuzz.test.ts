/**
 * Fuzzing of every Polymarket decoder: the market channel (single objects, arrays, PING/PONG frames), the user
 * channel (order, trade), REST (book, and markets through PolymarketRest on a loopback server) and the book sync (PolymarketBookSync on the
 * core OrderBook)
 * under hostile but schema-valid sequences. `FUZZ_RUNS` sets the runs per property.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ExchangeDataError, isTradekitError } from '../../src/errors/index.js'
import {
  decodeFrame,
  decodeMarketEvent,
  decodeRestBook,
  decodeUserEvent,
  PolymarketBookSync,
  type PolymarketMarketEvent,
  PolymarketRest,
  type PolymarketUserEvent,
  TICK_SIZES,
} from '../../src/exchanges/polymarket/index.js'
import {
  type AnyResult,
  arbitraryInput,
  assertAllFinite,
  assertResultShape,
  Decimal,
  fuzzAssert,
  fuzzParams,
  fuzzTimeoutMs,
  mutatedPayload,
  mutatedText,
  nonNegative,
  positive,
  safeId,
} from './mutate.js'

vi.setConfig({ testTimeout: fuzzTimeoutMs(), hookTimeout: 30_000 })

const FIXTURES = new URL('../../src/exchanges/polymarket/__fixtures__/', import.meta.url)
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'))
const ALL_FIXTURES = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))
const okFixtures = (prefix: string): unknown[] =>
  ALL_FIXTURES.filter((f) => f.startsWith(prefix) && f.endsWith('_ok.json')).flatMap((f) => {
    const v = fixture(f)
    return Array.isArray(v) ? v : [v]
  })

const MARKET_SAMPLES = okFixtures('ws_')
const USER_SAMPLES = okFixtures('user_')
const REST_BOOK = fixture('rest_book_ok.json')
const VENUE = 'polymarket'
const TOKEN_ID = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

/** Strictly inside (0, 1) and finite. */
function unit(n: unknown, what: string): void {
  const v = n instanceof Decimal ? n.toNumber() : n
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1))
    throw new Error(`${what} not in (0,1): ${String(n)}`)
  if (n instanceof Decimal && !(n.gt(0) && n.lt(1))) throw new Error(`${what} not in (0,1): ${n.toString()}`)
}

const TOKEN = /^\d{1,78}$/
const CONDITION = /^0x[0-9a-fA-F]{1,64}$/

/** Book levels: prices in (0,1), sizes > 0, sorted best first (bids descending, asks ascending). */
function checkBookLevels(
  bids: readonly (readonly [number, number])[],
  asks: readonly (readonly [number, number])[],
): void {
  bids.forEach(([p, s], i) => {
    unit(p, `bids[${i}].price`)
    positive(s, `bids[${i}].size`)
    if (i > 0) expect(p).toBeLessThanOrEqual(bids[i - 1]![0])
  })
  asks.forEach(([p, s], i) => {
    unit(p, `asks[${i}].price`)
    positive(s, `asks[${i}].size`)
    if (i > 0) expect(p).toBeGreaterThanOrEqual(asks[i - 1]![0])
  })
}

function checkMarketEvent(ev: PolymarketMarketEvent): void {
  assertAllFinite(ev)
  safeId(ev.tsEvent, 'tsEvent')
  expect(ev.market).toMatch(CONDITION)
  switch (ev.type) {
    case 'book':
      expect(ev.tokenId).toMatch(TOKEN)
      checkBookLevels(ev.bids, ev.asks)
      break
    case 'price_change':
      expect(ev.changes.length).toBeGreaterThan(0)
      for (const c of ev.changes) {
        expect(c.tokenId).toMatch(TOKEN)
        unit(c.price, 'change.price')
        nonNegative(c.size, 'change.size')
        if (c.bestBid !== undefined) unit(c.bestBid, 'change.bestBid')
        if (c.bestAsk !== undefined) unit(c.bestAsk, 'change.bestAsk')
        expect(c.side === 'BUY' || c.side === 'SELL').toBe(true)
      }
      break
    case 'tick_size_change':
      expect(TICK_SIZES).toContain(ev.newTickSize)
      break
    case 'last_trade_price':
      unit(ev.price, 'lastTrade.price')
      nonNegative(ev.size, 'lastTrade.size')
      break
    case 'best_bid_ask':
      if (ev.bestBid !== undefined) unit(ev.bestBid, 'bestBid')
      if (ev.bestAsk !== undefined) unit(ev.bestAsk, 'bestAsk')
      break
    case 'new_market':
    case 'market_resolved':
      for (const t of ev.tokenIds) expect(t).toMatch(TOKEN)
      break
    default:
      throw new Error(`unknown type ${(ev as { type: string }).type}`)
  }
}

function checkUserEvent(ev: PolymarketUserEvent): void {
  assertAllFinite(ev)
  safeId(ev.tsEvent, 'tsEvent')
  expect(ev.tokenId).toMatch(TOKEN)
  expect(ev.market).toMatch(CONDITION)
  unit(ev.price, 'price')
  if (ev.type === 'order') {
    positive(ev.originalSize, 'originalSize')
    nonNegative(ev.sizeMatched, 'sizeMatched')
    expect(ev.sizeMatched.lte(ev.originalSize)).toBe(true)
  } else {
    positive(ev.size, 'trade.size')
    for (const m of ev.makerOrders) {
      positive(m.matchedAmount, 'maker.matchedAmount')
      unit(m.price, 'maker.price')
      expect(m.tokenId).toMatch(TOKEN)
    }
  }
}

function market(raw: unknown): AnyResult {
  const r = decodeMarketEvent(raw)
  assertResultShape(r, VENUE)
  if (r.ok) checkMarketEvent(r.value)
  return r
}

function user(raw: unknown): AnyResult {
  const r = decodeUserEvent(raw)
  assertResultShape(r, VENUE)
  if (r.ok) checkUserEvent(r.value)
  return r
}

function restBook(raw: unknown): AnyResult {
  const r = decodeRestBook(raw)
  assertResultShape(r, VENUE)
  if (r.ok) {
    assertAllFinite(r.value)
    checkBookLevels(r.value.bids, r.value.asks)
    safeId(r.value.tsEvent, 'tsEvent')
  }
  return r
}

describe('Polymarket market channel fuzz', () => {
  it('decodes every valid fixture (the mutation seeds)', () => {
    expect(MARKET_SAMPLES.length).toBeGreaterThanOrEqual(8)
    for (const s of MARKET_SAMPLES) expect(market(s).ok, JSON.stringify(s)).toBe(true)
  })

  it('never throws on arbitrary input; every rejection is a counted ExchangeDataError', async () => {
    await fuzzAssert(
      fc.property(arbitraryInput, (v) => {
        market(v)
      }),
      fuzzParams(500),
    )
  })

  it('mutated events: prices always strictly inside (0,1), sizes finite and >= 0, books sorted', async () => {
    await fuzzAssert(
      fc.property(mutatedPayload(MARKET_SAMPLES), (v) => {
        market(v)
      }),
      fuzzParams(1000),
    )
  })

  it('any price that is not a plain decimal strictly inside (0,1) is rejected', async () => {
    const trade = fixture('ws_last_trade_price_ok.json') as Record<string, unknown>
    const bad = fc.oneof(
      fc.constantFrom(
        'NaN',
        '',
        '0',
        '1',
        '1.0',
        '-0.5',
        '5e-1',
        '1e400',
        'Infinity',
        ' 0.5',
        '0x1',
        '.',
        '０.5',
        null,
      ),
      fc.double().filter((d) => !(d > 0 && d < 1)),
      fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => !/^(\d*\.)?\d+$/.test(s)),
    )
    await fuzzAssert(
      fc.property(bad, (p) => {
        expect(market({ ...trade, price: p }).ok).toBe(false)
      }),
      fuzzParams(500),
    )
  })

  it('decodeFrame on mutated text (object or array frames, PING/PONG): never throws, one result per element', async () => {
    const frames = fc.oneof(
      mutatedText([...MARKET_SAMPLES, MARKET_SAMPLES, fixture('ws_book_array_ok.json')]),
      fc.constantFrom('PONG', 'PING', 'pong', ' PONG', 'PONG\n', '', '[]', '[[]]', 'null', '"PONG"'),
      fc.string({ unit: 'binary', maxLength: 64 }),
    )
    await fuzzAssert(
      fc.property(frames, (text) => {
        const f = decodeFrame(text, decodeMarketEvent)
        expect(f.isPong).toBe(text === 'PONG')
        for (const e of f.events) checkMarketEvent(e)
        for (const e of f.errors) expect(e).toBeInstanceOf(ExchangeDataError)
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch {
          if (text !== 'PONG') expect(f.errors).toHaveLength(1)
          return
        }
        const n = Array.isArray(parsed) ? parsed.length : 1
        expect(f.events.length + f.errors.length).toBe(n)
      }),
      fuzzParams(1000),
    )
  })
})

describe('Polymarket user channel fuzz', () => {
  it('decodes the valid fixtures', () => {
    expect(USER_SAMPLES.length).toBeGreaterThanOrEqual(2)
    for (const s of USER_SAMPLES) expect(user(s).ok).toBe(true)
  })

  it('never throws on arbitrary input', async () => {
    await fuzzAssert(
      fc.property(arbitraryInput, fc.constantFrom('order', 'trade'), (v, type) => {
        user(v)
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) user({ ...v, event_type: type })
      }),
      fuzzParams(500),
    )
  })

  it('mutated order/trade events: Decimal prices in (0,1), sizes > 0, size_matched <= original_size', async () => {
    await fuzzAssert(
      fc.property(mutatedPayload(USER_SAMPLES), (v) => {
        user(v)
      }),
      fuzzParams(1000),
    )
  })

  it('decodeFrame with the user decoder: never throws', async () => {
    await fuzzAssert(
      fc.property(mutatedText([...USER_SAMPLES, USER_SAMPLES]), (text) => {
        const f = decodeFrame(text, decodeUserEvent)
        for (const e of f.events) checkUserEvent(e)
        for (const e of f.errors) expect(isTradekitError(e) && e.code === 'EXCHANGE_DATA_INVALID').toBe(true)
      }),
      fuzzParams(500),
    )
  })
})

describe('Polymarket REST decoders fuzz', () => {
  it('decodeRestBook: valid fixture, arbitrary and mutated input never throw; levels valid and sorted', async () => {
    expect(restBook(REST_BOOK).ok).toBe(true)
    await fuzzAssert(
      fc.property(fc.oneof(mutatedPayload([REST_BOOK]), arbitraryInput), (v) => {
        restBook(v)
      }),
      fuzzParams(1000),
    )
  })

  describe('markets and books through PolymarketRest on a loopback server', () => {
    let server: Server
    let clob: PolymarketRest
    let body = ''
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume()
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(body)
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      const { port } = server.address() as AddressInfo
      clob = new PolymarketRest({ restUrl: `http://127.0.0.1:${port}` })
    })
    afterAll(async () => {
      clob.close()
      await new Promise<void>((r) => server.close(() => r()))
    })

    const MARKET = {
      condition_id: '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1',
      question: 'Will it rain?',
      tokens: [
        {
          token_id: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
          outcome: 'Yes',
        },
        {
          token_id: '52114319501245915516055106046884209969926127482827954674443846427813813222426',
          outcome: 'No',
        },
      ],
      minimum_tick_size: '0.01',
      minimum_order_size: '5',
      neg_risk: false,
      active: true,
      closed: false,
    }

    it('getMarket: resolves a valid market or rejects with an ExchangeDataError; never a bad tick size', async () => {
      body = JSON.stringify(MARKET)
      const m = await clob.getMarket(MARKET.condition_id)
      expect(m.tickSize).toBe('0.01')
      await fuzzAssert(
        fc.asyncProperty(fc.oneof(mutatedText([MARKET]), fc.string({ maxLength: 40 })), async (text) => {
          body = text
          const r = await clob.getMarket(MARKET.condition_id).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          )
          if (!r.ok) {
            expect(r.error).toBeInstanceOf(ExchangeDataError)
            return
          }
          expect(TICK_SIZES).toContain(r.value.tickSize)
          expect(typeof r.value.conditionId).toBe('string')
          for (const t of r.value.tokens) expect(typeof t.tokenId).toBe('string')
          // Not asserted (KNOWN, see the fuzz report): minimum_order_size, condition_id and token_id are passed
          // on unvalidated ("", "NaN", "-1" and "NaN0x..." are accepted).
        }),
        fuzzParams(100, 10),
      )
    })

    it('getBook: resolves a valid book or rejects with an ExchangeDataError', async () => {
      await fuzzAssert(
        fc.asyncProperty(mutatedText([REST_BOOK]), async (text) => {
          body = text
          const r = await clob.getBook(TOKEN_ID).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          )
          if (!r.ok) {
            expect(r.error).toBeInstanceOf(ExchangeDataError)
            return
          }
          checkBookLevels(r.value.bids, r.value.asks)
          assertAllFinite(r.value)
        }),
        fuzzParams(100, 10),
      )
    })
  })
})

// ───────────────────────────── local book ─────────────────────────────

type BookStep =
  | { kind: 'snapshot'; bids: [number, number][]; asks: [number, number][] }
  | { kind: 'change'; side: 'BUY' | 'SELL'; tick: number; size: number }
  | { kind: 'invalidate' }

const sizeArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 }))
/** Bids on ticks 1..49 (0.01..0.49), asks on 50..99: a correct book can never cross (see the fuzz report). */
const bidTick = fc.integer({ min: 1, max: 49 })
const askTick = fc.integer({ min: 50, max: 99 })
const stepArb: fc.Arbitrary<BookStep> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('snapshot' as const),
      // One level per price, as the venue sends it (duplicate prices: see the fuzz report).
      bids: fc.uniqueArray(fc.tuple(bidTick, sizeArb), { maxLength: 8, selector: (l) => l[0] }),
      asks: fc.uniqueArray(fc.tuple(askTick, sizeArb), { maxLength: 8, selector: (l) => l[0] }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('change' as const),
        side: fc.constant('BUY' as const),
        tick: bidTick,
        size: sizeArb,
      }),
      fc.record({
        kind: fc.constant('change' as const),
        side: fc.constant('SELL' as const),
        tick: askTick,
        size: sizeArb,
      }),
    ),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalidate' as const }) },
)
const price = (tick: number): string => (tick / 100).toFixed(2)

describe('Polymarket book sync (PolymarketBookSync) under hostile, schema-valid sequences', () => {
  it('matches a reference model; sorted, prices in (0,1), sizes > 0, changes ignored while unsynced, never crossed', async () => {
    await fuzzAssert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const token = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
        const book = new PolymarketBookSync({ tokenId: token })
        let synced = false
        let bids = new Map<number, number>()
        let asks = new Map<number, number>()
        let ts = 1
        for (const s of steps) {
          ts++
          if (s.kind === 'invalidate') {
            book.invalidate()
            synced = false
          } else if (s.kind === 'snapshot') {
            const r = decodeMarketEvent({
              event_type: 'book',
              asset_id: token,
              market: '0xabc',
              bids: s.bids.map(([t, z]) => ({ price: price(t), size: String(z) })),
              asks: s.asks.map(([t, z]) => ({ price: price(t), size: String(z) })),
              timestamp: String(ts),
              hash: `h${ts}`,
            })
            if (!r.ok || r.value.type !== 'book') throw new Error('generator produced an invalid book')
            book.applySnapshot(r.value)
            bids = new Map(r.value.bids.map(([p, z]) => [p, z]))
            asks = new Map(r.value.asks.map(([p, z]) => [p, z]))
            synced = true
          } else {
            const r = decodeMarketEvent({
              event_type: 'price_change',
              market: '0xabc',
              price_changes: [{ asset_id: token, price: price(s.tick), size: String(s.size), side: s.side }],
              timestamp: String(ts),
            })
            if (!r.ok || r.value.type !== 'price_change')
              throw new Error('generator produced an invalid change')
            const c = r.value.changes[0]!
            const applied = book.applyChange(c, r.value.tsEvent)
            expect(applied).toBe(synced)
            if (synced) {
              const side = c.side === 'BUY' ? bids : asks
              if (c.size === 0) side.delete(c.price)
              else side.set(c.price, c.size)
            }
          }
          expect(book.isSynced).toBe(synced)
          const snap = book.snapshot()
          checkBookLevels(snap.bids, snap.asks)
          for (let i = 1; i < snap.bids.length; i++)
            expect(snap.bids[i]![0]).toBeLessThan(snap.bids[i - 1]![0])
          for (let i = 1; i < snap.asks.length; i++)
            expect(snap.asks[i]![0]).toBeGreaterThan(snap.asks[i - 1]![0])
          if (synced) {
            expect(snap.bids).toEqual([...bids.entries()].sort((a, b) => b[0] - a[0]))
            expect(snap.asks).toEqual([...asks.entries()].sort((a, b) => a[0] - b[0]))
          }
          const b = book.bestBid()
          const a = book.bestAsk()
          if (b !== undefined && a !== undefined) expect(b[0]).toBeLessThan(a[0])
        }
      }),
      fuzzParams(500),
    )
  })
})
