/**
 * A real redis-server (Debian's package, installed by .ci/run) on a free loopback port in a temp dir, with no
 * persistence; `stop()` kills it (SIGKILL, as a crash), `start()` brings it back on the same port. With `tls`, it
 * listens on a TLS port only, with a throwaway CA and server certificate made by `openssl` in the temp dir.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>`, or `rediss://…` with `tls`. */
  readonly url: string
  /** With `tls`: the PEM of the CA that signed the server's certificate (for 127.0.0.1 and localhost). */
  readonly ca: string | undefined
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

function ping(port: number, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const s =
      ca === undefined
        ? createConnection({ port, host: '127.0.0.1' })
        : tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(500, () => done(false))
    s.once('error', () => done(false))
    s.once(ca === undefined ? 'connect' : 'secureConnect', () => s.write('PING\r\n'))
    s.once('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

/** A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost, made by `openssl` in `dir`. */
function makeCertificates(dir: string): { ca: string; args: string[] } {
  const f = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=tradekit test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    f('redis.key'),
    '-out',
    f('redis.csr'),
  )
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl(
    'x509',
    '-req',
    '-in',
    f('redis.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('redis.crt'),
  )
  const args = [
    '--tls-cert-file',
    f('redis.crt'),
    '--tls-key-file',
    f('redis.key'),
    '--tls-ca-cert-file',
    f('ca.crt'),
  ]
  // No client certificate: the clients check the server's certificate against the CA.
  return { ca: readFileSync(f('ca.crt'), 'utf8'), args: [...args, '--tls-auth-clients', 'no'] }
}

/** Starts a redis-server for one test file. */
export async function startRedisServer(options: { tls?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tradekit-redis-'))
  const tls = options.tls === true ? makeCertificates(dir) : undefined
  const listen =
    tls === undefined ? ['--port', String(port)] : ['--port', '0', '--tls-port', String(port), ...tls.args]
  let child: ChildProcess | undefined
  const server: RedisServer = {
    port,
    url: `${tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    ca: tls?.ca,
    async start() {
      if (child !== undefined) return
      const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
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
        if (await ping(port, tls?.ca)) return
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
