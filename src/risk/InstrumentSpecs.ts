import type { Instrument } from '../core/index.js'

/**
 * The instrument specs a RiskManager knows, by `venue:symbol`, for the kill switch's rounding: the newest one it was
 * given, whichever way — `addInstrument` (config, `TradingEngine`) or a market snapshot it evaluated — so a venue's
 * changed filters (step, minQty) replace the old ones. Specs given by the host are never dropped; specs only learnt
 * from evaluations are bounded (all forgotten at once past `maxLearnt`).
 *
 * @example
 * ```ts
 * const specs = new InstrumentSpecs(10_000)
 * specs.add(btcusdt)
 * specs.learn('binance:BTCUSDT', btcusdtWithNewStep)
 * specs.get('binance', 'BTCUSDT') // btcusdtWithNewStep
 * ```
 */
export class InstrumentSpecs {
  /** Given by the host (and updated by later evaluations): never dropped. */
  readonly #given = new Map<string, Instrument>()
  /** Learnt from evaluations only. */
  readonly #learnt = new Map<string, Instrument>()
  readonly #maxLearnt: number

  constructor(maxLearnt: number) {
    this.#maxLearnt = maxLearnt
  }

  /** A spec from the host: it replaces whatever was known of the instrument. */
  add(instrument: Instrument): void {
    const key = `${instrument.venue}:${instrument.symbol}`
    this.#given.set(key, instrument)
    this.#learnt.delete(key)
  }

  /** The spec an evaluation was made with (`key` is its `venue:symbol`): the newest, so it replaces an older one. */
  learn(key: string, instrument: Instrument): void {
    const given = this.#given.get(key)
    if (given !== undefined) {
      if (given !== instrument) this.#given.set(key, instrument)
      return
    }
    const learnt = this.#learnt.get(key)
    if (learnt === instrument) return
    if (learnt === undefined && this.#learnt.size >= this.#maxLearnt) this.#learnt.clear()
    this.#learnt.set(key, instrument)
  }

  /** The newest spec of an instrument, or `undefined` when it was never given nor evaluated. */
  get(venue: string, symbol: string): Instrument | undefined {
    const key = `${venue}:${symbol}`
    return this.#given.get(key) ?? this.#learnt.get(key)
  }
}
