import type { Clock } from '../core/clock.js'
import { instrumentKey } from '../core/instrumentKey.js'
import type { MarketDataSource } from '../core/ports.js'
import type { Instrument } from '../core/types.js'
import { StateError, type TradekitError } from '../errors/index.js'
import type { RiskManager } from '../risk/index.js'
import { TradingState } from '../risk/types.js'
import type { HttpClient } from '../transport/index.js'

/** A market-data feed the engine listens to, with what it needs to judge the feed's health. */
export interface FeedRegistration {
  /** Name used in health reports and metrics. */
  readonly name: string
  /** Venue id of the data. */
  readonly venue: string
  readonly source: MarketDataSource
  /** No data for this long means the feed is stale. Default: the engine's `feedHealth.staleAfterMs`. */
  readonly staleAfterMs?: number
  /**
   * No data on one traded instrument of this feed for this long (while the feed itself is busy) restricts that
   * instrument alone, like a silent feed. Off by default (`0`, the feed judged as a whole): set it above the longest
   * healthy quiet spell of any instrument on the feed (a 1h candle stream, a book that changes only on trades).
   */
  readonly symbolStaleAfterMs?: number
  /**
   * Optional live status from the adapter: connection, book sync, venue heartbeat. A feed reporting
   * `healthy: false` is treated like a stale one.
   */
  readonly status?: () => FeedStatus
  /** Closes the feed's sockets on `stop()`. */
  readonly close?: () => Promise<void> | void
}

/** What an adapter reports about a feed (see {@link FeedRegistration.status}). */
export interface FeedStatus {
  readonly healthy: boolean
  /** Why not healthy (book resync, heartbeat lost, disconnected). */
  readonly reason?: string
  /** Websocket reconnects so far (for metrics). */
  readonly reconnects?: number
  /** Book resyncs so far (for metrics). */
  readonly bookResyncs?: number
}

/** A venue connection the engine watches for metrics and health (request latency, rate-limit headroom, heartbeat). */
export interface VenueRegistration {
  /** Venue id, as on instruments (`binance`, `polymarket`). */
  readonly venue: string
  /** The adapter's HTTP client (`spot.rest.http`, `polymarket.rest.http`): latency, retries and rate-limit headroom. */
  readonly http?: HttpClient
  /**
   * The venue's dead-man's switch or session health (Polymarket order heartbeats). Unhealthy restricts every
   * instrument of the venue, like a stale feed.
   */
  readonly heartbeat?: () => { readonly healthy: boolean; readonly reason?: string }
}

/** Health of one feed. */
export interface FeedHealth {
  readonly name: string
  readonly venue: string
  /** Time since the last event, ms (`null` before the first). */
  readonly lastDataAgeMs: number | null
  readonly healthy: boolean
  readonly reason?: string
}

/** Health of one venue heartbeat. */
export interface VenueHealth {
  readonly venue: string
  readonly healthy: boolean
  readonly reason?: string
}

/** A trading restriction feed health wants on an instrument, different from the one it asked for last. */
export interface InstrumentStateChange {
  readonly venue: string
  readonly symbol: string
  readonly from: TradingState
  readonly to: TradingState
  readonly reason: string
}

/** What {@link FeedHealthMonitor} takes. */
export interface FeedHealthMonitorConfig {
  readonly clock: Clock
  readonly feeds: readonly FeedRegistration[]
  readonly venues: readonly VenueRegistration[]
  /** Instruments the engine trades: a venue heartbeat restricts them when it fails, and each is judged silent on its own. */
  readonly instruments: readonly Instrument[]
  /** Default staleness bound of a feed without its own `staleAfterMs`. */
  readonly staleAfterMs: number
  /** What an unhealthy feed or heartbeat does to its instruments. */
  readonly action: 'REDUCING' | 'HALTED'
  /** Receives the failure of a feed's `status()` or a venue's `heartbeat()` that threw (the engine's `error` event). */
  readonly onError?: (e: TradekitError) => void
}

/** What a feed's `status()` or a venue's `heartbeat()` says. */
type Probe = { readonly healthy: boolean; readonly reason?: string }

