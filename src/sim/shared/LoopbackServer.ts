import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'

/** One answered HTTP request, as a sim's request log keeps it (for assertions). */
export interface RequestLogEntry {
  method: string
  path: string
  status: number
}

/** Options of a {@link LoopbackServer}: what to do with requests and sockets. */
export interface LoopbackServerConfig {
  /** Handles one HTTP request (must answer it). */
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void
  /** Takes a WebSocket once its upgrade is done. */
  readonly onSocket: (ws: WebSocket, req: IncomingMessage) => void
  /** Whether an upgrade to `path` (query stripped) is accepted; a refused upgrade's socket is destroyed. Default: all. */
  readonly acceptUpgrade?: (path: string) => boolean
  /** Largest WebSocket frame accepted, in bytes (default: the `ws` default). */
  readonly maxPayload?: number
  /** Whether {@link LoopbackServer.log} keeps entries (default false: a soak must not grow a log). */
  readonly logRequests?: boolean
}

/**
 * The loopback plumbing both simulators share: a node:http server on 127.0.0.1 (port 0 by default) with a
 * WebSocket server on the same port, the set of open sockets, a request log and the listen/close lifecycle.
 *
 * @example
 * ```ts
 * const server = new LoopbackServer({
 *   onRequest: (req, res) => writeResponse(res, 200, {}, '{}'),
 *   onSocket: (ws) => ws.send('hello'),
 * })
 * await server.listen()
 * console.log(server.restUrl, server.wsUrl)
 * await server.close()
 * ```
 */
export class LoopbackServer {
  /** Requests answered, in order (empty unless `logRequests`). */
  readonly requestLog: RequestLogEntry[] = []
  readonly #server: Server
  readonly #wss: WebSocketServer
  readonly #sockets = new Set<Socket>()
  readonly #logRequests: boolean
  #port = 0
  #closed = false

  constructor(config: LoopbackServerConfig) {
    this.#logRequests = config.logRequests ?? false
    this.#server = createServer((req, res) => config.onRequest(req, res))
    this.#server.on('connection', (s) => {
      this.#sockets.add(s)
      s.on('close', () => this.#sockets.delete(s))
    })
    this.#wss = new WebSocketServer({
      noServer: true,
      ...(config.maxPayload !== undefined ? { maxPayload: config.maxPayload } : {}),
    })
    this.#server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0] ?? ''
      if (config.acceptUpgrade !== undefined && !config.acceptUpgrade(path)) {
        socket.destroy()
        return
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => config.onSocket(ws, req))
    })
  }

  /** Listens on 127.0.0.1:`port` (0 picks a free port) and resolves once it does. */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, '127.0.0.1', () => resolve())
    })
    this.#port = (this.#server.address() as AddressInfo).port
  }

  /** The port listened on (0 before {@link LoopbackServer.listen}). */
  get port(): number {
    return this.#port
  }
  /** `http://127.0.0.1:<port>`. */
  get restUrl(): string {
    return `http://127.0.0.1:${this.#port}`
  }
  /** `ws://127.0.0.1:<port>`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.#port}`
  }
  /** Whether {@link LoopbackServer.close} was called. */
  get closed(): boolean {
    return this.#closed
  }
  /** Every open WebSocket. */
  get clients(): ReadonlySet<WebSocket> {
    return this.#wss.clients
  }

  /** Records an answered request (when `logRequests`). */
  log(method: string, path: string, status: number): void {
    if (this.#logRequests) this.requestLog.push({ method, path, status })
  }

  /** Closes every WebSocket (cleanly with `code`, or abruptly: a TCP reset). */
  dropSockets(mode: 'clean' | 'abrupt' = 'abrupt', code = 1000): void {
    for (const c of this.#wss.clients) {
      if (mode === 'abrupt') c.terminate()
      else c.close(code, 'closed by simulator')
    }
  }

  /** Terminates every socket and stops listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const c of this.#wss.clients) c.terminate()
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()))
    for (const s of this.#sockets) s.destroy()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
