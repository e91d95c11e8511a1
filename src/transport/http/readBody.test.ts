import { describe, expect, it } from 'vitest'
import { readBody } from './readBody.js'

describe('readBody', () => {
  it('reads the body as text', async () => {
    expect(await readBody(new Response('héllo'), 100, 'GET /x', 'v')).toBe('héllo')
    expect(await readBody(new Response(null), 100, 'GET /x', 'v')).toBe('')
  })

  it('rejects a body over the limit, declared or streamed', async () => {
    const declared = new Response('0123456789', { headers: { 'content-length': '10' } })
    await expect(readBody(declared, 5, 'GET /x', 'v')).rejects.toMatchObject({
      code: 'EXCHANGE_DATA_INVALID',
    })
    const streamed = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('0123'))
          c.enqueue(new TextEncoder().encode('4567'))
          c.close()
        },
      }),
    )
    await expect(readBody(streamed, 5, 'GET /x', 'v')).rejects.toMatchObject({
      code: 'EXCHANGE_DATA_INVALID',
    })
  })
})
