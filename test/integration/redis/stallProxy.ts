/**
 * A TCP proxy on 127.0.0.1 in front of a redis-server whose open connections can be made to stall: the bytes of a
 * stalled direction are swallowed (never delivered), as on a half-open connection whose peer vanished without a
 * reset, while the socket stays open. Connections opened after `stall()` pass through.
 */
import { createConnection, createServer, type Socket } from 'node:net'

export interface StallProxy {
  /** `redis://127.0.0.1:<proxy port>`. */
  readonly url: string
  /** Connections accepted so far. */
  readonly accepted: number
  /** Stalls the connections open now: what clients send (`requests`) and/or what Redis answers (`replies`). */
  stall(what?: { requests?: boolean; replies?: boolean }): void
  close(): Promise<void>
}

/** Starts a proxy to the redis-server on `port`. */
export async function startStallProxy(port: number): Promise<StallProxy> {
  const open = new Set<{ toServer: boolean; toClient: boolean; sockets: Socket[] }>()
  let accepted = 0
  const srv = createServer((client) => {
    accepted++
    const server = createConnection({ port, host: '127.0.0.1' })
    const conn = { toServer: true, toClient: true, sockets: [client, server] }
    open.add(conn)
    client.on('data', (d) => conn.toServer && server.write(d))
    server.on('data', (d) => conn.toClient && client.write(d))
    const end = () => {
      open.delete(conn)
      client.destroy()
      server.destroy()
    }
    for (const s of conn.sockets) s.on('close', end).on('error', end)
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const addr = srv.address()
  const proxyPort = typeof addr === 'object' && addr !== null ? addr.port : 0
  return {
    url: `redis://127.0.0.1:${proxyPort}`,
    get accepted() {
      return accepted
    },
    stall({ requests = true, replies = true } = {}) {
      for (const c of open) {
        if (requests) c.toServer = false
        if (replies) c.toClient = false
      }
    },
    async close() {
      for (const c of open) for (const s of c.sockets) s.destroy()
      await new Promise<void>((resolve) => srv.close(() => resolve()))
    },
  }
}
