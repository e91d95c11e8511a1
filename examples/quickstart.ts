/**
 * The smallest working tradekit program: parse venue strings strictly, round an order to the instrument's filters,
 * track it through the order state machine, and listen to typed events on a manual clock.
 * Run: npx tsx examples/quickstart.ts
 */
import {
  applyFill,
  createOrder,
  Decimal,
  formatDecimal,
  type Listenable,
  ManualClock,
  type Order,
  parsePrice,
  roundPriceForSide,
  roundToStep,
  type TradekitError,
  TypedEmitter,
  unwrap,
} from '../src/index.js'

interface DemoEvents {
  'order.updated': [order: Order]
  error: [error: TradekitError]
}

const clock = new ManualClock(Date.UTC(2026, 0, 1))
const bus = new TypedEmitter<DemoEvents>()
const events: Listenable<DemoEvents> = bus
events.on('order.updated', (o) =>
  console.log(
    `${new Date(clock.now()).toISOString()}  ${o.clientOrderId}  ${o.status.padEnd(16)} filled ${formatDecimal(o.filledQty)}`,
  ),
)

for (const raw of ['64123.4567', '0', 'NaN', '1e400', '']) {
  const r = parsePrice(raw)
  console.log(
    `parsePrice(${JSON.stringify(raw)}) -> ${r.ok ? r.value.toString() : `rejected: ${r.error.message}`}`,
  )
}

const price = roundPriceForSide('64123.4567', '0.01', 'BUY')
const qty = roundToStep('0.0123456', '0.00001')
let order = unwrap(
  createOrder(
    {
      clientOrderId: 'demo-1',
      venue: 'sim',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      qty,
      price,
      timeInForce: 'GTC',
    },
    clock.now(),
  ),
)
bus.emit('order.updated', order)
for (const part of ['0.004', '0.00834']) {
  clock.advance(1000)
  order = unwrap(
    applyFill(order, {
      venue: 'sim',
      symbol: 'BTCUSDT',
      clientOrderId: 'demo-1',
      tradeId: String(clock.now()),
      side: 'BUY',
      price,
      qty: new Decimal(part),
      fee: new Decimal(0),
      feeAsset: 'USDT',
      liquidity: 'MAKER',
      tsEvent: clock.now(),
    }),
  )
  bus.emit('order.updated', order)
}
console.log(
  `average fill price ${formatDecimal(order.avgFillPrice ?? price)}; notional ${formatDecimal(order.filledQty.times(price))}`,
)
