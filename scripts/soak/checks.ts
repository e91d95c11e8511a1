import type { Order } from '../../src/core/types.js'
import { Decimal } from '../../src/decimal/index.js'
import type { OrderExecutor, OrderGroupOutcome, Portfolio } from '../../src/execution/index.js'
import type { BreakerTrippedEvent } from '../../src/risk/index.js'
import type { BinanceSim, PolymarketSim } from '../../src/sim/index.js'

/** One assertion of the final report. */
export interface CheckResult {
  readonly name: string
  readonly ok: boolean
  /** Summary line. */
  readonly summary: string
  /** Every failure, precisely. */
  readonly failures: readonly string[]
  /** Notes that are not failures. */
  readonly notes?: readonly string[]
}

const BINANCE_STATUS: Record<string, Order['status']> = {
  NEW: 'OPEN',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  EXPIRED: 'EXPIRED',
  REJECTED: 'REJECTED',
}

const PENDING = new Set<Order['status']>(['PENDING_NEW', 'PENDING_CANCEL'])

/**
 * (1) Every order sent on Binance has a known state in its executor equal to the sim's ledger (status and filled
 * quantity); an order the sim never accepted must be REJECTED. (2) No client order id names two sim orders.
 */
export function checkBinanceOrders(
  label: string,
  market: 'spot' | 'usdm',
  sim: BinanceSim,
  exec: OrderExecutor,
  submitted: ReadonlySet<string>,
): CheckResult[] {
  const failures: string[] = []
  const dupFailures: string[] = []
  const byCid = new Map<string, number>()
  for (const o of sim.ledger.orders) {
    if (o.market !== market) continue
    byCid.set(o.clientOrderId, (byCid.get(o.clientOrderId) ?? 0) + 1)
  }
  for (const [cid, n] of byCid)
    if (n > 1) dupFailures.push(`${label}: client id ${cid} names ${n} sim orders`)
  let matched = 0
  let rejectedUnseen = 0
  for (const cid of submitted) {
    const ours = exec.order(cid)
    if (ours === undefined) {
      failures.push(`${label}: ${cid} was submitted but the executor has no record of it`)
      continue
    }
    if (PENDING.has(ours.status)) {
      failures.push(`${label}: ${cid} still ${ours.status} after the final reconcile`)
      continue
    }
    const theirs = sim.ledger.orders.find((o) => o.market === market && o.clientOrderId === cid)
    if (theirs === undefined) {
      if (ours.status !== 'REJECTED') {
        failures.push(`${label}: ${cid} is ${ours.status} but the sim never accepted it`)
      } else if (!ours.filledQty.isZero()) {
        failures.push(`${label}: ${cid} REJECTED with filled ${ours.filledQty.toFixed()}`)
      } else rejectedUnseen++
      continue
    }
    const want = BINANCE_STATUS[theirs.status]
    const filledOk = ours.filledQty.eq(theirs.executedQty)
    if (ours.status !== want || !filledOk) {
      failures.push(
        `${label}: ${cid} executor ${ours.status} filled ${ours.filledQty.toFixed()} ≠ sim ${theirs.status} ` +
          `executed ${theirs.executedQty.toFixed()}`,
      )
    } else matched++
  }
  // Every sim order with one of our prefixes must have been submitted through the engine.
  return [
    {
      name: `orders ${label}`,
      ok: failures.length === 0,
      summary: `${submitted.size} submitted: ${matched} equal to the sim ledger, ${rejectedUnseen} rejected before reaching the book`,
      failures,
    },
    {
      name: `no doubled client ids ${label}`,
      ok: dupFailures.length === 0,
      summary: `${byCid.size} distinct client ids in the sim ledger`,
      failures: dupFailures,
    },
  ]
}

/**
 * Polymarket has no client order ids: the adapter derives each order's hash before sending. The sim's ledger gives
 * trades (with taker/maker order ids) and open orders; every order id the sim accepted must map to exactly one
 * executor order, whose filled quantity equals the sim's matched size and whose status agrees.
 */
