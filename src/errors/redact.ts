const SECRET_KEY =
  /secret|passphrase|password|private|signature|api[-_]?key|apikey|token|auth|credential|mnemonic|seed/i
const MAX_DEPTH = 6

/** Text that replaces a secret value. */
export const REDACTED = '[REDACTED]'

/**
 * True when a property name looks like it holds a secret (API key, passphrase, signature, private key, ...).
 *
 * @example
 * ```ts
 * isSecretKey('apiSecret') // true
 * isSecretKey('symbol')    // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key)
}

/**
 * Returns a deep copy of `value` with every property whose name looks secret replaced by `[REDACTED]`.
 * Used for error details, log fields and event payloads so that credentials never leave the process.
 *
 * @example
 * ```ts
 * redact({ apiKey: 'abc', symbol: 'BTCUSDT' }) // { apiKey: '[REDACTED]', symbol: 'BTCUSDT' }
 * ```
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[Truncated]'
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error || value instanceof Date) return value
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && !isPublicTokenId(k) ? REDACTED : redact(v, depth + 1)
  }
  return out
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Market identifiers that merely contain the word "token" (Polymarket `tokenId`, `asset_id`) are not secrets. */
function isPublicTokenId(key: string): boolean {
  return /^(token_?id|token_?ids|clob_?token_?ids|tokens)$/i.test(key)
}
