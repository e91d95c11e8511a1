import { ConfigError } from '../errors/index.js'

/** The part of the `redis` package (node-redis) tradekit uses, as `import('redis')` gives it. */
export type RedisModule = typeof import('redis')

let loading: Promise<RedisModule> | undefined

/**
 * Loads node-redis (`redis`), the optional peer dependency of `tradekit/redis`, on first use (and once): importing
 * `tradekit/redis` itself needs nothing. Rejects with a {@link ConfigError} naming the package to install when it
 * cannot be loaded; a later call tries again.
 *
 * @example
 * ```ts
 * const { createClient } = await loadRedis() // ConfigError "... npm install redis" when it is missing
 * ```
 */
export function loadRedis(): Promise<RedisModule> {
  loading ??= import('redis').catch((cause: unknown) => {
    loading = undefined
    throw new ConfigError(
      'tradekit/redis needs the optional peer dependency redis (node-redis) v6: npm install redis@6',
      ['redis: cannot be loaded (npm install redis@6)'],
      { cause },
    )
  })
  return loading
}
