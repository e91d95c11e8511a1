import type { Instrument } from '../../core/types.js'
import { Decimal, type DecimalLike, toDecimal } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'

const ZERO = new Decimal(0)

/** One strategy's share of one instrument to restore (a journal's `lastView().positions` row fits as is). */
export interface PortfolioRestorePosition {
  /** The strategy that holds the share; `''` or absent: no strategy (orders placed by hand, venue actions). */
  readonly strategyId?: string
  readonly venue: string
  readonly symbol: string
  /** Signed quantity bought minus sold (a spot fee paid in the base asset is in `fees`, not taken from it). */
  readonly qty: DecimalLike
  /** Average entry of the open quantity; required when `qty` is not zero. */
  readonly entryPrice?: DecimalLike
  /** Realised PnL by average cost, before fees (quote asset). */
  readonly realizedPnl?: DecimalLike
  /** Fees paid per asset. */
  readonly fees?: Readonly<Record<string, DecimalLike>>
}

/** What {@link Portfolio.restore} starts from (a journal's `lastView()` fits as is). Cash is not part of it. */
export interface PortfolioRestoreState {
  /** Each strategy's share of each instrument (the strategies' positions; `''`: no strategy). */
  readonly positions: readonly PortfolioRestorePosition[]
  /**
   * Each instrument's own book (every fill in order, whatever the strategy): its entry and realised PnL are taken
   * from here. Without it they are derived from the shares, exact only while the shares agree.
   */
  readonly instruments?: readonly PortfolioRestorePosition[]
}

/** One instrument's restored state, in the Portfolio's terms (quantity net of base-asset fees, realised net of fees). */
export interface RestoredPosition {
  readonly venue: string
  readonly symbol: string
  readonly qty: Decimal
  readonly entry: Decimal | undefined
  readonly realized: Decimal
  /** Fees valued in the quote asset. */
  readonly fees: Decimal
}

/** One strategy's restored share (realised before fees, as the Portfolio's strategy ledger keeps it). */
export interface RestoredShare {
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  readonly qty: Decimal
  readonly entry: Decimal | undefined
  readonly realized: Decimal
}

/** The validated plan of a restore: nothing is applied until every row passed. */
export interface RestorePlan {
  readonly positions: readonly RestoredPosition[]
  readonly shares: readonly RestoredShare[]
  /** Fees paid per asset, summed over every row. */
  readonly fees: ReadonlyMap<string, Decimal>
}

interface Row {
  readonly strategyId: string
  readonly inst: Instrument
  /** Quantity held: net of fees paid in the base asset of a spot pair. */
  readonly qty: Decimal
  readonly entry: Decimal | undefined
  readonly realized: Decimal
  readonly fees: ReadonlyMap<string, Decimal>
}

/** Computed amounts (an average entry) may carry more decimals than venue data: a plain decimal string is taken whole. */
function amount(v: DecimalLike, field: { field: string }): Decimal {
  if (typeof v === 'string' && /^-?\d{1,30}(\.\d{1,60})?$/.test(v)) return new Decimal(v)
  return toDecimal(v, field)
}

function parseRow(r: PortfolioRestorePosition, path: string, instrumentOf: InstrumentOf): Row {
  const field = (name: string) => ({ field: `${path}.${name}` })
  const inst = instrumentOf(r.venue, r.symbol)
  if (inst === undefined) {
    throw new ValidationError(
      `Cannot restore "${r.venue}:${r.symbol}": instrument not registered`,
      field('symbol'),
    )
  }
  const gross = amount(r.qty, field('qty'))
  const fees = new Map<string, Decimal>()
  for (const [asset, v] of Object.entries(r.fees ?? {})) fees.set(asset, amount(v, field(`fees.${asset}`)))
  const baseFee = inst.kind === 'spot' ? (fees.get(inst.base) ?? ZERO) : ZERO
  const qty = gross.minus(baseFee)
  const entry = r.entryPrice === undefined ? undefined : amount(r.entryPrice, field('entryPrice'))
  if (!qty.isZero() && (entry === undefined || entry.lte(0))) {
    throw new ValidationError(
      `Cannot restore "${r.venue}:${r.symbol}": an open position needs an entry price > 0`,
      field('entryPrice'),
    )
  }
  if (inst.kind !== 'perpetual' && qty.isNegative()) {
    throw new ValidationError(
      `Cannot restore "${r.venue}:${r.symbol}": a negative ${inst.kind} holding`,
      field('qty'),
    )
  }
  const realized = r.realizedPnl === undefined ? ZERO : amount(r.realizedPnl, field('realizedPnl'))
  return {
    strategyId: r.strategyId ?? '',
    inst,
    qty,
    entry: qty.isZero() ? undefined : entry,
    realized,
    fees,
  }
}

