import { describe, expectTypeOf, it } from 'vitest'
import type { EventName } from '../core/events.js'
import type { RedisConnectionEvents, RedisEventPublisherEvents, RedisRateLimitStoreEvents } from './index.js'

describe('tradekit/redis event names', () => {
  it('name facts `<subject>.<pastTense>`', () => {
    expectTypeOf<Exclude<keyof RedisRateLimitStoreEvents, EventName>>().toEqualTypeOf<never>()
    expectTypeOf<Exclude<keyof RedisConnectionEvents, EventName>>().toEqualTypeOf<never>()
    expectTypeOf<Exclude<keyof RedisEventPublisherEvents, EventName>>().toEqualTypeOf<never>()
  })
})
