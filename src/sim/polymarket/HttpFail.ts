/** An HTTP error answer of {@link PolymarketSim}: status, JSON body (Polymarket's `{ error }`) and extra headers. */
export class HttpFail extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error ?? status))
  }
}

/**
 * Parses a JSON request body; a 400 with `error` when it is not JSON.
 *
 * @example
 * ```ts
 * const ids = parseJson<string[]>(body, 'Invalid order payload')
 * ```
 */
export function parseJson<T = unknown>(text: string, error: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw new HttpFail(400, { error })
  }
}
