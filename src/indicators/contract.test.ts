/** The shared indicator contract (src/testing/contracts/indicatorContract.ts) run against every indicator. */
import { describe, it } from 'vitest'
import { type IndicatorContractSpec, indicatorContractCases } from '../testing/contracts/indicatorContract.js'
import {
  ATR,
  BollingerBands,
  type CandleInput,
  EMA,
  type Indicator,
  MACD,
  type PriceInput,
  RSI,
  SMA,
  StdDev,
  TrueRange,
} from './index.js'
import { makeCandles } from './testing/data.js'

const candles = makeCandles(120, 3)
const alternates = makeCandles(120, 4)
const closes = candles.map((c) => c.close)
const altCloses = alternates.map((c) => c.close)

const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]
const BAD_CANDLES = [
  { open: 10, high: 9, low: 11, close: 10, volume: 1 }, // high < low
  { open: 10, high: 11, low: 9, close: 10, volume: -1 }, // negative volume
  { open: 10, high: 11, low: 9, close: Number.NaN, volume: 1 },
  { open: 10, high: Number.POSITIVE_INFINITY, low: 9, close: 10, volume: 1 },
  { open: 12, high: 11, low: 9, close: 10, volume: 1 }, // open above high
  null,
]

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of specs
type AnySpec = IndicatorContractSpec<any, any>

const priceSpecs = (name: string, create: () => Indicator<PriceInput, unknown>): AnySpec[] => [
  { name: `${name} (numbers)`, create, inputs: closes, alternates: altCloses, invalid: BAD_NUMBERS },
  {
    name: `${name} (candles)`,
    create,
    inputs: candles,
    alternates,
    invalid: [...BAD_CANDLES, ...BAD_NUMBERS],
  },
]
const candleSpec = (name: string, create: AnySpec['create']): AnySpec => ({
  name,
  create,
  inputs: candles as CandleInput[],
  alternates,
  invalid: BAD_CANDLES,
})

const SPECS: AnySpec[] = [
  ...priceSpecs('SMA(10)', () => new SMA(10)),
  ...priceSpecs('SMA(1)', () => new SMA(1)),
  ...priceSpecs('EMA(10)', () => new EMA(10)),
  ...priceSpecs('RSI(14)', () => new RSI(14)),
  ...priceSpecs('MACD(12,26,9)', () => new MACD({ fast: 12, slow: 26, signal: 9 })),
  ...priceSpecs('BollingerBands(20,2)', () => new BollingerBands({ period: 20, stdDev: 2 })),
  ...priceSpecs('StdDev(10)', () => new StdDev(10)),
  candleSpec('TrueRange', () => new TrueRange()),
  candleSpec('ATR(14)', () => new ATR(14)),
]

for (const spec of SPECS) {
  describe(spec.name, () => {
    for (const c of indicatorContractCases(spec)) it(c.name, c.run)
  })
}
