import type { QuoteLevel } from '../../core/quotes.js'
import type { Side } from '../../core/types.js'
import { Decimal, roundToIncrement } from '../../decimal/index.js'

/** One band of {@link planBands}: margins in price units from the target price, sizes in shares. */
export interface Band {
  readonly minMargin: Decimal
  readonly avgMargin: Decimal
  readonly maxMargin: Decimal
  readonly minSize: Decimal
  readonly avgSize: Decimal
  readonly maxSize: Decimal
}

/** One of our resting orders, as the band arithmetic sees it. */
export interface BandOrder {
  readonly id: string
  readonly symbol: string
  readonly side: Side
  readonly price: Decimal
  /** Open (unfilled) size, shares. */
  readonly size: Decimal
}

/** What {@link planBands} reads. */
export interface BandsInput {
  readonly bands: readonly Band[]
  readonly tokenId: string
  readonly complementTokenId: string
  /** Target price of `tokenId` (the complement's is 1 − it). */
  readonly targetPrice: Decimal
  readonly orders: readonly BandOrder[]
  /** Shares held of each token. */
  readonly balances: { readonly token: Decimal; readonly complement: Decimal }
  /** Collateral available for new buys (undefined: unbounded; the RiskManager and the venue bound it). */
  readonly collateral?: Decimal
  readonly tickSize: Decimal
  readonly sizeStep: Decimal
  /** Smallest order placed. */
  readonly minOrderSize: Decimal
}

/** What {@link planBands} decides: the orders to keep, those to cancel and those to place (sells first). */
export interface BandsPlan {
  readonly keep: readonly BandOrder[]
  readonly cancel: readonly BandOrder[]
  readonly place: readonly QuoteLevel[]
}

const ONE = new Decimal(1)
const ZERO = new Decimal(0)

/**
 * The band arithmetic of Polymarket's reference market maker (`Polymarket/poly-market-maker`,
 * `poly_market_maker/strategies/bands.py` and `bands_strategy.py`, documented in `docs/strategies/bands.md`): for each
 * of the two outcome tokens as the "buy token", a band holds our buys of it and our sells of the other token, a sell
 * at q counting as a buy at 1 − q. A band spans (target − maxMargin, target − minMargin]. Orders in no band are
 * cancelled; a band holding more than `maxSize` is cancelled down to `avgSize` (first band: nearest the target first;
 * last band: farthest first; others: largest first, as the reference pops them); a band holding less than `minSize`
 * is filled up to `avgSize`, first by selling the other token at (1 − target) + avgMargin (up to the shares held),
 * then by buying at target − avgMargin (up to the collateral).
 *
 * Two deliberate differences from the reference: a band is cancelled down to `avgSize` (as its documentation says;
 * its code stops at `maxSize`), and the placing step counts the band after the cancels of the same pass, so one pass
 * converges. New prices are rounded to the tick, keeping them inside the band.
 *
 * @example
 * ```ts
 * const plan = planBands({ bands, tokenId: 'yes', complementTokenId: 'no', targetPrice: new Decimal('0.5'), orders: [],
 *   balances: { token: new Decimal(0), complement: new Decimal(0) }, tickSize: new Decimal('0.01'),
 *   sizeStep: new Decimal('0.01'), minOrderSize: new Decimal('5') })
 * plan.place // a buy of each token in every band
 * ```
 */
