/**
 * Paper fills: a PaperTrader MARKET order walking a 20-level book (20 Decimal fills, fees, portfolio accounting,
 * events), against a naive float walk of the same book that does no accounting (the floor of what any paper
 * trader has to do).
 */
import { ManualClock } from '../src/core/clock.js'
import type { BookLevel, BookSnapshot, Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { PaperTrader } from '../src/execution/index.js'
import { runSuite } from './harness.js'

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
const asks: BookLevel[] = Array.from({ length: 20 }, (_, i) => [20_000 + i * 0.5, 0.25] as const)
const bids: BookLevel[] = Array.from({ length: 20 }, (_, i) => [19_999.5 - i * 0.5, 0.25] as const)
const book: BookSnapshot = { venue: 'bench', symbol: 'BTCUSDT', bids, asks, tsEvent: 0 }

const clock = new ManualClock(0)
const paper = new PaperTrader({ instruments: [inst], balances: { USDT: '1000000000000' }, clock })
let fills = 0
paper.events.on('order.filled', (e) => {
  fills += e.fills.length
})
let n = 0
const qty = new Decimal('5') // the whole 20 × 0.25 of the ask side

await runSuite(
  'paper fills',
  'one MARKET order walking a 20-level book (20 fills)',
  [
    {
      name: 'naive float walk, no accounting (baseline)',
      baseline: true,
      fn: () => {
        let left = 5
        let notional = 0
        for (const [p, q] of asks) {
          const take = Math.min(left, q)
          notional += p * take
          left -= take
          if (left <= 0) break
        }
        if (notional <= 0) throw new Error('unreachable')
      },
    },
    {
      name: 'tradekit PaperTrader (Decimal fills, fees, portfolio, events)',
      fn: async () => {
        paper.onBook(book)
        const o = await paper.submit({
          clientOrderId: `b${++n}`,
          venue: 'bench',
          symbol: 'BTCUSDT',
          side: n % 2 === 0 ? 'SELL' : 'BUY',
          type: 'MARKET',
          qty,
          strategyId: 'bench',
        })
        if (o.status !== 'FILLED') throw new Error(`not filled: ${o.status} ${o.reason ?? ''}`)
      },
    },
  ],
  { notes: 'fills/s = ops/s × 20 for the PaperTrader case' },
)
console.log(`paper fills emitted: ${fills}`)
