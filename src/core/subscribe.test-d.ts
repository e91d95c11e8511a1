import { describe, expectTypeOf, it } from 'vitest'
import type { TradekitError } from '../errors/index.js'
import { type EventHandlers, type Listenable, subscribe, TypedEmitter } from './events.js'

interface Events {
  tick: [e: { n: number }]
  'order.filled': [e: { id: string }, late: boolean]
  error: [e: TradekitError]
}

describe('subscribe types', () => {
  it('types each handler from the source event map and returns an unsubscribe function', () => {
    const bus = new TypedEmitter<Events>()
    const off = subscribe(bus, {
      tick: (e) => expectTypeOf(e).toEqualTypeOf<{ n: number }>(),
      'order.filled': (e, late) => {
        expectTypeOf(e).toEqualTypeOf<{ id: string }>()
        expectTypeOf(late).toEqualTypeOf<boolean>()
      },
      error: (e) => expectTypeOf(e).toEqualTypeOf<TradekitError>(),
    })
    expectTypeOf(off).toEqualTypeOf<() => void>()
    expectTypeOf<EventHandlers<Events>['tick']>().toEqualTypeOf<((e: { n: number }) => void) | undefined>()
  })

  it('rejects unknown events and wrong payload types', () => {
    const bus = new TypedEmitter<Events>()
    // @ts-expect-error unknown event
    subscribe(bus, { nope: () => {} })
    // @ts-expect-error wrong payload type
    subscribe(bus, { tick: (e: { n: string }) => e })
  })
})

describe('subscribe on a Listenable view', () => {
  it('infers the map from the view components expose as `events`', () => {
    const view: Listenable<Events> = new TypedEmitter<Events>()
    subscribe(view, { tick: (e) => expectTypeOf(e).toEqualTypeOf<{ n: number }>() })
  })
})

describe('subscribe on an on/off-only view', () => {
  it('accepts any source with typed on and off', () => {
    const view: Pick<Listenable<Events>, 'on' | 'off'> = new TypedEmitter<Events>()
    const off = subscribe(view, { tick: (e) => expectTypeOf(e).toEqualTypeOf<{ n: number }>() })
    expectTypeOf(off).toEqualTypeOf<() => void>()
  })
})
