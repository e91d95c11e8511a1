import { describe, expect, it } from 'vitest'
import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import {
  ACCOUNT_TRADES_PAGE,
  type OrderFillPage,
  orderFillPages,
  orderFillSpans,
  USDM_TRADES_SPAN_MS,
} from './orderFillPages.js'

const fill = (id: number): Fill => ({
  venue: 'binance',
  symbol: 'BTCUSDT',
  clientOrderId: 'c1',
  venueOrderId: '7',
  tradeId: String(id),
  side: 'BUY',
  price: new Decimal(100),
  qty: new Decimal(1),
  fee: new Decimal(0),
  feeAsset: 'USDT',
  liquidity: 'TAKER',
  tsEvent: id,
})

/** A venue holding one order's fills with trade ids `ids` (ascending), answering as the account-trades endpoint does. */
function venue(ids: readonly number[]) {
  const asked: (number | undefined)[] = []
  const read = async (fromId?: number): Promise<OrderFillPage> => {
    asked.push(fromId)
    const rows =
      fromId === undefined
        ? ids.slice(-ACCOUNT_TRADES_PAGE)
        : ids.filter((id) => id >= fromId).slice(0, ACCOUNT_TRADES_PAGE)
    return { fills: rows.map(fill), rows: rows.length, lastId: rows.at(-1) }
  }
  return { read, asked }
}

describe('orderFillPages', () => {
  it('one request when the order has less than a page of fills', async () => {
    const v = venue([5, 9, 12])
    expect((await orderFillPages(v.read)).map((f) => f.tradeId)).toEqual(['5', '9', '12'])
    expect(v.asked).toEqual([undefined])
  })

  it('reads an order of more than a page whole, from its first fill, a page at a time', async () => {
    // 2,500 fills spread among other accounts' trades (ids 3, 6, 9, ...): the default answer had only the last 1,000.
    const ids = Array.from({ length: 2_500 }, (_, i) => 3 * (i + 1))
    const v = venue(ids)
    const fills = await orderFillPages(v.read)
    expect(fills.map((f) => Number(f.tradeId))).toEqual(ids)
    expect(v.asked).toEqual([undefined, 0, ids[999]! + 1, ids[1999]! + 1])
  })

  it('an order of exactly one page is read again from the first fill and ends on the empty page', async () => {
    const ids = Array.from({ length: ACCOUNT_TRADES_PAGE }, (_, i) => i + 1)
    const v = venue(ids)
    expect(await orderFillPages(v.read)).toHaveLength(ACCOUNT_TRADES_PAGE)
    expect(v.asked).toEqual([undefined, 0, ACCOUNT_TRADES_PAGE + 1])
  })

  it('pages past rows of other orders (the next page starts after the last row, not the last fill)', async () => {
    // A venue that sends every account trade from `fromId` on: this order's are ids 1..500 and 1,501..2,000, so the
    // page of rows 501..1,500 holds none of them.
    const mine = new Set([
      ...Array.from({ length: 500 }, (_, i) => i + 1),
      ...Array.from({ length: 500 }, (_, i) => i + 1501),
    ])
    const all = Array.from({ length: 2_000 }, (_, i) => i + 1)
    const read = async (fromId?: number): Promise<OrderFillPage> => {
      const rows =
        fromId === undefined
          ? all.slice(-ACCOUNT_TRADES_PAGE)
          : all.filter((id) => id >= fromId).slice(0, ACCOUNT_TRADES_PAGE)
      return { fills: rows.filter((id) => mine.has(id)).map(fill), rows: rows.length, lastId: rows.at(-1) }
    }
    const fills = await orderFillPages(read)
    expect(fills.map((f) => Number(f.tradeId))).toEqual([...mine])
  })

  it('a full page that does not move past fromId is an ExchangeDataError, not an endless loop', async () => {
    let calls = 0
    const read = async (): Promise<OrderFillPage> => {
      calls++
      return { fills: [], rows: ACCOUNT_TRADES_PAGE, lastId: 0 }
    }
    await expect(orderFillPages(read)).rejects.toMatchObject({ name: 'ExchangeDataError' })
    expect(calls).toBe(3) // the recent page, from 0 (last id 0: next from 1), from 1 (did not move past it)
  })
})

