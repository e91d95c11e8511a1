// Type-checked under every module/moduleResolution cell of scripts/consumer-matrix.mjs, with skipLibCheck off.
import { Decimal, isTradekitError, ManualClock, parsePrice, type TradekitError, TypedEmitter } from 'tradekit'
import * as backtest from 'tradekit/backtest'
import * as binance from 'tradekit/binance'
import type { Portfolio } from 'tradekit/execution'
import { EMA } from 'tradekit/indicators'
import * as polymarket from 'tradekit/polymarket'
import * as redis from 'tradekit/redis'
import * as risk from 'tradekit/risk'
import * as sim from 'tradekit/sim'
import * as strategies from 'tradekit/strategies'
import * as transport from 'tradekit/transport'

/** `true` when T is `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false
/** Compiles only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

const amount = new Decimal('1.5')
const notAny: IsAny<typeof amount> = false
const equity: IsAny<ReturnType<Portfolio['equity']>> = false
const isDecimal: Equals<ReturnType<Portfolio['equity']>, Decimal> = true
// @ts-expect-error money is a Decimal, not a boolean
const wrong: boolean = amount.plus(1)
const sum: string = amount.plus(parsePrice('2').ok ? 2 : 0).toFixed(2)

const ema = new EMA(3)
const value: number | undefined = ema.update(1)
const clock = new ManualClock(0)
const emitter = new TypedEmitter<{ tick: [n: number]; error: [e: TradekitError] }>()
emitter.on('tick', (n: number) => n)

export const used = [
  notAny,
  equity,
  isDecimal,
  wrong,
  sum,
  value,
  clock,
  isTradekitError,
  backtest,
  binance,
  polymarket,
  redis,
  risk,
  sim,
  strategies,
  transport,
]
