import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs'
import type { JournalEntry } from '../core/journal.js'
import { entryProblem } from './refusedEntries.js'

/** A complete line of the spill file that is not a journal entry, and why. */
export interface CorruptLine {
  readonly line: string
  readonly problem: string
}

/** A spill-file line as the journal entry it holds, or why it holds none. */
function parseLine(line: string): { entry: JournalEntry } | { problem: string } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (e) {
    return { problem: `not JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  const problem = entryProblem(value)
  return problem === undefined ? { entry: value as JournalEntry } : { problem }
}

/** Appends values as JSON lines to the file at `path` (created 0600) and syncs them to disk; throws when it cannot. */
export function appendLines(path: string, values: readonly unknown[]): void {
  if (values.length === 0) return
  const fd = openSync(path, 'a', 0o600)
  try {
    appendFileSync(fd, `${values.map((v) => JSON.stringify(v)).join('\n')}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * The local append-only file that takes journal entries while the database cannot: one JSON line per entry, written
 * synchronously (a line either is in the file or its `append` threw). A torn last line, left by a crash mid-write,
 * was never acknowledged and is skipped when read.
 */
export class SpillFile {
  readonly path: string
  /** Bytes already written to the database (the next read starts there). */
  #offset = 0
  /** Bytes already read once: their corrupt lines were reported. */
  #checked = 0

  constructor(path: string) {
    this.path = path
  }

  /** Cuts a torn last line (a crash mid-append: never acknowledged) so the next append starts a clean line. */
  repair(): void {
    const size = this.size()
    if (size === 0) return
    const text = readFileSync(this.path)
    const end = text.lastIndexOf(10) + 1
    if (end < size) truncateSync(this.path, end)
  }

  /** Appends entries and syncs them to disk; throws when the file cannot be written. */
  append(entries: readonly JournalEntry[]): void {
    appendLines(this.path, entries)
  }

  /** Bytes in the file (0 when absent). */
  size(): number {
    try {
      return statSync(this.path).size
    } catch {
      return 0
    }
  }

  /**
   * Entries not yet marked written, and the offset to pass to {@link SpillFile.written} once they are. A complete line
   * that is not a journal entry (a corrupt file) is not among them: it is in `corrupt`, once (a later read skips it).
   */
  unwritten(): { entries: JournalEntry[]; corrupt: CorruptLine[]; end: number } {
    const size = this.size()
    if (size <= this.#offset) return { entries: [], corrupt: [], end: this.#offset }
    const text = readFileSync(this.path).subarray(this.#offset, size).toString('utf8')
    const complete = text.lastIndexOf('\n') + 1 // a torn last line (crash mid-append) is not part of the backlog
    const entries: JournalEntry[] = []
    const corrupt: CorruptLine[] = []
    let at = this.#offset
    for (const line of text.slice(0, complete).split('\n')) {
      const start = at
      at += Buffer.byteLength(line) + 1
      if (line.length === 0) continue
      const parsed = parseLine(line)
      if ('entry' in parsed) entries.push(parsed.entry)
      else if (start >= this.#checked) corrupt.push({ line, problem: parsed.problem })
    }
    const end = this.#offset + Buffer.byteLength(text.slice(0, complete))
    this.#checked = Math.max(this.#checked, end)
    return { entries, corrupt, end }
  }

  /** Marks everything before `end` as written; empties the file when nothing was appended since. */
  written(end: number): boolean {
    this.#offset = end
    if (this.size() > end) return false
    truncateSync(this.path, 0)
    this.#offset = 0
    this.#checked = 0
    return true
  }
}
