/**
 * Restart that knows where it was: a live bot (child process: TradingEngine + OrderExecutor on BinanceSim spot, two
 * strategies, a SQLite journal) is killed with SIGKILL while it trades, with limit orders resting; the market fills
 * them while it is down; a new process on the same journal file starts its Portfolio from the journal's view, and the
 * reconciliation books exactly the fills made while down. Its Portfolio then holds what the venue holds — nothing
 * lost, nothing counted twice — per strategy too, and the report names the orders filled while down.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalReconcileReport } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { openSqliteDriver } from '../../../src/journal/openSqliteDriver.js'
import { BinanceSim } from '../../../src/sim/index.js'

const BOT = join(import.meta.dirname, 'fixtures', 'restartBot.ts')

interface BotState {
  type: string
  fills: number
  open: number
  qty: string
  entry?: string
  realized: string
  fees: string
  a: string[]
  b: string[]
  usdt: string
  reports?: JournalReconcileReport[]
}

/** Starts the bot; `onLine` sees each JSON line it prints. Resolves on exit with its exit code or signal. */
function runBot(
  args: object,
  onLine: (s: BotState, child: ChildProcess) => void,
): { child: ChildProcess; exited: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', BOT, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let buf = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (line.startsWith('{')) onLine(JSON.parse(line) as BotState, child)
    }
  })
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) =>
      resolve(signal ?? `${code}${code === 0 ? '' : `: ${err.slice(-2000)}`}`),
    ),
  )
  return { child, exited }
}

/** Fills and order strategies as the journal file holds them. */
async function journalFills(path: string) {
  const db = await openSqliteDriver(path)
  const fills = await db.all(
    'SELECT fill_key, strategy_id, client_order_id, side, qty, fee, fee_asset FROM fills',
  )
  const orders = await db.all('SELECT DISTINCT client_order_id, strategy_id FROM order_events')
  await db.close()
  return { fills, orders }
}

let sim: BinanceSim
let dir: string
beforeAll(async () => {
  sim = await BinanceSim.start({ tickMs: 0, seed: 23 })
  dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-restart-'))
})
afterAll(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('restart after SIGKILL (child process, SQLite journal, BinanceSim)', () => {
  it('starts the Portfolio from the journal; with the fills made while down it equals the venue', async () => {
    const path = join(dir, 'bot.db')
    const args = { path, urls: sim.urls.spot }
    const btc0 = new Decimal(sim.ledger.spotBalance('BTC').free).plus(sim.ledger.spotBalance('BTC').locked)

    // Run 1: the market moves (the parent steps the simulator) and the bot trades until it has filled orders and a
    // limit order resting; then the market pauses, and once the bot is quiet it is killed.
    let stepping: ReturnType<typeof setInterval> | undefined
    let killedAt: BotState | undefined
    const enough = (s: BotState) => s.fills >= 6 && sim.ledger.openOrders('spot').length >= 1
    const run1 = runBot({ ...args, mode: 'trade' }, (s, child) => {
      if (s.type === 'ready') stepping = setInterval(() => sim.step(), 5)
      else if (s.type === 'state' && stepping !== undefined && enough(s)) {
        clearInterval(stepping)
        stepping = undefined
      } else if (s.type === 'quiet' && stepping === undefined && killedAt === undefined) {
        if (enough(s) && s.open === sim.ledger.openOrders('spot').length) {
          killedAt = s
          child.kill('SIGKILL')
        } else stepping = setInterval(() => sim.step(), 5)
      }
    })
    const deadline = setTimeout(() => run1.child.kill('SIGKILL'), 60_000)
    expect(await run1.exited).toBe('SIGKILL')
    clearTimeout(deadline)
    clearInterval(stepping)
    expect(killedAt).toBeDefined()
    const atKill = await journalFills(path)

    // While it is down: the market fills the resting orders.
    const resting = sim.ledger.openOrders('spot').map((o) => o.clientOrderId)
    expect(resting.length).toBeGreaterThanOrEqual(1)
    const ledgerOrder = (id: string) => sim.ledger.orders.find((o) => o.clientOrderId === id)
    for (let i = 0; i < 50_000 && resting.some((id) => ledgerOrder(id)?.status !== 'FILLED'); i++) sim.step()
    const filledWhileDown = resting.filter((id) => ledgerOrder(id)?.status === 'FILLED')
    expect(filledWhileDown.length).toBeGreaterThanOrEqual(1)

    // Run 2: a new process on the same journal file.
    let report: BotState | undefined
    const run2 = runBot({ ...args, mode: 'report' }, (s) => {
      if (s.type === 'report') report = s
    })
    expect(await run2.exited).toBe('0')
    expect(report).toBeDefined()
    const r = report!
    const { fills, orders } = await journalFills(path)

    // The report names the orders filled while down; only their fills were booked on restart, once.
    const rec = r.reports ?? []
    expect(rec).toHaveLength(1)
    expect(rec[0]!.filledWhileDown.map((o) => o.clientOrderId).sort()).toEqual([...filledWhileDown].sort())
    expect(new Set(fills.map((f) => f.fill_key)).size).toBe(fills.length)
    expect(fills.length).toBeGreaterThan(atKill.fills.length)
    expect(r.fills).toBe(fills.length - atKill.fills.length)

    // Every order's journaled fills add up to what the venue executed (nothing lost, nothing twice).
    const mine = new Map(orders.map((o) => [String(o.client_order_id), String(o.strategy_id)]))
    const executed = new Map<string, Decimal>()
    for (const o of sim.ledger.orders)
      if (mine.has(o.clientOrderId)) executed.set(o.clientOrderId, o.executedQty)
    const journaled = new Map<string, Decimal>()
    for (const f of fills) {
      const id = String(f.client_order_id)
      journaled.set(id, (journaled.get(id) ?? new Decimal(0)).plus(String(f.qty)))
    }
    for (const [id, qty] of executed)
      expect([id, (journaled.get(id) ?? new Decimal(0)).toString()]).toEqual([id, qty.toString()])

    // The Portfolio holds what the venue holds: the BTC bought less sold and less the fees paid in BTC.
    const btcNow = new Decimal(sim.ledger.spotBalance('BTC').free).plus(sim.ledger.spotBalance('BTC').locked)
    expect(r.qty).toBe(btcNow.minus(btc0).toString())
    const usdt = sim.ledger.spotBalance('USDT')
    expect(r.usdt).toBe(new Decimal(usdt.free).plus(usdt.locked).toString())
    // ... and per strategy: each one's orders as the venue executed them, less its fees paid in BTC.
    for (const sid of ['a', 'b'] as const) {
      let held = new Decimal(0)
      for (const o of sim.ledger.orders) {
        if (mine.get(o.clientOrderId) !== sid) continue
        held = o.side === 'BUY' ? held.plus(o.executedQty) : held.minus(o.executedQty)
      }
      for (const f of fills)
        if (f.strategy_id === sid && f.fee_asset === 'BTC') held = held.minus(String(f.fee))
      const got = r[sid].reduce((s, q) => s.plus(q), new Decimal(0))
      expect([sid, got.toString()]).toEqual([sid, held.toString()])
    }
    expect(r.a.length + r.b.length).toBeGreaterThanOrEqual(1)
    // the restart started from where run 1 stopped: its fees are still there, and grew by the while-down fills'
    expect(new Decimal(r.fees).gt(killedAt!.fees)).toBe(true)
    expect(r.entry).toBeDefined()
  }, 120_000)
})
