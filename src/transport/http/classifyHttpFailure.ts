import {
  BannedError,
  HttpError,
  RateLimitError,
  type TradekitError,
  type TransportErrorOptions,
} from '../../errors/index.js'
import { backoffDelay } from '../backoff.js'
import { formatEpochMs } from '../formatEpochMs.js'
import { parseRetryAfter } from './parseRetryAfter.js'

/** The retry settings {@link classifyHttpFailure} needs from the client's config. */
export interface HttpFailurePolicy {
  readonly venue: string
  readonly banStatuses: readonly number[]
  readonly defaultBanMs: number
  /** Longest wait a Retry-After may impose (a ban, or a 429's pause); a longer or unreadably large one counts as this. */
  readonly maxBanMs: number
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  readonly maxRetryAfterMs: number
  readonly random?: (() => number) | undefined
}

/** A non-2xx response as {@link classifyHttpFailure} sees it. */
export interface HttpFailure {
  readonly status: number
  readonly headers: Headers
  readonly bodyText: string
  /** The venue's typed error from the error mapper, if any. */
  readonly mapped: TradekitError | undefined
  /** `METHOD /path`. */
  readonly label: string
  readonly requestId: string | undefined
  readonly attempt: number
  readonly now: number
}

/** What to do about a non-2xx response. */
export interface HttpFailureDecision {
  readonly kind: 'retry' | 'fail'
  readonly error: TradekitError
  /** Delay before the retry; when absent the client's backoff decides. */
  readonly delayMs?: number
  /** How the circuit breaker counts the response: the server answered sanely (`success`) or is failing. */
  readonly breaker: 'success' | 'failure'
  /** Ban the limiter until this time (epoch ms). */
  readonly banUntil?: number
  /** Pause the limiter until this time (epoch ms). */
  readonly pauseUntil?: number
}

/**
 * Classifies a non-2xx response: a ban status bans the limiter and fails; a 429 with Retry-After pauses the limiter
 * until then (always), and retries after it (`delayMs` is the Retry-After, so the call waits it out whatever the
 * limiter's `maxWaitMs`) or fails when the wait is over `maxRetryAfterMs`; one without retries
 * after a backoff; a 5xx retries and counts against the
 * breaker; any other status fails with the mapped venue error or an {@link HttpError}. A Retry-After is held to
 * `maxBanMs`. Pure and never throws: the client applies the decision.
 */
export function classifyHttpFailure(f: HttpFailure, policy: HttpFailurePolicy): HttpFailureDecision {
  const { status, mapped, label, requestId, now } = f
  const base = { request: label, ...(requestId !== undefined ? { requestId } : {}) }
  const withCause = {
    ...base,
    ...(mapped !== undefined ? { cause: mapped } : {}),
    details: { status, ...venueDetails(mapped) },
  }
  if (policy.banStatuses.includes(status)) {
    const until = now + (retryAfterMs(f, policy) ?? policy.defaultBanMs)
    const message = `Banned by ${policy.venue} until ${formatEpochMs(until)}`
    return {
      kind: 'fail',
      breaker: 'success',
      banUntil: until,
      error: new BannedError(message, until, withCause),
    }
  }
  if (status === 429) return rateLimited(f, policy, withCause)
  if (status >= 500) {
    const error = mapped ?? new HttpError(status, f.bodyText, { ...base, details: { attempt: f.attempt } })
    return { kind: 'retry', breaker: 'failure', error }
  }
  return { kind: 'fail', breaker: 'success', error: mapped ?? new HttpError(status, f.bodyText, base) }
}

function rateLimited(
  f: HttpFailure,
  policy: HttpFailurePolicy,
  options: TransportErrorOptions,
): HttpFailureDecision {
  const retryAfter = retryAfterMs(f, policy)
  const waitMs =
    retryAfter ??
    backoffDelay({
      attempt: f.attempt,
      baseMs: Math.max(policy.retryBaseMs, 1),
      maxMs: policy.retryMaxMs,
      ...(policy.random ? { random: policy.random } : {}),
    })
  const error = new RateLimitError(`Rate limited by ${policy.venue} on "${f.label}"`, waitMs, options)
  // The venue said when it takes requests again: every request on this limiter (and, with a shared store, every
  // process) holds back until then, however long. maxRetryAfterMs only decides whether this call waits or fails.
  const pause = retryAfter === undefined ? {} : { pauseUntil: f.now + retryAfter }
  if (waitMs > policy.maxRetryAfterMs) return { kind: 'fail', breaker: 'success', error, ...pause }
  // This call sleeps the whole Retry-After itself (at most maxRetryAfterMs), then acquires budget like any request.
  // Leaving the wait to the limiter (delay 0) failed it at once whenever the pause outlasted the limiter's maxWaitMs.
  return { kind: 'retry', breaker: 'success', error, delayMs: waitMs, ...pause }
}

/**
 * The response's Retry-After in ms, at most `maxBanMs`: a venue's longest ban is days, so a larger value (a header of
 * `99999999999999` seconds, or one too large for a number) is read as that longest wait, never as a time no date holds.
 */
function retryAfterMs(f: HttpFailure, policy: HttpFailurePolicy): number | undefined {
  const ms = parseRetryAfter(f.headers.get('retry-after'), f.now)
  return ms === undefined ? undefined : Math.min(ms, policy.maxBanMs)
}

function venueDetails(mapped: TradekitError | undefined): Record<string, unknown> {
  if (mapped === undefined) return {}
  const d = mapped.details
  return {
    ...(d.venueCode !== undefined ? { venueCode: d.venueCode } : {}),
    ...(d.venueMessage !== undefined ? { venueMessage: d.venueMessage } : {}),
  }
}