export function checkPolymarketOrders(
  sim: PolymarketSim,
  owner: string,
  acceptedIds: readonly string[],
  exec: OrderExecutor,
  submitted: ReadonlySet<string>,
): CheckResult[] {
  const failures: string[] = []
  const dupFailures: string[] = []
  const ledger = sim.ledger()
  const seen = new Map<string, number>()
  for (const id of acceptedIds) seen.set(id, (seen.get(id) ?? 0) + 1)
  for (const [id, n] of seen) if (n > 1) dupFailures.push(`polymarket: order ${id} accepted ${n} times`)
  const open = new Map(ledger.openOrders.filter((o) => o.owner === owner).map((o) => [o.id, o]))
  const matchedSize = new Map<string, Decimal>()
  // An order's matched size counts every trade, FAILED ones too: the venue matched them (the sim keeps them in the
  // order's size_matched) and the executor keeps them in `filledQty`; their reversal shows in the Portfolio check.
  for (const t of ledger.trades) {
    for (const [id, who] of [
      [t.takerOrderId, t.takerOwner],
      [t.makerOrderId, t.makerOwner],
    ] as const) {
      if (who !== owner) continue
      matchedSize.set(id, (matchedSize.get(id) ?? new Decimal(0)).plus(t.size))
    }
  }
  const byVenueId = new Map<string, string[]>()
  let matched = 0
  let rejectedUnseen = 0
  for (const cid of submitted) {
    const ours = exec.order(cid)
    if (ours === undefined) {
      failures.push(`polymarket: ${cid} was submitted but the executor has no record of it`)
      continue
    }
    if (PENDING.has(ours.status)) {
      failures.push(`polymarket: ${cid} still ${ours.status} after the final reconcile`)
      continue
    }
    const vid = ours.venueOrderId
    if (vid === undefined || !seen.has(vid)) {
      if (ours.status !== 'REJECTED')
        failures.push(`polymarket: ${cid} is ${ours.status} but the sim never accepted it`)
      else rejectedUnseen++
      continue
    }
    const list = byVenueId.get(vid) ?? []
    list.push(cid)
    byVenueId.set(vid, list)
    const size = matchedSize.get(vid) ?? new Decimal(0)
    const o = open.get(vid)
    const wantStatus: Order['status'][] =
      o !== undefined
        ? [size.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN']
        : size.gte(ours.qty)
          ? ['FILLED']
          : ['CANCELED', 'EXPIRED']
    if (!ours.filledQty.eq(size) || !wantStatus.includes(ours.status)) {
      failures.push(
        `polymarket: ${cid} (${vid.slice(0, 12)}…) executor ${ours.status} filled ${ours.filledQty.toFixed()} ≠ ` +
          `sim ${o !== undefined ? 'LIVE' : 'closed'} matched ${size.toFixed()}`,
      )
    } else matched++
  }
  for (const id of seen.keys()) {
    const cids = byVenueId.get(id)
    if (cids === undefined) failures.push(`polymarket: sim accepted order ${id} that no executor order knows`)
    else if (cids.length > 1) dupFailures.push(`polymarket: order ${id} is ${cids.join(' and ')}`)
  }
  return [
    {
      name: 'orders polymarket',
      ok: failures.length === 0,
      summary: `${submitted.size} submitted: ${matched} equal to the sim ledger, ${rejectedUnseen} rejected before reaching the book`,
      failures,
    },
    {
      name: 'no doubled orders polymarket',
      ok: dupFailures.length === 0,
      summary: `${seen.size} distinct orders accepted by the sim`,
      failures: dupFailures,
    },
  ]
}

/** One line of the Portfolio-vs-venue comparison. */
export interface Comparison {
  readonly what: string
  readonly ours: Decimal
  readonly venue: Decimal
}

/** (3) Portfolio equals the sims exactly (Decimal `eq`, no tolerance). */
export function checkPortfolio(label: string, rows: readonly Comparison[]): CheckResult {
  const failures: string[] = []
  for (const r of rows) {
    if (!r.ours.eq(r.venue)) {
      failures.push(
        `${label}: ${r.what} portfolio ${r.ours.toFixed()} ≠ sim ${r.venue.toFixed()} (diff ${r.ours.minus(r.venue).toFixed()})`,
      )
    }
  }
  return {
    name: `portfolio ${label}`,
    ok: failures.length === 0,
    summary: rows.map((r) => `${r.what}=${r.ours.toFixed()}`).join(' '),
    failures,
  }
}

/** Spot balances of the sim vs the Portfolio (cash per asset, base holdings as positions). */
export function spotRows(
  sim: BinanceSim,
  portfolio: Portfolio,
  venue: string,
  quote: string,
  symbols: ReadonlyArray<{ symbol: string; base: string }>,
): Comparison[] {
  const total = (asset: string) => {
    const b = sim.ledger.spotBalance(asset)
    return new Decimal(b.free).plus(b.locked)
  }
  const rows: Comparison[] = [{ what: `cash ${quote}`, ours: portfolio.cash(quote), venue: total(quote) }]
  for (const s of symbols) {
    rows.push({
      what: `holding ${s.base}`,
      ours: portfolio.position(venue, s.symbol)?.qty ?? new Decimal(0),
      venue: total(s.base),
    })
  }
  return rows
}

/** USD-M wallet and positions of the sim vs the Portfolio. */
export function usdmRows(
  sim: BinanceSim,
  portfolio: Portfolio,
  venue: string,
  symbols: readonly string[],
): Comparison[] {
  const rows: Comparison[] = [
    { what: 'wallet USDT', ours: portfolio.cash('USDT'), venue: new Decimal(sim.ledger.futuresWallet()) },
  ]
  for (const s of symbols) {
    rows.push({
      what: `position ${s}`,
      ours: portfolio.position(venue, s)?.qty ?? new Decimal(0),
      venue: new Decimal(sim.ledger.position(s).qty),
    })
  }
  return rows
}

/** Polymarket pUSD and outcome-token balances of the sim vs the Portfolio. */
export function polymarketRows(
  sim: PolymarketSim,
  owner: string,
  portfolio: Portfolio,
  tokenIds: readonly string[],
): Comparison[] {
  const b = sim.ledger().balances[owner.toLowerCase()]
  const rows: Comparison[] = [
    { what: 'cash pUSD', ours: portfolio.cash('pUSD'), venue: new Decimal(b?.pusd ?? '0') },
  ]
  for (const t of tokenIds) {
    rows.push({
      what: `shares ${t.slice(0, 8)}…`,
      ours: portfolio.position('polymarket', t)?.qty ?? new Decimal(0),
      venue: new Decimal(b?.tokens[t] ?? '0'),
    })
  }
  return rows
}

const num = (v: unknown): Decimal | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return new Decimal(v)
  if (typeof v === 'string' && v !== '') {
    try {
      return new Decimal(v)
    } catch {
      return undefined
    }
  }
  return undefined
}

