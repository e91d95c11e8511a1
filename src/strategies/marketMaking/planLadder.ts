import type { Side } from '../../core/types.js'
import { Decimal, roundToIncrement } from '../../decimal/index.js'

/** The ladder's shape: where it starts, how far it goes and in which steps, bounded to [minPrice, maxPrice]. */
export interface LadderShape {
  /** Distance of the first level from the price, price units. */
  readonly spread: Decimal
  /** How far beyond the first level the ladder goes. */
  readonly depth: Decimal
  /** Distance between levels. */
  readonly delta: Decimal
  readonly minPrice: Decimal
  readonly maxPrice: Decimal
  readonly tickSize: Decimal
}

/** One rung of the ladder. */
export interface LadderLevel {
  readonly side: Side
  readonly price: Decimal
  readonly qty: Decimal
}

const round2Down = (v: number): Decimal =>
  v > 0 && Number.isFinite(v) ? new Decimal(v).toDecimalPlaces(2, Decimal.ROUND_DOWN) : new Decimal(0)

/**
 * One token's ladder as a concentrated-liquidity AMM would quote it (Polymarket/poly-market-maker, "amm" strategy:
 * `poly_market_maker/strategies/amm.py`, `docs/strategies/amm.md`): buy prices from `price − spread` down by `delta`
 * to `max(price − spread − depth, minPrice)`, sell prices from `price + spread` up to
 * `min(price + spread + depth, maxPrice)`. With collateral `y` in the band below the price
 * (L = y / (√p − √p_l)) and `x` tokens in the band above it (L = x / (1/√p − 1/√p_u)), the cumulative size down to a
 * buy price p_t is L·(1/√p_t − 1/√p) and up to a sell price L/√p_u − L/√p_t + x; each level gets the difference from the
 * previous one, rounded down to 0.01 share. Prices are on the tick grid (the price rounded to the nearest tick first).
 *
 * @example
 * ```ts
 * const { buys, sells } = planLadder(new Decimal('0.5'), 100, 200, shape)
 * buys[0].qty // shares at 0.5 − spread
 * ```
 */
export function planLadder(
  price: Decimal,
  tokens: number,
  collateral: number,
  shape: LadderShape,
): { readonly buys: LadderLevel[]; readonly sells: LadderLevel[]; readonly phi: number } {
  const p = roundToIncrement(price, shape.tickSize, 'NEAREST')
  const pu = Decimal.min(p.plus(shape.spread).plus(shape.depth), shape.maxPrice)
  const pl = Decimal.max(p.minus(shape.spread).minus(shape.depth), shape.minPrice)
  const buyPrices: Decimal[] = []
  for (let t = p.minus(shape.spread); t.gte(pl) && t.gt(0); t = t.minus(shape.delta)) buyPrices.push(t)
  const sellPrices: Decimal[] = []
  for (let t = p.plus(shape.spread); t.lte(pu) && t.lt(1); t = t.plus(shape.delta)) sellPrices.push(t)
  const sp = Math.sqrt(p.toNumber())
  const spl = Math.sqrt(pl.toNumber())
  const spu = Math.sqrt(pu.toNumber())
  const lBuy = collateral / (sp - spl)
  const lSell = tokens / (1 / sp - 1 / spu)
  const cumBuy = buyPrices.map((t) => lBuy * (1 / Math.sqrt(t.toNumber()) - 1 / sp))
  const cumSell = sellPrices.map((t) => lSell / spu - lSell / Math.sqrt(t.toNumber()) + tokens)
  const diff = (a: number[]): number[] => a.map((v, i) => (i === 0 ? v : v - (a[i - 1] as number)))
  const first = buyPrices[0]
  const phi =
    first === undefined || sp <= spl ? 0 : (1 / (sp - spl)) * (1 / Math.sqrt(first.toNumber()) - 1 / sp)
  return {
    buys: diff(cumBuy).map((q, i) => ({ side: 'BUY', price: buyPrices[i] as Decimal, qty: round2Down(q) })),
    sells: diff(cumSell).map((q, i) => ({
      side: 'SELL',
      price: sellPrices[i] as Decimal,
      qty: round2Down(q),
    })),
    phi,
  }
}

/**
 * How the reference AMM splits collateral `y` between the two tokens' buy ladders so both best bids fill alike:
 * y_a = (bestSellA − bestSellB + y·φ_b) / (φ_a + φ_b), clamped to [0, y], both rounded down to 0.01.
 *
 * @example
 * ```ts
 * allocateCollateral(100, 0, 0, 1, 1) // [50, 50]
 * ```
 */
export function allocateCollateral(
  y: number,
  bestSellA: number,
  bestSellB: number,
  phiA: number,
  phiB: number,
): [number, number] {
  let ya = phiA + phiB > 0 ? (bestSellA - bestSellB + y * phiB) / (phiA + phiB) : y / 2
  ya = Math.min(Math.max(ya, 0), y)
  return [round2Down(ya).toNumber(), round2Down(y - ya).toNumber()]
}
