import { Decimal } from '../../decimal/index.js'
import type { BinanceUserStreams } from './BinanceUserStreams.js'
import type { SimAccount, SimMarket } from './engine.js'

/**
 * USD-M `ACCOUNT_UPDATE` reasons (`a.m`) a sim transfer may carry: the ones Binance lists for funds that enter or
 * leave the futures wallet from outside trading (USD-M "Event: Balance and Position Update").
 */
const USDM_REASONS = new Set([
  'DEPOSIT',
  'WITHDRAW',
  'WITHDRAW_REJECT',
  'ADMIN_DEPOSIT',
  'ADMIN_WITHDRAW',
  'ASSET_TRANSFER',
  'COIN_SWAP_DEPOSIT',
  'COIN_SWAP_WITHDRAW',
])

/** Options of `BinanceSim.transfer`. */
export interface BinanceSimTransferOptions {
  /** Which wallet moves: `spot` (default) or the USD-M futures wallet (`usdm`, USDT only). */
  readonly market?: SimMarket
  /** The account (API key); default the sim's first one. */
  readonly apiKey?: string
  /** USD-M `a.m`: default `DEPOSIT` for a positive amount, `WITHDRAW` for a negative one. */
  readonly reason?: string
  /**
   * Spot: send `outboundAccountPosition` before `balanceUpdate` (Binance documents both events, not their order;
   * default `balanceUpdate` first), to test a client against either order.
   */
  readonly positionFirst?: boolean
}

/**
 * Moves `amount` (signed, at most 8 decimals) into or out of an account's spot or futures wallet, as a deposit or
 * withdrawal does, and pushes the user-data events Binance sends for it. Returns the new balance (spot: free).
 * Throws (nothing moved) on a zero or malformed amount, a withdrawal beyond the free balance, or a bad USD-M asset or reason.
 *
 * @example
 * ```ts
 * applySimTransfer(acc, user, 'USDT', '-500', { market: 'usdm' }, now) // ACCOUNT_UPDATE m=WITHDRAW bc=-500
 * ```
 */
export function applySimTransfer(
  acc: SimAccount,
  user: Pick<BinanceUserStreams, 'accountUpdate' | 'balanceUpdate'>,
  asset: string,
  amount: string,
  opts: BinanceSimTransferOptions,
  now: number,
): string {
  const delta = new Decimal(amount)
  if (!delta.isFinite() || delta.isZero() || delta.decimalPlaces() > 8)
    throw new Error(`BinanceSim.transfer: amount "${amount}" must be non-zero with at most 8 decimals`)
  if ((opts.market ?? 'spot') === 'usdm') {
    if (asset !== 'USDT')
      throw new Error(`BinanceSim.transfer: the futures wallet holds USDT only, not ${asset}`)
    const reason = opts.reason ?? (delta.isNegative() ? 'WITHDRAW' : 'DEPOSIT')
    if (!USDM_REASONS.has(reason))
      throw new Error(`BinanceSim.transfer: "${reason}" is not a transfer reason`)
    const wallet = acc.futuresWallet.plus(delta)
    if (wallet.isNegative()) throw new Error('BinanceSim.transfer: withdrawal beyond the futures wallet')
    acc.futuresWallet = wallet
    // Cross margin, no position changed: one balance with `bc` = the amount and no `P` (only changed positions go).
    user.accountUpdate(acc, 'usdm', ['USDT'], [], reason, now, delta)
    return wallet.toFixed()
  }
  const b = acc.spot.get(asset) ?? { free: new Decimal(0), locked: new Decimal(0) }
  const free = b.free.plus(delta)
  if (free.isNegative()) throw new Error(`BinanceSim.transfer: withdrawal beyond the free ${asset} balance`)
  b.free = free
  acc.spot.set(asset, b)
  if (opts.positionFirst === true) user.accountUpdate(acc, 'spot', [asset], [], 'DEPOSIT', now)
  user.balanceUpdate(acc, asset, delta, now)
  if (opts.positionFirst !== true) user.accountUpdate(acc, 'spot', [asset], [], 'DEPOSIT', now)
  return free.toFixed()
}
