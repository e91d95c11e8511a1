import { describe, expect, it } from 'vitest'
import type { Order } from '../../core/index.js'
import { OpenOrderLimits } from './OpenOrderLimits.js'

const order = (clientOrderId: string, status: Order['status']) => ({ clientOrderId, status }) as Order

describe('OpenOrderLimits', () => {
  it('refuses the order past the cap with a ValidationError naming the filter', async () => {
    const limits = new OpenOrderLimits()
    let reads = 0
    const cap = {
      filter: 'MAX_NUM_ORDERS' as const,
      scope: 'BTCUSDT',
      limit: 2,
      readOpen: async () => {
        reads++
        return ['a', 'b']
      },
    }
    const e = await limits.check(cap, 'c').catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', details: { filter: 'MAX_NUM_ORDERS', limit: 2 } })
    expect(reads).toBe(1)
  })

  it('counts from acks and updates, and re-reads the venue before refusing', async () => {
    const limits = new OpenOrderLimits()
    let open = ['a']
    const cap = {
      filter: 'MAX_NUM_ALGO_ORDERS' as const,
      scope: 'algo',
      limit: 2,
      readOpen: async () => open,
    }
    await limits.check(cap, 'b')
    limits.observe('algo', order('b', 'OPEN'))
    // The local count says full (a, b); the venue says a has gone: the order passes.
    open = ['b']
    await limits.check(cap, 'c')
    limits.observe('algo', order('c', 'OPEN'))
    limits.finished('b')
    await limits.check(cap, 'd')
  })

  it('a final update frees a slot without a read', async () => {
    const limits = new OpenOrderLimits()
    let reads = 0
    const cap = {
      filter: 'MAX_NUM_ORDERS' as const,
      scope: 'ETHUSDT',
      limit: 2,
      readOpen: async () => {
        reads++
        return [] as string[]
      },
    }
    await limits.check(cap, 'a')
    limits.observe('ETHUSDT', order('a', 'OPEN'))
    limits.observe('ETHUSDT', order('a', 'FILLED'))
    await limits.check(cap, 'b')
    expect(reads).toBe(1)
  })
})
