/** Test builders for the risk module: a BTCUSDT-like instrument, a 10 000 USDT account, a 100 price, a BUY signal. */
import {
  type AccountSnapshot,
  type CancelAllResult,
  type ExecutionClient,
  type ExecutionEvents,
  type Instrument,
  type MarketSnapshot,
  type Order,
  type OrderIntent,
  type Position,
  type Signal,
  TypedEmitter,
} from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import { OrderRejectedError, type TradekitError } from '../../errors/index.js'

export const D = (v: string | number): Decimal => new Decimal(v)

export function instrument(over: Partial<Instrument> = {}): Instrument {
  return {
    venue: 'binance',
    symbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    kind: 'spot',
    tickSize: D('0.01'),
    stepSize: D('0.001'),
    minQty: D('0.001'),
    maxQty: D('9000'),
    minNotional: D('5'),
    ...over,
  }
}

export function account(over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    equity: D('10000'),
    freeMargin: D('10000'),
    peakEquity: D('10000'),
    positions: [],
    openOrders: [],
    tsEvent: 0,
    ...over,
  }
}

export function market(over: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return { instrument: instrument(), price: D('100'), priceTs: 0, ...over }
}

export function signal(over: Partial<Signal> = {}): Signal {
  return {
    strategyId: 's1',
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY',
    intent: 'ENTRY',
    stopPrice: D('98'),
    reason: 'test',
    tsEvent: 0,
    ...over,
  }
}

export function position(symbol: string, qty: string | number, venue = 'binance'): Position {
  return { venue, symbol, qty: D(qty), realizedPnl: D(0), unrealizedPnl: D(0) }
}

export function openOrder(clientOrderId: string, over: Partial<Order> = {}): Order {
  return {
    clientOrderId,
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    qty: D('1'),
    price: D('90'),
    status: 'OPEN',
    filledQty: D(0),
    tsCreated: 0,
    tsUpdated: 0,
    ...over,
  }
}

/** How a {@link FakeExecutor} answers `cancelAll`. */
export type CancelBehaviour = 'ok' | 'hang' | 'reject' | 'throw' | 'partial'

/** An ExecutionClient test double whose cancels can hang, fail or partly fail. */
export class FakeExecutor implements ExecutionClient {
  readonly bus = new TypedEmitter<ExecutionEvents>()
  readonly events = this.bus
  readonly submitted: OrderIntent[] = []
  orders: Order[]
  cancelAllCalls = 0
  /** Settles a hung cancelAll later (to check a late answer is harmless). */
  release: ((r: CancelAllResult) => void) | undefined
  failLater: ((e: unknown) => void) | undefined

  constructor(
    readonly venues: readonly string[],
    orders: Order[],
    readonly cancelBehaviour: CancelBehaviour = 'ok',
    readonly submitBehaviour: 'ok' | 'hang' | 'reject' = 'ok',
  ) {
    this.orders = orders
  }

  async submit(intent: OrderIntent): Promise<Order> {
    this.submitted.push(intent)
    if (this.submitBehaviour === 'hang') return new Promise<Order>(() => {})
    if (this.submitBehaviour === 'reject') throw new OrderRejectedError('fake', 'no liquidity')
    return { ...intent, status: 'FILLED', filledQty: intent.qty, tsCreated: 0, tsUpdated: 0 }
  }

  async cancel(clientOrderId: string): Promise<Order> {
    const o = this.orders.find((x) => x.clientOrderId === clientOrderId)
    if (o === undefined) throw new OrderRejectedError('fake', 'unknown order')
    return { ...o, status: 'CANCELED' }
  }

  cancelAll(): Promise<CancelAllResult> {
    this.cancelAllCalls++
    switch (this.cancelBehaviour) {
      case 'hang':
        return new Promise<CancelAllResult>((resolve, reject) => {
          this.release = resolve
          this.failLater = reject
        })
      case 'reject':
        return Promise.reject(new OrderRejectedError('fake', 'venue down'))
      case 'throw':
        throw new Error('synchronous failure')
      case 'partial': {
        const [first, ...rest] = this.orders
        const failed: { clientOrderId: string; error: TradekitError }[] = rest.map((o) => ({
          clientOrderId: o.clientOrderId,
          error: new OrderRejectedError('fake', 'cancel refused'),
        }))
        this.orders = rest
        return Promise.resolve({ canceled: first === undefined ? [] : [first.clientOrderId], failed })
      }
      default: {
        const canceled = this.orders.map((o) => o.clientOrderId)
        this.orders = []
        return Promise.resolve({ canceled, failed: [] })
      }
    }
  }

  openOrders(): readonly Order[] {
    return this.orders
  }

  async shutdown(): Promise<void> {}
}
