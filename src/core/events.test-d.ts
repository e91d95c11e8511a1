import { describe, expectTypeOf, it } from 'vitest'
import type { TradekitError } from '../errors/index.js'
import { type Listenable, TypedEmitter } from './events.js'

interface Events {
  tick: [e: { n: number }]
  error: [e: TradekitError]
}

describe('event map types', () => {
  it('types listeners from the map', () => {
    const bus = new TypedEmitter<Events>()
    bus.on('tick', (e) => expectTypeOf(e).toEqualTypeOf<{ n: number }>())
    bus.on('error', (e) => expectTypeOf(e).toEqualTypeOf<TradekitError>())
    // @ts-expect-error unknown event
    bus.on('nope', () => {})
    // @ts-expect-error wrong payload
    bus.emit('tick', { n: 'x' })
    const view: Listenable<Events> = bus
    // @ts-expect-error hosts cannot emit through the view
    view.emit('tick', { n: 1 })
  })
})
