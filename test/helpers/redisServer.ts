/**
 * A real redis-server (Debian's package, installed by .ci/run) on a free loopback port in a temp dir, with no
 * persistence; `stop()` kills it (SIGKILL, as a crash), `start()` brings it back on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Starts (or restarts) the server and waits until it answers PING. */
  start(): Promise<void>
  /** Kills the server at once (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>
  /** Stops it and removes its temp dir. */
  close(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(500, () => done(false))
    s.once('error', () => done(false))
    s.once('connect', () => s.write('PING\r\n'))
    s.once('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

/** Starts a redis-server for one test file. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tradekit-redis-'))
  let child: ChildProcess | undefined
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child !== undefined) return
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      child = spawn('redis-server', [...args, '--dir', dir], { stdio: 'ignore' })
      const proc = child
      let exited = false
      let spawnError: Error | undefined
      proc.once('exit', () => {
        exited = true
      })
      proc.once('error', (e) => {
        spawnError = e
        exited = true
      })
      for (let i = 0; i < 200; i++) {
        if (spawnError !== undefined) {
          child = undefined
          throw new Error(`cannot start redis-server (apt-get install redis-server): ${spawnError.message}`)
        }
        if (exited) throw new Error(`redis-server exited at start (port ${port})`)
        if (await ping(port)) return
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error(`redis-server did not answer PING on port ${port}`)
    },
    async stop() {
      const proc = child
      child = undefined
      if (proc === undefined || proc.exitCode !== null) return
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve())
        proc.kill('SIGKILL')
      })
    },
    async close() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  await server.start()
  return server
}