/** An approved exposure-adding order, as the order-rate check needs it (kept small: the soak samples its heap). */
export interface Approval {
  readonly tsEvent: number
  /** `venue:symbol`. */
  readonly key: string
}

/**
 * (4) Every breaker trip's reported values cross its threshold; order-rate trips are also checked against the
 * approvals we counted ourselves, and the approvals never exceeded a rate window.
 */
export function checkBreakers(
  label: string,
  trips: readonly BreakerTrippedEvent[],
  approvals: readonly Approval[],
  rate: {
    global: { maxOrders: number; windowMs: number }
    perInstrument: { maxOrders: number; windowMs: number }
  },
): CheckResult {
  const failures: string[] = []
  const counts: Record<string, number> = {}
  const entries = approvals
  for (const t of trips) {
    counts[t.breaker] = (counts[t.breaker] ?? 0) + 1
    const v = t.values
    const bad = (why: string) =>
      failures.push(`${label}: ${t.breaker} tripped (${JSON.stringify(v)}): ${why}`)
    switch (t.breaker) {
      case 'MAX_DRAWDOWN': {
        const dd = num(v.drawdown)
        const peak = num(v.peakEquity)
        const f = num(v.maxDrawdownFraction ?? v.reduceAtFraction)
        if (dd === undefined || peak === undefined || f === undefined) bad('missing values')
        else if (dd.lt(peak.times(f))) bad(`drawdown ${dd} below ${f} × peak ${peak}`)
        break
      }
      case 'DAILY_LOSS': {
        const loss = num(v.loss)
        const limit = num(v.limit)
        if (loss === undefined || limit === undefined) bad('missing values')
        else if (loss.lt(limit)) bad(`loss ${loss} below limit ${limit}`)
        break
      }
      case 'CONSECUTIVE_LOSSES': {
        const n = Number(v.consecutiveLosses)
        const lim = Number(v.haltAfter ?? v.reduceAfter)
        if (!(n >= lim)) bad(`${n} losses below ${lim}`)
        break
      }
      case 'REJECTION_RATE': {
        const rej = Number(v.rejected)
        const total = Number(v.total)
        const f = Number(v.maxRejectedFraction)
        if (!(total > 0 && rej >= f * total)) bad(`${rej}/${total} below ${f}`)
        break
      }
      case 'ORDER_RATE': {
        const scope = v.scope === 'global' ? 'global' : 'perInstrument'
        const w = rate[scope]
        const inst = String(v.instrument)
        const n = entries.filter(
          (a) =>
            a.tsEvent > t.tsEvent - w.windowMs &&
            a.tsEvent <= t.tsEvent &&
            (scope === 'global' || a.key === inst),
        ).length
        if (n < w.maxOrders)
          bad(`only ${n} approved entries in the ${w.windowMs} ms window (limit ${w.maxOrders})`)
        break
      }
      case 'MANUAL':
      case 'KILL_SWITCH':
        break
      default:
        bad('unexpected breaker')
    }
  }
  // No rate window ever held more approvals than the limit.
  const over = (list: readonly Approval[], w: { maxOrders: number; windowMs: number }): number => {
    let worst = 0
    let lo = 0
    for (let hi = 0; hi < list.length; hi++) {
      const now = (list[hi] as Approval).tsEvent
      while ((list[lo] as Approval).tsEvent <= now - w.windowMs) lo++
      worst = Math.max(worst, hi - lo + 1)
    }
    return worst
  }
  const g = over(entries, rate.global)
  if (g > rate.global.maxOrders)
    failures.push(`${label}: ${g} entries approved in one global window > ${rate.global.maxOrders}`)
  const bySym = new Map<string, Approval[]>()
  for (const a of entries) {
    const l = bySym.get(a.key) ?? []
    l.push(a)
    bySym.set(a.key, l)
  }
  for (const [k, l] of bySym) {
    const n = over(l, rate.perInstrument)
    if (n > rate.perInstrument.maxOrders)
      failures.push(`${label}: ${n} entries approved on ${k} in one window > ${rate.perInstrument.maxOrders}`)
  }
  const summary =
    Object.entries(counts)
      .map(([k, n]) => `${k}×${n}`)
      .join(' ') || 'no trips'
  return { name: `breakers ${label}`, ok: failures.length === 0, summary, failures }
}