describe('orderFillSpans', () => {
  const DAY = 86_400_000
  const T0 = 1_700_000_000_000
  /**
   * A USD-M venue holding one order's fills `at` (id, time), answering a span as `GET /fapi/v1/userTrades` does: a
   * page of the span's oldest rows, or (`newest`) of its most recent ones.
   */
  function usdm(at: readonly (readonly [number, number])[], newest = false) {
    const asked: [number, number][] = []
    const read = async (startTime: number, endTime: number): Promise<OrderFillPage> => {
      asked.push([startTime, endTime])
      if (endTime - startTime > USDM_TRADES_SPAN_MS) throw new Error('-1127 More than 168 hours')
      const inSpan = at.filter(([, t]) => t >= startTime && t <= endTime)
      const rows = newest ? inSpan.slice(-ACCOUNT_TRADES_PAGE) : inSpan.slice(0, ACCOUNT_TRADES_PAGE)
      return {
        fills: rows.map(([id, t]) => ({ ...fill(id), tsEvent: t })),
        rows: rows.length,
        lastId: rows.at(-1)?.[0],
      }
    }
    return { read, asked }
  }

  it('reads an order created 20 days ago span by span, the most recent first: fills of every week, each once', async () => {
    const v = usdm([
      [1, T0 + 1_000],
      [2, T0 + 8 * DAY],
      [3, T0 + 19 * DAY],
    ])
    const fills = await orderFillSpans(v.read, T0, T0 + 20 * DAY)
    expect(fills.map((f) => f.tradeId)).toEqual(['1', '2', '3'])
    expect(v.asked).toEqual([
      [T0 + 14 * DAY, T0 + 20 * DAY],
      [T0 + 7 * DAY, T0 + 14 * DAY - 1],
      [T0, T0 + 7 * DAY - 1],
    ])
  })

  it('one request for an order of less than a week', async () => {
    const v = usdm([[9, T0 + 5]])
    expect((await orderFillSpans(v.read, T0, T0 + 10)).map((f) => f.tradeId)).toEqual(['9'])
    expect(v.asked).toEqual([[T0, T0 + 10]])
  })

  it('stops once the fills add up to the order’s filled quantity: an order resting for weeks, filled lately', async () => {
    const v = usdm([
      [1, T0 + 19 * DAY],
      [2, T0 + 20 * DAY],
    ])
    const fills = await orderFillSpans(v.read, T0, T0 + 20 * DAY, new Decimal(2))
    expect(fills.map((f) => f.tradeId)).toEqual(['1', '2'])
    expect(v.asked).toHaveLength(1) // the two earlier weeks are not read
  })

  for (const newest of [false, true]) {
    it(`a span of more than a page is read as halves, whichever rows the venue sends (${newest ? 'newest' : 'oldest'})`, async () => {
      // 2,500 fills, three per millisecond: every row once, in time order.
      const at = Array.from({ length: 2_500 }, (_, i) => [i + 1, T0 + Math.floor(i / 3)] as const)
      const v = usdm(at, newest)
      const fills = await orderFillSpans(v.read, T0, T0 + DAY)
      expect(fills.map((f) => Number(f.tradeId))).toEqual(at.map(([id]) => id))
      expect(v.asked.every(([a, b]) => b - a <= USDM_TRADES_SPAN_MS)).toBe(true)
    })
  }

  it('a full page within one millisecond is an ExchangeDataError, not an endless loop', async () => {
    const at = Array.from({ length: ACCOUNT_TRADES_PAGE + 1 }, (_, i) => [i + 1, T0] as const)
    const v = usdm(at)
    await expect(orderFillSpans(v.read, T0, T0 + DAY)).rejects.toMatchObject({ name: 'ExchangeDataError' })
    // Halved down to the millisecond, the empty newer half read first at each of log2(one day in ms) ≈ 27 levels.
    expect(v.asked.length).toBeLessThan(60)
  })

  it('nothing to read when the span is empty (an order older than the venue keeps)', async () => {
    const v = usdm([[1, T0]])
    expect(await orderFillSpans(v.read, T0 + 1, T0)).toEqual([])
    expect(v.asked).toEqual([])
  })
})
