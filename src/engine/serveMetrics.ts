import type { TradingEngine } from './TradingEngine.js'

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Port to listen on; 0 picks a free one. Default 9464. */
  readonly port?: number
  /** Interface to bind. Default 127.0.0.1 (never exposed by accident). */
  readonly host?: string
}

/** A running metrics server. */
export interface MetricsServer {
  /** The port actually bound. */
  readonly port: number
  /** Stops the server. */
  close(): Promise<void>
}

/**
 * Serves `GET /metrics` (Prometheus text exposition) and `GET /health` (JSON, 200 when the engine is running with every
 * feed healthy, 503 otherwise) over `node:http`. Node only; loaded lazily so the root entry stays browser-safe.
 *
 * @example
 * ```ts
 * const server = await serveMetrics(engine, { port: 9464 })
 * // curl localhost:9464/metrics
 * await server.close()
 * ```
 */
export async function serveMetrics(
  engine: TradingEngine,
  options: ServeMetricsOptions = {},
): Promise<MetricsServer> {
  const http = await import('node:http')
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET') {
      res.writeHead(405).end()
      return
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' })
      res.end(engine.metrics())
      return
    }
    if (path === '/health') {
      const h = engine.health()
      const ok = h.running && h.feeds.every((f) => f.healthy)
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
      res.end(JSON.stringify(h))
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 9464, options.host ?? '127.0.0.1', () => resolve())
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : (options.port ?? 9464)
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      }),
  }
}
