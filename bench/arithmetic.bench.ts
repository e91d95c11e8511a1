/**
 * Money arithmetic: tradekit's exact sums and products (decimal.js's digits added and multiplied as integers, the same
 * result digit for digit) vs decimal.js's own `plus`, `minus` and `times` on the values a fill books: a cash balance,
 * a price, a quantity and a fee.
 */
import { Decimal } from '../src/decimal/index.js'
import { productOf, sumOf } from '../src/decimal/words.js'
import { runSuite } from './harness.js'

const cash = Array.from(
  { length: 256 },
  (_, i) => new Decimal(`${99_000 + i * 7}.${(i * 7919) % 100_000_000}`),
)
const prices = Array.from({ length: 256 }, (_, i) => new Decimal((20_000 + i * 0.37).toFixed(2)))
const qty = new Decimal('0.01234')
const feeRate = new Decimal('0.001')
let i = 0

await runSuite(
  'money arithmetic',
  'one fill booked: notional = price × qty, fee = notional × rate, cash − notional − fee',
  [
    {
      name: 'decimal.js times, times, minus, minus',
      baseline: true,
      fn: () => {
        const k = i++ & 255
        const notional = (prices[k] as Decimal).times(qty)
        const fee = notional.times(feeRate)
        ;(cash[k] as Decimal).minus(notional).minus(fee)
      },
    },
    {
      name: 'tradekit productOf, productOf, sumOf, sumOf',
      fn: () => {
        const k = i++ & 255
        const notional = productOf(prices[k] as Decimal, qty)
        const fee = productOf(notional, feeRate)
        sumOf(sumOf(cash[k] as Decimal, notional, -1), fee, -1)
      },
    },
  ],
)
