import type { Clock, TimerHandle } from '../../core/clock.js'
import { isTradekitError, TimeoutError, type TradekitError } from '../../errors/index.js'
import { readBody } from './readBody.js'

/** What one request on the wire does: the response, or why there is none. */
export type FetchResult =
  | {
      readonly kind: 'response'
      readonly status: number
      readonly headers: Headers
      readonly bodyText: string
    }
  /** The per-attempt timeout fired first. */
  | { readonly kind: 'timeout' }
  /** The caller's signal aborted. */
  | { readonly kind: 'aborted' }
  /** The server answered but the answer was refused (body too large). */
  | { readonly kind: 'refused'; readonly error: TradekitError }
  /** No answer: connection refused, reset, DNS... */
  | { readonly kind: 'network'; readonly cause: unknown }

/** Options of {@link fetchWithTimeout}. */
export interface FetchWithTimeoutOptions {
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
  readonly timeoutMs: number
  /** `METHOD /path`, for the timeout error. */
  readonly label: string
  readonly maxResponseBytes: number
  readonly venue: string
  readonly signal?: AbortSignal | undefined
}

/**
 * Sends one request with `fetch`, aborting it after `timeoutMs` (headers and body) or when the caller's signal
 * aborts, and reads the body (bounded). Never throws: every outcome is a {@link FetchResult}. Redirects are not
 * followed (a 3xx is answered as is, never re-sent with signed parameters).
 */
export async function fetchWithTimeout(
  fetchFn: typeof fetch,
  clock: Clock,
  url: string,
  options: FetchWithTimeoutOptions,
): Promise<FetchResult> {
  const { timeoutMs, label, signal } = options
  const controller = new AbortController()
  let timedOut = false
  const timer: TimerHandle = clock.setTimeout(() => {
    timedOut = true
    controller.abort(
      new TimeoutError(`Request "${label}" timed out after ${timeoutMs} ms`, timeoutMs, { request: label }),
    )
  }, timeoutMs)
  const onAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const res = await fetchFn(url, {
      method: options.method,
      headers: options.headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      signal: controller.signal,
      redirect: 'manual',
    })
    const bodyText = await readBody(res, options.maxResponseBytes, label, options.venue)
    return { kind: 'response', status: res.status, headers: res.headers, bodyText }
  } catch (e) {
    if (timedOut) return { kind: 'timeout' }
    if (signal?.aborted) return { kind: 'aborted' }
    if (isTradekitError(e)) return { kind: 'refused', error: e }
    return { kind: 'network', cause: e }
  } finally {
    clock.clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}
