import type { SeededRandom } from '../../src/core/random.js'
import type { BinanceSim, BinanceSimHostileKind, PolymarketSim } from '../../src/sim/index.js'

/** Every fault kind the soak can inject (`--faults` takes a comma list of these). */
export const FAULT_KINDS = [
  // Binance streams
  'bn-close-1000',
  'bn-close-1001',
  'bn-close-4xxx',
  'bn-close-abrupt',
  'bn-stall',
  'bn-depth-gap',
  'bn-server-shutdown',
  'bn-hostile',
  'bn-drop-user-events',
  'bn-expire-listen-key',
  'bn-terminate-user-stream',
  // Binance REST
  'bn-429',
  'bn-418',
  'bn-5xx',
  'bn-lost-response',
  'bn-slow',
  'bn-timeout',
  'bn-clock-skew',
  // Polymarket
  'pm-drop-market',
  'pm-drop-user',
  'pm-freeze',
  'pm-stall',
  'pm-hostile',
  'pm-429',
  'pm-5xx',
  'pm-slow',
  'pm-timeout',
  'pm-settle-delay',
  'pm-settle-fail',
  'pm-tick-size',
] as const
/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number]

/**
 * Parses `--faults` (default: every kind): a comma list of kinds or families (`bn`, `pm`, `bn-close`); `all`
 * selects every kind; a leading `-` removes a kind or family (`all,-pm-stall`). Unknown names are an error.
 */
export function parseFaults(list: string | undefined): FaultKind[] {
  if (list === undefined || list === '' || list === 'all') return [...FAULT_KINDS]
  const parts = list
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
  let out: FaultKind[] = parts.every((p) => p.startsWith('-')) ? [...FAULT_KINDS] : []
  for (const part of parts) {
    const remove = part.startsWith('-')
    const name = remove ? part.slice(1) : part
    const matches =
      name === 'all' ? [...FAULT_KINDS] : FAULT_KINDS.filter((k) => k === name || k.startsWith(`${name}-`))
    if (matches.length === 0)
      throw new Error(`Unknown fault kind "${name}" (known: ${FAULT_KINDS.join(', ')})`)
    if (remove) out = out.filter((k) => !matches.includes(k))
    else for (const m of matches) if (!out.includes(m)) out.push(m)
  }
  return out
}

export interface ChaosTargets {
  readonly bsim: BinanceSim
  readonly psim: PolymarketSim
  /** Condition id of the traded Polymarket market and its normal tick size. */
  readonly pmConditionId: string
  readonly pmTick: string
  /** Client-side request timeouts, so `*-timeout` faults can exceed them. */
  readonly binanceTimeoutMs: number
  readonly polymarketTimeoutMs: number
}

/** One injected fault, for the report. */
export interface InjectedFault {
  readonly atMs: number
  readonly kind: FaultKind
  readonly detail: string
}

const HOSTILE: readonly BinanceSimHostileKind[] = [
  'nan',
  'zero',
  'negative',
  'huge',
  'garbage',
  'truncated',
  'empty',
]

/**
 * The seeded chaos schedule: every `meanGapMs` (jittered) it draws one fault kind from the enabled set and injects
 * it with drawn parameters. Faults with a duration (stalls, freezes, skews, slow HTTP, held settlements) are undone
 * by timers; {@link Chaos.stop} undoes everything at once.
 */
export class Chaos {
  readonly injected: InjectedFault[] = []
  readonly #t: ChaosTargets
  readonly #rng: SeededRandom
  readonly #kinds: readonly FaultKind[]
  readonly #meanGapMs: number
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  readonly #t0 = Date.now()
  #next: ReturnType<typeof setTimeout> | undefined
  #running = false

  constructor(targets: ChaosTargets, rng: SeededRandom, kinds: readonly FaultKind[], meanGapMs: number) {
    this.#t = targets
    this.#rng = rng
    this.#kinds = kinds
    this.#meanGapMs = meanGapMs
  }

