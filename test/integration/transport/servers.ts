/** Loopback servers for the transport fault-injection tests: node:http and a `ws` server on 127.0.0.1, port 0. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'

/** What a scripted HTTP handler sees of a request. */
export interface SeenRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** A node:http server whose handler can be swapped per test; every request is recorded. */
export interface TestHttpServer {
  url: string
  port: number
  requests: SeenRequest[]
  handle: (req: SeenRequest, res: ServerResponse) => void
  close(): Promise<void>
}

export async function startHttpServer(): Promise<TestHttpServer> {
  const sockets = new Set<Socket>()
  const state: TestHttpServer = {
    url: '',
    port: 0,
    requests: [],
    handle: (_req, res) => res.end('{}'),
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }
      state.requests.push(seen)
      state.handle(seen, res)
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.port = (server.address() as AddressInfo).port
  state.url = `http://127.0.0.1:${state.port}`
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return state
}

/** Sends a JSON response. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

/** A `ws` server that can be stopped and started again on the same port. */
export interface TestWsServer {
  port: number
  url: string
  /** Live connections. */
  clients: Set<WebSocket>
  /** Every connection's request URL, in order. */
  connections: string[]
  /** Every text message received, per connection index. */
  received: string[][]
  onConnection: (ws: WebSocket, index: number) => void
  /** Stops accepting and drops every connection abruptly. */
  stop(): Promise<void>
  /** Listens again on the same port. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startWsServer(): Promise<TestWsServer> {
  let http: Server
  let wss: WebSocketServer
  const sockets = new Set<Socket>()
  const state: TestWsServer = {
    port: 0,
    url: '',
    clients: new Set(),
    connections: [],
    received: [],
    onConnection: () => {},
    stop: async () => {},
    restart: async () => {},
    close: async () => {},
  }
  const listen = async (port: number): Promise<void> => {
    http = createServer()
    http.on('connection', (s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    })
    wss = new WebSocketServer({ server: http })
    wss.on('connection', (ws, req) => {
      const index = state.connections.length
      state.connections.push(req.url ?? '')
      state.received.push([])
      state.clients.add(ws)
      ws.on('close', () => state.clients.delete(ws))
      ws.on('error', () => {})
      ws.on('message', (m, isBinary) => {
        if (!isBinary) state.received[index]?.push(m.toString())
      })
      state.onConnection(ws, index)
    })
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(port, '127.0.0.1', () => resolve())
    })
    state.port = (http.address() as AddressInfo).port
    state.url = `ws://127.0.0.1:${state.port}`
  }
  state.stop = () =>
    new Promise<void>((resolve) => {
      for (const c of state.clients) c.terminate()
      for (const s of sockets) s.destroy()
      wss.close()
      http.close(() => resolve())
    })
  state.restart = () => listen(state.port)
  state.close = () => state.stop()
  await listen(0)
  return state
}

export { waitFor } from '../../helpers/waitFor.js'
