import { EventEmitter } from 'eventemitter3'
import type { Listenable } from '../core/events.js'
import {
  type Journal,
  type JournalEntry,
  type JournalEvents,
  type JournalView,
  journalFillEntry,
  journalOrderEntry,
} from '../core/journal.js'
import type { Fill, Order } from '../core/types.js'
import { StateError } from '../errors/index.js'
import {
  type BreakerRow,
  type FillRow,
  type OrderEventRow,
  type PnlOptions,
  type PnlRow,
  type QueryOptions,
  queryBreakers,
  queryFills,
  queryOrderEvents,
  queryPnl,
} from './queries.js'
import { readView } from './readView.js'
import { SpillFile } from './SpillFile.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'
import { writeEntries } from './writeEntries.js'

/** How a {@link TradeJournal} queues and writes (the store factories fill it from their config). */
export interface TradeJournalOptions {
  readonly driver: SqlDriver
  readonly spillPath: string
  /** Entries held in memory before new ones spill to the file. */
  readonly queueSize: number
  /** Entries per database transaction. */
  readonly batchSize: number
  /** How often queued entries are written, and a backlog retried. */
  readonly flushIntervalMs: number
  readonly now: () => number
  /**
   * @internal Where batches are written instead of `driver` (the SQLite journal's writer thread); `driver` still
   * answers the reads and queries.
   */
  readonly writer?: {
    write(entries: readonly JournalEntry[]): Promise<void>
    close(): Promise<void>
  }
}

const FINAL = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

/** An order event queued as references (orders are immutable): its entry is built when written or spilled. */
class LaterOrder {
  constructor(
    readonly event: string,
    readonly order: Order,
    readonly strategyId: string | undefined,
    readonly seq: number | undefined,
  ) {}
}

/** A fill queued as a reference: its entry is built when written or spilled. */
class LaterFill {
  constructor(
    readonly fill: Fill,
    readonly strategyId: string | undefined,
  ) {}
}

type Queued = JournalEntry | LaterOrder | LaterFill

