/** The shared indicator contract (src/testing/contracts/indicatorContract.ts) run against every indicator. */
import { describe, it } from 'vitest'
import {
  type IndicatorContractCase,
  type IndicatorContractSpec,
  indicatorContractCases,
} from '../testing/contracts/indicatorContract.js'
import {
  ADX,
  ATR,
  BollingerBands,
  type CandleInput,
  CCI,
  DEMA,
  DMI,
  Donchian,
  EMA,
  type Indicator,
  KeltnerChannels,
  MACD,
  MFI,
  OBV,
  type PriceInput,
  ROC,
  RSI,
  SMA,
  StdDev,
  Stochastic,
  TEMA,
  TrueRange,
  VWAP,
  WMA,
} from './index.js'
import { makeCandles } from './testing/data.js'

const candles = makeCandles(120, 3)
const alternates = makeCandles(120, 4)
const closes = candles.map((c) => c.close)
const altCloses = alternates.map((c) => c.close)

// Finite but beyond ±1e30 (MAX_INPUT): 2e154² overflows a window's sum of squares to Infinity.
const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2e154, -1e31]
const BAD_CANDLES = [
  { open: 10, high: 9, low: 11, close: 10, volume: 1 }, // high < low
  { open: 10, high: 11, low: 9, close: 10, volume: -1 }, // negative volume
  { open: 10, high: 11, low: 9, close: Number.NaN, volume: 1 },
  { open: 10, high: Number.POSITIVE_INFINITY, low: 9, close: 10, volume: 1 },
  { open: 12, high: 11, low: 9, close: 10, volume: 1 }, // open above high
  { open: 2e154, high: 2e154, low: 2e154, close: 2e154, volume: 1 }, // beyond ±1e30
  { open: 10, high: 11, low: 9, close: 10, volume: 1e300 }, // volume beyond 1e30: TP × volume overflows
  null,
]

/** One indicator's contract, whatever its input and output types: its name, and its cases (made in its describe). */
interface ContractSuite {
  readonly name: string
  readonly cases: () => IndicatorContractCase[]
}

const suite = <In, Out>(spec: IndicatorContractSpec<In, Out>): ContractSuite => ({
  name: spec.name,
  cases: () => indicatorContractCases(spec),
})

const priceSpecs = (name: string, create: () => Indicator<PriceInput, unknown>): ContractSuite[] => [
  suite({ name: `${name} (numbers)`, create, inputs: closes, alternates: altCloses, invalid: BAD_NUMBERS }),
  suite({
    name: `${name} (candles)`,
    create,
    inputs: candles,
    alternates,
    invalid: [...BAD_CANDLES, ...BAD_NUMBERS],
  }),
]
const candleSpec = (name: string, create: () => Indicator<CandleInput, unknown>): ContractSuite =>
  suite({ name, create, inputs: candles as CandleInput[], alternates, invalid: BAD_CANDLES })

const SPECS: ContractSuite[] = [
  ...priceSpecs('SMA(10)', () => new SMA(10)),
  ...priceSpecs('SMA(1)', () => new SMA(1)),
  ...priceSpecs('EMA(10)', () => new EMA(10)),
  ...priceSpecs('RSI(14)', () => new RSI(14)),
  ...priceSpecs('MACD(12,26,9)', () => new MACD({ fast: 12, slow: 26, signal: 9 })),
  ...priceSpecs('BollingerBands(20,2)', () => new BollingerBands({ period: 20, stdDev: 2 })),
  ...priceSpecs('StdDev(10)', () => new StdDev(10)),
  candleSpec('TrueRange', () => new TrueRange()),
  candleSpec('ATR(14)', () => new ATR(14)),
  ...priceSpecs('WMA(10)', () => new WMA(10)),
  ...priceSpecs('DEMA(8)', () => new DEMA(8)),
  ...priceSpecs('TEMA(8)', () => new TEMA(8)),
  ...priceSpecs('ROC(10)', () => new ROC(10)),
  candleSpec('OBV', () => new OBV()),
  candleSpec('CCI(20)', () => new CCI(20)),
  candleSpec('MFI(14)', () => new MFI(14)),
  candleSpec('ADX(14)', () => new ADX(14)),
  candleSpec('DMI(14)', () => new DMI(14)),
  candleSpec('Stochastic(14,3,3)', () => new Stochastic({ kPeriod: 14, kSlowing: 3, dPeriod: 3 })),
  candleSpec('Donchian(20)', () => new Donchian(20)),
  candleSpec(
    'KeltnerChannels(20,10,2)',
    () => new KeltnerChannels({ period: 20, atrPeriod: 10, multiplier: 2 }),
  ),
  candleSpec('rolling VWAP(20)', () => new VWAP({ period: 20 })),
  suite({
    name: 'session VWAP (1h sessions)',
    create: () => new VWAP({ sessionMs: 3_600_000 }),
    inputs: candles.map((c, i) => ({ ...c, openTime: i * 900_000 })),
    alternates: alternates.map((c, i) => ({ ...c, openTime: i * 900_000 })),
    invalid: [...BAD_CANDLES, { ...candles[0]!, openTime: Number.NaN }, { ...candles[0]! }],
  }),
]

for (const spec of SPECS) {
  describe(spec.name, () => {
    for (const c of spec.cases()) it(c.name, c.run)
  })
}
