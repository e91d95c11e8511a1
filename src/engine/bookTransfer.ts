import type { TypedEmitter } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { AccountTransferEvent, ExecutionClient, ExecutionEvents } from '../core/ports.js'
import { product } from '../decimal/product.js'
import { type TradekitError, toTradekitError } from '../errors/index.js'
import type { Portfolio } from '../execution/index.js'
import type { RiskManager } from '../risk/index.js'
import type { Subscriptions } from './Subscriptions.js'

/** What {@link bookTransfer} moves and where it reports. */
export interface TransferBooking {
  readonly portfolio: Pick<Portfolio, 'deposit' | 'rate'>
  readonly risk: Pick<RiskManager, 'recordTransfer'>
  readonly log: Logger
  /** A transfer the portfolio refused (a withdrawal beyond its cash of the asset). */
  readonly onError: (e: TradekitError) => void
}

/**
 * Books a venue-reported deposit or withdrawal: into the portfolio's cash, then into the RiskManager valued in the
 * account currency at the portfolio's rate, so the breakers' peak and day start move with the equity. An asset
 * without a rate does not count in the portfolio's equity: nothing to move, it is logged (never valued by a guess).
 * A transfer the portfolio refuses is reported on `onError` and not recorded (the equity the breakers see did not move).
 * Returns whether the equity moved (the caller then feeds the breakers the new equity). Never throws.
 *
 * @example
 * ```ts
 * executor.events.on('account.transferred', (e) => bookTransfer(e, { portfolio, risk, log, onError }))
 * ```
 */
export function bookTransfer(e: AccountTransferEvent, to: TransferBooking): boolean {
  const { venue, asset, reason } = e
  try {
    to.portfolio.deposit(asset, e.amount)
    const rate = to.portfolio.rate(asset)
    if (rate === undefined) {
      const amount = e.amount.toFixed()
      to.log.warn({ venue, asset, amount, reason }, 'transfer in an asset without a rate: breakers not moved')
      return false
    }
    to.risk.recordTransfer(product(e.amount, rate), e.tsEvent)
    return true
  } catch (error) {
    to.onError(toTradekitError(error))
    return false
  }
}

/**
 * Books every `account.transferred` of `ex` (see {@link bookTransfer}; listener kept in `subs`), calls `moved` when the
 * equity moved (the engine then feeds the breakers), and relays the event on `bus`.
 *
 * @example
 * ```ts
 * relayTransfers(executor, subs, { portfolio, risk, log, bus, moved: () => feedRisk() })
 * ```
 */
export function relayTransfers(
  ex: ExecutionClient,
  subs: Subscriptions,
  to: Omit<TransferBooking, 'onError'> & {
    readonly bus: Pick<TypedEmitter<ExecutionEvents>, 'emit'>
    readonly moved: () => void
  },
): void {
  const booking: TransferBooking = { ...to, onError: (e) => void to.bus.emit('error', e) }
  subs.on(ex.events, 'account.transferred', (e: AccountTransferEvent) => {
    if (bookTransfer(e, booking)) to.moved()
    to.bus.emit('account.transferred', e)
  })
}
