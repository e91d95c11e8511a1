import { Decimal, roundPriceForSide } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'
import { checkPrice, gcd, type OrderAmounts, ruleFor, toBaseUnits, toDec, tooSmall } from './amountMath.js'
import { MARKET_MAKER_MAX_DECIMALS, MARKET_TAKER_MAX_DECIMALS, type TickSize } from './constants.js'
import type { MarketOrderRounding, PolymarketSide } from './types.js'

const MAKER_UNITS = 10n ** BigInt(MARKET_MAKER_MAX_DECIMALS)

/**
 * Maker/taker amounts of a market order (FOK/FAK) at worst price `price`: a BUY spends `amount` pUSD, a SELL sells
 * `amount` shares.
 *
 * - `'official'` (default): as Polymarket's client (`getMarketOrderRawAmounts`) computes them, in exact decimals:
 *   price rounded down to the tick's decimals, maker = amount rounded down to 2 decimals, taker = maker ÷ price
 *   (BUY) or maker × price (SELL) with the client's round-up-at-`amount+4`-then-down fix-up; then the server's
 *   market-order precision (taker ≤ 4 decimals, truncating). On 0.1 and 0.01 ticks that last step changes nothing,
 *   so the amounts are bit-identical with the official client; on finer ticks the client's taker amount has more
 *   decimals than the server accepts and tradekit truncates it.
 * - `'exactRatio'`: the largest amounts within both precision limits whose ratio is exactly the tick-aligned
 *   price, never spending more than asked (a BUY may spend up to one share less than asked).
 *
 * @example
 * ```ts
 * marketOrderAmounts('BUY', '100', '0.57', '0.01')               // 100000000 / 175438500, as the official client
 * marketOrderAmounts('BUY', '100', '0.57', '0.01', 'exactRatio') // 99750000 / 175000000: exactly 0.57
 * ```
 */
export function marketOrderAmounts(
  side: PolymarketSide,
  amount: string | number,
  price: string | number,
  tickSize: TickSize,
  rounding: MarketOrderRounding = 'official',
): OrderAmounts {
  if (rounding === 'exactRatio') return exactRatioAmounts(side, amount, price, tickSize)
  if (rounding !== 'official') {
    throw new ValidationError(`Invalid rounding "${String(rounding)}"`, { field: 'rounding' })
  }
  return officialAmounts(side, amount, price, tickSize)
}

function officialAmounts(
  side: PolymarketSide,
  amount: string | number,
  price: string | number,
  tickSize: TickSize,
): OrderAmounts {
  const rule = ruleFor(tickSize)
  const tick = new Decimal(tickSize)
  const p = toDec(price, 'price').toDecimalPlaces(rule.price, Decimal.ROUND_DOWN)
  checkPrice(p, tick)
  const a = positiveAmount(amount)
  const maker = BigInt(a.times(100).toFixed(0, Decimal.ROUND_DOWN)) // maker / 10^2
  if (maker === 0n) throw tooSmall(a, p)
  const k = p.decimalPlaces()
  const num = BigInt(p.times(new Decimal(10).pow(k)).toFixed(0)) // p = num / 10^k
  // taker = maker / 10^2 ÷ (num / 10^k) (BUY) or maker / 10^2 × num / 10^k (SELL), as the fraction n / d.
  const [n, d] =
    side === 'BUY'
      ? [maker * 10n ** BigInt(k), MAKER_UNITS * num]
      : [maker * num, MAKER_UNITS * 10n ** BigInt(k)]
  const taker = truncate(clientFixUp(n, d, rule.amount), rule.amount, MARKET_TAKER_MAX_DECIMALS)
  if (taker === 0n) throw tooSmall(a, p)
  const makerDec = new Decimal(maker.toString()).div(100)
  const takerDec = new Decimal(taker.toString()).div(new Decimal(10).pow(MARKET_TAKER_MAX_DECIMALS))
  const size = side === 'BUY' ? takerDec : makerDec
  return { makerAmount: toBaseUnits(makerDec), takerAmount: toBaseUnits(takerDec), price: p, size }
}

