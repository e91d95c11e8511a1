/**
 * Market makers in the soak (`--makers`): a BandsMarketMaker on the Polymarket pair (engine A) and a SpreadQuoter on
 * USD-M ETHUSDT (engine B), and a watch that fails the run when a quote of ours stays open on an instrument that has
 * not been ACTIVE (or under a global state that is not ACTIVE) for longer than the bound, or when the settle halt does
 * not pull every quote within it.
 */
import type { Instrument } from '../../src/core/types.js'
import type { TradingEngine } from '../../src/index.js'
import type { RiskManager, RiskManagerConfig } from '../../src/risk/index.js'
import { BandsMarketMaker, SpreadQuoter, type Strategy } from '../../src/strategies/index.js'
import type { CheckResult } from './checks.js'

/** How long a quote may rest after its instrument (or trading) left ACTIVE: detection, then one round of cancels. */
export const SOAK_PULL_BOUND_MS = 10_000

/** The quote limits the soak's RiskManagers get with `--makers`. */
export function makerQuoteLimits(perp: Instrument): NonNullable<RiskManagerConfig['quotes']> {
  return { maxInventory: perp.minQty.times(40).toFixed(), maxPairInventory: '120', maxLevels: 10 }
}

/** The makers of engine A (Polymarket) and engine B (USD-M). */
export function makers(o: { yes: string; no: string; pmTick: string; perp: Instrument }): {
  readonly a: Strategy[]
  readonly b: Strategy[]
} {
  const size = o.perp.minQty.times(10)
  return {
    a: [
      new BandsMarketMaker({
        id: 'mm-bands',
        venue: 'polymarket',
        tokenId: o.yes,
        complementTokenId: o.no,
        tickSize: o.pmTick,
        bands: [{ minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.04, minSize: 20, avgSize: 30, maxSize: 40 }],
        refreshMs: 300,
      }),
    ],
    b: [
      new SpreadQuoter({
        id: 'mm-spread',
        venue: o.perp.venue,
        symbol: o.perp.symbol,
        size,
        spreadBps: 5,
        levels: 2,
        refreshMs: 500,
        skew: { maxPosition: size.times(3) },
      }),
    ],
  }
}

interface Watched {
  readonly label: string
  readonly engine: TradingEngine
  readonly risk: RiskManager
  readonly venue: string
  /**
   * The quotes the sim's book holds, where the sim can tell (by the quotes' client-id prefix): then they are what
   * counts as resting — a placement still being looked up may never have arrived, a cancel answered late may have,
   * and a quote the QuoteManager forgot would still be seen. Without it, every quote the executor has open counts.
   */
  readonly venueQuotes?: () => ReadonlyArray<{ readonly clientOrderId: string; readonly symbol: string }>
  /** How our executor sees an order (status and reason), to explain a quote found resting. */
  readonly ourView?: (clientOrderId: string) => string
}

/** Watches the engines' quotes against their trading states (see the file's comment). */
export class QuoteWatch {
  readonly #watched: readonly Watched[]
  /** When an instrument with quotes of ours was first seen restricted (`label:symbol`). */
  readonly #since = new Map<string, { readonly w: Watched; readonly symbol: string; readonly at: number }>()
  readonly #violations = new Map<string, string>()
  #timer: ReturnType<typeof setInterval> | undefined
  #killTimer: ReturnType<typeof setInterval> | undefined
  #kills = 0
  /** When each watched engine's trading state left ACTIVE, while its quotes are not all gone yet. */
  readonly #haltedAt = new Map<Watched, number>()
  /** Engines whose state left ACTIVE, and how long each halt took to leave no quote at the venue. */
  readonly #haltPullMs: number[] = []
  /** Halts that ended (trading resumed) while a quote of that engine still rested. */
  #resumedUnpulled = 0
  #sent = 0
  #pulls = 0
  #settlePullMs: number | undefined
  /** The quotes still open when the settle halt's bound ran out. */
  #leftAtBound: string[] = []

  /** Explains a quote found resting (its recorded calls and events), printed under the failure. */
  readonly #explain: (clientOrderId: string) => string

  constructor(watched: readonly Watched[], explain: (clientOrderId: string) => string = () => '') {
    this.#watched = watched
    this.#explain = explain
    for (const w of watched) {
      const m = w.engine.quoteManager(w.venue)
      m?.events.on('quote.sent', () => this.#sent++)
      m?.events.on('quotes.pulled', () => this.#pulls++)
    }
  }

  start(): void {
    this.#timer = setInterval(() => this.#check(), 250)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.stopKillSwitches()
  }

  /**
   * Fires the kill switch (`emergencyStop`) of the watched engines in turn, every `everyMs`: every quote must then be
   * pulled within the bound like after any other halt (the soak's operator resumes trading a few seconds later).
   */
  startKillSwitches(everyMs: number): void {
    this.#killTimer = setInterval(() => {
      const w = this.#watched[this.#kills % this.#watched.length] as Watched
      this.#kills++
      void w.risk.emergencyStop(`soak: kill switch ${this.#kills}`)
    }, everyMs)
  }

