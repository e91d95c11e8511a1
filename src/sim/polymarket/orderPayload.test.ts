import { describe, expect, it } from 'vitest'
import { HttpFail } from './HttpFail.js'
import { parseOrderPayload } from './orderPayload.js'
import { SimRejection } from './SimExchange.js'

const hex = (n: number) => `0x${'a'.repeat(n)}`
const order = {
  salt: 1,
  maker: hex(40),
  signer: hex(40),
  tokenId: '123',
  makerAmount: '1000000',
  takerAmount: '2000000',
  side: 'BUY',
  signatureType: 0,
  timestamp: '1',
  metadata: hex(64),
  builder: hex(64),
  expiration: '0',
  signature: hex(130),
}

function errorOf(raw: unknown): string {
  try {
    parseOrderPayload(raw, 'key')
    return ''
  } catch (e) {
    return e instanceof HttpFail || e instanceof SimRejection ? e.message : 'other'
  }
}

describe('parseOrderPayload', () => {
  it('accepts a V2 order of the key owner', () => {
    const p = parseOrderPayload({ order, owner: 'key', orderType: 'GTC' }, 'key')
    expect(p).toMatchObject({ side: 'BUY', orderType: 'GTC', postOnly: false, expiration: 0 })
    expect(p.order).toMatchObject({ salt: '1', side: 0, tokenId: '123' })
  })

  it('refuses what Polymarket refuses, with its texts', () => {
    expect(errorOf(null)).toBe('Invalid order payload')
    expect(errorOf({ order: { ...order, nonce: '1' }, owner: 'key', orderType: 'GTC' })).toBe(
      'order_version_mismatch',
    )
    expect(errorOf({ order, owner: 'other', orderType: 'GTC' })).toBe(
      'the order owner has to be the owner of the API KEY',
    )
    expect(errorOf({ order, owner: 'key', orderType: 'FOK', postOnly: true })).toMatch(/post-only/)
    expect(errorOf({ order: { ...order, maker: '0x1' }, owner: 'key', orderType: 'GTC' })).toBe(
      'Invalid order payload',
    )
  })
})
