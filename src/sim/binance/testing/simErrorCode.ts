import { SimApiError } from '../SimApiError.js'

/**
 * The Binance error code `f` throws as a {@link SimApiError}, or `undefined` when it returns or throws something
 * else: for tests of the sim's request checks.
 *
 * @example
 * ```ts
 * simErrorCode(() => batchOrderParams(new URLSearchParams())) // -1102
 * ```
 */
export function simErrorCode(f: () => unknown): number | undefined {
  try {
    f()
    return undefined
  } catch (e) {
    return e instanceof SimApiError ? e.code : undefined
  }
}
