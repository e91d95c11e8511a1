import { isEntryKind } from './writeEntries.js'

/**
 * Why a value cannot be journaled as an entry (not an entry object, an unknown `kind`, a `tsEvent` that is not a
 * finite number), or undefined when it can be written.
 */
export function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a journal entry object'
  const { kind, tsEvent } = value as { kind?: unknown; tsEvent?: unknown }
  if (!isEntryKind(kind)) return `unknown entry kind "${String(kind)}"`
  if (typeof tsEvent !== 'number' || !Number.isFinite(tsEvent))
    return `tsEvent "${String(tsEvent)}" is not a finite number`
  return undefined
}

/** Postgres SQLSTATE classes of an error that is the row's, not the database's: data exception, integrity, limits. */
const PG_REFUSED = /^(22|23|54)[0-9A-Z]{3}$/
/** SQLite result codes of an error that is the row's. */
const SQLITE_REFUSED = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/

/**
 * Whether a failed write was refused because of what it writes (a row the database will refuse however often it is
 * retried: a constraint, a value it cannot store, or one the journal found invalid) rather than because the database
 * failed (down, busy, disk full), judged by the error codes along its `cause` chain.
 */
export function isRefusedByDatabase(error: unknown): boolean {
  let e: unknown = error
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code
    // VALIDATION_FAILED: the journal's own check of a value it books (a fill's decimals), here or on the writer thread.
    if (code === 'VALIDATION_FAILED') return true
    if (typeof code === 'string' && (PG_REFUSED.test(code) || SQLITE_REFUSED.test(code))) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
