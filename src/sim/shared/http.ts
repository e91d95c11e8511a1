import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebSocket } from 'ws'

/** A request body went over the size limit; the request was destroyed. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError'
}

/**
 * Reads a request body as UTF-8; rejects with {@link BodyTooLargeError} (and destroys the request) past `maxBytes`.
 *
 * @example
 * ```ts
 * const body = await readBody(req, 1 << 20)
 * ```
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > maxBytes) {
        reject(new BodyTooLargeError(`body over ${maxBytes} bytes`))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * The URL of a request (path and query), resolved against the loopback host.
 *
 * @example
 * ```ts
 * const { pathname, searchParams } = requestUrl(req)
 * ```
 */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://127.0.0.1')
}

/**
 * A request header as a string (undefined when absent or repeated).
 *
 * @example
 * ```ts
 * const apiKey = header(req, 'X-MBX-APIKEY')
 * ```
 */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return typeof v === 'string' ? v : undefined
}

/**
 * Writes a complete response unless one was already written or the socket is gone; true when written.
 *
 * @example
 * ```ts
 * writeResponse(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ ok: true }))
 * ```
 */
export function writeResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  text: string,
): boolean {
  if (res.headersSent || res.destroyed) return false
  res.writeHead(status, headers)
  res.end(text)
  return true
}

/**
 * Sends a text frame if the socket is open; send errors are ignored (the socket's close handles them).
 *
 * @example
 * ```ts
 * sendFrame(ws, JSON.stringify({ result: null, id: 1 }))
 * ```
 */
export function sendFrame(ws: WebSocket, text: string): void {
  if (ws.readyState === 1) ws.send(text, () => {})
}
