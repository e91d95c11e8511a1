import { ConfigError } from '../../errors/index.js'

const encoder = new TextEncoder()

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (s === undefined) throw new ConfigError('WebCrypto (crypto.subtle) is not available', ['crypto.subtle'])
  return s
}

function toHex(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf)
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0')
  return out
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf)
  let bin = ''
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] as number)
  return btoa(bin)
}

function pemToDer(pem: string): ArrayBuffer {
  const body = pem
    .replace(/-----BEGIN [A-Z ]+-----/, '')
    .replace(/-----END [A-Z ]+-----/, '')
    .replace(/\s+/g, '')
  let bin: string
  try {
    bin = atob(body)
  } catch (cause) {
    throw new ConfigError('Invalid Ed25519 private key: not PEM/base64', ['privateKey'], { cause })
  }
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out.buffer
}

/**
 * Signs a query string with HMAC-SHA256 and returns the lowercase hex digest, exactly as Binance's SIGNED
 * endpoints expect (`signature=` parameter). Uses WebCrypto, so it runs in Node and browsers.
 *
 * @example
 * ```ts
 * await signQuery('symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
 *   'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j')
 * // 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'
 * ```
 */
export async function signQuery(query: string, secret: string): Promise<string> {
  const key = await subtle().importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return toHex(await subtle().sign('HMAC', key, encoder.encode(query)))
}

/** Signs a payload for Binance; implementations cache the imported key. */
export interface BinanceSigner {
  /** `HMAC` (hex signatures) or `ED25519` (base64 signatures). */
  readonly keyType: 'HMAC' | 'ED25519'
  /** Signs the exact payload string that is sent. */
  sign(payload: string): Promise<string>
}

/**
 * Creates an HMAC-SHA256 signer whose imported key is cached (one importKey per client, not per request).
 *
 * @example
 * ```ts
 * const signer = createHmacSigner(process.env.BINANCE_SECRET!)
 * const sig = await signer.sign('timestamp=1')
 * ```
 */
export function createHmacSigner(secret: string): BinanceSigner {
  if (secret.length === 0) throw new ConfigError('Empty API secret', ['apiSecret: must not be empty'])
  let key: Promise<CryptoKey> | undefined
  return {
    keyType: 'HMAC',
    async sign(payload: string): Promise<string> {
      key ??= subtle().importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ])
      return toHex(await subtle().sign('HMAC', await key, encoder.encode(payload)))
    },
  }
}

/**
 * Creates an Ed25519 signer from a PKCS#8 private key (PEM, as Binance's key generator writes it). Signatures
 * are base64, as Binance requires for Ed25519 keys (URL-encode them in a query string).
 *
 * @example
 * ```ts
 * const signer = createEd25519Signer(readFileSync('private_key.pem', 'utf8'))
 * ```
 */
export function createEd25519Signer(privateKeyPem: string): BinanceSigner {
  const der = pemToDer(privateKeyPem)
  let key: Promise<CryptoKey> | undefined
  return {
    keyType: 'ED25519',
    async sign(payload: string): Promise<string> {
      key ??= subtle().importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign'])
      let k: CryptoKey
      try {
        k = await key
      } catch (cause) {
        key = undefined
        throw new ConfigError('Invalid Ed25519 private key', ['privateKey: not a PKCS#8 Ed25519 key'], {
          cause,
        })
      }
      return toBase64(await subtle().sign({ name: 'Ed25519' }, k, encoder.encode(payload)))
    },
  }
}
