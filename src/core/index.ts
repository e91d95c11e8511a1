export { err, ok, type Result, unwrap } from '../errors/result.js'
export { type Clock, ManualClock, ScaledClock, SystemClock, sleep, type TimerHandle } from './clock.js'
export { formatIssues, parseConfig } from './config.js'
export {
  type EventHandlers,
  type EventMap,
  type Listenable,
  type Listener,
  subscribe,
  TypedEmitter,
  type TypedEmitterOptions,
} from './events.js'
export { type LogFn, type Logger, redactingLogger, silentLogger } from './logger.js'
export {
  OrderBook,
  type OrderBookConfig,
  OrderBookConfigSchema,
  type OrderBookDeltas,
  type OrderBookEvents,
  type OrderBookLevels,
  type OrderBookUpdateOptions,
} from './OrderBook.js'
export {
  applyFill,
  canTransition,
  createOrder,
  isTerminalStatus,
  ORDER_TRANSITIONS,
  type OrderTransitionInfo,
  transitionOrder,
  validateOrderRequest,
} from './orderState.js'
export {
  type AccountSnapshot,
  type CancelAllResult,
  type ExchangeAdapter,
  type ExecutionClient,
  type ExecutionEvents,
  type FillReversedEvent,
  type MarketDataConsumer,
  type MarketDataEvents,
  type MarketDataSource,
  type MarketEventOptions,
  type MarketSnapshot,
  ORDER_EVENTS,
  type OrderAck,
  type OrderDeniedEvent,
  type OrderEvent,
  type OrderFilledEvent,
  type OrderFilter,
  type OrderIntent,
  type Signal,
  type UserDataEvents,
} from './ports.js'
export {
  ClockSchema,
  DecimalInputSchema,
  DurationMsSchema,
  isClock,
  PositiveDecimalSchema,
  PositiveDurationMsSchema,
} from './schemas.js'
export {
  type Balance,
  type BookLevel,
  type BookSnapshot,
  type Candle,
  type Fill,
  hasLimitPrice,
  hasTriggerPrice,
  type Instrument,
  InstrumentKind,
  Liquidity,
  type Order,
  type OrderRequest,
  OrderStatus,
  OrderType,
  type OutcomeTokenInfo,
  oppositeSide,
  type Position,
  Side,
  TimeInForce,
  type Trade,
} from './types.js'
