import { redact } from '../errors/index.js'

/** Logging function with pino's shape: an optional object of fields, then a message. */
export interface LogFn {
  (msg: string): void
  (obj: Record<string, unknown>, msg?: string): void
}

/** A pino-compatible logger. Pass a pino instance, or anything with these four methods. */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

const noop: LogFn = () => {}

/** A logger that drops everything; the default everywhere. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop })

/**
 * Wraps a logger so that every field object is passed through `redact` first: API keys, secrets,
 * passphrases and signatures can never be logged, whatever the caller passes.
 *
 * @example
 * ```ts
 * const log = redactingLogger(pino())
 * log.info({ apiKey: 'abc', symbol: 'BTCUSDT' }, 'connected') // apiKey is logged as '[REDACTED]'
 * ```
 */
export function redactingLogger(inner: Logger): Logger {
  const wrap =
    (fn: LogFn): LogFn =>
    (a: string | Record<string, unknown>, msg?: string) => {
      if (typeof a === 'string') fn(a)
      else fn(redact(a) as Record<string, unknown>, msg)
    }
  return {
    debug: wrap(inner.debug),
    info: wrap(inner.info),
    warn: wrap(inner.warn),
    error: wrap(inner.error),
  }
}
