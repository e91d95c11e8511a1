/**
 * Scale out on Redis: many processes (and hosts) of one deployment share one rate budget, one latched risk state
 * and kill switch, and publish their events to Redis Streams. Needs the optional peer dependency `redis`
 * (node-redis); nothing else in tradekit imports this subpath, so a single-process bot pays nothing for it.
 *
 * @module tradekit/redis
 */

export {
  decodeEvent,
  EVENT_ENVELOPE_VERSION,
  type EventEnvelope,
  type EventOrigin,
  encodeEvent,
} from './eventCodec.js'
export {
  RedisConnection,
  type RedisConnectionChanged,
  type RedisConnectionConfig,
  RedisConnectionConfigSchema,
  type RedisConnectionEvents,
  type RedisTlsOptions,
} from './RedisConnection.js'
export {
  RedisEventConsumer,
  type RedisEventConsumerConfig,
  RedisEventConsumerConfigSchema,
  type RedisEventMeta,
  type ReplayedEvents,
} from './RedisEventConsumer.js'
export {
  eventStreamKey,
  RedisEventPublisher,
  type RedisEventPublisherConfig,
  RedisEventPublisherConfigSchema,
  type RedisEventPublisherEvents,
} from './RedisEventPublisher.js'
export {
  type RateBudgetFailedClosed,
  type RateBudgetFallbackChanged,
  RedisRateLimitStore,
  type RedisRateLimitStoreConfig,
  RedisRateLimitStoreConfigSchema,
  type RedisRateLimitStoreEvents,
  type RedisRateLimitStoreStats,
} from './RedisRateLimitStore.js'
export {
  RedisStateStore,
  type RedisStateStoreConfig,
  RedisStateStoreConfigSchema,
} from './RedisStateStore.js'
export { SharedBudgetUnavailableError } from './SharedBudgetUnavailableError.js'
export { SharedStateUnavailableError } from './SharedStateUnavailableError.js'
export { shareKillSwitch } from './shareKillSwitch.js'
