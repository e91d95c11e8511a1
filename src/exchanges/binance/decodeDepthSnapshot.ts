import { type BookLevel, type BookSnapshot, err, ok, type Result } from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { strictNumber } from './decodeMarketEvent.js'

/** A decoded REST depth snapshot (`GET /api/v3/depth`, `/fapi/v1/depth`): levels as sent, quantities may be 0. */
export interface BinanceDepthSnapshot {
  readonly lastUpdateId: number
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
  /** The venue's time of the book, epoch ms: USD-M sends it (`T`, the transaction time); spot sends none. */
  readonly tsEvent?: number
}

function parseLevels(raw: unknown, path: string, issues: string[]): BookLevel[] {
  if (!Array.isArray(raw)) {
    issues.push(`${path}: expected an array`)
    return []
  }
  const out: BookLevel[] = []
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]
    if (!Array.isArray(l) || l.length < 2) {
      issues.push(`${path}.${i}: expected [price, qty]`)
      continue
    }
    const p = strictNumber(l[0])
    const q = strictNumber(l[1])
    if (!(p > 0)) issues.push(`${path}.${i}.0: invalid price`)
    else if (!(q >= 0)) issues.push(`${path}.${i}.1: invalid quantity`)
    else out.push([p, q])
  }
  return out
}

/**
 * Decodes a Binance REST depth snapshot (`{ lastUpdateId, bids, asks }`, as an object or JSON text) strictly:
 * prices must be decimal strings > 0, quantities >= 0, and the book must not be crossed. Never throws.
 *
 * @example
 * ```ts
 * const r = decodeDepthSnapshot({ lastUpdateId: 7, bids: [['100.0', '1']], asks: [['101.0', '2']] }, 'binance')
 * if (r.ok) r.value.bids // [[100, 1]]
 * ```
 */
export function decodeDepthSnapshot(
  raw: unknown,
  venue: string,
): Result<BinanceDepthSnapshot, ExchangeDataError> {
  let o = raw
  if (typeof raw === 'string') {
    try {
      o = JSON.parse(raw)
    } catch {
      return err(
        new ExchangeDataError(venue, 'Depth snapshot is not valid JSON', ['(root): invalid JSON'], raw),
      )
    }
  }
  if (typeof o !== 'object' || o === null) {
    return err(
      new ExchangeDataError(venue, 'Depth snapshot is not an object', ['(root): expected object'], raw),
    )
  }
  const r = o as Record<string, unknown>
  const issues: string[] = []
  const id = r.lastUpdateId
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) issues.push('lastUpdateId: invalid')
  const time = r.T
  if (time !== undefined && (typeof time !== 'number' || !Number.isSafeInteger(time) || time <= 0))
    issues.push('T: invalid')
  const bids = parseLevels(r.bids, 'bids', issues)
  const asks = parseLevels(r.asks, 'asks', issues)
  if (issues.length > 0) return err(new ExchangeDataError(venue, 'Invalid depth snapshot', issues, raw))
  let topBid = Number.NEGATIVE_INFINITY
  let topAsk = Number.POSITIVE_INFINITY
  for (const [p, q] of bids) if (q > 0 && p > topBid) topBid = p
  for (const [p, q] of asks) if (q > 0 && p < topAsk) topAsk = p
  if (topBid >= topAsk) {
    return err(
      new ExchangeDataError(
        venue,
        'Depth snapshot is crossed (best bid >= best ask)',
        ['bids/asks: crossed'],
        raw,
      ),
    )
  }
  return ok({
    lastUpdateId: id as number,
    bids,
    asks,
    ...(time !== undefined ? { tsEvent: time as number } : {}),
  })
}

/**
 * The {@link BookSnapshot} of a decoded depth snapshot: levels with quantity 0 dropped, bids highest first, asks
 * lowest first, at most `depth` per side.
 *
 * @example
 * ```ts
 * const r = decodeDepthSnapshot(body, 'binance')
 * if (r.ok) depthSnapshotToBook(r.value, { venue: 'binance', symbol: 'BTCUSDT', depth: 20, tsEvent: Date.now() })
 * ```
 */
export function depthSnapshotToBook(
  snap: BinanceDepthSnapshot,
  options: { venue: string; symbol: string; depth: number; tsEvent: number },
): BookSnapshot {
  const bids = snap.bids.filter((l) => l[1] > 0).sort((a, b) => b[0] - a[0])
  const asks = snap.asks.filter((l) => l[1] > 0).sort((a, b) => a[0] - b[0])
  return {
    venue: options.venue,
    symbol: options.symbol.toUpperCase(),
    bids: bids.slice(0, options.depth),
    asks: asks.slice(0, options.depth),
    sequence: snap.lastUpdateId,
    tsEvent: options.tsEvent,
  }
}
