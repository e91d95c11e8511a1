import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs'
import type { JournalEntry } from '../core/journal.js'

/**
 * The local append-only file that takes journal entries while the database cannot: one JSON line per entry, written
 * synchronously (a line either is in the file or its `append` threw). A torn last line, left by a crash mid-write,
 * was never acknowledged and is skipped when read.
 */
export class SpillFile {
  readonly path: string
  /** Bytes already written to the database (the next read starts there). */
  #offset = 0

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
    if (entries.length === 0) return
    const fd = openSync(this.path, 'a', 0o600)
    try {
      appendFileSync(fd, `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  /** Bytes in the file (0 when absent). */
  size(): number {
    try {
      return statSync(this.path).size
    } catch {
      return 0
    }
  }

  /** Entries not yet marked written, and the offset to pass to {@link SpillFile.written} once they are. */
  unwritten(): { entries: JournalEntry[]; end: number } {
    const size = this.size()
    if (size <= this.#offset) return { entries: [], end: this.#offset }
    const text = readFileSync(this.path).subarray(this.#offset, size).toString('utf8')
    const complete = text.lastIndexOf('\n') + 1 // a torn last line (crash mid-append) is not part of the backlog
    const entries = text
      .slice(0, complete)
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as JournalEntry)
    return { entries, end: this.#offset + Buffer.byteLength(text.slice(0, complete)) }
  }

  /** Marks everything before `end` as written; empties the file when nothing was appended since. */
  written(end: number): boolean {
    this.#offset = end
    if (this.size() > end) return false
    truncateSync(this.path, 0)
    this.#offset = 0
    return true
  }
}