export function planBands(inp: BandsInput): BandsPlan {
  const keep: BandOrder[] = []
  const cancel: BandOrder[] = []
  const place: QuoteLevel[] = []
  let collateral = inp.collateral
  const sides = [
    {
      buy: inp.tokenId,
      other: inp.complementTokenId,
      target: inp.targetPrice,
      held: inp.balances.complement,
    },
    {
      buy: inp.complementTokenId,
      other: inp.tokenId,
      target: ONE.minus(inp.targetPrice),
      held: inp.balances.token,
    },
  ]
  for (const s of sides) {
    const orders = inp.orders.filter(
      (o) => (o.side === 'BUY' && o.symbol === s.buy) || (o.side === 'SELL' && o.symbol === s.other),
    )
    const bands = virtualBands(inp.bands, s.target, inp.tickSize)
    const cancelled = new Set<BandOrder>()
    for (const [i, band] of bands.entries()) {
      for (const o of excessive(band, orders, s.target, i === 0, i === bands.length - 1)) cancelled.add(o)
    }
    for (const o of orders) if (!bands.some((b) => includes(b, o, s.target))) cancelled.add(o)
    const kept = orders.filter((o) => !cancelled.has(o))
    keep.push(...kept)
    cancel.push(...cancelled)
    let free = s.held.minus(kept.filter((o) => o.side === 'SELL').reduce((a, o) => a.plus(o.size), ZERO))
    for (const band of bands) {
      let amount = kept.filter((o) => includes(band, o, s.target)).reduce((a, o) => a.plus(o.size), ZERO)
      if (amount.gte(band.minSize)) continue
      const sellPrice = bandPrice(band, s.target, inp.tickSize, 'SELL')
      const sellSize = roundDown(Decimal.min(band.avgSize.minus(amount), free), inp.sizeStep)
      if (sellPrice !== undefined && valid(sellPrice, sellSize, inp.minOrderSize)) {
        place.push({ symbol: s.other, side: 'SELL', price: sellPrice, qty: sellSize })
        amount = amount.plus(sellSize)
        free = free.minus(sellSize)
      }
      if (amount.gte(band.avgSize)) continue
      const buyPrice = bandPrice(band, s.target, inp.tickSize, 'BUY')
      if (buyPrice === undefined) continue
      let buySize = band.avgSize.minus(amount)
      if (collateral !== undefined) buySize = Decimal.min(buySize, collateral.div(buyPrice))
      buySize = roundDown(buySize, inp.sizeStep)
      if (!valid(buyPrice, buySize, inp.minOrderSize)) continue
      place.push({ symbol: s.buy, side: 'BUY', price: buyPrice, qty: buySize })
      if (collateral !== undefined) collateral = collateral.minus(buySize.times(buyPrice))
    }
  }
  // Sells before the equivalent buys: the sells free collateral and reduce inventory.
  place.sort((a, b) => (a.side === b.side ? 0 : a.side === 'SELL' ? -1 : 1))
  return { keep, cancel, place }
}

/** The bands usable at this target: those whose upper price is positive, the average buy price kept above 0. */
function virtualBands(bands: readonly Band[], target: Decimal, tick: Decimal): Band[] {
  const out: Band[] = []
  for (const b of bands) {
    if (target.minus(b.minMargin).lte(0)) continue
    out.push(target.minus(b.avgMargin).lte(0) ? { ...b, avgMargin: target.minus(tick) } : b)
  }
  return out
}

/** The band-space price of an order: a buy at its price, a sell of the other token at 1 − price. */
function bandSpace(o: BandOrder, buyToken: boolean): Decimal {
  return buyToken ? o.price : ONE.minus(o.price)
}

function includes(b: Band, o: BandOrder, target: Decimal): boolean {
  const p = bandSpace(o, o.side === 'BUY')
  return p.gt(target.minus(b.maxMargin)) && p.lte(target.minus(b.minMargin))
}

function excessive(
  b: Band,
  orders: readonly BandOrder[],
  target: Decimal,
  first: boolean,
  last: boolean,
): BandOrder[] {
  const inBand = orders.filter((o) => includes(b, o, target))
  let amount = inBand.reduce((a, o) => a.plus(o.size), ZERO)
  if (amount.lte(b.maxSize)) return []
  const dist = (o: BandOrder): Decimal =>
    bandSpace(o, o.side === 'BUY')
      .minus(target)
      .abs()
  // Sorted so that the reference's pop() (from the end) takes the right order next.
  const sorted = [...inBand].sort((x, y) =>
    first ? dist(y).cmp(dist(x)) : last ? dist(x).cmp(dist(y)) : x.size.cmp(y.size),
  )
  const out: BandOrder[] = []
  while (amount.gt(b.avgSize) && sorted.length > 0) {
    const o = sorted.pop() as BandOrder
    out.push(o)
    amount = amount.minus(o.size)
  }
  return out
}

/** The band's average price for a new buy (target − avgMargin) or sell of the other token (1 − that), on the tick grid and inside the band. */
function bandPrice(b: Band, target: Decimal, tick: Decimal, side: Side): Decimal | undefined {
  const raw = target.minus(b.avgMargin)
  for (const mode of ['NEAREST', 'DOWN', 'UP'] as const) {
    const p = roundToIncrement(raw, tick, mode)
    if (p.gt(target.minus(b.maxMargin)) && p.lte(target.minus(b.minMargin)))
      return side === 'BUY' ? p : ONE.minus(p)
  }
  return undefined
}

function valid(price: Decimal, size: Decimal, minSize: Decimal): boolean {
  return price.gt(0) && price.lt(1) && size.gte(minSize) && size.gt(0)
}

function roundDown(v: Decimal, step: Decimal): Decimal {
  return v.lte(0) ? ZERO : roundToIncrement(v, step, 'DOWN')
}