  /** No more kill switches (before the settle). */
  stopKillSwitches(): void {
    clearInterval(this.#killTimer)
  }

  /** Call right after the settle halt: waits (bounded) until no quote is open. */
  async afterHalt(): Promise<void> {
    const t0 = Date.now()
    while (Date.now() - t0 < SOAK_PULL_BOUND_MS) {
      if (this.#open().length === 0) {
        this.#settlePullMs = Date.now() - t0
        return
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    this.#leftAtBound = this.#open()
  }

  result(): CheckResult {
    const failures = [...this.#violations].map(([cid, v]) =>
      this.#leftAtBound.includes(cid) ? v : `${v}\n${this.#explain(cid)}`,
    )
    if (this.#sent === 0) failures.push('the makers sent no quote')
    if (this.#settlePullMs === undefined)
      failures.push(
        `quotes still open ${SOAK_PULL_BOUND_MS} ms after the settle halt: ${this.#leftAtBound.map((c) => `${c}\n${this.#explain(c)}`).join('\n')}`,
      )
    return {
      name: 'makers: no stale quote',
      ok: failures.length === 0,
      summary: `${this.#sent} quotes sent, ${this.#pulls} pulls, ${this.#kills} kill switches; ${this.#haltPullMs.length} halts found quotes resting and pulled them all within ${Math.max(0, ...this.#haltPullMs)} ms (checked every 250 ms), ${this.#resumedUnpulled} resumed before; settle halt pulled every quote in ${this.#settlePullMs ?? '∞'} ms (bound ${SOAK_PULL_BOUND_MS} ms)`,
      failures,
    }
  }

  #open(): string[] {
    return this.#watched.flatMap((w) => this.#quotes(w).map((o) => o.clientOrderId))
  }

  /** The watched engine's resting quotes: the sim's book where it can tell (`venueQuotes`), else the executor's view. */
  #quotes(w: Watched): Array<{ clientOrderId: string; symbol: string; status: string }> {
    if (w.venueQuotes !== undefined) {
      const view = w.ourView ?? (() => '')
      return w.venueQuotes().map((o) => ({
        ...o,
        status: `resting at the venue (ours: ${view(o.clientOrderId)})`,
      }))
    }
    return w.engine.quoteManager(w.venue)?.openQuotes({ venue: w.venue }) ?? []
  }

  #check(): void {
    const now = Date.now()
    const restricted = (w: Watched, symbol: string): boolean =>
      w.risk.state !== 'ACTIVE' || w.engine.instrumentState(w.venue, symbol) !== 'ACTIVE'
    for (const [k, v] of this.#since) if (!restricted(v.w, v.symbol)) this.#since.delete(k)
    for (const w of this.#watched) {
      const quotes = this.#quotes(w)
      this.#timeHalt(w, quotes.length, now)
      for (const o of quotes) {
        if (!restricted(w, o.symbol)) continue
        const k = `${w.label}:${o.symbol}`
        const since = this.#since.get(k)?.at ?? now
        if (!this.#since.has(k)) this.#since.set(k, { w, symbol: o.symbol, at: now })
        if (now - since > SOAK_PULL_BOUND_MS && !this.#violations.has(o.clientOrderId)) {
          this.#violations.set(
            o.clientOrderId,
            `${w.label} quote ${o.clientOrderId} on ${o.symbol.slice(0, 10)} still ${o.status} ${now - since} ms after trading there left ACTIVE`,
          )
        }
      }
    }
  }

  /** Times each halt of an engine (breaker, kill switch): from leaving ACTIVE until no quote of it rests. */
  #timeHalt(w: Watched, resting: number, now: number): void {
    const at = this.#haltedAt.get(w)
    if (w.risk.state === 'ACTIVE') {
      if (at !== undefined && at >= 0) this.#resumedUnpulled++
      this.#haltedAt.delete(w)
      return
    }
    if (at === undefined) this.#haltedAt.set(w, resting === 0 ? -1 : now)
    else if (at >= 0 && resting === 0) {
      this.#haltPullMs.push(now - at)
      this.#haltedAt.set(w, -1) // pulled; this halt is done
    }
  }
}
