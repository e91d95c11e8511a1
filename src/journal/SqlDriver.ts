/** A row as a driver returns it: column name to value. */
export type SqlRow = Record<string, unknown>

/**
 * The little the journal needs from a database: parameterised statements with `?` placeholders (the Postgres driver
 * numbers them), and transactions. Both stores implement it; the migrations, writes and queries run on either.
 */
export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres'
  /** Runs a statement and returns its rows. */
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>
  /** Optional: runs a statement that returns no rows and resolves with the number of rows it changed. */
  run?(sql: string, params?: readonly unknown[]): Promise<number>
  /**
   * Runs `fn` in one transaction: all of it is committed or none of it. Inside, use the `tx` it is given (the SQLite
   * driver queues other calls until the transaction ends).
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>
  close(): Promise<void>
}
