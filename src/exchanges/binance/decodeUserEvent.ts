import type * as z from 'zod/mini'
import {
  type AccountTransferEvent,
  type Balance,
  err,
  type Fill,
  type FundingPayment,
  type Order,
  ok,
  type Position,
  type Result,
} from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { accountUpdateToAccount, balance, executionReportToEvent } from './mapping.js'
import { BINANCE_VENUE } from './types.js'
import {
  AccountUpdateSchema,
  AlgoUpdateSchema,
  BalanceUpdateSchema,
  type BinanceAlgoUpdate,
  type BinanceOrderTradeUpdate,
  ExecutionReportSchema,
  OrderTradeUpdateSchema,
  OutboundAccountPositionSchema,
} from './wire.js'

/** A decoded spot user-data event (the `event` of a WebSocket API `{ subscriptionId, event }` frame). */
export type BinanceSpotUserEvent =
  | {
      readonly kind: 'order'
      readonly order: Order
      readonly fill: Fill | undefined
      readonly tsEvent: number
    }
  | { readonly kind: 'balances'; readonly balances: readonly Balance[]; readonly tsEvent: number }
  /** `balanceUpdate`: a deposit, a withdrawal or a transfer between wallets (the venue's exact delta). */
  | { readonly kind: 'transfer'; readonly transfer: AccountTransferEvent }
  /** `eventStreamTerminated`: the subscription ended and must be renewed. */
  | { readonly kind: 'terminated' }
  /** A valid event that carries nothing to report (`listStatus`, `externalLockUpdate`). */
  | { readonly kind: 'ignored' }

/** A decoded USD-M user-data event. Order updates stay in wire form: the stream links algo orders first. */
export type BinanceUsdmUserEvent =
  | { readonly kind: 'orderTrade'; readonly update: BinanceOrderTradeUpdate }
  | { readonly kind: 'algo'; readonly update: BinanceAlgoUpdate }
  | {
      readonly kind: 'account'
      readonly balances: readonly Balance[]
      readonly positions: readonly Position[]
      /** With reason `FUNDING_FEE`: one payment per balance (the venue's exact `bc`); empty otherwise. */
      readonly funding: readonly FundingPayment[]
      /** With a transfer reason (`DEPOSIT`, `WITHDRAW`, the others listed in `USDM_TRANSFER_REASONS`): one per balance whose `bc` is not zero; else empty. */
      readonly transfers: readonly AccountTransferEvent[]
      readonly tsEvent: number
    }
  | { readonly kind: 'listenKeyExpired' }
  | { readonly kind: 'ignored' }

/** Spot user events tradekit reads nothing from (OCO list status, external locks): valid, nothing to report. */
const SPOT_IGNORED = new Set(['listStatus', 'externalLockUpdate', 'listenKeyExpired'])
/** USD-M user events tradekit reads nothing from; any other event type is reported, never dropped silently. */
const USDM_IGNORED = new Set([
  'TRADE_LITE',
  'MARGIN_CALL',
  'ACCOUNT_CONFIG_UPDATE',
  'STRATEGY_UPDATE',
  'GRID_UPDATE',
  'CONDITIONAL_ORDER_TRIGGER_REJECT',
])

/**
 * USD-M `ACCOUNT_UPDATE` reasons (`a.m`) that move funds into or out of the futures wallet from outside trading.
 * Not: `ORDER`, `FUNDING_FEE`, `ADJUSTMENT`, `INSURANCE_CLEAR`, the options fees and settlements (trading results),
 * `MARGIN_TRANSFER`, `MARGIN_TYPE_CHANGE` and `AUTO_EXCHANGE` (moves inside the wallet).
 */
export const USDM_TRANSFER_REASONS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'DEPOSIT',
  'WITHDRAW',
  'WITHDRAW_REJECT',
  'ADMIN_DEPOSIT',
  'ADMIN_WITHDRAW',
  'ASSET_TRANSFER',
  'COIN_SWAP_DEPOSIT',
  'COIN_SWAP_WITHDRAW',
])

const unknownEvent = (venue: string, event: Record<string, unknown>) =>
  err(
    new ExchangeDataError(
      venue,
      `Unknown user event ${JSON.stringify(event.e ?? null)}`,
      ['e: not a user-data event type tradekit knows'],
      event,
    ),
  )

/**
 * A USD-M event framed as a combined stream (`{ "stream": …, "data": { "e": … } }`), as Binance sends private
 * payloads on some products, unwrapped to its event; any other object is returned as it is.
 */
