import { describe, expect, it } from 'vitest'
import { serializeMessage } from './serializeMessage.js'

describe('serializeMessage', () => {
  it('sends text and binary as is, objects as JSON, and calls functions at send time', () => {
    expect(serializeMessage('ping')).toBe('ping')
    const buf = new ArrayBuffer(2)
    expect(serializeMessage(buf)).toBe(buf)
    const view = new Uint8Array(2)
    expect(serializeMessage(view)).toBe(view)
    expect(serializeMessage({ method: 'SUBSCRIBE', id: 1 })).toBe('{"method":"SUBSCRIBE","id":1}')
    let n = 0
    expect(serializeMessage(() => ({ id: ++n }))).toBe('{"id":1}')
  })
})
