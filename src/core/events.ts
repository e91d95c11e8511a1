import EventEmitter from 'eventemitter3'
import { ListenerError, type TradekitError } from '../errors/index.js'

/**
 * An event map: each event name maps to its argument tuple. Every tradekit map has an `error` event, where
 * background failures and throwing listeners are reported.
 */
export type EventMap<M> = { [K in keyof M]: unknown[] } & { error: [error: TradekitError] }

/** Listener type for event `K` of map `M`. */
export type Listener<M, K extends keyof M> = M[K] extends unknown[] ? (...args: M[K]) => void : never

/** Names of data events: nouns that carry market or wire data (every other event is a fact). */
export type DataEventName =
  | 'candle'
  | 'trade'
  | 'book'
  | 'fill'
  | 'signal'
  | 'market'
  | 'message'
  | 'response'
  | 'error'
  | 'dataError'
  | 'bookTicker'
  | 'depthDiff'
  | 'markPrice'

/**
 * The name of a fact: `<subject>.<pastTense>`, a lowercase noun, a dot, then camelCase ending in a past participle
 * (`order.filled`, `risk.stateChanged`, `fill.reversed`; a few irregular participles: `sent`, `lost`, `set`, `hit`, `run`).
 */
export type FactEventName =
  | `${Lowercase<string>}.${Uncapitalize<string>}ed`
  | `${Lowercase<string>}.${Uncapitalize<string>}${'sent' | 'Sent' | 'lost' | 'Lost' | 'set' | 'Set' | 'hit' | 'Hit' | 'run' | 'Run'}`

/** Every public event name is a {@link FactEventName} or a {@link DataEventName} (checked by a type test). */
export type EventName = FactEventName | DataEventName

/** The subscribe-only view of an emitter that components expose as `events`: hosts can listen, not emit. */
export interface Listenable<M extends EventMap<M>> {
  /** Adds a listener. */
  on<K extends keyof M & string>(event: K, fn: Listener<M, K>): this
  /** Adds a listener that is removed after its first call. */
  once<K extends keyof M & string>(event: K, fn: Listener<M, K>): this
  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof M & string>(event: K, fn: Listener<M, K>): this
  /** Number of listeners for `event`. */
  listenerCount(event: keyof M & string): number
}

/** Options of {@link TypedEmitter}. */
export interface TypedEmitterConfig {
  /**
   * Called when an error cannot be delivered on `error` (no `error` listener, or the `error` listener threw).
   * Defaults to `console.error`, so a failure is never silent.
   */
  onUnhandledError?: (error: TradekitError) => void
}

type AnyFn = (...args: unknown[]) => void
/** A listener as stored: the common supertype of the map's listener types (called through `Reflect.apply`). */
type StoredFn = (...args: never[]) => unknown

/**
 * The typed event emitter every tradekit component uses (on eventemitter3). Listeners are isolated: one that
 * throws does not stop delivery to the others, nor the emitting component; its exception is reported on `error`
 * as a {@link ListenerError}. Components keep the emitter private and expose it as {@link Listenable}.
 *
 * @example
 * ```ts
 * interface FeedEvents { candle: [c: Candle]; error: [e: TradekitError] }
 * class Feed {
 *   readonly #bus = new TypedEmitter<FeedEvents>()
 *   readonly events: Listenable<FeedEvents> = this.#bus
 * }
 * ```
 */
export class TypedEmitter<M extends EventMap<M>> implements Listenable<M> {
  readonly #ee = new EventEmitter()
  readonly #wrappers = new Map<string, Map<StoredFn, AnyFn[]>>()
  readonly #onUnhandledError: (error: TradekitError) => void

  constructor(options: TypedEmitterConfig = {}) {
    this.#onUnhandledError = options.onUnhandledError ?? defaultUnhandled
  }

  on<K extends keyof M & string>(event: K, fn: Listener<M, K>): this {
    this.#ee.on(event, this.#wrap(event, fn, false))
    return this
  }

  once<K extends keyof M & string>(event: K, fn: Listener<M, K>): this {
    this.#ee.once(event, this.#wrap(event, fn, true))
    return this
  }

  off<K extends keyof M & string>(event: K, fn: Listener<M, K>): this {
    const byFn = this.#wrappers.get(event)
    const list = byFn?.get(fn)
    const wrapper = list?.pop()
    if (wrapper !== undefined) {
      this.#ee.off(event, wrapper)
      if (list?.length === 0) byFn?.delete(fn)
    }
    return this
  }

  listenerCount(event: keyof M & string): number {
    return this.#ee.listenerCount(event)
  }

  /** Removes every listener, of one event or of all. */
  removeAllListeners(event?: keyof M & string): this {
    if (event === undefined) {
      this.#ee.removeAllListeners()
      this.#wrappers.clear()
    } else {
      this.#ee.removeAllListeners(event)
      this.#wrappers.delete(event)
    }
    return this
  }