  start(): void {
    if (this.#kinds.length === 0) return
    this.#running = true
    this.#schedule()
  }

  /** Stops injecting and undoes every pending fault. */
  stop(): void {
    this.#running = false
    if (this.#next !== undefined) clearTimeout(this.#next)
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    const { bsim, psim } = this.#t
    bsim.faults.reset()
    psim.faults.clear()
    psim.releaseSettlement()
    psim.setTickSize(this.#t.pmConditionId, this.#t.pmTick)
  }

  #schedule(): void {
    if (!this.#running) return
    const gap = Math.round(this.#meanGapMs * (0.5 + this.#rng.next()))
    this.#next = setTimeout(() => {
      if (!this.#running) return
      const kind = this.#rng.pick(this.#kinds)
      try {
        this.#log(kind, this.#inject(kind))
      } catch (e) {
        // A fault that cannot be injected is a soak bug: record it so the run fails loudly.
        this.injected.push({ atMs: Date.now() - this.#t0, kind, detail: `INJECTION FAILED: ${String(e)}` })
      }
      this.#schedule()
    }, gap)
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t)
      if (this.#running) fn()
    }, ms)
    this.#timers.add(t)
  }

  #log(kind: FaultKind, detail: string): void {
    this.injected.push({ atMs: Date.now() - this.#t0, kind, detail })
  }

  /** Injects one fault; returns what was done, for the report. */
  #inject(kind: FaultKind): string {
    const { bsim, psim } = this.#t
    const r = this.#rng
    switch (kind) {
      case 'bn-close-1000':
        bsim.faults.closeStreams({ mode: 'clean', code: 1000 })
        return 'close 1000'
      case 'bn-close-1001':
        bsim.faults.closeStreams({ mode: 'clean', code: 1001 })
        return 'close 1001 (going away)'
      case 'bn-close-4xxx': {
        const code = r.int(4000, 4999)
        bsim.faults.closeStreams({ mode: 'clean', code })
        return `close ${code}`
      }
      case 'bn-close-abrupt':
        bsim.faults.closeStreams({ mode: 'abrupt' })
        return 'TCP reset (1006 on the client)'
      case 'bn-stall': {
        const ms = r.int(500, 4000)
        bsim.faults.stall(ms)
        return `stall ${ms} ms`
      }
      case 'bn-depth-gap': {
        const count = r.int(1, 3)
        bsim.faults.depthGap({ count })
        return `lose ${count} depth diffs per symbol`
      }
      case 'bn-server-shutdown':
        bsim.faults.serverShutdown()
        return 'serverShutdown (24 h style forced reconnect)'
      case 'bn-hostile': {
        const k = r.pick(HOSTILE)
        const count = r.int(1, 5)
        bsim.faults.malformed({ count, kind: k })
        return `${count} × ${k}`
      }
      case 'bn-drop-user-events': {
        const count = r.int(1, 3)
        bsim.faults.dropUserEvents(count)
        return `drop ${count} user events`
      }
      case 'bn-expire-listen-key':
        bsim.faults.expireListenKeys()
        return 'listenKeyExpired'
      case 'bn-terminate-user-stream':
        bsim.faults.terminateUserStreams()
        return 'eventStreamTerminated'
      case 'bn-429': {
        const count = r.int(1, 3)
        const retryAfterSec = r.int(1, 2)
        bsim.faults.rateLimit({ count, retryAfterSec })
        return `${count} × 429 Retry-After ${retryAfterSec}`
      }
      case 'bn-418': {
        const retryAfterSec = r.int(1, 2)
        bsim.faults.ban({ count: 1, retryAfterSec })
        return `418 Retry-After ${retryAfterSec}`
      }
      case 'bn-5xx': {
        const status = r.pick([500, 502, 503, 504])
        const count = r.int(1, 3)
        bsim.faults.serverError({ count, status })
        return `${count} × ${status}`
      }
      case 'bn-lost-response': {
        const status = r.pick([500, 502, 503])
        bsim.faults.serverError({ count: 1, status, path: '/order', afterExecute: true })
        return `next order executes, answer ${status}`
      }
      case 'bn-slow': {
        const delayMs = r.int(100, Math.max(200, Math.floor(this.#t.binanceTimeoutMs / 2)))
        const count = r.int(1, 4)
        bsim.faults.slow({ delayMs, count })
        return `${count} responses +${delayMs} ms`
      }
      case 'bn-timeout': {
        const delayMs = this.#t.binanceTimeoutMs + r.int(200, 1500)
        const path = r.pick(['/order', '/openOrders', undefined])
        bsim.faults.slow({ delayMs, count: 1, ...(path !== undefined ? { path } : {}) })
        return `1 response on ${path ?? 'any path'} +${delayMs} ms (> client timeout)`
      }
      case 'bn-clock-skew': {
        const ms = r.pick([-1, 1]) * r.int(6_000, 20_000)
        const holdMs = r.int(1_000, 4_000)
        bsim.faults.clockSkew(ms)
        this.#later(holdMs, () => bsim.faults.clockSkew(0))
        return `server clock ${ms} ms for ${holdMs} ms (-1021)`
      }
      case 'pm-drop-market':
        psim.faults.dropConnections('market')
        return 'market sockets terminated'
      case 'pm-drop-user':
        psim.faults.dropConnections('user')
        return 'user sockets terminated'
      case 'pm-freeze': {
        const ms = r.int(1_000, 5_000)
        psim.faults.freezeMarketData(true)
        this.#later(ms, () => psim.faults.freezeMarketData(false))
        return `silent freeze ${ms} ms (PONG still flows)`
      }
      case 'pm-stall': {
        const ms = r.int(1_000, 5_000)
        psim.faults.stallSockets(true)
        this.#later(ms, () => psim.faults.stallSockets(false))
        return `full stall ${ms} ms`
      }
      case 'pm-hostile': {
        const count = r.int(1, 5)
        psim.faults.sendMalformed(count)
        return `${count} malformed frames`
      }
      case 'pm-429': {
        const count = r.int(1, 3)
        const retryAfterSec = r.int(1, 2)
        psim.faults.failHttp(count, 429, { retryAfterSec })
        return `${count} × 429 Retry-After ${retryAfterSec}`
      }
      case 'pm-5xx': {
        const status = r.pick([500, 502, 503] as const)
        const count = r.int(1, 3)
        psim.faults.failHttp(count, status)
        return `${count} × ${status}`
      }
      case 'pm-slow': {
        const ms = r.int(50, Math.max(100, Math.floor(this.#t.polymarketTimeoutMs / 3)))
        const holdMs = r.int(500, 2_500)
        psim.faults.delayHttp(ms)
        this.#later(holdMs, () => psim.faults.delayHttp(0))
        return `HTTP +${ms} ms for ${holdMs} ms`
      }
      case 'pm-timeout': {
        const ms = this.#t.polymarketTimeoutMs + r.int(200, 1_000)
        const holdMs = r.int(300, 1_200)
        psim.faults.delayHttp(ms)
        this.#later(holdMs, () => psim.faults.delayHttp(0))
        return `HTTP +${ms} ms (> client timeout) for ${holdMs} ms`
      }
      case 'pm-settle-delay': {
        const holdMs = r.int(1_000, 5_000)
        psim.faults.settlement('hold')
        this.#later(holdMs, () => {
          psim.faults.settlement('confirm')
          psim.releaseSettlement()
        })
        return `settlement held ${holdMs} ms`
      }
      case 'pm-settle-fail': {
        const holdMs = r.int(500, 2_000)
        psim.faults.settlement('fail')
        this.#later(holdMs, () => psim.faults.settlement('confirm'))
        return `settlements fail for ${holdMs} ms`
      }
      case 'pm-tick-size': {
        const finer = this.#t.pmTick === '0.01' ? '0.001' : '0.0001'
        const holdMs = r.int(1_000, 4_000)
        psim.setTickSize(this.#t.pmConditionId, finer)
        this.#later(holdMs, () => psim.setTickSize(this.#t.pmConditionId, this.#t.pmTick))
        return `tick ${this.#t.pmTick} → ${finer} for ${holdMs} ms`
      }
    }
  }
}
