import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { Decimal } from '../../decimal/index.js'
import { decodeUserEvent, type PolymarketUserTradeEvent } from './decode.js'
import { PolymarketUserStream } from './PolymarketUserStream.js'

const creds = { address: '0x1', apiKey: 'me', secret: 'c2VjcmV0', passphrase: 'p' }

function trade(status: PolymarketUserTradeEvent['status'], over: Partial<PolymarketUserTradeEvent> = {}) {
  return {
    type: 'trade',
    tradeId: 't1',
    tokenId: '42',
    market: '0xabc',
    side: 'BUY',
    size: new Decimal(10),
    price: new Decimal('0.5'),
    status,
    venueStatus: status,
    takerOrderId: '0xtaker',
    owner: 'me',
    makerOrders: [],
    tsEvent: 7,
    ...over,
  } satisfies PolymarketUserTradeEvent
}

function stream() {
  const user = new PolymarketUserStream({ credentials: () => creds })
  const fills: string[] = []
  const reversed: string[] = []
  user.events.on('fill', (e) => fills.push(`${e.fill.tradeId}:${e.fill.venueOrderId}:${e.status}`))
  user.events.on('fill.reversed', (e) => reversed.push(`${e.fill.tradeId}:${e.fill.venueOrderId}`))
  return { user, fills, reversed }
}