function unwrapCombined(o: Record<string, unknown>): Record<string, unknown> {
  if (o.e !== undefined || typeof o.stream !== 'string') return o
  const d = o.data
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : o
}

const issuesOf = (e: z.core.$ZodError) => e.issues.map((i) => `${i.path.join('.')}: ${i.message}`)

function asObject(raw: unknown, venue: string): Result<Record<string, unknown>, ExchangeDataError> {
  let o = raw
  if (typeof raw === 'string') {
    try {
      o = JSON.parse(raw)
    } catch {
      return err(new ExchangeDataError(venue, 'User stream frame is not JSON', ['(root): invalid JSON'], raw))
    }
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return err(
      new ExchangeDataError(venue, 'User stream event is not an object', ['event: not an object'], raw),
    )
  }
  return ok(o as Record<string, unknown>)
}

/**
 * Decodes one spot user-data event (`executionReport`, `outboundAccountPosition`, `balanceUpdate`,
 * `eventStreamTerminated`) into core values. Pure; never throws: a malformed event or an unknown event type is an
 * `ExchangeDataError` (`listStatus` and `externalLockUpdate` are valid and ignored).
 *
 * @example
 * ```ts
 * const r = decodeSpotUserEvent(frame.event)
 * if (r.ok && r.value.kind === 'order') console.log(r.value.order.status, r.value.fill?.qty.toString())
 * ```
 */
export function decodeSpotUserEvent(raw: unknown): Result<BinanceSpotUserEvent, ExchangeDataError> {
  const venue = BINANCE_VENUE.spot
  const o = asObject(raw, venue)
  if (!o.ok) return o
  const event = o.value
  switch (event.e) {
    case 'executionReport': {
      const r = ExecutionReportSchema.safeParse(event)
      const mapped = r.success ? executionReportToEvent(r.data, venue) : undefined
      if (!r.success || mapped === undefined) {
        const issues = r.success
          ? ['X/o/q/z: unknown status or type, or quantities that cannot describe an order']
          : issuesOf(r.error)
        return err(new ExchangeDataError(venue, 'Invalid executionReport', issues, event))
      }
      return ok({ kind: 'order', order: mapped.order, fill: mapped.fill, tsEvent: r.data.E })
    }
    case 'outboundAccountPosition': {
      const r = OutboundAccountPositionSchema.safeParse(event)
      if (!r.success) {
        return err(new ExchangeDataError(venue, 'Invalid outboundAccountPosition', issuesOf(r.error), event))
      }
      return ok({
        kind: 'balances',
        balances: r.data.B.map((b) => balance(venue, b.a, b.f, b.l)),
        tsEvent: r.data.E,
      })
    }
    case 'balanceUpdate': {
      // A deposit/withdrawal/transfer delta (the next outboundAccountPosition carries the new totals).
      const r = BalanceUpdateSchema.safeParse(event)
      if (!r.success)
        return err(new ExchangeDataError(venue, 'Invalid balanceUpdate', issuesOf(r.error), event))
      const { a: asset, d: amount, E: tsEvent } = r.data
      const transfer = {
        type: 'account.transferred',
        venue,
        asset,
        amount,
        reason: 'balanceUpdate',
        tsEvent,
      } as const
      return ok({ kind: 'transfer', transfer })
    }
    case 'eventStreamTerminated':
      return ok({ kind: 'terminated' })
    default:
      return typeof event.e === 'string' && SPOT_IGNORED.has(event.e)
        ? ok({ kind: 'ignored' })
        : unknownEvent(venue, event)
  }
}

/**
 * The funding payments of a `FUNDING_FEE` `ACCOUNT_UPDATE`: each balance's `bc` (required, exact) in its asset, on
 * the position `P` names (isolated margin; a cross-margin charge names none).
 */
function fundingOf(
  u: z.output<typeof AccountUpdateSchema>,
  venue: string,
  raw: unknown,
): FundingPayment[] | ExchangeDataError {
  const symbol = u.a.P[0]?.s
  const issues: string[] = []
  const payments: FundingPayment[] = []
  u.a.B.forEach((b, i) => {
    if (b.bc === undefined) issues.push(`a.B.${i}.bc: required for FUNDING_FEE`)
    else
      payments.push({
        venue,
        ...(symbol === undefined ? {} : { symbol }),
        asset: b.a,
        amount: b.bc,
        tsEvent: u.E,
      })
  })
  if (u.a.B.length === 0) issues.push('a.B: a FUNDING_FEE update carries the charged balance')
  if (u.a.P.length > 1) issues.push('a.P: a FUNDING_FEE update names at most one position')
  if (issues.length > 0)
    return new ExchangeDataError(venue, 'Invalid FUNDING_FEE ACCOUNT_UPDATE', issues, raw)
  return payments
}

