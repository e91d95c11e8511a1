import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { BodyTooLargeError, header, readBody, requestUrl, writeResponse } from './http.js'

describe('sim http helpers', () => {
  it('reads bodies up to a limit, and parses URL and headers', async () => {
    const seen: unknown[] = []
    const server = createServer((req, res) => {
      readBody(req, 10).then(
        (body) => {
          seen.push({ body, path: requestUrl(req).pathname, q: requestUrl(req).searchParams.get('a') })
          seen.push(header(req, 'X-Test'))
          writeResponse(res, 200, {}, 'ok')
          expect(writeResponse(res, 500, {}, 'again')).toBe(false)
        },
        (e: unknown) => {
          seen.push(e instanceof BodyTooLargeError)
        },
      )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const res = await fetch(`${url}/p?a=1`, { method: 'POST', body: 'small', headers: { 'x-test': 'v' } })
    expect(await res.text()).toBe('ok')
    expect(seen).toEqual([{ body: 'small', path: '/p', q: '1' }, 'v'])
    await fetch(url, { method: 'POST', body: 'x'.repeat(100) }).catch(() => undefined)
    expect(seen[2]).toBe(true)
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  })
})
