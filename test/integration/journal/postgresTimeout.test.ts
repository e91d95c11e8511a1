/**
 * A Postgres journal whose connection goes half-open (the server stops answering, the socket stays up): every
 * statement and every wait for a connection is bounded by `statementTimeoutMs`, so `flush()` returns with the entries
 * safe in the spill file (the failure reported on `error` as a TimeoutError), and they are written once the database
 * answers again. The half-open link is a TCP proxy on 127.0.0.1 in front of a real Postgres that can be frozen.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTradekitError, type TradekitError } from '../../../src/errors/index.js'
import { openPostgresJournal } from '../../../src/journal/index.js'
import { fill } from './entries.js'
import { postgresHarness } from './stores.js'

interface FreezingProxy {
  readonly port: number
  /** From now on nothing passes either way, and new connections are accepted but never answered. */
  freeze(): void
  /** Forwards again; connections that lost bytes meanwhile are reset (a healed network partition). */
  thaw(): void
  close(): Promise<void>
}

async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  let frozen = false
  const links = new Set<{ client: Socket; upstream: Socket | undefined; tainted: boolean }>()
  const server: Server = createServer((client) => {
    const link = { client, upstream: undefined as Socket | undefined, tainted: frozen }
    links.add(link)
    const drop = (): void => {
      links.delete(link)
      client.destroy()
      link.upstream?.destroy()
    }
    client.on('error', drop).on('close', drop)
    if (frozen) return // accepted, never answered
    const upstream = tcpConnect(targetPort, '127.0.0.1')
    link.upstream = upstream
    upstream.on('error', drop).on('close', drop)
    client.on('data', (d: Buffer) => {
      if (frozen) link.tainted = true
      else upstream.write(d)
    })
    upstream.on('data', (d: Buffer) => {
      if (frozen) link.tainted = true
      else client.write(d)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no port')
  return {
    port: address.port,
    freeze: () => {
      frozen = true
    },
    thaw: () => {
      frozen = false
      for (const l of [...links]) {
        if (l.tainted || l.upstream === undefined) {
          l.client.destroy()
          l.upstream?.destroy()
        }
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const l of links) {
          l.client.destroy()
          l.upstream?.destroy()
        }
        server.close(() => resolve())
      }),
  }
}

describe('Postgres journal on a connection that stops answering', () => {
  const store = postgresHarness()
  beforeAll(() => store.setup(), 60_000)
  afterAll(() => store.teardown())

  it('flush() returns with a TimeoutError reported and the entries in the spill file; they are written later', async () => {
    const { connectionString, spillPath } = await store.blank()
    const url = new URL(connectionString!)
    const proxy = await startFreezingProxy(Number(url.port))
    url.port = String(proxy.port)
    url.password = 'hunter2-secret' // trust auth ignores it; it must never show in an error
    const journal = await openPostgresJournal({
      pool: { connectionString: url.toString(), max: 3 },
      spillPath,
      flushIntervalMs: 60_000, // only flush() writes
      statementTimeoutMs: 300,
    })
    const errors: TradekitError[] = []
    journal.events.on('error', (e) => errors.push(e))
    try {
      const entries = [fill('t1'), fill('t2'), fill('t3', { price: '101' })]
      for (const e of entries) journal.append(e)
      proxy.freeze()
      await journal.flush() // hung forever before: no bound on a statement
      expect(journal.isBacklogged).toBe(true)
      const spilled = readFileSync(spillPath, 'utf8').trim().split('\n')
      expect(spilled.map((l) => (JSON.parse(l) as { tradeId: string }).tradeId)).toEqual(['t1', 't2', 't3'])
      expect(errors.length).toBeGreaterThan(0)
      for (const e of errors) {
        expect(e.code).toBe('INVALID_STATE')
        expect(isTradekitError(e.cause, 'TIMEOUT')).toBe(true)
        expect((e.cause as { timeoutMs: number }).timeoutMs).toBe(300)
        const text = `${e.message} ${JSON.stringify(e.details)} ${(e.cause as Error).message} ${JSON.stringify((e.cause as TradekitError).details)}`
        expect(text).not.toContain('hunter2-secret')
        expect(text).not.toContain(connectionString!)
      }
      proxy.thaw()
      await journal.flush()
      expect(journal.isBacklogged).toBe(false)
      const rows = await journal.query('SELECT trade_id FROM fills ORDER BY trade_id')
      expect(rows.map((r) => r.trade_id)).toEqual(['t1', 't2', 't3'])
    } finally {
      proxy.thaw()
      await journal.close()
      await proxy.close()
    }
  })

  it('close() returns on a connection that stopped answering: the entries kept in the spill file, the pool let go', async () => {
    const { connectionString, spillPath } = await store.blank()
    const url = new URL(connectionString!)
    const proxy = await startFreezingProxy(Number(url.port))
    url.port = String(proxy.port)
    const journal = await openPostgresJournal({
      pool: { connectionString: url.toString(), max: 3 },
      spillPath,
      flushIntervalMs: 60_000,
      statementTimeoutMs: 300,
    })
    const errors: TradekitError[] = []
    journal.events.on('error', (e) => errors.push(e))
    try {
      await journal.flush() // every connection of the pool is idle in it now
      journal.append(fill('c1'))
      proxy.freeze()
      const closing = journal.close().then(() => 'closed')
      const bound = new Promise((resolve) => setTimeout(resolve, 10_000, 'still closing'))
      expect(await Promise.race([closing, bound])).toBe('closed') // hung in pool.end() before
      const spilled = readFileSync(spillPath, 'utf8').trim().split('\n')
      expect(spilled.map((l) => (JSON.parse(l) as { tradeId: string }).tradeId)).toEqual(['c1'])
      expect(errors.length).toBeGreaterThan(0)
    } finally {
      proxy.thaw()
      await proxy.close()
    }
  }, 30_000)

  it('refuses a statementTimeoutMs that is not a positive integer (ConfigError), before connecting', async () => {
    for (const statementTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      const e = await openPostgresJournal({
        pool: { connectionString: 'postgres://u:hunter2-secret@127.0.0.1:1/db' },
        spillPath: '/nonexistent/spill',
        statementTimeoutMs,
      }).catch((x: unknown) => x)
      expect(isTradekitError(e, 'CONFIG_INVALID')).toBe(true)
      expect(String((e as Error).message)).toContain('statementTimeoutMs')
      expect(String((e as Error).message)).not.toContain('hunter2-secret')
    }
  })
})
