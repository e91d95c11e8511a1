import { ValidationError } from '../errors/index.js'

/** A plain decimal number (`-0.1`, `12`, `1e-8`): written as it is, so a spreadsheet keeps it numeric. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
/** How a cell a spreadsheet would run as a formula starts (OWASP CSV injection: = + - @ tab CR). */
const FORMULA = /^[=+\-@\t\r]/

/** A value as cell text: arrays joined with `;`, objects (a fee record) as JSON, the rest as text. */
function textOf(v: unknown, column: string): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.map((x) => textOf(x, column)).join(';')
  // An object without a text form of its own (a record, with a prototype or without; not a Decimal or a Date): JSON.
  const text = (v as { toString?: unknown }).toString
  if (typeof v === 'object' && (text === Object.prototype.toString || text === undefined)) {
    try {
      return JSON.stringify(v)
    } catch (cause) {
      throw new ValidationError(`toCsv: the value of column "${column}" cannot be written as JSON`, {
        field: column,
        cause,
      })
    }
  }
  return String(v)
}

/** A cell as written: neutralised when a spreadsheet would run it as a formula, quoted when it must be. */
function cellOf(v: unknown, column: string): string {
  let s = textOf(v, column)
  if (FORMULA.test(s) && !NUMBER.test(s)) s = `'${s}`
  // `;` too: spreadsheets set to that separator (many locales) must not split a cell either.
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * Rows as CSV (RFC 4180: a header line of every key found in the rows, in first-seen order, or `columns`; fields
 * quoted when they hold a comma, semicolon, quote or newline). Arrays are joined with `;`, objects (e.g. a position's
 * `fees`) written as JSON. A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return, and not a plain number such as `-0.1`) is prefixed with `'` (OWASP's CSV-injection defence).
 *
 * @throws {ValidationError} an object cell that cannot be written as JSON (a cycle, a bigint).
 * @example
 * ```ts
 * await writeFile('fills.csv', toCsv(await journal.fills({ venue: 'binance' })))
 * ```
 */
export function toCsv(rows: ReadonlyArray<object>, columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const lines = [cols.map((c) => cellOf(c, c)).join(',')]
  for (const r of rows) lines.push(cols.map((c) => cellOf((r as Record<string, unknown>)[c], c)).join(','))
  return `${lines.join('\r\n')}\r\n`
}
