import { describe, expectTypeOf, it } from 'vitest'
import type { Listener } from '../core/events.js'
import type { AccountSnapshot, ExecutionClient, OrderFilledEvent } from '../core/ports.js'
import type { Fill, Order } from '../core/types.js'
import type {
  OrderExecutor,
  OrderExecutorConfig,
  PaperTrader,
  PaperTraderConfig,
  PaperTraderEvents,
  Portfolio,
} from './index.js'

describe('execution types', () => {
  it('PaperTrader and OrderExecutor are ExecutionClients', () => {
    expectTypeOf<PaperTrader>().toMatchTypeOf<ExecutionClient>()
    expectTypeOf<OrderExecutor>().toMatchTypeOf<ExecutionClient>()
  })

  it('order.filled listeners receive the fills of the update and the order', () => {
    type L = Listener<PaperTraderEvents, 'order.filled'>
    expectTypeOf<Parameters<L>[0]>().toEqualTypeOf<OrderFilledEvent>()
    expectTypeOf<OrderFilledEvent['order']>().toEqualTypeOf<Order>()
    expectTypeOf<OrderFilledEvent['fills']>().toEqualTypeOf<readonly Fill[]>()
  })

  it('configs accept decimal strings and have required fields', () => {
    expectTypeOf<{ instruments: [] }>().toMatchTypeOf<Pick<PaperTraderConfig, 'instruments'>>()
    expectTypeOf<PaperTraderConfig['takerFeeRate']>().toMatchTypeOf<string | number | object | undefined>()
    expectTypeOf<OrderExecutorConfig>().toHaveProperty('adapter')
  })

  it('Portfolio provides the AccountSnapshot', () => {
    expectTypeOf<ReturnType<Portfolio['snapshot']>>().toEqualTypeOf<AccountSnapshot>()
  })
})