/** How much a trading state restricts, to never loosen a restriction feed health did not set. */
const STRICTNESS: Readonly<Record<TradingState, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 }

/**
 * Writes the changes {@link FeedHealthMonitor.check} asks for into the RiskManager (`FEED_UNHEALTHY`), never loosening
 * a stricter state someone else set since the monitor's last change (a host's `HALTED` stays).
 */
export function applyFeedHealth(
  risk: Pick<RiskManager, 'instrumentState' | 'setInstrumentState'>,
  changes: readonly InstrumentStateChange[],
): void {
  for (const { venue, symbol, from, to, reason } of changes) {
    const now = risk.instrumentState(venue, symbol)
    if (now !== from && STRICTNESS[now] > STRICTNESS[to]) continue
    risk.setInstrumentState(venue, symbol, to, { code: 'FEED_UNHEALTHY', reason })
  }
}

const key = instrumentKey

/**
 * Turns feed health into trading restrictions: a feed silent for longer than its `staleAfterMs`, a feed whose
 * `status()` says unhealthy, or a failing venue heartbeat, asks for its instruments to be REDUCING (or HALTED); a traded
 * instrument silent on its feed for longer than its `symbolStaleAfterMs`, when set, asks for that instrument alone; healthy again, ACTIVE. It only decides: {@link FeedHealthMonitor.check} returns the changes, the engine applies them.
 */
export class FeedHealthMonitor {
  readonly #cfg: FeedHealthMonitorConfig
  readonly #feedLast = new Map<string, number>()
  readonly #feedInstruments = new Map<string, Set<string>>()
  /** Last data time per feed and traded instrument (`feed` → `venue\0symbol` → time). */
  readonly #symbolLast = new Map<string, Map<string, { t: number }>>()
  readonly #traded: Set<string>
  /** The feed and instrument {@link FeedHealthMonitor.seen} recorded last, and its last-seen slot (traded only). */
  #lastFeed: string | undefined
  #lastKey: string | undefined
  #lastSlot: { t: number } | undefined
  /** What this monitor last asked for, per instrument (absent = ACTIVE). */
  readonly #applied = new Map<string, { state: TradingState; reason: string }>()

  constructor(config: FeedHealthMonitorConfig) {
    this.#cfg = config
    this.#traded = new Set(config.instruments.map((i) => key(i.venue, i.symbol)))
  }

  /** Records that feed `feedName` just delivered data for `venue:symbol`. */
  seen(feedName: string, venue: string, symbol: string): void {
    const now = this.#cfg.clock.now()
    this.#feedLast.set(feedName, now)
    const k = key(venue, symbol)
    // A stream of one feed's events on one instrument: recorded once, then only its time.
    if (feedName === this.#lastFeed && k === this.#lastKey) {
      if (this.#lastSlot !== undefined) this.#lastSlot.t = now
      return
    }
    this.#lastFeed = feedName
    this.#lastKey = k
    let set = this.#feedInstruments.get(feedName)
    if (set === undefined) {
      set = new Set()
      this.#feedInstruments.set(feedName, set)
    }
    set.add(k)
    this.#lastSlot = undefined
    if (!this.#traded.has(k)) return
    let slots = this.#symbolLast.get(feedName)
    if (slots === undefined) {
      slots = new Map()
      this.#symbolLast.set(feedName, slots)
    }
    let slot = slots.get(k)
    if (slot === undefined) {
      slot = { t: now }
      slots.set(k, slot)
    }
    slot.t = now
    this.#lastSlot = slot
  }

  /** Data age, staleness and reported status of one feed. */
  feedHealth(f: FeedRegistration, now = this.#cfg.clock.now()): FeedHealth {
    const last = this.#feedLast.get(f.name)
    const staleAfter = f.staleAfterMs ?? this.#cfg.staleAfterMs
    const st = this.#probe(f.status, `Feed "${f.name}"`, 'status()')
    const age = last === undefined ? null : now - last
    let reason: string | undefined
    if (st !== undefined && !st.healthy) reason = st.reason ?? 'feed reports unhealthy'
    else if (age !== null && age > staleAfter) reason = `no data for ${age} ms`
    return {
      name: f.name,
      venue: f.venue,
      lastDataAgeMs: age,
      healthy: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
    }
  }

  /** The heartbeats of the venues that registered one. */
  venueHealth(): VenueHealth[] {
    return this.#cfg.venues.flatMap((v) => {
      const h = this.#probe(v.heartbeat, `Venue "${v.venue}"`, 'heartbeat()')
      if (h === undefined) return []
      return [{ venue: v.venue, healthy: h.healthy, ...(h.reason !== undefined ? { reason: h.reason } : {}) }]
    })
  }