/** The entry of a queued item. */
function entryOf(q: Queued): JournalEntry {
  if (q instanceof LaterFill) return journalFillEntry(q.fill, q.strategyId)
  if (!(q instanceof LaterOrder)) return q
  const e = journalOrderEntry(q.event, q.order, q.strategyId)
  return q.seq === undefined ? e : { ...e, seq: q.seq }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * A {@link Journal} on a SQL database (see {@link openSqliteJournal}, {@link openPostgresJournal}). `append` only
 * queues: a timer writes batches, each in one transaction. When the queue is full or the database fails, entries
 * spill to an append-only file (`journal.backlogged`, the engine's guard goes REDUCING) and every later entry goes
 * there too, in order, until the backlog is written (`journal.caughtUp`); if the file cannot be written either,
 * `journal.failed` (the engine halts and cancels open orders). Writes are idempotent, so a replayed backlog or fill
 * is written once. Also answers the typed queries.
 *
 * @example
 * ```ts
 * const journal = await openSqliteJournal({ path: './trades.db' })
 * journal.events.on('journal.backlogged', (e) => log.warn(e.reason))
 * const today = await journal.pnl({ by: ['strategy', 'day'] })
 * ```
 */
export class TradeJournal implements Journal {
  readonly #bus = new EventEmitter<JournalEvents>()
  readonly events: Listenable<JournalEvents> = this.#bus
  readonly #o: TradeJournalOptions
  readonly #spill: SpillFile
  #queue: Queued[] = []
  readonly #seqs = new Map<string, number>()
  #backlogged = false
  #failed = false
  #closed = false
  #writing: Promise<void> | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  /** @internal Use {@link openSqliteJournal} or {@link openPostgresJournal}. */
  constructor(options: TradeJournalOptions) {
    this.#o = options
    this.#spill = new SpillFile(options.spillPath)
  }

  /** @internal Writes a backlog left by an earlier run, seeds the order sequences and starts the timer. */
  async start(): Promise<void> {
    this.#spill.repair()
    if (this.#spill.size() > 0) this.#backlogged = true
    await this.#pump()
    for (const o of (await readView(this.#o.driver)).openOrders) this.#seqs.set(o.clientOrderId, o.seq ?? 0)
    this.#timer = setInterval(() => void this.#pump(), this.#o.flushIntervalMs)
    this.#timer.unref?.()
  }

  /** Whether entries are waiting in the spill file (the guard should stay REDUCING). */
  get isBacklogged(): boolean {
    return this.#backlogged
  }

  /** Whether neither the database nor the spill file could take entries. */
  get isFailed(): boolean {
    return this.#failed
  }

  append(entry: JournalEntry): void {
    let e = entry
    if (e.kind === 'order' && e.seq === undefined) {
      const seq = this.#number(e.clientOrderId, e.event, e.status)
      if (seq !== undefined) e = { ...e, seq }
    }
    this.#enqueue(e)
  }

  /**
   * Queues an order event as `append(journalOrderEntry(event, order, strategyId))` would, but keeps only the (immutable)
   * order: the entry is built when the batch is written, off the signal-to-fill path.
   */
  appendOrder(event: string, order: Order, strategyId?: string): void {
    this.#enqueue(
      new LaterOrder(event, order, strategyId, this.#number(order.clientOrderId, event, order.status)),
    )
  }

  /** Queues a fill as `append(journalFillEntry(fill, strategyId))` would; the entry is built when written. */
  appendFill(fill: Fill, strategyId?: string): void {
    this.#enqueue(new LaterFill(fill, strategyId))
  }

  /**
   * The sequence of an order's next event, numbered here while the order is live (a new order starts at 1); a final
   * status forgets it, so the map holds live orders only. An event of an order not held (a late event, one seen first
   * after a restart) is numbered by the database when written (the next after its last journaled event): undefined.
   */
  #number(clientOrderId: string, event: string, status: string): number | undefined {
    const last = this.#seqs.get(clientOrderId) ?? (event === 'order.submitted' ? 0 : undefined)
    const seq = last === undefined ? undefined : last + 1
    if (FINAL.has(status)) this.#seqs.delete(clientOrderId)
    else if (seq !== undefined) this.#seqs.set(clientOrderId, seq)
    return seq
  }

  #enqueue(e: Queued): void {
    if (this.#backlogged) this.#toSpill([e], 'journal backlog not yet written')
    else if (this.#queue.length >= this.#o.queueSize) this.#toSpill([e], 'journal queue full')
    else this.#queue.push(e)
  }

  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#writing !== undefined) {
      const before = this.#queue.length
      await this.#pump()
      if (this.#failed && this.#queue.length >= before) return
    }
  }

  async lastView(): Promise<JournalView> {
    await this.flush()
    return readView(this.#o.driver)
  }

  /** Realised PnL and fees, grouped as asked (see {@link PnlOptions}). */
  async pnl(options: PnlOptions = {}): Promise<PnlRow[]> {
    await this.flush()
    return queryPnl(this.#o.driver, options)
  }

  /** Fills with their fees, oldest first. */
  async fills(options: QueryOptions = {}): Promise<FillRow[]> {
    await this.flush()
    return queryFills(this.#o.driver, options)
  }

  /** Every state change of the orders, in order (per order by sequence). */
  async orderHistory(
    options: QueryOptions & { readonly clientOrderId?: string } = {},
  ): Promise<OrderEventRow[]> {
    await this.flush()
    return queryOrderEvents(this.#o.driver, options)
  }

  /** Breaker and kill-switch transitions, oldest first. */
  async breakerHistory(options: QueryOptions = {}): Promise<BreakerRow[]> {
    await this.flush()
    return queryBreakers(this.#o.driver, options)
  }

  /**
   * Runs your own SQL on the journal's tables (docs/journal.md documents the schema) after a flush; `?` placeholders
   * on both stores. Meant for reads: the journal is append-only.
   */
  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    await this.flush()
    return this.#o.driver.all(sql, params)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    await this.flush()
    await this.#o.writer?.close()
    await this.#o.driver.close()
  }

  #toSpill(entries: readonly Queued[], reason: string): void {
    if (this.#failed) {
      this.#queue.push(...entries) // the host was told to halt; the database may still take them
      return
    }
    // Entering the backlog, the queue goes first, so the file holds everything in append order.
    const all = this.#backlogged ? entries : [...this.#queue, ...entries]
    try {
      this.#spill.append(all.map(entryOf))
      if (!this.#backlogged) this.#queue = []
    } catch (e) {
      // Kept in memory (nothing dropped while the process lives); the host must halt.
      this.#queue.push(...entries)
      if (!this.#failed) {
        this.#failed = true
        this.#bus.emit('journal.failed', {
          type: 'journal.failed',
          reason: `${reason}; spill file "${this.#o.spillPath}" cannot be written: ${errorText(e)}`,
          tsEvent: this.#o.now(),
        })
      }
      return
    }
    if (!this.#backlogged) {
      this.#backlogged = true
      this.#bus.emit('journal.backlogged', { type: 'journal.backlogged', reason, tsEvent: this.#o.now() })
    }
  }

  #pump(): Promise<void> {
    this.#writing ??= this.#writeAll().finally(() => {
      this.#writing = undefined
    })
    return this.#writing
  }

  async #writeAll(): Promise<void> {
    if (this.#backlogged && !(await this.#writeBacklog())) return
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.#o.batchSize)
      try {
        await this.#write(batch.map(entryOf))
      } catch (e) {
        this.#bus.emit('error', new StateError('Journal database write failed', { cause: e }))
        if (this.#failed) return
        // Order is kept: the failed batch and everything queued behind it go to the file, then later entries too.
        this.#toSpill([], `journal database write failed: ${errorText(e)}`)
        return
      }
      // The queue may have moved to the spill file meanwhile (then it was written twice: idempotent).
      if (batch.every((e, i) => this.#queue[i] === e)) this.#queue.splice(0, batch.length)
    }
  }

  #write(batch: readonly JournalEntry[]): Promise<void> {
    return this.#o.writer === undefined ? writeEntries(this.#o.driver, batch) : this.#o.writer.write(batch)
  }

  /** Writes the spill file to the database; true once it is empty (and the journal caught up). */
  async #writeBacklog(): Promise<boolean> {
    try {
      for (;;) {
        const { entries, end } = this.#spill.unwritten()
        for (let i = 0; i < entries.length; i += this.#o.batchSize) {
          await this.#write(entries.slice(i, i + this.#o.batchSize))
        }
        if (this.#spill.written(end)) break
      }
    } catch {
      return false
    }
    this.#backlogged = false
    this.#bus.emit('journal.caughtUp', { type: 'journal.caughtUp', tsEvent: this.#o.now() })
    return true
  }
}