/** What the soak saw of multi-leg groups: approvals, each group's latest outcome, alerts and re-balances. */
export interface GroupLog {
  readonly approved: ReadonlySet<string>
  /** The latest outcome of each group (of `execute`, then of every re-balance). */
  readonly outcomes: ReadonlyMap<string, OrderGroupOutcome>
  /** Groups an `engine.groupEscalated` alert was raised for. */
  readonly escalated: ReadonlySet<string>
  /** Re-balances after a reversal, by their status. */
  readonly rebalanced: ReadonlyMap<string, number>
  /** Exits of the pair strategy approved (each closes its own share only). */
  readonly exits: number
}

/** Exposure a group's latest outcome leaves: residuals, or legs off the level a re-balance left (as "symbol qty"). */
export function groupExposure(o: OrderGroupOutcome): string[] {
  const helds = o.legs.flatMap((l) => (l.heldQty === undefined ? [] : [l.heldQty]))
  const level = helds.length > 0 ? Decimal.max(Decimal.min(...helds), new Decimal(0)) : undefined
  const out: string[] = []
  for (const l of o.legs) {
    const qty = l.heldQty !== undefined && level !== undefined ? l.heldQty.minus(level) : l.residualQty
    if (!qty.isZero()) out.push(`${l.intent.symbol.slice(0, 10)}… ${qty.toFixed()}`)
  }
  return out
}

/**
 * Every approved group reached an outcome, and no group ends with exposure (a residual of a failed unwind, or legs
 * left off level by a re-balance) unless an alert (`engine.groupEscalated`) was raised for it.
 */
export function checkGroups(g: GroupLog): CheckResult {
  const failures: string[] = []
  const byStatus = new Map<string, number>()
  for (const id of g.approved)
    if (!g.outcomes.has(id)) failures.push(`group ${id} was approved but never reached an outcome`)
  for (const [id, o] of g.outcomes) {
    byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1)
    const exposure = groupExposure(o)
    if (exposure.length > 0 && !g.escalated.has(id))
      failures.push(`group ${id} ended ${o.status} holding ${exposure.join(', ')} without an alert`)
  }
  if (g.approved.size === 0) failures.push('no multi-leg group was approved')
  const fmt = (m: ReadonlyMap<string, number>) =>
    m.size === 0 ? 'none' : [...m].map(([k, v]) => `${k}×${v}`).join(' ')
  return {
    name: 'groups',
    ok: failures.length === 0,
    summary: `${g.approved.size} two-leg groups approved: ${fmt(byStatus)}; re-balanced after a reversal: ${fmt(g.rebalanced)}; escalated (alert raised): ${g.escalated.size}; pair exits approved: ${g.exits}`,
    failures,
  }
}
