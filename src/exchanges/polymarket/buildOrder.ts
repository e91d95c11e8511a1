import { SystemClock } from '../../core/clock.js'
import { Decimal, roundPriceForSide } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'
import {
  BYTES32_ZERO,
  COLLATERAL_DECIMALS,
  isTickSize,
  MARKET_MAKER_MAX_DECIMALS,
  MARKET_TAKER_MAX_DECIMALS,
  ROUNDING_RULES,
  type TickSize,
} from './constants.js'
import { type EthersModule, loadEthers } from './loadEthers.js'
import type {
  BuildOrderOptions,
  LimitOrderOptions,
  MarketOrderOptions,
  PolymarketOrder,
  PolymarketSide,
  PriceLevel,
} from './types.js'

const SYSTEM_CLOCK = new SystemClock()

const BYTES32 = /^0x[0-9a-fA-F]{64}$/
const UINT = /^(0|[1-9]\d{0,77})$/

/** Maker and taker amounts of an order, in 1e-6 base units, with the price and size they encode. */
export interface OrderAmounts {
  readonly makerAmount: string
  readonly takerAmount: string
  /** The price the amounts encode (pUSD per share). */
  readonly price: Decimal
  /** Shares bought or sold. */
  readonly size: Decimal
}

/**
 * Maker/taker amounts of a limit order, computed as Polymarket's client does for the tick size: price rounded
 * half-up to the tick's price decimals, size rounded down to 2 decimals, amount = size × price with the client's
 * round-up-then-down fix-up to the amount decimals. Done in exact decimals, so the result never carries float
 * noise (which is what that fix-up exists to strip). Throws {@link ValidationError} on a price outside
 * [tick, 1 − tick] or off the tick grid, and on a size that rounds to zero.
 *
 * @example
 * ```ts
 * const a = limitOrderAmounts('BUY', '0.55', '10', '0.01')
 * a.makerAmount // '5500000': 5.5 pUSD paid (6 decimals)
 * a.takerAmount // '10000000': 10 shares received
 * ```
 */
export function limitOrderAmounts(
  side: PolymarketSide,
  price: string | number,
  size: string | number,
  tickSize: TickSize,
): OrderAmounts {
  const rule = ruleFor(tickSize)
  const tick = new Decimal(tickSize)
  const p = toDec(price, 'price').toDecimalPlaces(rule.price, Decimal.ROUND_HALF_UP)
  checkPrice(p, tick)
  const s = toDec(size, 'size')
  if (s.lte(0))
    throw new ValidationError(`Invalid size "${s.toFixed()}": must be greater than 0`, { field: 'size' })
  const shares = s.toDecimalPlaces(rule.size, Decimal.ROUND_DOWN)
  if (shares.isZero()) {
    throw new ValidationError(`Invalid size "${s.toFixed()}": rounds to 0 at ${rule.size} decimals`, {
      field: 'size',
    })
  }
  const amount = fixUp(shares.times(p), rule.amount)
  if (amount.isZero()) throw new ValidationError('Order amount rounds to 0', { field: 'size' })
  const [maker, taker] = side === 'BUY' ? [amount, shares] : [shares, amount]
  return { makerAmount: toBaseUnits(maker), takerAmount: toBaseUnits(taker), price: p, size: shares }
}

/**
 * Maker/taker amounts of a market order (FOK/FAK) at worst price `price`. BUY spends at most `amount` pUSD, SELL
 * sells at most `amount` shares. The server accepts at most 2 decimals on the maker amount and 4 on the taker
 * amount; Polymarket's client truncates the taker amount to 4 decimals, which on fine ticks (0.001, 0.0001,
 * 0.0025, 0.005) changes the price the amounts encode. tradekit instead picks the largest amounts within both
 * precision limits whose ratio is exactly the tick-aligned price, so the order is never priced worse than asked.
 *
 * @example
 * ```ts
 * const a = marketOrderAmounts('BUY', '10', '0.55', '0.01') // spend at most 10 pUSD at 0.55 or better
 * a.makerAmount // '9900000': 9.9 pUSD (2-decimal limit)
 * a.takerAmount // '18000000': 18 shares, so the encoded price is exactly 0.55
 * ```
 */