  /** The restriction this monitor last asked for on an instrument, with its reason (`undefined` = ACTIVE). */
  restriction(venue: string, symbol: string): { state: TradingState; reason: string } | undefined {
    return this.#applied.get(key(venue, symbol))
  }

  /** Re-evaluates every feed and heartbeat; returns the restriction changes since the last check, in order. */
  check(): InstrumentStateChange[] {
    const desired = this.#desired(this.#cfg.clock.now())
    const changes: InstrumentStateChange[] = []
    for (const [k, d] of desired) {
      const cur = this.#applied.get(k)
      if (cur?.state !== d.state) changes.push(this.#apply(k, d.state, d.reason, cur?.state ?? 'ACTIVE'))
    }
    for (const [k, cur] of [...this.#applied]) {
      if (!desired.has(k)) changes.push(this.#apply(k, 'ACTIVE', 'feed healthy again', cur.state))
    }
    return changes
  }

  #desired(now: number): Map<string, { state: TradingState; reason: string }> {
    const action = this.#cfg.action
    const desired = new Map<string, { state: TradingState; reason: string }>()
    for (const f of this.#cfg.feeds) {
      const h = this.feedHealth(f, now)
      if (!h.healthy) {
        for (const k of this.#feedInstruments.get(f.name) ?? []) {
          desired.set(k, { state: action, reason: `feed "${f.name}": ${h.reason ?? 'unhealthy'}` })
        }
        continue
      }
      // A busy feed may still have gone silent on one instrument: judged on its own.
      const bound = f.symbolStaleAfterMs ?? 0
      if (bound <= 0) continue
      for (const [k, slot] of this.#symbolLast.get(f.name) ?? []) {
        const age = now - slot.t
        if (age <= bound || desired.has(k)) continue
        const [, symbol = ''] = k.split('\u0000')
        desired.set(k, { state: action, reason: `feed "${f.name}": no data on "${symbol}" for ${age} ms` })
      }
    }
    for (const v of this.#cfg.venues) {
      const h = this.#probe(v.heartbeat, `Venue "${v.venue}"`, 'heartbeat()')
      if (h === undefined || h.healthy) continue
      for (const i of this.#cfg.instruments) {
        if (i.venue !== v.venue) continue
        desired.set(key(i.venue, i.symbol), {
          state: action,
          reason: `venue "${v.venue}" heartbeat: ${h.reason ?? 'unhealthy'}`,
        })
      }
    }
    return desired
  }

  /**
   * Asks an adapter's health probe. One that throws (or answers without a boolean `healthy`) is reported on `onError`
   * and counts as unhealthy: health nobody can tell is not health, and a throw never escapes a health check.
   */
  #probe(fn: (() => Probe) | undefined, who: string, what: string): Probe | undefined {
    if (fn === undefined) return undefined
    try {
      const p = fn()
      if (typeof p?.healthy === 'boolean') return p
      throw new TypeError(`answered ${p === null ? 'null' : typeof p}, not { healthy: boolean }`)
    } catch (e) {
      const reason = `${what} failed: ${e instanceof Error ? e.message : String(e)}`
      this.#cfg.onError?.(new StateError(`${who} ${reason}`, { cause: e }))
      return { healthy: false, reason }
    }
  }

  #apply(k: string, to: TradingState, reason: string, from: TradingState): InstrumentStateChange {
    if (to === TradingState.ACTIVE) this.#applied.delete(k)
    else this.#applied.set(k, { state: to, reason })
    const [venue = '', symbol = ''] = k.split('\u0000')
    return { venue, symbol, from, to, reason }
  }
}
