import type { ExecutionClient, MarketDataConsumer, MarketEventOptions } from '../core/ports.js'
import type { BookSnapshot, Candle, Trade } from '../core/types.js'
import type { Portfolio } from '../execution/index.js'
import type { MarketCache } from './MarketCache.js'

/** Passed to a consumer that books into the engine's account: the fan-out already marked it. */
const ALREADY_MARKED: MarketEventOptions = { mark: false }

/**
 * The one place a market event reaches the account and the executors, in one order: the account (the engine's
 * Portfolio) is marked once, each executor's `marketData` port fills from it (told not to mark again when it books
 * into that same account), then the {@link MarketCache} is written once. It also knows whether a venue's books show
 * our own orders (not when that venue's executor simulates it).
 */
export class MarketDataFanout implements MarketDataConsumer {
  readonly #account: Pick<Portfolio, 'onCandle' | 'onTrade' | 'onBook'>
  readonly #cache: MarketCache
  readonly #consumers: Array<{ port: MarketDataConsumer; options: MarketEventOptions | undefined }> = []
  /** Whether the executor of each venue (the first one added, as signals and quotes are routed) simulates it. */
  readonly #simulated = new Map<string, boolean>()

  /** `account` is the Portfolio the engine marks; `cache` the engine's market cache. */
  constructor(account: Pick<Portfolio, 'onCandle' | 'onTrade' | 'onBook'>, cache: MarketCache) {
    this.#account = account
    this.#cache = cache
  }

  /** Forwards market events to `client.marketData`, when it declares one; notes whether it simulates its venues. */
  addExecutor(client: ExecutionClient): void {
    for (const v of client.venues)
      if (!this.#simulated.has(v)) this.#simulated.set(v, client.isSimulated === true)
    if (client.marketData === undefined) return
    const marks = client.booksFillsInto?.(this.#account) === true ? ALREADY_MARKED : undefined
    this.#consumers.push({ port: client.marketData, options: marks })
  }

  /**
   * Whether the books of `venue` show our own resting orders: not when its executor simulates the venue
   * (`isSimulated`: a PaperTrader fills against public books that never hold its orders), else yes.
   */
  booksShowOwnOrders(venue: string): boolean {
    return this.#simulated.get(venue) !== true
  }

  /** Marks the account, lets executors fill, writes the cache. */
  onCandle(c: Candle): void {
    this.#account.onCandle(c)
    for (const m of this.#consumers) m.port.onCandle(c, m.options)
    this.#cache.onCandle(c)
  }

  /** Marks the account, lets executors fill, writes the cache. */
  onTrade(t: Trade): void {
    this.#account.onTrade(t)
    for (const m of this.#consumers) m.port.onTrade(t, m.options)
    this.#cache.onTrade(t)
  }

  /** Marks the account, lets executors fill, writes the cache. */
  onBook(b: BookSnapshot): void {
    this.#account.onBook(b)
    for (const m of this.#consumers) m.port.onBook(b, m.options)
    this.#cache.onBook(b)
  }
}
