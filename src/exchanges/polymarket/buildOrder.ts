import { SystemClock } from '../../core/clock.js'
import { Decimal } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'
import { checkPrice, fixUp, type OrderAmounts, ruleFor, toBaseUnits, toDec } from './amountMath.js'
import { BYTES32_ZERO, type TickSize } from './constants.js'
import { type EthersModule, loadEthers } from './loadEthers.js'
import { marketOrderAmounts } from './marketOrderAmounts.js'

export type { OrderAmounts } from './amountMath.js'

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
 * Builds an unsigned limit order (GTC/GTD) for the V2 exchanges or ExchangeV3 (`version`, default 2) from a price and
 * a size, with maker and taker amounts rounded exactly as Polymarket expects for the market's tick size. For
 * signature types 1 and 2 the maker is `funder`; for a deposit wallet (3) `funder` is the wallet, maker and signer,
 * and `signer` the owner EOA whose key signs.
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
 * `price` or, without one, at the price reached by walking `book`. Amounts are the official client's, within the
 * server's market-order precision (maker ≤ 2 decimals, taker ≤ 4); `rounding: 'exactRatio'` makes them encode
 * exactly the tick-aligned price instead (see {@link marketOrderAmounts}).
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
  const amounts = marketOrderAmounts(args.side, args.amount, price, options.tickSize, args.rounding)
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
  if (sigType !== 0 && sigType !== 1 && sigType !== 2 && sigType !== 3) {
    throw new ValidationError(`Invalid signature type "${String(sigType)}"`, { field: 'signatureType' })
  }
  const version = options.version ?? 2
  if (version !== 2 && version !== 3) {
    throw new ValidationError(`Invalid exchange version "${String(version)}"`, { field: 'version' })
  }
  const { maker, signer, walletOwner } = parties(options, ethers)
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
    version,
    ...(walletOwner === undefined ? {} : { walletOwner }),
  }
}

/** Maker and signer by signature type; a deposit wallet (3) is both, its owner EOA signs for it. */
function parties(
  options: BuildOrderOptions,
  ethers: EthersModule,
): { maker: string; signer: string; walletOwner?: string } {
  const eoa = address(options.signer, 'signer', ethers)
  const sigType = options.signatureType
  if (sigType === 0) {
    if (options.funder !== undefined && address(options.funder, 'funder', ethers) !== eoa) {
      throw new ValidationError('With signature type 0 (EOA) the funder must be the signer', {
        field: 'funder',
      })
    }
    return { maker: eoa, signer: eoa }
  }
  if (options.funder === undefined) {
    throw new ValidationError(
      'Signature types 1, 2 and 3 need the funder (proxy, Safe or deposit wallet) address',
      { field: 'funder' },
    )
  }
  const funder = address(options.funder, 'funder', ethers)
  if (sigType !== 3) return { maker: funder, signer: eoa }
  if (funder === eoa) {
    throw new ValidationError('A deposit wallet (type 3) is a contract: the funder cannot be the owner key', {
      field: 'funder',
    })
  }
  return { maker: funder, signer: funder, walletOwner: eoa }
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