export function marketOrderAmounts(
  side: PolymarketSide,
  amount: string | number,
  price: string | number,
  tickSize: TickSize,
): OrderAmounts {
  ruleFor(tickSize)
  const tick = new Decimal(tickSize)
  const p = roundPriceForSide(toDec(price, 'price'), tick, side)
  checkPrice(p, tick)
  const a = toDec(amount, 'amount')
  if (a.lte(0)) {
    throw new ValidationError(`Invalid amount "${a.toFixed()}": must be greater than 0`, { field: 'amount' })
  }
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

/**
 * The worst price a market order of `amount` reaches when it walks `levels` (best first): for a BUY, the ask at
 * which the cumulative cost reaches `amount` pUSD; for a SELL, the bid at which the cumulative size reaches
 * `amount` shares. When the book is too thin, FOK throws and FAK takes the last level's price.
 *
 * @example
 * ```ts
 * const asks = [{ price: '0.50', size: '10' }, { price: '0.52', size: '100' }] // best first
 * walkBookPrice('BUY', '10', asks).toString() // '0.52': 10 pUSD does not fit in the first level (5 pUSD)
 * ```
 */
export function walkBookPrice(
  side: PolymarketSide,
  amount: string | number,
  levels: readonly PriceLevel[],
  orderType: 'FOK' | 'FAK' = 'FOK',
): Decimal {
  const target = toDec(amount, 'amount')
  if (levels.length === 0)
    throw new ValidationError('No liquidity to price the market order', { field: 'book' })
  let sum = new Decimal(0)
  let last: Decimal | undefined
  for (const level of levels) {
    const price = toDec(level.price, 'book.price')
    const size = toDec(level.size, 'book.size')
    last = price
    sum = sum.plus(side === 'BUY' ? size.times(price) : size)
    if (sum.gte(target)) return price
  }
  if (orderType === 'FOK' || last === undefined) {
    throw new ValidationError(`The book cannot fill ${target.toFixed()} (FOK)`, { field: 'book' })
  }
  return last
}

/**
 * Builds an unsigned CLOB V2 limit order (GTC/GTD) from a price and a size, with maker and taker amounts rounded
 * exactly as Polymarket expects for the market's tick size. For signature types 1 and 2 the maker is `funder`.
 *
 * @example
 * ```ts
 * const order = await buildOrder(
 *   { tokenId, price: '0.55', size: '10', side: 'BUY' },
 *   { tickSize: '0.01', negRisk: false, signatureType: 0, signer: wallet.address },
 * )
 * order.makerAmount // '5500000' (5.5 pUSD); order.takerAmount // '10000000' (10 shares)
 * ```
 */
export async function buildOrder(
  args: LimitOrderOptions,
  options: BuildOrderOptions,
): Promise<PolymarketOrder> {
  const ethers = await loadEthers()
  const amounts = limitOrderAmounts(args.side, args.price, args.size, options.tickSize)
  return assemble(args, options, amounts, args.expiration, ethers)
}

/**
 * Builds an unsigned market order (FOK/FAK): a BUY spends `amount` pUSD, a SELL sells `amount` shares, at worst
 * `price` or, without one, at the price reached by walking `book`. Amounts respect the server's market-order
 * precision (maker ≤ 2 decimals, taker ≤ 4) and encode exactly the tick-aligned price.
 *
 * @example
 * ```ts
 * const order = await buildMarketOrder(
 *   { tokenId, side: 'BUY', amount: '25', book: asks },
 *   { tickSize: '0.001', negRisk: true, signatureType: 2, signer: eoa, funder: safe },
 * )
 * ```
 */
export async function buildMarketOrder(
  args: MarketOrderOptions,
  options: BuildOrderOptions,
): Promise<PolymarketOrder> {
  const ethers = await loadEthers()
  let price = args.price
  if (price === undefined) {
    if (args.book === undefined) {
      throw new ValidationError('A market order needs a price or a book to walk', { field: 'price' })
    }
    price = walkBookPrice(args.side, args.amount, args.book, args.orderType ?? 'FOK').toFixed()
  }
  const amounts = marketOrderAmounts(args.side, args.amount, price, options.tickSize)
  return assemble(args, options, amounts, 0, ethers)
}

function assemble(
  args: {
    tokenId: string
    side: PolymarketSide
    salt?: string
    timestamp?: number | string
    metadata?: string
    builder?: string
  },
  options: BuildOrderOptions,
  amounts: OrderAmounts,
  expiration: number | string | undefined,
  ethers: EthersModule,
): PolymarketOrder {
  if (args.side !== 'BUY' && args.side !== 'SELL') {
    throw new ValidationError(`Invalid side "${String(args.side)}"`, { field: 'side' })
  }
  if (!UINT.test(args.tokenId) || args.tokenId === '0') {
    throw new ValidationError(`Invalid token id "${String(args.tokenId).slice(0, 80)}"`, { field: 'tokenId' })
  }
  const sigType = options.signatureType
  if (sigType !== 0 && sigType !== 1 && sigType !== 2) {
    throw new ValidationError(`Invalid signature type "${String(sigType)}"`, { field: 'signatureType' })
  }
  const signer = address(options.signer, 'signer', ethers)
  let maker = signer
  if (sigType !== 0) {
    if (options.funder === undefined) {
      throw new ValidationError('Signature types 1 and 2 need the funder (proxy or Safe) address', {
        field: 'funder',
      })
    }
    maker = address(options.funder, 'funder', ethers)
  } else if (options.funder !== undefined && address(options.funder, 'funder', ethers) !== signer) {
    throw new ValidationError('With signature type 0 (EOA) the funder must be the signer', {
      field: 'funder',
    })
  }
  const metadata = bytes32(args.metadata, 'metadata')
  const builder = bytes32(args.builder, 'builder')
  const salt = args.salt ?? randomSalt()
  if (!UINT.test(salt)) throw new ValidationError(`Invalid salt "${salt}"`, { field: 'salt' })
  const timestamp = String(args.timestamp ?? (options.clock ?? SYSTEM_CLOCK).now())
  if (!UINT.test(timestamp))
    throw new ValidationError(`Invalid timestamp "${timestamp}"`, { field: 'timestamp' })
  const exp = String(expiration ?? 0)
  if (!UINT.test(exp)) throw new ValidationError(`Invalid expiration "${exp}"`, { field: 'expiration' })
  return {
    salt,
    maker,
    signer,
    tokenId: args.tokenId,
    makerAmount: amounts.makerAmount,
    takerAmount: amounts.takerAmount,
    side: args.side,
    signatureType: sigType,
    timestamp,
    expiration: exp,
    metadata,
    builder,
  }
}

/**
 * A random salt below 2^53: the POST body carries it as a JSON number.
 *
 * @example
 * ```ts
 * const order = await buildOrder({ tokenId, price: '0.55', size: '10', side: 'BUY', salt: randomSalt() }, options)
 * ```
 */
export function randomSalt(): string {
  const words = new Uint32Array(2)
  globalThis.crypto.getRandomValues(words)
  const hi = (words[0] ?? 0) & 0x1fffff
  return (BigInt(hi) * 2n ** 32n + BigInt(words[1] ?? 0)).toString()
}

function ruleFor(tickSize: TickSize): (typeof ROUNDING_RULES)[TickSize] {
  if (!isTickSize(tickSize)) {
    throw new ValidationError(`Unsupported tick size "${String(tickSize)}"`, { field: 'tickSize' })
  }
  return ROUNDING_RULES[tickSize]
}

function checkPrice(p: Decimal, tick: Decimal): void {
  if (p.lt(tick) || p.gt(new Decimal(1).minus(tick))) {
    throw new ValidationError(
      `Invalid price "${p.toFixed()}": must be within [${tick.toFixed()}, ${new Decimal(1).minus(tick).toFixed()}]`,
      { field: 'price' },
    )
  }
  if (!p.mod(tick).isZero()) {
    throw new ValidationError(
      `Invalid price "${p.toFixed()}": not a multiple of the tick ${tick.toFixed()}`,
      {
        field: 'price',
      },
    )
  }
}

/** Polymarket's fix-up: when there are too many decimals, round up at decimals + 4, then down at decimals. */
function fixUp(v: Decimal, decimals: number): Decimal {
  if (v.decimalPlaces() <= decimals) return v
  const up = v.toDecimalPlaces(decimals + 4, Decimal.ROUND_UP)
  return up.decimalPlaces() <= decimals ? up : up.toDecimalPlaces(decimals, Decimal.ROUND_DOWN)
}

function toBaseUnits(v: Decimal): string {
  const units = v.times(new Decimal(10).pow(COLLATERAL_DECIMALS))
  if (!units.isInteger()) {
    throw new ValidationError(`Amount "${v.toFixed()}" has more than ${COLLATERAL_DECIMALS} decimals`)
  }
  return units.toFixed(0)
}

function toDec(v: string | number, field: string): Decimal {
  if (typeof v === 'number' ? !Number.isFinite(v) : !/^-?\d+(\.\d+)?$/.test(v)) {
    throw new ValidationError(`Invalid ${field} "${String(v).slice(0, 40)}"`, { field })
  }
  return new Decimal(v)
}

function tooSmall(a: Decimal, p: Decimal): ValidationError {
  return new ValidationError(
    `Amount "${a.toFixed()}" is too small for a market order at ${p.toFixed()} within the precision limits`,
    { field: 'amount' },
  )
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a < 0n ? -a : a
}

function address(v: string, field: string, { getAddress }: EthersModule): string {
  try {
    return getAddress(v)
  } catch (cause) {
    throw new ValidationError(`Invalid ${field} address "${String(v).slice(0, 60)}"`, { field, cause })
  }
}

function bytes32(v: string | undefined, field: string): string {
  if (v === undefined) return BYTES32_ZERO
  if (!BYTES32.test(v)) throw new ValidationError(`Invalid ${field}: must be 0x + 64 hex digits`, { field })
  return v.toLowerCase()
}
