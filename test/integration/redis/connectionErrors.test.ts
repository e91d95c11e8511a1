/**
 * What a RedisConnection reports on a real redis-server: credentials refused (a redis-server started with
 * `--requirepass`) reject `connect` at once with a non-retryable AuthError, and background failures (an outage, a
 * password rotated under a running connection) are emitted on `events` `error` once per kind, never per attempt.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TradekitError } from '../../../src/errors/index.js'
import { RedisConnection } from '../../../src/redis/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'

const PASSWORD = 'pw-Zq7-secret'
const WRONG = 'pw-wrong-Kx9'

/** Every string a caller could log from an error: message, details, cause chain. */
function everything(e: unknown): string {
  const parts: string[] = []
  for (let c = e; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    parts.push(String((c as Error).message), JSON.stringify((c as { details?: unknown }).details ?? {}))
  }
  return parts.join('\n')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0))
    })
  })
}

/** True once a redis-server answers on `port` (`+PONG`, or `-NOAUTH` when it wants a password). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once('error', () => done(false))
    s.once('connect', () => s.write('PING\r\n'))
    s.once('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())))
  })
}

let port: number
let dir: string
let child: ChildProcess
let plain: RedisServer
beforeAll(async () => {
  port = await freePort()
  dir = mkdtempSync(join(tmpdir(), 'tradekit-redis-auth-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  child = spawn('redis-server', [...args, '--requirepass', PASSWORD, '--dir', dir], { stdio: 'ignore' })
  await waitFor(() => answers(port), 10_000, 'redis-server --requirepass')
  plain = await startRedisServer()
})
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  await plain?.close()
})

describe('RedisConnection errors', () => {
  it('a wrong password rejects connect with a non-retryable AuthError, without the password', async () => {
    // Long enough that the old behaviour (AUTH retried until the timeout) reports an outage instead.
    const connectTimeoutMs = 3_000
    const byUrl = await RedisConnection.connect({
      url: `redis://:${WRONG}@127.0.0.1:${port}`,
      connectTimeoutMs,
    }).catch((e: unknown) => e)
    const byOption = await RedisConnection.connect({ port, password: WRONG, connectTimeoutMs }).catch(
      (e: unknown) => e,
    )
    for (const e of [byUrl, byOption]) {
      expect(e).toMatchObject({
        name: 'AuthError',
        code: 'AUTH_FAILED',
        retryable: false,
        venueCode: 'WRONGPASS',
        details: { store: 'redis' },
      })
      expect(everything(e)).not.toContain(WRONG)
    }
  })

  it('no password where Redis wants one rejects connect with AuthError (NOAUTH)', async () => {
    const e = await RedisConnection.connect({ port, connectTimeoutMs: 3_000 }).catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'AuthError', code: 'AUTH_FAILED', retryable: false, venueCode: 'NOAUTH' })
  })

  it('a password rotated under a running connection is emitted once as AuthError, however many attempts fail', async () => {
    const admin = await RedisConnection.connect({ port, password: PASSWORD })
    const bot = await RedisConnection.connect({ url: `redis://:${PASSWORD}@127.0.0.1:${port}` })
    const errors: TradekitError[] = []
    const seen: string[] = []
    bot.events.on('error', (e) => errors.push(e))
    bot.events.on('redis.disconnected', (e) => seen.push(e.type))
    bot.events.on('redis.reconnected', (e) => seen.push(e.type))
    try {
      // Redis logs each refused AUTH in ACL LOG (repeats counted on one entry).
      const refusals = async () => {
        const log = (await admin.command(['ACL', 'LOG'])) as unknown[]
        let n = 0
        for (const entry of log) {
          const r = Array.isArray(entry)
            ? Object.fromEntries(entry.flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1]]] : [])))
            : (entry as Record<string, unknown>)
          if (r.reason === 'auth') n += Number(r.count)
        }
        return n
      }
      await admin.command(['ACL', 'LOG', 'RESET'])
      const before = await refusals()
      await admin.command(['CONFIG', 'SET', 'requirepass', `${PASSWORD}-rotated`])
      await admin.command(['CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'yes'])
      await waitFor(async () => (await refusals()) >= before + 3, 10_000, 'three refused attempts')
      await admin.command(['CONFIG', 'SET', 'requirepass', PASSWORD])
      await waitFor(() => bot.isUp, 10_000, 'redis.reconnected')
      expect(seen).toEqual(['redis.disconnected', 'redis.reconnected'])
      // One per kind: the connection killed (an outage), then every attempt refused (one AuthError).
      expect(errors.map((e) => e.name)).toEqual(['SharedStateUnavailableError', 'AuthError'])
      expect(errors[1]).toMatchObject({ code: 'AUTH_FAILED', retryable: false, venueCode: 'WRONGPASS' })
      for (const e of errors) expect(everything(e)).not.toContain(PASSWORD)
    } finally {
      await admin.command(['CONFIG', 'SET', 'requirepass', PASSWORD]).catch(() => {})
      bot.close()
      admin.close()
    }
  })

  it('an outage is emitted once on error (retryable), not once per reconnection attempt', async () => {
    const bot = await RedisConnection.connect({ url: plain.url, deployment: 'errors' })
    const errors: TradekitError[] = []
    bot.events.on('error', (e) => errors.push(e))
    await bot.subscribe('ch', () => {}) // the subscriber connection fails with the same outage
    try {
      await plain.stop()
      await waitFor(() => !bot.isUp, 10_000, 'redis.disconnected')
      // Something on the port that closes every connection at once: each reconnection attempt fails.
      let attempts = 0
      const sockets = new Set<Socket>()
      const closer: Server = createServer((s) => {
        attempts++
        sockets.add(s)
        s.destroy()
      })
      await new Promise<void>((resolve) => closer.listen(plain.port, '127.0.0.1', () => resolve()))
      await waitFor(() => attempts >= 4, 10_000, 'four failed attempts')
      await new Promise<void>((resolve) => closer.close(() => resolve()))
      await plain.start()
      await waitFor(() => bot.isUp, 10_000, 'redis.reconnected')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({
        name: 'SharedStateUnavailableError',
        retryable: true,
        details: { store: 'redis' },
      })
    } finally {
      bot.close()
    }
  })
})