  /**
   * Delivers an event to every listener, in registration order. Never throws. Returns whether anyone listened.
   * An `error` with no listener goes to `onUnhandledError`.
   */
  emit<K extends keyof M & string>(event: K, ...args: M[K]): boolean {
    if (event === 'error' && this.#ee.listenerCount('error') === 0) {
      this.#onUnhandledError(args[0] as TradekitError)
      return false
    }
    return this.#ee.emit(event, ...args)
  }

  #wrap(event: string, fn: StoredFn, once: boolean): AnyFn {
    let byFn = this.#wrappers.get(event)
    if (byFn === undefined) {
      byFn = new Map()
      this.#wrappers.set(event, byFn)
    }
    const wrapper: AnyFn = (...args) => {
      if (once) this.#forget(event, fn, wrapper)
      try {
        Reflect.apply(fn, undefined, args)
      } catch (e) {
        this.#listenerThrew(event, e)
      }
    }
    const list = byFn.get(fn)
    if (list === undefined) byFn.set(fn, [wrapper])
    else list.push(wrapper)
    return wrapper
  }

  #forget(event: string, fn: StoredFn, wrapper: AnyFn): void {
    const byFn = this.#wrappers.get(event)
    const list = byFn?.get(fn)
    if (list === undefined) return
    const i = list.indexOf(wrapper)
    if (i >= 0) list.splice(i, 1)
    if (list.length === 0) byFn?.delete(fn)
  }

  #listenerThrew(event: string, cause: unknown): void {
    const error = new ListenerError(event, cause)
    if (event === 'error') {
      // An error listener that throws cannot report on itself.
      this.#onUnhandledError(error)
      return
    }
    if (this.#ee.listenerCount('error') === 0) this.#onUnhandledError(error)
    else this.#ee.emit('error', error)
  }
}

function defaultUnhandled(error: TradekitError): void {
  console.error('[tradekit] unhandled error event:', error)
}

/** Listeners by event name, as {@link subscribe} takes them. */
export type EventHandlers<M extends EventMap<M>> = { readonly [K in keyof M & string]?: Listener<M, K> }

/**
 * Adds every listener of `handlers` to `source` and returns one function that removes them all (calling it again
 * does nothing). Replaces hand-written `on`/`off` pairs.
 *
 * @example
 * ```ts
 * const unsubscribe = subscribe(feed.events, {
 *   candle: (c) => strategy.onCandle(c),
 *   error: (e) => log.warn(e),
 * })
 * unsubscribe() // removes both listeners
 * ```
 */
export function subscribe<M extends EventMap<M>>(
  source: Pick<Listenable<M>, 'on' | 'off'> | TypedEmitter<M>,
  handlers: NoInfer<EventHandlers<M>>,
): () => void {
  const offs: Array<() => void> = []
  const add = <K extends keyof M & string>(event: K): void => {
    const fn = handlers[event]
    if (fn === undefined) return
    source.on(event, fn)
    offs.push(() => source.off(event, fn))
  }
  for (const event of Object.keys(handlers) as Array<keyof M & string>) add(event)
  let active = true
  return () => {
    if (!active) return
    active = false
    for (const off of offs) off()
  }
}

/**
 * {@link subscribe} with one listener for several events (e.g. every name of `ORDER_EVENTS`); returns one function
 * that removes them all.
 *
 * @example
 * ```ts
 * const off = subscribeAll(client.events, ORDER_EVENTS, (e) => track(e.order))
 * ```
 */
export function subscribeAll<M extends EventMap<M>, K extends keyof M & string>(
  source: Pick<Listenable<M>, 'on' | 'off'> | TypedEmitter<M>,
  events: readonly K[],
  fn: Listener<M, K>,
): () => void {
  const handlers: Partial<Record<K, Listener<M, K>>> = {}
  for (const event of events) handlers[event] = fn
  return subscribe(source, handlers as EventHandlers<M>)
}

/**
 * {@link subscribeAll} for a listener that needs the event's name too: `fn(name, ...args)` runs for each of
 * `events` (e.g. a bridge that forwards events elsewhere under their own names); returns one function that removes
 * them all.
 *
 * @example
 * ```ts
 * const off = subscribeNamed(executor.events, ['order.filled', 'order.canceled'], (name, e) => forward(name, e))
 * ```
 */
export function subscribeNamed<M extends EventMap<M>, K extends keyof M & string>(
  source: Pick<Listenable<M>, 'on' | 'off'> | TypedEmitter<M>,
  events: readonly K[],
  fn: (event: K, ...args: M[K]) => void,
): () => void {
  const handlers: Partial<Record<K, Listener<M, K>>> = {}
  for (const event of events) {
    const named = (...args: M[K]): void => fn(event, ...args)
    handlers[event] = named as Listener<M, K>
  }
  return subscribe(source, handlers as EventHandlers<M>)
}
