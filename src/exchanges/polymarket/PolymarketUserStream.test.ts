import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
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

  it('needs credentials to subscribe and is closed for good', async () => {
    const none = new PolymarketUserStream({ credentials: () => undefined })
    expect(() => none.subscribe([])).toThrowError(/credentials/)
    await none.close()
    expect(() => none.subscribe([])).toThrowError(/closed/)
  })
})
