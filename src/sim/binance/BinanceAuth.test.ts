import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BinanceAuth } from './BinanceAuth.js'
import { SimEngine } from './engine.js'
import { simErrorCode } from './testing/simErrorCode.js'

const noop = () => {}
const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
engine.addAccount('k', { USDT: '1' }, '1')
const keys = new Map([['k', { apiKey: 'k', secret: 's' }]])
const NOW = 1_700_000_000_000
const auth = new BinanceAuth(keys, engine, () => NOW)
const sign = (q: string) => createHmac('sha256', 's').update(q).digest('hex')

describe('BinanceAuth', () => {
  it('accepts an HMAC-signed request within recvWindow and returns its account', () => {
    const q = `symbol=BTCUSDT&timestamp=${NOW}`
    const params = new URLSearchParams(`${q}&signature=${sign(q)}`)
    expect(auth.signed('k', params, `${q}&signature=${sign(q)}`, '').apiKey).toBe('k')
  })

  it('answers Binance codes for a bad key, timestamp, window and signature', () => {
    const q = `timestamp=${NOW}`
    expect(simErrorCode(() => auth.signed('nope', new URLSearchParams(q), q, ''))).toBe(-2015)
    expect(simErrorCode(() => auth.signed('k', new URLSearchParams('timestamp=abc'), '', ''))).toBe(-1102)
    expect(simErrorCode(() => auth.signed('k', new URLSearchParams(`${q}&recvWindow=70000`), q, ''))).toBe(
      -1131,
    )
    const old = `timestamp=${NOW - 10_000}`
    expect(simErrorCode(() => auth.signed('k', new URLSearchParams(old), old, ''))).toBe(-1021)
    expect(simErrorCode(() => auth.signed('k', new URLSearchParams(q), q, ''))).toBe(-1102)
    const bad = `${q}&signature=${'0'.repeat(64)}`
    expect(simErrorCode(() => auth.signed('k', new URLSearchParams(bad), bad, ''))).toBe(-1022)
  })

  it('checks the API key alone, and WebSocket API params signed sorted', () => {
    expect(auth.apiKeyOnly('k').apiKey).toBe('k')
    expect(simErrorCode(() => auth.apiKeyOnly(undefined))).toBe(-2015)
    const params: Record<string, unknown> = { timestamp: NOW, apiKey: 'k' }
    params.signature = sign(`apiKey=k&timestamp=${NOW}`)
    expect(auth.wsApi(params).apiKey).toBe('k')
    expect(simErrorCode(() => auth.wsApi({ ...params, signature: 'x' }))).toBe(-1022)
  })
})
