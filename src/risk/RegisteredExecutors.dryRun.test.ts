import { describe, expect, it } from 'vitest'
import { ManualClock, type Order } from '../core/index.js'
import { account, FakeExecutor, market, openOrder, signal } from './__fixtures__/builders.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)

/** The event a dry-run live `OrderExecutor` emits for an order it does not send (and nothing else about it). */
interface DryRunBus {
  emit(event: 'order.dryRunSkipped', e: { type: string; order: Order; tsEvent: number }): void
}

/** A registered executor in dry-run mode. */
class DryRunExecutor extends FakeExecutor {
  skip(order: Order): void {
    ;(this.bus as unknown as DryRunBus).emit('order.dryRunSkipped', {
      type: 'order.dryRunSkipped',
      order,
      tsEvent: T0,
    })
  }
}

describe('RegisteredExecutors: a dry run', () => {
  it("ends an approved entry's reservation when the dry run skips its order: the next entry is not refused", () => {
    const clock = new ManualClock(T0)
    const risk = new RiskManager({ clock, maxNotional: '1000', maxPositionsPerInstrument: 5 })
    const dry = new DryRunExecutor(['binance'], [])
    risk.registerExecutor(dry)
    const m = market({ priceTs: clock.now() })
    const first = risk.evaluate(signal(), account(), m)
    if (!first.ok) throw new Error(first.error.message)
    expect(first.value.qty.toFixed()).toBe('10') // the whole room (1000 ÷ 100)
    dry.skip(openOrder(first.value.clientOrderId, { qty: first.value.qty }))
    // The snapshot holds nothing (the dry run sent nothing): the same room again, not denied for entryReservationTtlMs.
    const second = risk.evaluate(signal(), account(), m)
    expect(second.ok ? second.value.qty.toFixed() : second.error.code).toBe('10')
  })
})
