import { type RedisConnection, SharedStateUnavailableError } from '../../../src/redis/index.js'

/** Connection `error` events that were not the outage a test caused on purpose (checked after each test). */
export const unexpectedConnectionErrors: unknown[] = []

/**
 * Listens to `conn`'s `error` events in a test that stops Redis on purpose: the outage's own report (a
 * `SharedStateUnavailableError`) is expected; anything else is kept in {@link unexpectedConnectionErrors}.
 */
export function expectOutages<C extends RedisConnection>(conn: C): C {
  conn.events.on('error', (e) => {
    if (!(e instanceof SharedStateUnavailableError)) unexpectedConnectionErrors.push(e)
  })
  return conn
}