/**
 * The client's fix-up on the exact fraction n / d: kept when it has at most `decimals` decimals, else rounded up
 * at `decimals + 4`, and rounded down at `decimals` if that still leaves too many. Returns units of 10^-decimals.
 */
function clientFixUp(n: bigint, d: bigint, decimals: number): bigint {
  const scaled = n * 10n ** BigInt(decimals)
  if (scaled % d === 0n) return scaled / d
  const fine = n * 10n ** BigInt(decimals + 4)
  const up = (fine + d - 1n) / d // ceil, in 10^-(decimals+4)
  return up / 10n ** 4n // exact when the round-up carried into `decimals`, else rounded down
}

/** Units of 10^-from truncated to 10^-to (to ≤ from: unchanged when from ≤ to, rescaled). */
function truncate(units: bigint, from: number, to: number): bigint {
  if (from <= to) return units * 10n ** BigInt(to - from)
  return units / 10n ** BigInt(from - to)
}

function positiveAmount(amount: string | number): Decimal {
  const a = toDec(amount, 'amount')
  if (a.lte(0)) {
    throw new ValidationError(`Invalid amount "${a.toFixed()}": must be greater than 0`, { field: 'amount' })
  }
  return a
}

function exactRatioAmounts(
  side: PolymarketSide,
  amount: string | number,
  price: string | number,
  tickSize: TickSize,
): OrderAmounts {
  const tick = new Decimal(tickSize)
  const p = roundPriceForSide(toDec(price, 'price'), tick, side)
  checkPrice(p, tick)
  const a = positiveAmount(amount)
  const k = p.decimalPlaces()
  const num = BigInt(p.times(new Decimal(10).pow(k)).toFixed(0)) // p = num / 10^k
  if (side === 'BUY') {
    // shares t / 10^4, cost t·num / 10^(k+4) must have ≤ 2 decimals: t·num ≡ 0 (mod 10^(k+2)).
    const mod = 10n ** BigInt(k + MARKET_MAKER_MAX_DECIMALS)
    const step = mod / gcd(num, mod)
    const spend = a.toDecimalPlaces(MARKET_MAKER_MAX_DECIMALS, Decimal.ROUND_DOWN)
    const tMax = BigInt(
      spend
        .div(p)
        .times(10 ** MARKET_TAKER_MAX_DECIMALS)
        .toFixed(0, Decimal.ROUND_DOWN),
    )
    const t = (tMax / step) * step
    if (t === 0n) throw tooSmall(a, p)
    const shares = new Decimal(t.toString()).div(10 ** MARKET_TAKER_MAX_DECIMALS)
    const cost = shares.times(p)
    return { makerAmount: toBaseUnits(cost), takerAmount: toBaseUnits(shares), price: p, size: shares }
  }
  // shares s / 10^2, proceeds s·num / 10^(k+2) must have ≤ 4 decimals: s·num ≡ 0 (mod 10^(k−2)).
  const exp = Math.max(0, k + MARKET_MAKER_MAX_DECIMALS - MARKET_TAKER_MAX_DECIMALS)
  const mod = 10n ** BigInt(exp)
  const step = mod / gcd(num, mod)
  const sMax = BigInt(a.times(10 ** MARKET_MAKER_MAX_DECIMALS).toFixed(0, Decimal.ROUND_DOWN))
  const s = (sMax / step) * step
  if (s === 0n) throw tooSmall(a, p)
  const shares = new Decimal(s.toString()).div(10 ** MARKET_MAKER_MAX_DECIMALS)
  const proceeds = shares.times(p)
  return { makerAmount: toBaseUnits(shares), takerAmount: toBaseUnits(proceeds), price: p, size: shares }
}
