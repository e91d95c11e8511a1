import type { Fill } from '../core/types.js'
import type { BacktestMakerReport } from './replaySession.js'

/** One maker fill as a replay's report lists it (strings: hand-checkable against the recording). */
type MakerFillLogEntry = BacktestMakerReport['fillLog'][number]

/**
 * The first `max` fills of our quotes in a replay. It remembers the ids of the quotes sent only while the log can
 * still grow: once it is full they are forgotten and no more are kept (a long replay sends millions of quotes).
 *
 * @example
 * ```ts
 * const log = new MakerFillLog(1_000)
 * quotes.events.on('quote.sent', (q) => log.quoteSent(q.clientOrderId))
 * paper.events.on('order.filled', (e) => log.filled(e.fills))
 * ```
 */
export class MakerFillLog {
  readonly #max: number
  readonly #entries: MakerFillLogEntry[] = []
  readonly #ours = new Set<string>()

  /** @param max - most fills listed (0: none) */
  constructor(max: number) {
    this.#max = max
  }

  /** The fills listed so far, in order. */
  get entries(): readonly MakerFillLogEntry[] {
    return this.#entries
  }

  /** Quote ids remembered now (none once the log is full). */
  get remembered(): number {
    return this.#ours.size
  }

  /** Whether the log holds its `max` fills (nothing more is kept). */
  get full(): boolean {
    return this.#entries.length >= this.#max
  }

  /** A quote was sent: its fills are ours (remembered only while the log can still grow). */
  quoteSent(clientOrderId: string): void {
    if (!this.full) this.#ours.add(clientOrderId)
  }

  /** Lists the fills of our quotes among `fills` while the log has room. */
  filled(fills: readonly Fill[]): void {
    for (const f of fills) {
      if (this.full) break
      if (!this.#ours.has(f.clientOrderId)) continue
      this.#entries.push({
        t: f.tsEvent,
        symbol: f.symbol,
        side: f.side,
        price: f.price.toFixed(),
        qty: f.qty.toFixed(),
        liquidity: f.liquidity,
      })
    }
    if (this.full) this.#ours.clear()
  }
}