/** The transfers of an `ACCOUNT_UPDATE` with a transfer reason: each balance's `bc` (required, exact) that is not 0. */
function transfersOf(
  u: z.output<typeof AccountUpdateSchema>,
  venue: string,
  raw: unknown,
): AccountTransferEvent[] | ExchangeDataError {
  const issues: string[] = []
  const transfers: AccountTransferEvent[] = []
  u.a.B.forEach((b, i) => {
    if (b.bc === undefined) issues.push(`a.B.${i}.bc: required for ${u.a.m}`)
    else if (!b.bc.isZero()) {
      transfers.push({
        type: 'account.transferred',
        venue,
        asset: b.a,
        amount: b.bc,
        reason: u.a.m,
        tsEvent: u.E,
      })
    }
  })
  if (issues.length > 0) return new ExchangeDataError(venue, `Invalid ${u.a.m} ACCOUNT_UPDATE`, issues, raw)
  return transfers
}

/**
 * Decodes one USD-M user-data frame (`ORDER_TRADE_UPDATE`, `ALGO_UPDATE`, `ACCOUNT_UPDATE`, `listenKeyExpired`),
 * as JSON text or an object, bare or in a combined-stream `{ stream, data }` envelope. Pure; never throws: a
 * malformed frame, an unknown event type or an envelope that cannot be placed is an `ExchangeDataError`. An
 * `ACCOUNT_UPDATE` with reason `FUNDING_FEE` also carries its `funding` payments (each balance's exact `bc`), one with
 * a transfer reason (`USDM_TRANSFER_REASONS`: `DEPOSIT`, `WITHDRAW`, ...) its `transfers`.
 *
 * @example
 * ```ts
 * const r = decodeUsdmUserEvent(text)
 * if (r.ok && r.value.kind === 'account') console.log(r.value.positions)
 * ```
 */
export function decodeUsdmUserEvent(raw: unknown): Result<BinanceUsdmUserEvent, ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const o = asObject(raw, venue)
  if (!o.ok) return o
  const event = unwrapCombined(o.value)
  switch (event.e) {
    case 'ORDER_TRADE_UPDATE': {
      const r = OrderTradeUpdateSchema.safeParse(event)
      if (!r.success)
        return err(new ExchangeDataError(venue, 'Invalid ORDER_TRADE_UPDATE', issuesOf(r.error), event))
      return ok({ kind: 'orderTrade', update: r.data })
    }
    case 'ALGO_UPDATE': {
      const r = AlgoUpdateSchema.safeParse(event)
      if (!r.success)
        return err(new ExchangeDataError(venue, 'Invalid ALGO_UPDATE', issuesOf(r.error), event))
      return ok({ kind: 'algo', update: r.data })
    }
    case 'ACCOUNT_UPDATE': {
      const r = AccountUpdateSchema.safeParse(event)
      if (!r.success)
        return err(new ExchangeDataError(venue, 'Invalid ACCOUNT_UPDATE', issuesOf(r.error), event))
      // Hedge mode: one symbol holds a LONG and a SHORT position; never collapsed into one by symbol.
      const hedged = r.data.a.P.flatMap((p, i) =>
        p.ps === 'LONG' || p.ps === 'SHORT'
          ? [`a.P.${i}.ps: "${p.ps}" ${p.s} (hedge mode is not supported)`]
          : [],
      )
      if (hedged.length > 0)
        return err(new ExchangeDataError(venue, 'Hedge-mode positions in ACCOUNT_UPDATE', hedged, event))
      const { balances, positions } = accountUpdateToAccount(r.data, venue)
      const funding = r.data.a.m === 'FUNDING_FEE' ? fundingOf(r.data, venue, event) : []
      if (!Array.isArray(funding)) return err(funding)
      const transfers = USDM_TRANSFER_REASONS.has(r.data.a.m) ? transfersOf(r.data, venue, event) : []
      if (!Array.isArray(transfers)) return err(transfers)
      return ok({ kind: 'account', balances, positions, funding, transfers, tsEvent: r.data.E })
    }
    case 'listenKeyExpired':
      return ok({ kind: 'listenKeyExpired' })
    default:
      return typeof event.e === 'string' && USDM_IGNORED.has(event.e)
        ? ok({ kind: 'ignored' })
        : unknownEvent(venue, event)
  }
}
