import { ValidationError } from '../errors/index.js'

/**
 * Every combination of a parameter grid, in a stable order.
 *
 * @example
 * ```ts
 * gridCombinations({ fast: [5, 9], slow: [21, 50] })
 * // [{ fast: 5, slow: 21 }, { fast: 5, slow: 50 }, { fast: 9, slow: 21 }, { fast: 9, slow: 50 }]
 * ```
 */
export function gridCombinations(
  grid: Readonly<Record<string, readonly unknown[]>>,
): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}]
  for (const [k, values] of Object.entries(grid)) {
    if (values.length === 0) throw new ValidationError(`Grid "${k}" has no values`, { field: k })
    out = out.flatMap((o) => values.map((v) => ({ ...o, [k]: v })))
  }
  return out
}
