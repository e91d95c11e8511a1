import { createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto'
import { type SimAccount, SimApiError, type SimEngine } from './engine.js'
import type { BinanceSimApiKey } from './types.js'

const INVALID_KEY = 'Invalid API-key, IP, or permissions for action.'
const OUTSIDE_WINDOW = 'Timestamp for this request is outside of the recvWindow.'

/**
 * Binance's request authentication as the sim checks it: API key, timestamp within recvWindow of server time,
 * and an HMAC-SHA256 or Ed25519 signature, for REST (query + body) and for the WebSocket API (sorted params).
 *
 * @example
 * ```ts
 * const auth = new BinanceAuth(keys, engine, () => sim.now())
 * const account = auth.signed(req.headers['x-mbx-apikey'], params, rawQuery, rawBody)
 * ```
 */
export class BinanceAuth {
  readonly #keys: ReadonlyMap<string, BinanceSimApiKey>
  readonly #engine: SimEngine
  readonly #now: () => number

  constructor(keys: ReadonlyMap<string, BinanceSimApiKey>, engine: SimEngine, now: () => number) {
    this.#keys = keys
    this.#engine = engine
    this.#now = now
  }

  /** Checks a signed REST request (`X-MBX-APIKEY`, timestamp, recvWindow, signature); returns its account. */
  signed(apiKey: unknown, params: URLSearchParams, rawQuery: string, rawBody: string): SimAccount {
    const key = typeof apiKey === 'string' ? this.#keys.get(apiKey) : undefined
    if (key === undefined) throw new SimApiError(401, -2015, INVALID_KEY)
    const ts = Number(params.get('timestamp'))
    if (!Number.isFinite(ts))
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      )
    const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000
    if (!Number.isFinite(recvWindow) || recvWindow > 60_000)
      throw new SimApiError(400, -1131, 'recvWindow must be less than 60000')
    const now = this.#now()
    if (ts > now + 1000 || now - ts > recvWindow) throw new SimApiError(400, -1021, OUTSIDE_WINDOW)
    const sig = params.get('signature')
    if (sig === null)
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      )
    const payload = stripSignature(rawQuery) + stripSignature(rawBody)
    if (!this.verify(key, payload, sig))
      throw new SimApiError(400, -1022, 'Signature for this request is not valid.')
    return this.#engine.accounts.get(key.apiKey) as SimAccount
  }

  /** Checks only the `X-MBX-APIKEY` header (listenKey endpoints); returns its account. */
  apiKeyOnly(apiKey: unknown): SimAccount {
    const acc = typeof apiKey === 'string' ? this.#engine.accounts.get(apiKey) : undefined
    if (acc === undefined) throw new SimApiError(401, -2015, INVALID_KEY)
    return acc
  }

  /** WebSocket API signature: every param but `signature`, sorted by name, joined as a query string. */
  wsApi(params: Record<string, unknown>): BinanceSimApiKey {
    const key = typeof params.apiKey === 'string' ? this.#keys.get(params.apiKey) : undefined
    if (key === undefined) throw new SimApiError(401, -2015, INVALID_KEY)
    const ts = Number(params.timestamp)
    const recvWindow = params.recvWindow !== undefined ? Number(params.recvWindow) : 5000
    const now = this.#now()
    if (!Number.isFinite(ts) || ts > now + 1000 || now - ts > recvWindow)
      throw new SimApiError(400, -1021, OUTSIDE_WINDOW)
    const sig = params.signature
    if (typeof sig !== 'string')
      throw new SimApiError(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      )
    const payload = Object.keys(params)
      .filter((k) => k !== 'signature')
      .sort()
      .map((k) => `${k}=${String(params[k])}`)
      .join('&')
    if (!this.verify(key, payload, sig))
      throw new SimApiError(400, -1022, 'Signature for this request is not valid.')
    return key
  }

  /** Whether `sig` signs `payload` with the key's HMAC secret (hex) or Ed25519 key (base64). */
  verify(key: BinanceSimApiKey, payload: string, sig: string): boolean {
    if (key.secret !== undefined && /^[0-9a-fA-F]{64}$/.test(sig)) {
      const want = createHmac('sha256', key.secret).update(payload).digest()
      return timingSafeEqual(want, Buffer.from(sig, 'hex'))
    }
    if (key.ed25519PublicKey !== undefined) {
      try {
        return verifySignature(
          null,
          Buffer.from(payload),
          createPublicKey(key.ed25519PublicKey),
          Buffer.from(sig, 'base64'),
        )
      } catch {
        return false
      }
    }
    return false
  }
}

function stripSignature(raw: string): string {
  if (raw === '') return ''
  return raw
    .split('&')
    .filter((kv) => !kv.startsWith('signature='))
    .join('&')
}
