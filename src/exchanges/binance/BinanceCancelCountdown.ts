import * as z from 'zod/mini'
import { type Clock, SystemClock, type TimerHandle } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import { ClockSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import { StateError, type TradekitError, toTradekitError } from '../../errors/index.js'

/** What {@link BinanceCancelCountdown} needs of the adapter: `BinanceUsdm.countdownCancelAll`. */
export interface CountdownVenue {
  countdownCancelAll(symbol: string, countdownMs: number): Promise<number>
}

/** Events of a {@link BinanceCancelCountdown}. */
export interface BinanceCancelCountdownEvents {
  /** A heartbeat failed: unless one succeeds within the countdown, the venue cancels the symbol's orders. */
  error: [e: TradekitError]
}

/** Schema of {@link BinanceCancelCountdownConfig}; defaults are applied here. */
export const BinanceCancelCountdownConfigSchema = z
  .strictObject({
    /** The adapter (`BinanceUsdm`). */
    venue: z.custom<CountdownVenue>(
      (v) => typeof v === 'object' && v !== null && 'countdownCancelAll' in v,
      'Expected an adapter with countdownCancelAll (BinanceUsdm)',
    ),
    /** How long the venue waits for the next heartbeat before it cancels every open order of the symbol. Default 60 s. */
    countdownMs: z._default(PositiveDurationMsSchema, 60_000),
    /** Heartbeat interval; at most a third of `countdownMs`, so two lost beats do not cancel. Default 15 s. */
    heartbeatMs: z._default(PositiveDurationMsSchema, 15_000),
    /** Time source. Default `SystemClock`. */
    clock: z.optional(ClockSchema),
  })
  .check(
    z.refine((c) => c.heartbeatMs * 3 <= c.countdownMs, {
      message: 'heartbeatMs must be at most a third of countdownMs',
      path: ['heartbeatMs'],
    }),
  )

/** What {@link BinanceCancelCountdown} takes (defaults documented on {@link BinanceCancelCountdownConfigSchema}). */
export type BinanceCancelCountdownConfig = z.input<typeof BinanceCancelCountdownConfigSchema>

/**
 * Binance USD-M's dead man's switch: for each armed symbol, `POST /fapi/v1/countdownCancelAll` every `heartbeatMs`, so
 * if the process dies, hangs or loses the venue, Binance itself cancels every open order of the symbol after
 * `countdownMs` — the quotes of a market maker never outlive it. A failed beat is an `error` event (the next beat
 * tries again). {@link BinanceCancelCountdown.close} stops the countdowns (`countdownTime=0`).
 *
 * @example
 * ```ts
 * const countdown = new BinanceCancelCountdown({ venue: usdm, countdownMs: 60_000, heartbeatMs: 15_000 })
 * await countdown.arm('ETHUSDT') // before the first quote
 * // ... on shutdown, after the quotes are pulled:
 * await countdown.close()
 * ```
 */
export class BinanceCancelCountdown {
  readonly #bus = new TypedEmitter<BinanceCancelCountdownEvents>()
  /** Failed heartbeats. */
  readonly events: Listenable<BinanceCancelCountdownEvents> = this.#bus
  readonly #cfg: z.output<typeof BinanceCancelCountdownConfigSchema>
  readonly #clock: Clock
  readonly #symbols = new Set<string>()
  #timer: TimerHandle | undefined
  #closed = false

  constructor(config: BinanceCancelCountdownConfig) {
    this.#cfg = parseConfig(BinanceCancelCountdownConfigSchema, config, 'BinanceCancelCountdown')
    this.#clock = this.#cfg.clock ?? new SystemClock()
  }

  /** The symbols whose countdown is kept alive. */
  get symbols(): readonly string[] {
    return [...this.#symbols]
  }

  /** Starts the countdown of a symbol and keeps it alive; resolves once the venue set it (rejects if it did not). */
  async arm(symbol: string): Promise<void> {
    if (this.#closed) throw new StateError('BinanceCancelCountdown is closed')
    const s = symbol.toUpperCase()
    await this.#cfg.venue.countdownCancelAll(s, this.#cfg.countdownMs)
    this.#symbols.add(s)
    this.#schedule()
  }

  /** Stops keeping a symbol's countdown alive and stops it at the venue (`countdownTime=0`). */
  async disarm(symbol: string): Promise<void> {
    const s = symbol.toUpperCase()
    this.#symbols.delete(s)
    await this.#cfg.venue.countdownCancelAll(s, 0)
  }

  /** Stops the heartbeats and every countdown at the venue. Idempotent; never rejects (failures are `error` events). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#clock.clearTimeout(this.#timer)
    const symbols = [...this.#symbols]
    this.#symbols.clear()
    await Promise.all(
      symbols.map((s) =>
        this.#cfg.venue.countdownCancelAll(s, 0).catch((e: unknown) => {
          this.#bus.emit('error', toTradekitError(e))
        }),
      ),
    )
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      void this.#beat()
    }, this.#cfg.heartbeatMs)
  }

  async #beat(): Promise<void> {
    await Promise.all(
      [...this.#symbols].map((s) =>
        this.#cfg.venue.countdownCancelAll(s, this.#cfg.countdownMs).catch((e: unknown) => {
          this.#bus.emit('error', toTradekitError(e))
        }),
      ),
    )
    if (this.#symbols.size > 0) this.#schedule()
  }
}