type InstrumentOf = (venue: string, symbol: string) => Instrument | undefined

/**
 * Validates a restore state and plans it per instrument: the instrument's own book when given (its quantity must equal
 * the shares' sum), else the sum of the strategies' shares with the quantity-weighted entry of those on its side; the
 * realised PnL less the fees valued in the quote asset (a base-asset fee at the entry). Throws a {@link ValidationError} naming the row on an
 * unknown instrument, a malformed number, an open share without an entry, a negative spot or outcome holding or an
 * instrument whose book disagrees with its shares.
 *
 * @example
 * ```ts
 * const plan = planRestore({ positions: view.positions }, (v, s) => portfolio.instrument(v, s))
 * ```
 */
export function planRestore(state: PortfolioRestoreState, instrumentOf: InstrumentOf): RestorePlan {
  const rows = state.positions.map((r, i) => parseRow(r, `positions.${i}`, instrumentOf))
  const own = new Map<string, Row>()
  for (const [i, r] of (state.instruments ?? []).entries()) {
    const row = parseRow(r, `instruments.${i}`, instrumentOf)
    own.set(`${row.inst.venue}\u0000${row.inst.symbol}`, row)
  }
  const byInst = new Map<string, Row[]>()
  for (const r of rows) {
    const k = `${r.inst.venue}\u0000${r.inst.symbol}`
    byInst.set(k, [...(byInst.get(k) ?? []), r])
  }
  for (const k of own.keys()) if (!byInst.has(k)) byInst.set(k, [])
  const positions: RestoredPosition[] = []
  const fees = new Map<string, Decimal>()
  for (const [k, shares] of byInst) {
    const mine = own.get(k)
    const list = mine === undefined ? shares : [mine]
    const inst = list[0]!.inst
    const qty = list.reduce((s, r) => s.plus(r.qty), ZERO)
    const shared = shares.reduce((s, r) => s.plus(r.qty), ZERO)
    if (mine !== undefined && shares.length > 0 && !shared.eq(qty)) {
      throw new ValidationError(
        `Cannot restore "${inst.venue}:${inst.symbol}": the shares hold "${shared}", the instrument "${qty}"`,
        { field: 'instruments' },
      )
    }
    if (inst.kind !== 'perpetual' && qty.isNegative()) {
      throw new ValidationError(`Cannot restore "${inst.venue}:${inst.symbol}": a negative holding`, {
        field: 'positions',
      })
    }
    let weight = ZERO
    let cost = ZERO
    let feeQ = ZERO
    for (const r of list) {
      for (const [a, v] of r.fees) {
        fees.set(a, (fees.get(a) ?? ZERO).plus(v))
        if (a === inst.quote) feeQ = feeQ.plus(v)
        else if (inst.kind === 'spot' && a === inst.base) feeQ = feeQ.plus(v.times(r.entry ?? ZERO))
      }
      if (r.entry === undefined || r.qty.isZero() || r.qty.isPositive() !== qty.isPositive()) continue
      weight = weight.plus(r.qty.abs())
      cost = cost.plus(r.entry.times(r.qty.abs()))
    }
    const realized = list.reduce((s, r) => s.plus(r.realized), ZERO).minus(feeQ)
    const entry =
      qty.isZero() || weight.isZero() ? undefined : list.length === 1 ? list[0]!.entry : cost.div(weight)
    positions.push({ venue: inst.venue, symbol: inst.symbol, qty, entry, realized, fees: feeQ })
  }
  const shares = rows
    .filter((r) => r.strategyId !== '')
    .map((r) => ({
      strategyId: r.strategyId,
      venue: r.inst.venue,
      symbol: r.inst.symbol,
      qty: r.qty,
      entry: r.entry,
      realized: r.realized,
    }))
  return { positions, shares, fees }
}
