export { err, ok, type Result, unwrap } from '../errors/result.js'
export { type Clock, ManualClock, ScaledClock, SystemClock, sleep, type TimerHandle } from './clock.js'
export { formatIssues, parseConfig } from './config.js'
export {
  type EventMap,
  type Listenable,
  type Listener,
  TypedEmitter,
  type TypedEmitterOptions,
} from './events.js'
export { type LogFn, type Logger, redactingLogger, silentLogger } from './logger.js'
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
export type {
  AccountSnapshot,
  CancelAllResult,
  ExchangeAdapter,
  ExecutionClient,
  ExecutionEvents,
  FillReversedEvent,
  MarketDataEvents,
  MarketDataSource,
  MarketSnapshot,
  OrderAck,
  OrderDeniedEvent,
  OrderEvent,
  OrderFilledEvent,
  OrderFilter,
  OrderIntent,
  Signal,
  UserDataEvents,
} from './ports.js'
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
