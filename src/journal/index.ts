/**
 * tradekit/journal: an append-only trading journal users can query — every order event, fill, signal, risk
 * decision, breaker transition and portfolio snapshot — in SQLite (`libsql`, embedded default) or Postgres (`pg`),
 * both optional peer dependencies. Node only.
 *
 * @module
 */
export { type MigrateOptions, migrate } from './migrate.js'
export { MIGRATIONS, type Migration } from './migrations.js'
export {
  openPostgresJournal,
  type PostgresJournalConfig,
  PostgresJournalConfigSchema,
  type PostgresPoolConfig,
} from './openPostgresJournal.js'
export {
  openSqliteJournal,
  type SqliteJournalConfig,
  SqliteJournalConfigSchema,
} from './openSqliteJournal.js'
export type { BreakerRow, FillRow, OrderEventRow, PnlOptions, PnlRow, QueryOptions } from './queries.js'
export type { SqlDriver, SqlRow } from './SqlDriver.js'
export { TradeJournal, type TradeJournalOptions } from './TradeJournal.js'
export { toCsv } from './toCsv.js'
