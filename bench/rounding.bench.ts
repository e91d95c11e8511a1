/** Tick rounding: tradekit's roundPriceForSide vs a naive decimal.js implementation of the same rule. */
import DecimalJs from 'decimal.js'
import { roundPriceForSide, roundToStep } from '../src/decimal/index.js'
import { runSuite } from './harness.js'

const prices = Array.from({ length: 1024 }, (_, i) => (20000 + i * 0.137 + (i % 7) * 0.00123).toFixed(5))
let i = 0

await runSuite('tick rounding', 'one price rounded to a 0.01 tick and one qty to a 0.001 step', [
  {
    name: 'naive decimal.js (new Decimal, div, floor, mul)',
    baseline: true,
    fn: () => {
      const p = prices[i++ & 1023] as string
      new DecimalJs(p).div('0.01').floor().mul('0.01').toString()
      new DecimalJs(p).div('0.001').floor().mul('0.001').toString()
    },
  },
  {
    name: 'tradekit roundPriceForSide + roundToStep',
    fn: () => {
      const p = prices[i++ & 1023] as string
      roundPriceForSide(p, '0.01', 'BUY').toString()
      roundToStep(p, '0.001').toString()
    },
  },
])
