/**
 * Binance's request-weight (per minute) and order-count (per 10 s, per minute for USD-M, per day for spot) windows,
 * with the `X-MBX-USED-WEIGHT-*` and `X-MBX-ORDER-COUNT-*` headers the sim answers with.
 *
 * @example
 * ```ts
 * const limits = new RequestLimits(6000, () => clock.now())
 * if (limits.spendWeight('GET', '/api/v3/depth', params)) answer429()
 * ```
 */
export class RequestLimits {
  readonly #limitPerMinute: number
  readonly #now: () => number
  #weight = { minute: 0, used: 0 }
  #orderCount = { sec10: 0, used10s: 0, minute: 0, usedMinute: 0, day: 0, usedDay: 0 }

  constructor(weightLimitPerMinute: number, now: () => number) {
    this.#limitPerMinute = weightLimitPerMinute
    this.#now = now
  }

  /** Adds the request's weight to the minute window; true when over the limit. */
  spendWeight(method: string, path: string, params: URLSearchParams): boolean {
    return this.spend(requestWeight(method, path, params))
  }

  /** Adds `weight` to the minute window (a WebSocket API request); true when over the limit. */
  spend(weight: number): boolean {
    const minute = Math.floor(this.#now() / 60_000)
    if (minute !== this.#weight.minute) this.#weight = { minute, used: 0 }
    this.#weight.used += weight
    return this.#weight.used > this.#limitPerMinute
  }

  /**
   * The `rateLimits` array of a WebSocket API answer: the weight window, plus the order windows for an order
   * request (spot 10 s + 1 day, USD-M 10 s + 1 min), each with its `count`.
   */
  wsApiRateLimits(futures: boolean, isOrder: boolean): unknown[] {
    const weight = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1 }
    const out: unknown[] = [{ ...weight, limit: this.#limitPerMinute, count: this.#weight.used }]
    if (!isOrder) return out
    const c = this.#orderCount
    out.push({
      rateLimitType: 'ORDERS',
      interval: 'SECOND',
      intervalNum: 10,
      limit: futures ? 300 : 100,
      count: c.used10s,
    })
    if (futures)
      out.push({
        rateLimitType: 'ORDERS',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: 1200,
        count: c.usedMinute,
      })
    else
      out.push({ rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200_000, count: c.usedDay })
    return out
  }

  /**
   * Counts an order request: `tenSeconds` in the 10-second (and spot's daily) window, `minute` in USD-M's 1-minute
   * window; 1 and 1 for one order. USD-M `POST /fapi/v1/batchOrders` costs 5 and 1 (its documented request weight).
   */
  countOrder(tenSeconds = 1, minute = 1): void {
    const now = this.#now()
    const c = this.#orderCount
    const s10 = Math.floor(now / 10_000)
    const min = Math.floor(now / 60_000)
    const day = Math.floor(now / 86_400_000)
    if (s10 !== c.sec10) Object.assign(c, { sec10: s10, used10s: 0 })
    if (min !== c.minute) Object.assign(c, { minute: min, usedMinute: 0 })
    if (day !== c.day) Object.assign(c, { day, usedDay: 0 })
    c.used10s += tenSeconds
    c.usedMinute += minute
    c.usedDay += tenSeconds
  }

  /** Used-weight headers of a response (USD-M and spot spell them differently). */
  weightHeaders(path: string): Record<string, string> {
    const used = String(this.#weight.used)
    return path.startsWith('/fapi')
      ? { 'X-MBX-USED-WEIGHT-1M': used }
      : { 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used }
  }

  /** Order-count headers of an order response. */
  orderHeaders(path: string): Record<string, string> {
    if (path.startsWith('/fapi'))
      return {
        'X-MBX-ORDER-COUNT-10S': String(this.#orderCount.used10s),
        'X-MBX-ORDER-COUNT-1M': String(this.#orderCount.usedMinute),
      }
    return {
      'x-mbx-order-count-10s': String(this.#orderCount.used10s),
      'x-mbx-order-count-1d': String(this.#orderCount.usedDay),
    }
  }
}

/**
 * Whether a REST request places or amends orders, so its answer carries the order-count headers: `POST` of an order
 * endpoint (`/order`, `/order/test`, `/order/cancelReplace`) or of USD-M `/batchOrders`, and USD-M's amendments
 * (`PUT /fapi/v1/order`, `PUT /fapi/v1/batchOrders`).
 */
export function isOrderRequest(method: string, path: string): boolean {
  return (method === 'POST' || method === 'PUT') && (path.includes('/order') || path.endsWith('/batchOrders'))
}

/** Request weights by endpoint (Binance's published values, simplified). */
export function requestWeight(method: string, path: string, p: URLSearchParams): number {
  const futures = path.startsWith('/fapi')
  const ep = path.replace(/^\/(api\/v3|fapi\/v[123])/, '')
  switch (ep) {
    case '/depth': {
      const limit = Number(p.get('limit') ?? 100)
      if (futures) return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250
    }
    case '/exchangeInfo':
      return futures ? 1 : 20
    case '/account':
      return futures ? 5 : 20
    case '/openOrders':
      return p.has('symbol') ? (futures ? 1 : 6) : futures ? 40 : 80
    case '/trades':
      return futures ? 5 : 25
    case '/myTrades':
      return p.has('orderId') ? 5 : 20
    case '/userTrades':
      return 5
    case '/klines':
      return 2
    case '/countdownCancelAll':
      return 10
    case '/ticker/price':
    case '/ticker/bookTicker':
      return p.has('symbol') ? 2 : 4
    case '/order':
      // Spot: a query (GET) weighs 4; a place (POST) or a cancel (DELETE) 1. USD-M: 1 each.
      return method === 'GET' && !futures ? 4 : 1
    case '/batchOrders':
      // USD-M: place (POST) and modify (PUT) 5, cancel (DELETE) 1 (Place-Multiple-Orders, Cancel-Multiple-Orders).
      return method === 'DELETE' ? 1 : 5
    default:
      return 1
  }
}
