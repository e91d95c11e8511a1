import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { writeResponse } from './http.js'
import { LoopbackServer } from './LoopbackServer.js'

describe('LoopbackServer', () => {
  it('serves HTTP and WebSocket on 127.0.0.1, logs when asked, refuses upgrades it does not accept', async () => {
    const server = new LoopbackServer({
      onRequest: (req, res) => {
        server.log(req.method ?? 'GET', req.url ?? '/', 200)
        writeResponse(res, 200, { 'content-type': 'application/json' }, '{"ok":true}')
      },
      onSocket: (ws) => ws.send('hello'),
      acceptUpgrade: (path) => path === '/ws',
      logRequests: true,
    })
    await server.listen()
    expect(server.port).toBeGreaterThan(0)
    expect(server.restUrl).toBe(`http://127.0.0.1:${server.port}`)
    const res = await fetch(`${server.restUrl}/x`)
    expect(await res.json()).toEqual({ ok: true })
    expect(server.requestLog).toEqual([{ method: 'GET', path: '/x', status: 200 }])

    const ws = new WebSocket(`${server.wsUrl}/ws?a=1`)
    const first = await new Promise<string>((resolve) => ws.on('message', (d) => resolve(String(d))))
    expect(first).toBe('hello')
    expect(server.clients.size).toBe(1)
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    server.dropSockets('clean', 4000)
    expect(await closed).toBe(4000)

    const refused = new WebSocket(`${server.wsUrl}/other`)
    await new Promise<void>((resolve) => refused.on('error', () => resolve()))

    await server.close()
    expect(server.closed).toBe(true)
    await server.close()
  })

  it('keeps no log by default', async () => {
    const server = new LoopbackServer({
      onRequest: (_req, res) => writeResponse(res, 204, {}, ''),
      onSocket: () => {},
    })
    await server.listen()
    server.log('GET', '/', 204)
    expect(server.requestLog).toEqual([])
    await server.close()
  })
})
