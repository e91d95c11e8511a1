import { describe, expect, it } from 'vitest'
import { position } from '../__fixtures__/builders.js'
import { checkContext } from '../__fixtures__/checkContext.js'
import { rejection } from '../types.js'
import { checkInstrumentState } from './checkInstrumentState.js'
import { checkOrderRate } from './checkOrderRate.js'
import { checkTradingHalted } from './checkTradingHalted.js'
import { RISK_CHECKS, type RiskCheck, runRiskChecks } from './riskChecks.js'

describe('RISK_CHECKS', () => {
  it('runs the global HALTED state, then the instrument state, first; the order rate last', () => {
    expect(RISK_CHECKS[0]?.check).toBe(checkTradingHalted)
    expect(RISK_CHECKS[1]?.check).toBe(checkInstrumentState)
    expect(RISK_CHECKS.at(-1)?.check).toBe(checkOrderRate)
    expect(RISK_CHECKS.every((c) => c.check.name.startsWith('check'))).toBe(true)
    // Every check that applies to exits comes before the entry-only ones.
    const firstEntry = RISK_CHECKS.findIndex((c) => c.appliesTo === 'ENTRY')
    expect(RISK_CHECKS.slice(firstEntry).every((c) => c.appliesTo === 'ENTRY')).toBe(true)
  })

  it('passes a well-formed entry', () => {
    expect(runRiskChecks(checkContext())).toBeUndefined()
  })

  it('returns the first rejection in list order', () => {
    const ctx = checkContext({
      guard: (g) => g.halt('x'),
      restriction: { state: 'HALTED', cause: { code: 'C', reason: 'r' } },
    })
    expect(runRiskChecks(ctx)?.code).toBe('TRADING_HALTED')
    const seen: string[] = []
    const spy = (name: string, deny: boolean) => () => {
      seen.push(name)
      return deny ? rejection('INVALID_INPUT', name) : undefined
    }
    const list: RiskCheck[] = [
      { check: spy('a', false), appliesTo: 'ANY' },
      { check: spy('b', true), appliesTo: 'ANY' },
      { check: spy('c', true), appliesTo: 'ANY' },
    ]
    expect(runRiskChecks(checkContext(), list)?.message).toBe('b')
    expect(seen).toEqual(['a', 'b'])
  })

  it('skips entry-only checks for exits', () => {
    // A stale price and a position conflict would deny an entry; an exit of the long position passes the checks.
    const ctx = checkContext({
      signal: { intent: 'EXIT', side: 'SELL' },
      account: { positions: [position('BTCUSDT', 1)] },
      market: { priceTs: 0 },
    })
    expect(runRiskChecks(ctx)).toBeUndefined()
    const entry = checkContext({ market: { priceTs: 0 } })
    expect(runRiskChecks(entry)?.code).toBe('STALE_MARKET_DATA')
  })
})
