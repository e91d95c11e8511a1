import { ConfigError } from '../errors/index.js'

/** The `libsql/promise` module (better-sqlite3's API; `exec` runs off the main thread), as `import()` gives it. */
export type LibsqlModule = typeof import('libsql/promise')
/** The `pg` module, as `import('pg')` gives it. */
export type PgModule = typeof import('pg')

/** Unwraps a CommonJS module that `import()` may hand back under `default`. */
function unwrap<T>(mod: T | { default: T }): T {
  return typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : mod
}

/**
 * Loads the optional peer dependency `libsql` (the SQLite store's driver; its promise API) on first use. Rejects with a
 * {@link ConfigError} naming the package to install when it cannot be loaded.
 *
 * @example
 * ```ts
 * const Database = await loadLibsql() // ConfigError "... npm install libsql" when it is missing
 * ```
 */
export async function loadLibsql(): Promise<LibsqlModule> {
  try {
    return unwrap(await import('libsql/promise'))
  } catch (cause) {
    throw new ConfigError(
      'The SQLite journal needs the optional peer dependency libsql: npm install libsql',
      ['libsql: cannot be loaded (npm install libsql)'],
      { cause },
    )
  }
}

/**
 * Loads the optional peer dependency `pg` (the Postgres store's driver) on first use. Rejects with a
 * {@link ConfigError} naming the package to install when it cannot be loaded.
 *
 * @example
 * ```ts
 * const { Pool } = await loadPg() // ConfigError "... npm install pg" when it is missing
 * ```
 */
export async function loadPg(): Promise<PgModule> {
  try {
    const mod = await import('pg')
    return 'Pool' in mod ? mod : unwrap<PgModule>(mod)
  } catch (cause) {
    throw new ConfigError(
      'The Postgres journal needs the optional peer dependency pg: npm install pg',
      ['pg: cannot be loaded (npm install pg)'],
      { cause },
    )
  }
}
