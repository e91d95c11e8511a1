/**
 * Rows as CSV (RFC 4180: a header line of the keys of the first row, fields quoted when they hold a comma, quote or
 * newline). Arrays are joined with `;`.
 *
 * @example
 * ```ts
 * await writeFile('fills.csv', toCsv(await journal.fills({ venue: 'binance' })))
 * ```
 */
export function toCsv(rows: ReadonlyArray<object>, columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cell = (v: unknown): string => {
    const s = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(';') : String(v)
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  const lines = [cols.map(cell).join(',')]
  for (const r of rows) lines.push(cols.map((c) => cell((r as Record<string, unknown>)[c])).join(','))
  return `${lines.join('\r\n')}\r\n`
}
