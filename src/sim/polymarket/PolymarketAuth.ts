import type { IncomingMessage } from 'node:http'
import type { Clock } from '../../core/clock.js'
import { header } from '../shared/http.js'
import { HttpFail } from './HttpFail.js'
import { l2Signature, SIM_CLOB_AUTH_MESSAGE, SIM_CLOB_AUTH_TYPES } from './protocol.js'
import type { SimApiCredentials } from './types.js'

type Ethers = typeof import('ethers')

/** An API key the simulator issued, with the nonce it was derived for. */
export interface SimKey extends SimApiCredentials {
  readonly nonce: number
}

/** What {@link PolymarketAuth} checks against. */
export interface PolymarketAuthConfig {
  readonly ethers: Ethers
  readonly keys: ReadonlyMap<string, SimKey>
  readonly clock: Clock
  readonly chainId: number
  /** Accepted distance between POLY_TIMESTAMP and the clock, in seconds. */
  readonly authWindowSec: number
}

/**
 * Polymarket's request authentication as the sim checks it: L1 (an EIP-712 `ClobAuth` signature by the wallet,
 * to create or derive API keys) and L2 (API key, passphrase, address and an HMAC of the request).
 *
 * @example
 * ```ts
 * const auth = new PolymarketAuth({ ethers, keys, clock, chainId: 137, authWindowSec: 300 })
 * const key = auth.l2(req, 'POST', '/order', body)
 * ```
 */
export class PolymarketAuth {
  readonly #cfg: PolymarketAuthConfig

  constructor(config: PolymarketAuthConfig) {
    this.#cfg = config
  }

  /** Checks the L1 headers; returns the (checksummed) address and nonce. */
  l1(req: IncomingMessage): { address: string; nonce: number } {
    const h = (n: string) => header(req, n)
    const address = h('poly_address')
    const signature = h('poly_signature')
    const timestamp = h('poly_timestamp')
    const nonceText = h('poly_nonce') ?? '0'
    const bad = () => new HttpFail(401, { error: 'Invalid L1 Request headers' })
    if (
      address === undefined ||
      signature === undefined ||
      timestamp === undefined ||
      !/^\d+$/.test(nonceText)
    ) {
      throw bad()
    }
    this.#checkTimestamp(timestamp)
    let recovered: string
    try {
      recovered = this.#cfg.ethers.verifyTypedData(
        { name: 'ClobAuthDomain', version: '1', chainId: this.#cfg.chainId },
        SIM_CLOB_AUTH_TYPES,
        { address, timestamp, nonce: nonceText, message: SIM_CLOB_AUTH_MESSAGE },
        signature,
      )
    } catch {
      throw bad()
    }
    if (recovered.toLowerCase() !== address.toLowerCase()) throw bad()
    return { address: this.#cfg.ethers.getAddress(address), nonce: Number(nonceText) }
  }

  /** Checks the L2 headers of a request to `method path` with `body`; returns the API key. */
  l2(req: IncomingMessage, method: string, path: string, body: string): SimKey {
    const unauthorized = () => new HttpFail(401, { error: 'Unauthorized/Invalid api key' })
    const apiKey = header(req, 'poly_api_key')
    const k = apiKey === undefined ? undefined : this.#cfg.keys.get(apiKey)
    const ts = header(req, 'poly_timestamp')
    const sig = header(req, 'poly_signature')
    if (k === undefined || ts === undefined || sig === undefined) throw unauthorized()
    if (header(req, 'poly_passphrase') !== k.passphrase) throw unauthorized()
    if ((header(req, 'poly_address') ?? '').toLowerCase() !== k.address.toLowerCase()) throw unauthorized()
    this.#checkTimestamp(ts)
    if (l2Signature(k.secret, ts, method, path, body) !== sig) throw unauthorized()
    return k
  }

  #checkTimestamp(ts: string): void {
    const now = Math.floor(this.#cfg.clock.now() / 1000)
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) - now) > this.#cfg.authWindowSec) {
      throw new HttpFail(401, { error: 'Unauthorized/Invalid api key' })
    }
  }
}
