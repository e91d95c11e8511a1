import { Decimal } from '../../src/decimal/index.js'
import type { OrderExecutor } from '../../src/execution/index.js'
import type { TradeJournal } from '../../src/journal/index.js'
import type { BinanceSim } from '../../src/sim/index.js'
import type { CheckResult } from './checks.js'

/**
 * The soak's journal against the venues: every Binance order's journaled fills add up to the quantity the sim's
 * ledger executed (and nothing is journaled for an order the sim never filled); Polymarket orders' journaled fills
 * add up to the executor's filled quantity, which checkPolymarketOrders compares with the sim's ledger. No fill is
 * journaled twice.
 */
export async function checkJournal(
  journal: TradeJournal,
  bsim: BinanceSim,
  binance: ReadonlyArray<{ market: 'spot' | 'usdm'; venue: string; submitted: ReadonlySet<string> }>,
  pm: { venue: string; exec: OrderExecutor; submitted: ReadonlySet<string> },
): Promise<CheckResult> {
  const fills = await journal.fills()
  const failures: string[] = []
  const keys = new Set(fills.map((f) => f.key))
  if (keys.size !== fills.length) failures.push(`${fills.length - keys.size} fills journaled twice`)
  const sum = new Map<string, Decimal>()
  for (const f of fills) {
    const k = `${f.venue}\u0000${f.clientOrderId}`
    sum.set(k, (sum.get(k) ?? new Decimal(0)).plus(f.qty))
  }
  let compared = 0
  for (const { market, venue, submitted } of binance) {
    for (const o of bsim.ledger.orders) {
      if (o.market !== market || !submitted.has(o.clientOrderId)) continue
      compared++
      const ours = sum.get(`${venue}\u0000${o.clientOrderId}`) ?? new Decimal(0)
      if (!ours.eq(o.executedQty))
        failures.push(`${market} ${o.clientOrderId}: journal ${ours}, sim executed ${o.executedQty}`)
    }
  }
  for (const cid of pm.submitted) {
    const o = pm.exec.order(cid)
    if (o === undefined) continue
    compared++
    const ours = sum.get(`${pm.venue}\u0000${cid}`) ?? new Decimal(0)
    if (!ours.eq(o.filledQty))
      failures.push(`polymarket ${cid}: journal ${ours}, executor filled ${o.filledQty}`)
  }
  return {
    name: 'journal equals the ledgers',
    ok: failures.length === 0,
    summary: `${fills.length} fills journaled (SQLite), ${compared} orders compared with the sims' ledgers`,
    failures: failures.slice(0, 20),
  }
}
