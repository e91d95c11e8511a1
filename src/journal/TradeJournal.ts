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
import { StateError, ValidationError } from '../errors/index.js'
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
import { entryProblem, isRefusedByDatabase } from './refusedEntries.js'
import { appendLines, SpillFile } from './SpillFile.js'
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

/** The entry of a queued item (building it throws only on a malformed order or fill). */
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
 * is written once. An entry the database refuses (or that cannot be written at all, such as a non-finite `tsEvent`)
 * is set aside in the dead-letter file `<spillPath>.dead` and reported on `error`, and the rest goes on; an entry
 * appended after `close()` is kept in the spill file (written when the journal opens again) and reported on `error`.
 * Also answers the typed queries.
 *
 * @example
 * ```ts
 * const journal = await openSqliteJournal({ path: './trades.db' })
 * journal.events.on('journal.backlogged', (e) => log.warn(e.reason))
 * journal.events.on('error', (e) => log.error(e)) // set-aside entries, failed writes
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
  /** A write of the backlog failed (reported once); cleared when one succeeds. */
  #backlogFailing = false
  #failed = false
  #closed = false
  /** Flushed for `close()`: from here on, an appended entry goes to the spill file. */
  #ended = false
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

  /** The file where entries the database refused are set aside (JSON lines), next to the spill file. */
  get deadLetterPath(): string {
    return `${this.#o.spillPath}.dead`
  }

  /**
   * Queues an entry. One that cannot be written (not an entry, an unknown kind, a `tsEvent` that is not a finite
   * number) is set aside in {@link TradeJournal.deadLetterPath} and reported on `error` (a ValidationError).
   */
  append(entry: JournalEntry): void {
    const problem = entryProblem(entry)
    if (problem !== undefined) {
      this.#setAside(entry, new ValidationError(`Invalid journal entry: ${problem}`))
      return
    }
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
    const later = new LaterOrder(event, order, strategyId, undefined)
    if (!Number.isFinite(order.tsUpdated)) {
      this.#refuseTime(later, order.tsUpdated)
      return
    }
    const seq = this.#number(order.clientOrderId, event, order.status)
    this.#enqueue(seq === undefined ? later : new LaterOrder(event, order, strategyId, seq))
  }

  /** Queues a fill as `append(journalFillEntry(fill, strategyId))` would; the entry is built when written. */
  appendFill(fill: Fill, strategyId?: string): void {
    const later = new LaterFill(fill, strategyId)
    if (Number.isFinite(fill.tsEvent)) this.#enqueue(later)
    else this.#refuseTime(later, fill.tsEvent)
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
    if (this.#ended) this.#keepInSpill([e], 'appended after close()')
    else if (this.#backlogged) this.#toSpill([e], 'journal backlog not yet written')
    else if (this.#queue.length >= this.#o.queueSize) this.#toSpill([e], 'journal queue full')
    else this.#queue.push(e)
  }

  /**
   * Resolves once every entry appended before the call is in the database, a backlog in the spill file included; when
   * the database fails, once they are in the spill file (the timer keeps retrying).
   */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#writing !== undefined || this.#backlogged) {
      const before = this.#queue.length
      await this.#pump()
      // The database failed: the entries are safe in the spill file, or (journal.failed) in memory.
      if (this.#backlogged && this.#backlogFailing) return
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

  /**
   * Flushes and closes the store. An entry appended afterwards is kept in the spill file (written when the journal
   * opens again) and reported on `error`; entries neither the database nor the spill file took are reported there too.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    await this.flush()
    this.#ended = true
    // Left in memory only when neither the database nor the spill file took them (journal.failed): one more try.
    const left = this.#queue.splice(0)
    if (left.length > 0) this.#keepInSpill(left, 'the database did not take at close()')
    await this.#o.writer?.close()
    await this.#o.driver.close()
  }

  /** Keeps entries the closed journal cannot write in the spill file, and reports them (and any it could not keep). */
  #keepInSpill(items: readonly Queued[], why: string): void {
    const entries = this.#built(items)
    const n = entries.length === 1 ? '1 entry' : `${entries.length} entries`
    const where = `the spill file "${this.#o.spillPath}"`
    try {
      this.#spill.append(entries)
    } catch (e) {
      const message = `Journal closed: ${n} ${why} could not be kept in ${where} either; they are in this error's details`
      this.#bus.emit('error', new StateError(message, { cause: e, details: { entries } }))
      return
    }
    const message = `Journal closed: ${n} ${why} kept in ${where}, written when the journal opens again`
    this.#bus.emit('error', new StateError(message, { details: { count: entries.length } }))
  }

  /**
   * The entries of queued items; an order or fill whose entry cannot be built (a malformed object) is reported on
   * `error` with the object, and left out.
   */
  #built(items: readonly Queued[]): JournalEntry[] {
    const out: JournalEntry[] = []
    for (const q of items) {
      try {
        out.push(entryOf(q))
      } catch (e) {
        const item =
          q instanceof LaterOrder ? { order: q.order } : q instanceof LaterFill ? { fill: q.fill } : q
        const error = new ValidationError(`Journal entry cannot be built: ${errorText(e)}`, {
          cause: e,
          details: { item },
        })
        this.#bus.emit('error', error)
      }
    }
    return out
  }

  /** Refuses an order or fill whose time is not a finite number: set aside, reported. */
  #refuseTime(item: LaterOrder | LaterFill, ts: number): void {
    const [entry] = this.#built([item])
    if (entry !== undefined)
      this.#setAside(
        entry,
        new ValidationError(`Invalid journal entry: tsEvent "${ts}" is not a finite number`),
      )
  }

  /**
   * Sets an entry that cannot be written (the database refused it, or it is invalid) aside in the dead-letter file,
   * and reports it on `error` (a ValidationError with the entry in its details; a StateError when even the dead-letter
   * file cannot take it).
   */
  #setAside(entry: unknown, why: unknown): void {
    const path = this.deadLetterPath
    const reason = errorText(why)
    try {
      appendLines(path, [{ reason, entry, tsEvent: this.#o.now() }])
    } catch (e) {
      const message = `Journal entry set aside (${reason}), but the dead-letter file "${path}" cannot be written: the entry is in this error's details`
      this.#bus.emit('error', new StateError(message, { cause: e, details: { entry } }))
      return
    }
    const message = `Journal entry set aside in the dead-letter file "${path}": ${reason}`
    this.#bus.emit('error', new ValidationError(message, { cause: why, details: { entry } }))
  }

  #toSpill(entries: readonly Queued[], reason: string): void {
    if (this.#failed) {
      this.#queue.push(...entries) // the host was told to halt; the database may still take them
      return
    }
    // Entering the backlog, the queue goes first, so the file holds everything in append order.
    const all = this.#backlogged ? entries : [...this.#queue, ...entries]
    try {
      this.#spill.append(this.#built(all))
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

  /** Writes the backlog, then the queue, batch by batch, until both are empty or the database fails. */
  async #writeAll(): Promise<void> {
    for (;;) {
      // A backlog first (also one that began while a batch was being written: the queue moved to the file).
      if (this.#backlogged && !(await this.#writeBacklog())) return
      if (this.#queue.length === 0) return
      const batch = this.#queue.slice(0, this.#o.batchSize)
      try {
        await this.#writeSettingAside(this.#built(batch))
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

  /**
   * Writes entries in order. When the database refuses the batch for what it holds, the batch is split (each part in
   * its own transaction, still in order) until the refused entries are found: those are set aside, the rest is
   * written. Rejects when the database failed (down, busy, disk full): nothing is set aside then.
   */
  async #writeSettingAside(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return
    try {
      await this.#write(entries)
    } catch (e) {
      if (!isRefusedByDatabase(e)) throw e
      if (entries.length === 1) {
        this.#setAside(entries[0], e)
        return
      }
      const half = Math.ceil(entries.length / 2)
      await this.#writeSettingAside(entries.slice(0, half))
      await this.#writeSettingAside(entries.slice(half))
    }
  }

  #write(batch: readonly JournalEntry[]): Promise<void> {
    return this.#o.writer === undefined ? writeEntries(this.#o.driver, batch) : this.#o.writer.write(batch)
  }

  /**
   * Writes the spill file to the database; true once it is empty (and the journal caught up). A line that is not an
   * entry (a corrupt file) is set aside and reported, once. A failure is reported once, then retried by the timer.
   */
  async #writeBacklog(): Promise<boolean> {
    try {
      for (;;) {
        const { entries, corrupt, end } = this.#spill.unwritten()
        for (const c of corrupt)
          this.#setAside(c.line, new ValidationError(`Corrupt spill file line: ${c.problem}`))
        for (let i = 0; i < entries.length; i += this.#o.batchSize) {
          await this.#writeSettingAside(entries.slice(i, i + this.#o.batchSize))
        }
        if (this.#spill.written(end)) break
      }
    } catch (e) {
      if (!this.#backlogFailing) {
        this.#backlogFailing = true
        const message = `Journal backlog write failed (retried every ${this.#o.flushIntervalMs} ms)`
        this.#bus.emit('error', new StateError(message, { cause: e }))
      }
      return false
    }
    this.#backlogFailing = false
    this.#backlogged = false
    this.#bus.emit('journal.caughtUp', { type: 'journal.caughtUp', tsEvent: this.#o.now() })
    return true
  }
}