describe('PolymarketUserStream fills', () => {
  it('reports each fill once (dedupe by trade id), and a later FAILED status as one reversal', () => {
    const { user, fills, reversed } = stream()
    expect(user.ingestTrade(trade('MATCHED')).map((f) => f.qty.toFixed())).toEqual(['10'])
    user.ingestTrade(trade('MINED'))
    user.ingestTrade(trade('CONFIRMED'))
    expect(fills).toEqual(['t1:0xtaker:MATCHED'])
    expect(reversed).toEqual([])
    user.ingestTrade(trade('FAILED'))
    user.ingestTrade(trade('FAILED')) // e.g. REST history replayed after the stream reported it
    expect(fills).toEqual(['t1:0xtaker:MATCHED'])
    expect(reversed).toEqual(['t1:0xtaker'])
  })

  it('a fill is unsettled until its trade is on chain: one fill.settled at MINED, none for a replayed older status', () => {
    const { user, fills } = stream()
    const settled: string[] = []
    user.events.on('fill.settled', (e) => settled.push(`${e.fill.tradeId}:${e.fill.unsettled ?? 'settled'}`))
    const unsettled: Array<true | undefined> = []
    user.events.on('fill', (e) => unsettled.push(e.fill.unsettled))
    expect(user.ingestTrade(trade('MATCHED')).map((f) => f.unsettled)).toEqual([true])
    user.ingestTrade(trade('RETRYING'))
    expect(settled).toEqual([])
    expect(user.unsettledTrades()).toEqual(new Map([['0xabc', new Set(['t1'])]])) // what a reconciliation reads again
    expect(user.ingestTrade(trade('MINED')).map((f) => f.unsettled)).toEqual([undefined])
    expect(user.unsettledTrades()).toEqual(new Map())
    user.ingestTrade(trade('CONFIRMED'))
    // REST history replayed out of order: the fill it returns stays settled (it may be booked from this reply).
    expect(user.ingestTrade(trade('MATCHED')).map((f) => f.unsettled)).toEqual([undefined])
    expect(settled).toEqual(['t1:settled'])
    expect(fills).toEqual(['t1:0xtaker:MATCHED'])
    expect(unsettled).toEqual([true])
    // A trade first seen on chain is reported settled, with no fill.settled of its own.
    user.ingestTrade(trade('CONFIRMED', { tradeId: 't2' }))
    expect(unsettled).toEqual([true, undefined])
    expect(settled).toEqual(['t1:settled'])
  })

  it('lists the unsettled trades of each market with a fill unsettled for at least the age asked (what a settlement recheck reads)', () => {
    const clock = new ManualClock(1_000)
    const user = new PolymarketUserStream({ credentials: () => creds, clock })
    user.ingestTrade(trade('MATCHED'))
    clock.advance(5_000)
    user.ingestTrade(trade('MATCHED', { tradeId: 't2', market: '0xdef' }))
    user.ingestTrade(trade('MATCHED', { tradeId: 't3' }))
    expect(user.unsettledTrades(5_000)).toEqual(new Map([['0xabc', new Set(['t1', 't3'])]]))
    expect(user.unsettledTrades()).toEqual(
      new Map([
        ['0xabc', new Set(['t1', 't3'])],
        ['0xdef', new Set(['t2'])],
      ]),
    )
  })

  it('a trade first seen as FAILED is reported as a fill and its reversal, once', () => {
    const { user, fills, reversed } = stream()
    const out = user.ingestTrade(trade('FAILED'))
    user.ingestTrade(trade('FAILED'))
    expect(out.map((f) => f.tradeId)).toEqual(['t1'])
    expect(fills).toEqual(['t1:0xtaker:FAILED'])
    expect(reversed).toEqual(['t1:0xtaker'])
  })

  it('reports our maker fills (by owner or tracked order id) with the maker side, not the taker of others', () => {
    const { user, fills } = stream()
    user.trackOrder('0xmine')
    const maker = (orderId: string, owner: string) => ({
      orderId,
      owner,
      matchedAmount: new Decimal(3),
      price: new Decimal('0.5'),
      tokenId: '42',
      side: undefined,
    })
    const out = user.ingestTrade(
      trade('MATCHED', {
        tradeId: 't2',
        owner: 'someone',
        makerOrders: [maker('0xmine', 'x'), maker('0xkey', 'me'), maker('0xother', 'y')],
      }),
    )
    expect(out.map((f) => [f.venueOrderId, f.side, f.liquidity])).toEqual([
      ['0xmine', 'SELL', 'MAKER'],
      ['0xkey', 'SELL', 'MAKER'],
    ])
    expect(fills).toEqual(['t2:0xmine:MATCHED', 't2:0xkey:MATCHED'])
  })

  it('a maker of a complementary (mint) match fills on its own token and side, at its own price (live capture)', () => {
    const raw = JSON.parse(
      readFileSync(new URL('./__fixtures__/user_trade_mined2024_ok.json', import.meta.url), 'utf8'),
    )
    const d = decodeUserEvent(raw)
    if (!d.ok || d.value.type !== 'trade') throw new Error('not decoded')
    const yes = '21742633143463906290569050155826241533067272736897614950488156847949938836455'
    const no = '48331043336612883890938759509493159234755048973500640148014422747788308965732'
    const as = (apiKey: string) =>
      new PolymarketUserStream({ credentials: () => ({ ...creds, apiKey }) })
        .ingestTrade(d.value as PolymarketUserTradeEvent)
        .map((f) => [f.symbol, f.side, f.price.toFixed(), f.qty.toFixed(), f.liquidity])
    // Taker BUY Yes @0.518 against a resting BUY No @0.482: the maker bought No, it did not sell Yes.
    expect(as('78132bc3-22af-6aa2-79ae-11929f821cae')).toEqual([[no, 'BUY', '0.482', '10', 'MAKER']])
    // A maker on the taker's own token is its counterparty: it sold Yes.
    expect(as('86f776cc-e18b-c94e-80b4-a7364e0ecec5')).toEqual([[yes, 'SELL', '0.518', '247.68', 'MAKER']])
  })

  it("a maker's own side, when the venue sends it, wins over the inference (complementary SELL = merge)", () => {
    const { user } = stream()
    const out = user.ingestTrade(
      trade('MATCHED', {
        side: 'SELL',
        owner: 'someone',
        makerOrders: [
          {
            orderId: '0xm1',
            owner: 'me',
            matchedAmount: new Decimal(2),
            price: new Decimal('0.4'),
            tokenId: '43',
            side: undefined,
          },
          {
            orderId: '0xm2',
            owner: 'me',
            matchedAmount: new Decimal(1),
            price: new Decimal('0.5'),
            tokenId: '42',
            side: 'BUY',
          },
        ],
      }),
    )
    expect(out.map((f) => [f.venueOrderId, f.symbol, f.side, f.price.toFixed()])).toEqual([
      ['0xm1', '43', 'SELL', '0.4'],
      ['0xm2', '42', 'BUY', '0.5'],
    ])
  })

  it("a status tradekit does not know is decoded as PENDING (kept, with the venue's word) and still a fill", async () => {
    const { user, fills, reversed } = stream()
    const raw = {
      event_type: 'trade',
      id: 't9',
      asset_id: '42',
      market: `0x${'ab'.repeat(32)}`,
      side: 'BUY',
      size: '10',
      price: '0.5',
      status: 'MATCHED_NOT_BROADCASTED',
      taker_order_id: '0xtaker',
      owner: 'me',
      maker_orders: [],
      timestamp: '1765000000000',
    }
    const { decodeUserEvent } = await import('./decode.js')
    const d = decodeUserEvent(raw)
    if (!d.ok || d.value.type !== 'trade') throw new Error('not decoded')
    expect([d.value.status, d.value.venueStatus]).toEqual(['PENDING', 'MATCHED_NOT_BROADCASTED'])
    user.ingestTrade(d.value)
    user.ingestTrade(trade('CONFIRMED', { tradeId: 't9' }))
    expect(fills).toEqual(['t9:0xtaker:PENDING'])
    expect(reversed).toEqual([])
    expect(decodeUserEvent({ ...raw, status: 'matched not broadcasted' }).ok).toBe(false)
  })

  it('books the taker at each maker price (the venue gives the taker the surplus), one fill per price', () => {
    const { user, fills } = stream()
    const m = (orderId: string, qty: number, price: string, tokenId = '42') => ({
      orderId,
      owner: 'other',
      matchedAmount: new Decimal(qty),
      price: new Decimal(price),
      tokenId,
      side: undefined,
    })
    // Taker BUY 10 @ limit 0.6: 4 from a SELL @0.5, 3 from a SELL @0.52, 3 minted against a BUY of the other outcome
    // @0.48 (worth 0.52 to the taker).
    const t = trade('MATCHED', {
      price: new Decimal('0.6'),
      traderSide: 'TAKER',
      makerOrders: [m('0xa', 4, '0.5'), m('0xb', 3, '0.52'), m('0xc', 3, '0.48', '43')],
    })
    const out = user.ingestTrade(t)
    expect(out.map((f) => [f.tradeId, f.side, f.price.toFixed(), f.qty.toFixed(), f.liquidity])).toEqual([
      ['t1:0.5', 'BUY', '0.5', '4', 'TAKER'],
      ['t1:0.52', 'BUY', '0.52', '6', 'TAKER'],
    ])
    // Cash exact: 4 × 0.5 + 6 × 0.52 = 5.12, what the makers were paid, not 10 × 0.6.
    expect(out.reduce((c, f) => c.plus(f.qty.times(f.price)), new Decimal(0)).toFixed()).toBe('5.12')
    user.ingestTrade({ ...t, status: 'CONFIRMED' }) // later statuses (and REST history) report nothing new
    expect(fills).toEqual(['t1:0.5:0xtaker:MATCHED', 't1:0.52:0xtaker:MATCHED'])
    // Makers at one price: one fill under the trade id; makers not adding up to `size`: the trade's price and size.
    expect(user.ingestTrade({ ...t, tradeId: 't3', makerOrders: [m('0xa', 10, '0.55')] })[0]).toMatchObject({
      tradeId: 't3',
      price: new Decimal('0.55'),
    })
    const partial = user.ingestTrade({ ...t, tradeId: 't4', makerOrders: [m('0xa', 4, '0.5')] })
    expect(partial.map((f) => [f.tradeId, f.price.toFixed(), f.qty.toFixed()])).toEqual([['t4', '0.6', '10']])
  })

  it('a taker SELL swept through three bids fills at each bid (2025 capture, as the taker)', () => {
    const d = decodeUserEvent(
      JSON.parse(
        readFileSync(
          new URL('./__fixtures__/user_trade_threeMakersSeconds2025_ok.json', import.meta.url),
          'utf8',
        ),
      ),
    )
    if (!d.ok || d.value.type !== 'trade') throw new Error('not decoded')
    expect(d.value.traderSide).toBe('MAKER')
    const user = new PolymarketUserStream({ credentials: () => creds })
    user.trackOrder(d.value.takerOrderId) // our taker order, whatever the frame's trader_side
    const out = user.ingestTrade(d.value)
    expect(out.map((f) => [f.side, f.price.toFixed(), f.qty.toFixed(), f.liquidity])).toEqual([
      ['SELL', '0.4', '5', 'TAKER'],
      ['SELL', '0.35', '5', 'TAKER'],
      ['SELL', '0.3', '5', 'TAKER'],
    ])
    expect(out.reduce((c, f) => c.plus(f.qty.times(f.price)), new Decimal(0)).toFixed()).toBe('5.25') // not 15 × 0.5
  })

  it('trader_side MAKER: the top-level owner (the key the event is for) never makes us the taker (2024/2025 captures)', () => {
    const load = (name: string) => {
      const d = decodeUserEvent(
        JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')),
      )
      if (!d.ok || d.value.type !== 'trade') throw new Error('not decoded')
      return d.value
    }
    const as = (apiKey: string, t: PolymarketUserTradeEvent) =>
      new PolymarketUserStream({ credentials: () => ({ ...creds, apiKey }) }).ingestTrade(t)
    const mined = load('user_trade_mined2024_ok.json')
    const confirmed = load('user_trade_confirmedSeconds2025_ok.json')
    const three = load('user_trade_threeMakersSeconds2025_ok.json')
    for (const t of [mined, confirmed, three]) {
      expect(t.traderSide).toBe('MAKER')
      expect(as(t.owner, t)).toEqual([]) // was a spurious taker fill of the whole trade
    }
    // Our maker order in the same frame is still reported.
    expect(
      as('a93a3d32-74fa-dd2b-4b67-98bfa6fc5cb5', three).map((f) => [f.venueOrderId, f.liquidity]),
    ).toEqual([
      ['0x3ad09f225ebe141dfbdb3824f31cb457e8e0301ca4e0a06311e543f5328b9dea', 'MAKER'],
      ['0x67b598cab933c71389176573822be763192a35a8c37e49999a11d611a5882e7d', 'MAKER'],
    ])
    // trader_side TAKER (2024 capture): the taker fill, at the maker's price.
    const taker = load('user_trade_ok.json')
    expect(taker.traderSide).toBe('TAKER')
    expect(
      as(taker.owner, taker).map((f) => [f.tradeId, f.side, f.price.toFixed(), f.qty.toFixed()]),
    ).toEqual([[taker.tradeId, 'BUY', '0.52', '5']])
    // No trader_side (docs example): the owner rule as before.
    const docs = load('user_trade_seconds_ok.json')
    expect(docs.traderSide).toBeUndefined()
    expect(as(docs.owner, docs).map((f) => f.liquidity)).toEqual(['MAKER']) // its owner is the maker order's too
  })

  it('two of our maker orders in one trade (2025 capture): each booked once across statuses, each reversed once', () => {
    const d = decodeUserEvent(
      JSON.parse(
        readFileSync(
          new URL('./__fixtures__/user_trade_threeMakersSeconds2025_ok.json', import.meta.url),
          'utf8',
        ),
      ),
    )
    if (!d.ok || d.value.type !== 'trade') throw new Error('not decoded')
    const t = d.value
    const user = new PolymarketUserStream({
      credentials: () => ({ ...creds, apiKey: 'a93a3d32-74fa-dd2b-4b67-98bfa6fc5cb5' }),
    })
    const fills: string[] = []
    const reversed: string[] = []
    user.events.on('fill', (e) => fills.push(`${e.fill.venueOrderId?.slice(0, 6)}@${e.fill.price.toFixed()}`))
    user.events.on('fill.reversed', (e) => reversed.push(`${e.fill.venueOrderId?.slice(0, 6)}`))
    for (const status of ['MATCHED', 'MINED', 'CONFIRMED', 'CONFIRMED'] as const)
      user.ingestTrade({ ...t, status })
    expect(fills).toEqual(['0x3ad0@0.4', '0x67b5@0.3'])
    for (const status of ['RETRYING', 'FAILED', 'FAILED'] as const) user.ingestTrade({ ...t, status })
    expect(fills).toHaveLength(2)
    expect(reversed).toEqual(['0x3ad0', '0x67b5'])
  })

  it('needs credentials to subscribe and is closed for good', async () => {
    const none = new PolymarketUserStream({ credentials: () => undefined })
    expect(() => none.subscribe([])).toThrowError(/credentials/)
    await none.close()
    expect(() => none.subscribe([])).toThrowError(/closed/)
  })
})
