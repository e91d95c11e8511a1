import { describe, expect, it } from 'vitest'
import { createEd25519Signer, createHmacSigner, signQuery } from './sign.js'

// Binance's documented HMAC example (SIGNED endpoint examples, "HMAC Keys").
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j'
const QUERY =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559'
const SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'

describe('signQuery', () => {
  it('reproduces the official Binance HMAC-SHA256 example exactly', async () => {
    expect(await signQuery(QUERY, SECRET)).toBe(SIGNATURE)
  })

  it('reproduces the documented non-ASCII example (percent-encoded payload)', async () => {
    const q =
      'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559'
    expect(await signQuery(q, SECRET)).toBe(
      'e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3',
    )
  })

  it('the cached signer gives the same signature, repeatedly', async () => {
    const s = createHmacSigner(SECRET)
    expect(s.keyType).toBe('HMAC')
    expect(await s.sign(QUERY)).toBe(SIGNATURE)
    expect(await s.sign(QUERY)).toBe(SIGNATURE)
  })

  it('rejects an empty secret at construction', () => {
    expect(() => createHmacSigner('')).toThrow(/secret/i)
  })
})

describe('Ed25519', () => {
  it('signs with a PKCS#8 PEM key; the base64 signature verifies with the public key', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
    const b64 = btoa(String.fromCharCode(...der))
    const pem = `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n`
    const signer = createEd25519Signer(pem)
    expect(signer.keyType).toBe('ED25519')
    const sig = await signer.sign('apiKey=abc&timestamp=1')
    const raw = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0))
    expect(raw.length).toBe(64)
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      pair.publicKey,
      raw,
      new TextEncoder().encode('apiKey=abc&timestamp=1'),
    )
    expect(ok).toBe(true)
  })

  it('reports a bad key as a ConfigError, without the key in the message', async () => {
    const signer = createEd25519Signer('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')
    await expect(signer.sign('x')).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })
})
