import { ValidationError } from '../../errors/index.js'
import {
  CLOB_AUTH_DOMAIN_NAME,
  CLOB_AUTH_DOMAIN_VERSION,
  CLOB_AUTH_EIP712_TYPES,
  CLOB_AUTH_MESSAGE,
  POLYGON_CHAIN_ID,
} from './constants.js'
import { type EthersModule, loadEthers } from './loadEthers.js'
import type { ApiCredentials, TypedDataSigner } from './types.js'

/** Headers that authenticate L1 calls (create or derive an API key). */
export interface L1Headers {
  readonly POLY_ADDRESS: string
  readonly POLY_SIGNATURE: string
  readonly POLY_TIMESTAMP: string
  readonly POLY_NONCE: string
}

/** Headers that authenticate L2 calls (orders, cancels, account data). */
export interface L2Headers {
  readonly POLY_ADDRESS: string
  readonly POLY_SIGNATURE: string
  readonly POLY_TIMESTAMP: string
  readonly POLY_API_KEY: string
  readonly POLY_PASSPHRASE: string
}

/** Parameters of {@link createL1Headers}. */
export interface L1HeaderOptions {
  /** Unix seconds. */
  readonly timestamp: number
  /** Key nonce; 0 by default. */
  readonly nonce?: number
  /** Chain id; 137 by default. */
  readonly chainId?: number
}

/** Parameters of {@link createL2Headers}. */
export interface L2HeaderOptions {
  readonly method: string
  /** Request path; a query string, if any, is not signed and is dropped here. */
  readonly path: string
  /** The exact JSON text sent as the body. */
  readonly body?: string
  /** Unix seconds. */
  readonly timestamp: number
}

/**
 * L1 headers: an EIP-712 `ClobAuth` signature (domain `ClobAuthDomain` v1) proving control of the wallet, used
 * to create or derive API keys.
 *
 * @example
 * ```ts
 * const headers = await createL1Headers(wallet, { timestamp: Math.floor(Date.now() / 1000), nonce: 0 })
 * ```
 */
export async function createL1Headers(signer: TypedDataSigner, params: L1HeaderOptions): Promise<L1Headers> {
  const { getAddress } = await loadEthers()
  const address = getAddress(await signer.getAddress())
  const nonce = params.nonce ?? 0
  if (!Number.isSafeInteger(params.timestamp) || params.timestamp < 0) {
    throw new ValidationError(`Invalid timestamp "${params.timestamp}"`, { field: 'timestamp' })
  }
  if (!Number.isSafeInteger(nonce) || nonce < 0) {
    throw new ValidationError(`Invalid nonce "${nonce}"`, { field: 'nonce' })
  }
  const signature = await signer.signTypedData(
    {
      name: CLOB_AUTH_DOMAIN_NAME,
      version: CLOB_AUTH_DOMAIN_VERSION,
      chainId: params.chainId ?? POLYGON_CHAIN_ID,
    },
    CLOB_AUTH_EIP712_TYPES,
    { address, timestamp: String(params.timestamp), nonce, message: CLOB_AUTH_MESSAGE },
  )
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: signature,
    POLY_TIMESTAMP: String(params.timestamp),
    POLY_NONCE: String(nonce),
  }
}

/**
 * The L2 HMAC: HMAC-SHA256 over `timestamp + METHOD + path + body`, keyed with the URL-safe base64 secret, encoded
 * as URL-safe base64 with its `=` padding kept.
 *
 * @example
 * ```ts
 * const ts = Math.floor(Date.now() / 1000)
 * const sig = await buildL2Signature(creds.secret, ts, 'DELETE', '/order', JSON.stringify({ orderID }))
 * // sent as POLY_SIGNATURE with POLY_TIMESTAMP = ts (createL2Headers does all of this)
 * ```
 */
export async function buildL2Signature(
  secret: string,
  timestamp: number,
  method: string,
  path: string,
  body?: string,
): Promise<string> {
  const ethers = await loadEthers()
  const { computeHmac, encodeBase64, toUtf8Bytes } = ethers
  const key = decodeSecret(secret, ethers)
  const message = `${timestamp}${method}${stripQuery(path)}${body ?? ''}`
  const mac = computeHmac('sha256', key, toUtf8Bytes(message))
  return encodeBase64(mac).replace(/\+/g, '-').replace(/\//g, '_')
}

/**
 * L2 headers for an authenticated request. The credentials go into headers only; they never appear in errors.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(toPostOrderBody(signed, { owner: creds.apiKey, orderType: 'GTC' }))
 * const headers = await createL2Headers(creds, { method: 'POST', path: '/order', body, timestamp: nowSec })
 * ```
 */
export async function createL2Headers(
  credentials: ApiCredentials,
  params: L2HeaderOptions,
): Promise<L2Headers> {
  if (!Number.isSafeInteger(params.timestamp) || params.timestamp < 0) {
    throw new ValidationError(`Invalid timestamp "${params.timestamp}"`, { field: 'timestamp' })
  }
  return {
    POLY_ADDRESS: credentials.address,
    POLY_SIGNATURE: await buildL2Signature(
      credentials.secret,
      params.timestamp,
      params.method,
      params.path,
      params.body,
    ),
    POLY_TIMESTAMP: String(params.timestamp),
    POLY_API_KEY: credentials.apiKey,
    POLY_PASSPHRASE: credentials.passphrase,
  }
}

function stripQuery(path: string): string {
  const i = path.indexOf('?')
  return i < 0 ? path : path.slice(0, i)
}

function decodeSecret(secret: string, { decodeBase64 }: EthersModule): Uint8Array {
  if (typeof secret !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(secret) || secret.length === 0) {
    // The secret itself is never put into the error.
    throw new ValidationError('Invalid API secret: not base64', { field: 'secret' })
  }
  const std = secret.replace(/-/g, '+').replace(/_/g, '/')
  return decodeBase64(std.padEnd(Math.ceil(std.length / 4) * 4, '='))
}
