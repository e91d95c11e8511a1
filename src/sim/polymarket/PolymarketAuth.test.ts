import type { IncomingMessage } from 'node:http'
import * as ethers from 'ethers'
import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/index.js'
import { HttpFail } from './HttpFail.js'
import { PolymarketAuth, type SimKey } from './PolymarketAuth.js'
import { l2Signature, SIM_CLOB_AUTH_MESSAGE, SIM_CLOB_AUTH_TYPES } from './protocol.js'

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage
const wallet = new Wallet(`0x${'11'.repeat(32)}`)
const key: SimKey = {
  address: wallet.address,
  apiKey: 'key-1',
  secret: Buffer.from('secret').toString('base64url'),
  passphrase: 'pass',
  nonce: 0,
}
const clock = new ManualClock(1_700_000_000_000)
const auth = new PolymarketAuth({
  ethers,
  keys: new Map([[key.apiKey, key]]),
  clock,
  chainId: 137,
  authWindowSec: 300,
})
const ts = String(Math.floor(clock.now() / 1000))

function statusOf(f: () => unknown): number | undefined {
  try {
    f()
    return undefined
  } catch (e) {
    return e instanceof HttpFail ? e.status : -1
  }
}

describe('PolymarketAuth', () => {
  it('checks L1 headers: a ClobAuth signature by the address', async () => {
    const signature = await wallet.signTypedData(
      { name: 'ClobAuthDomain', version: '1', chainId: 137 },
      SIM_CLOB_AUTH_TYPES,
      { address: wallet.address, timestamp: ts, nonce: '0', message: SIM_CLOB_AUTH_MESSAGE },
    )
    const headers = {
      poly_address: wallet.address,
      poly_signature: signature,
      poly_timestamp: ts,
      poly_nonce: '0',
    }
    expect(auth.l1(req(headers))).toEqual({ address: wallet.address, nonce: 0 })
    expect(statusOf(() => auth.l1(req({ ...headers, poly_nonce: '1' })))).toBe(401)
    expect(statusOf(() => auth.l1(req({ ...headers, poly_timestamp: '1' })))).toBe(401)
  })

  it('checks L2 headers: key, passphrase, address and the request HMAC', () => {
    const headers = {
      poly_api_key: key.apiKey,
      poly_passphrase: key.passphrase,
      poly_address: key.address,
      poly_timestamp: ts,
      poly_signature: l2Signature(key.secret, ts, 'GET', '/data/orders', ''),
    }
    expect(auth.l2(req(headers), 'GET', '/data/orders', '')).toBe(key)
    expect(statusOf(() => auth.l2(req(headers), 'GET', '/data/trades', ''))).toBe(401)
    expect(
      statusOf(() => auth.l2(req({ ...headers, poly_passphrase: 'x' }), 'GET', '/data/orders', '')),
    ).toBe(401)
  })
})
