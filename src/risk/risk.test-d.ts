import { describe, expectTypeOf, it } from 'vitest'
import type { OrderIntent, Result } from '../core/index.js'
import type { Decimal } from '../decimal/index.js'
import {
  fixedFractionalSize,
  type ResolvedRiskManagerConfig,
  type RiskDenialCode,
  type RiskManager,
  type RiskManagerConfig,
  type RiskManagerEvents,
  type RiskReason,
  type RiskRejection,
  type SizingConfig,
  type TradingGuardConfig,
  type TradingState,
} from './index.js'

describe('risk types', () => {
  it('evaluate returns a Result of an intent or a rejection', () => {
    expectTypeOf<ReturnType<RiskManager['evaluate']>>().toEqualTypeOf<Result<OrderIntent, RiskRejection>>()
    expectTypeOf<RiskRejection['code']>().toEqualTypeOf<RiskDenialCode>()
    expectTypeOf<RiskReason>().toMatchTypeOf<RiskRejection['code']>()
    expectTypeOf(fixedFractionalSize).returns.toEqualTypeOf<Result<Decimal, RiskRejection>>()
  })

  it('config input is all optional, output has defaults applied', () => {
    expectTypeOf<Record<string, never>>().toMatchTypeOf<RiskManagerConfig>()
    expectTypeOf<Record<string, never>>().toMatchTypeOf<TradingGuardConfig>()
    expectTypeOf<ResolvedRiskManagerConfig['maxDataAgeMs']>().toEqualTypeOf<number>()
    expectTypeOf<ResolvedRiskManagerConfig['maxNotional']>().toEqualTypeOf<Decimal | undefined>()
    expectTypeOf<{ method: 'fixedNotional'; notional: string }>().toMatchTypeOf<SizingConfig>()
  })

  it('events carry typed payloads', () => {
    expectTypeOf<RiskManagerEvents['risk.stateChanged'][0]['to']>().toEqualTypeOf<TradingState>()
    expectTypeOf<RiskManagerEvents['risk.denied'][0]['rejection']>().toEqualTypeOf<RiskRejection>()
    expectTypeOf<RiskManagerEvents['risk.instrumentStateChanged'][0]['to']>().toEqualTypeOf<TradingState>()
    expectTypeOf<Parameters<RiskManager['setInstrumentState']>[3]>().toEqualTypeOf<{
      code: string
      reason: string
    }>()
  })
})
