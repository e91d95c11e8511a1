import { describe, expect, it } from 'vitest'
import type { JournalOrderEntry } from '../../core/journal.js'
import { Decimal } from '../../decimal/index.js'
import { compareJournalView, journalBaseline, orderOfJournalEntry } from './compareJournalView.js'

const entry = (clientOrderId: string, filledQty = '0'): JournalOrderEntry => ({
  kind: 'order',
  event: 'order.accepted',
  clientOrderId,
  seq: 2,
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  orderType: 'LIMIT',
  status: filledQty === '0' ? 'OPEN' : 'PARTIALLY_FILLED',
  qty: '2',
  price: '100',
  filledQty,
  tsEvent: 5,
})

describe('compareJournalView', () => {
  it('sorts the journal-open orders by what the venue says now', async () => {
    const venueOpen = [
      { ...orderOfJournalEntry(entry('same')) },
      {
        ...orderOfJournalEntry(entry('more')),
        status: 'PARTIALLY_FILLED',
        filledQty: new Decimal('1.5'),
      } as const,
      { ...orderOfJournalEntry(entry('stranger')) },
    ]
    const lookUp = async (e: JournalOrderEntry) => {
      if (e.clientOrderId === 'gone') return undefined
      if (e.clientOrderId === 'expired') return { ...orderOfJournalEntry(e), status: 'EXPIRED' } as const
      return { ...orderOfJournalEntry(e), status: 'FILLED', filledQty: new Decimal('2') } as const
    }
    const journalOpen = [entry('same'), entry('more', '1'), entry('gone'), entry('expired'), entry('done')]
    const r = await compareJournalView('binance', journalOpen, venueOpen, lookUp, 9)
    expect(r.unchanged).toEqual(['same'])
    expect(r.filledWhileDown.map((o) => o.clientOrderId)).toEqual(['more', 'done'])
    expect(r.canceledWhileDown.map((o) => o.clientOrderId)).toEqual(['expired'])
    expect(r.missingAtVenue.map((o) => o.clientOrderId)).toEqual(['gone'])
    expect(r.unknownAtVenue.map((o) => o.clientOrderId)).toEqual(['stranger'])
    expect(r.tsEvent).toBe(9)
  })

  it('rebuilds the order a journal entry describes, decimals exact', () => {
    const o = orderOfJournalEntry({ ...entry('x', '0.3'), avgFillPrice: '99.95', venueOrderId: 'v9' })
    expect([
      o.qty.toString(),
      o.filledQty.toString(),
      o.avgFillPrice?.toString(),
      o.venueOrderId,
      o.status,
    ]).toEqual(['2', '0.3', '99.95', 'v9', 'PARTIALLY_FILLED'])
  })
})

describe('journalBaseline', () => {
  const e = entry('j1')
  const atVenue = {
    ...orderOfJournalEntry(e),
    status: 'PARTIALLY_FILLED',
    filledQty: new Decimal(1),
  } as const
  it("is the journal's version for an order not tracked, or only adopted with no fill booked since", () => {
    expect(journalBaseline(e).filledQty.toFixed()).toBe('0')
    expect(journalBaseline(e, atVenue, atVenue).filledQty.toFixed()).toBe('0')
  })
  it('is the tracked order when this session sent it or booked fills of it since adopting it', () => {
    expect(journalBaseline(e, atVenue)).toBe(atVenue)
    const later = { ...atVenue, filledQty: new Decimal('1.5') }
    expect(journalBaseline(e, later, atVenue)).toBe(later)
  })
})
