import { StateError, type TradekitErrorOptions } from '../errors/index.js'
import type { TradingState } from './types.js'

/** Brand of {@link StateSaveRefusedError}; a `Symbol.for` key survives duplicated bundles. */
const REFUSED: unique symbol = Symbol.for('tradekit.stateSaveRefused') as never

/** What a {@link StateSaveRefusedError} says about the refusal. */
export interface StateSaveRefusedErrorOptions extends TradekitErrorOptions {
  /** The state that was not saved. */
  readonly refused: TradingState
  /** The stored state the store kept instead, when it said. */
  readonly stored?: TradingState | undefined
  /** The store's reason code (`RedisStateStore`: `halted`, `unseen`, `resumed`). */
  readonly why?: string | undefined
}

/**
 * A {@link StateStore} refused a save on purpose (a `RedisStateStore` holding a HALTED this save may not replace, or a
 * stale halt): the same save would be refused again, so it is reported once and not retried. `INVALID_STATE`.
 *
 * @example
 * ```ts
 * risk.events.on('error', (e) => {
 *   if (isStateSaveRefusedError(e)) log.warn({ stored: e.stored, refused: e.refused, why: e.why }, e.message)
 * })
 * ```
 */
export class StateSaveRefusedError extends StateError {
  override name = 'StateSaveRefusedError'
  /** The state that was not saved. */
  readonly refused: TradingState
  /** The stored state the store kept instead, when it said. */
  readonly stored: TradingState | undefined
  /** The store's reason code. */
  readonly why: string | undefined
  /** Brand checked by {@link isStateSaveRefusedError}. */
  readonly [REFUSED] = true as const

  constructor(message: string, options: StateSaveRefusedErrorOptions) {
    const { refused, stored, why, ...rest } = options
    super(message, { ...rest, retryable: false, details: { ...rest.details, stored, refused, why } })
    this.refused = refused
    this.stored = stored
    this.why = why
  }
}

/**
 * True when `e` is a {@link StateSaveRefusedError}, even from another copy of the package: a save the store refused on
 * purpose (not a failure to reach it).
 *
 * @example
 * ```ts
 * await store.save(state).catch((e) => { if (!isStateSaveRefusedError(e)) throw e })
 * ```
 */
export function isStateSaveRefusedError(e: unknown): e is StateSaveRefusedError {
  return typeof e === 'object' && e !== null && (e as { [REFUSED]?: unknown })[REFUSED] === true
}
