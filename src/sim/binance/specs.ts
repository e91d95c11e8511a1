import type { SimSymbolSpec } from './market.js'

/** A symbol to simulate: a known preset name (`BTCUSDT`, `ETHUSDT`, `BNBUSDT`) or a full spec. */
export type SimSymbolInput = string | (Partial<SimSymbolSpec> & { symbol: string })

const SPOT_PRESETS: Record<string, Omit<SimSymbolSpec, 'symbol'>> = {
  BTCUSDT: {
    base: 'BTC',
    quote: 'USDT',
    startPrice: '50000.00',
    tickSize: '0.01',
    stepSize: '0.00001',
    minQty: '0.00001',
    maxQty: '9000',
    minPrice: '0.01',
    maxPrice: '1000000',
    minNotional: '5',
    volatilityTicks: 300,
    depthLevels: 50,
  },
  ETHUSDT: {
    base: 'ETH',
    quote: 'USDT',
    startPrice: '3000.00',
    tickSize: '0.01',
    stepSize: '0.0001',
    minQty: '0.0001',
    maxQty: '9000',
    minPrice: '0.01',
    maxPrice: '1000000',
    minNotional: '5',
    volatilityTicks: 30,
    depthLevels: 50,
  },
  BNBUSDT: {
    base: 'BNB',
    quote: 'USDT',
    startPrice: '600.0',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '9000',
    minPrice: '0.1',
    maxPrice: '100000',
    minNotional: '5',
    volatilityTicks: 3,
    depthLevels: 50,
  },
}

const USDM_PRESETS: Record<string, Omit<SimSymbolSpec, 'symbol'>> = {
  BTCUSDT: {
    base: 'BTC',
    quote: 'USDT',
    startPrice: '50000.0',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minPrice: '556.8',
    maxPrice: '4529764',
    minNotional: '100',
    volatilityTicks: 30,
    depthLevels: 50,
  },
  ETHUSDT: {
    base: 'ETH',
    quote: 'USDT',
    startPrice: '3000.00',
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '10000',
    minPrice: '39.86',
    maxPrice: '306177',
    minNotional: '20',
    volatilityTicks: 30,
    depthLevels: 50,
  },
  BNBUSDT: {
    base: 'BNB',
    quote: 'USDT',
    startPrice: '600.000',
    tickSize: '0.010',
    stepSize: '0.01',
    minQty: '0.01',
    maxQty: '10000',
    minPrice: '6.600',
    maxPrice: '100000',
    minNotional: '5',
    volatilityTicks: 30,
    depthLevels: 50,
  },
}

function generic(symbol: string, futures: boolean): Omit<SimSymbolSpec, 'symbol'> {
  const quote = symbol.endsWith('USDT') ? 'USDT' : symbol.slice(-3)
  return {
    base: symbol.slice(0, symbol.length - quote.length),
    quote,
    startPrice: '100.00',
    tickSize: '0.01',
    stepSize: futures ? '0.001' : '0.0001',
    minQty: futures ? '0.001' : '0.0001',
    maxQty: '100000',
    minPrice: '0.01',
    maxPrice: '1000000',
    minNotional: '5',
    volatilityTicks: 5,
    depthLevels: 50,
  }
}

/** Resolves a symbol input to a full spec for one market. */
export function resolveSpec(input: SimSymbolInput, market: 'spot' | 'usdm'): SimSymbolSpec {
  const symbol = (typeof input === 'string' ? input : input.symbol).toUpperCase()
  const presets = market === 'spot' ? SPOT_PRESETS : USDM_PRESETS
  const base = presets[symbol] ?? generic(symbol, market === 'usdm')
  return { ...base, ...(typeof input === 'string' ? {} : input), symbol }
}

/**
 * The MARKET_LOT_SIZE of a symbol: its `marketLot`, else spot `["0.00000000", maxQty, "0.00000000"]` (the zero step
 * real spot symbols send; set `marketLot` for their far smaller maxQty) and USD-M the LOT_SIZE values.
 */
export function marketLotOf(
  spec: SimSymbolSpec,
  market: 'spot' | 'usdm',
): readonly [minQty: string, maxQty: string, stepSize: string] {
  if (spec.marketLot !== undefined) return spec.marketLot
  return market === 'spot'
    ? ['0.00000000', spec.maxQty, '0.00000000']
    : [spec.minQty, spec.maxQty, spec.stepSize]
}
