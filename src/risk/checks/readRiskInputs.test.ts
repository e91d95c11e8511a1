import { describe, expect, it } from 'vitest'
import type { AccountSnapshot, MarketSnapshot, Signal } from '../../core/index.js'
import { account, D, instrument, market, signal } from '../__fixtures__/builders.js'
import { readRiskInputs } from './readRiskInputs.js'

const read = (s: unknown, a: unknown, m: unknown) =>
  readRiskInputs(s as Signal, a as AccountSnapshot, m as MarketSnapshot)

describe('readRiskInputs', () => {
  it('returns the typed inputs of a well-formed decision', () => {
    const r = readRiskInputs(signal(), account(), market())
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({ key: 'binance:BTCUSDT', side: 'BUY', orderType: 'MARKET' })
    expect(r.value.tick.toString()).toBe('0.01')
    expect(r.value.accountEquity.toString()).toBe('10000')
  })

  it.each([
    ['signal not an object', null, account(), market(), 'INVALID_INPUT'],
    ['account missing', signal(), undefined, market(), 'INVALID_INPUT'],
    ['market missing', signal(), account(), null, 'INVALID_INPUT'],
    ['bad side', signal({ side: 'UP' as never }), account(), market(), 'INVALID_INPUT'],
    ['bad intent', signal({ intent: 'MAYBE' as never }), account(), market(), 'INVALID_INPUT'],
    ['bad order type', signal({ orderType: 'STOP' as never }), account(), market(), 'INVALID_INPUT'],
    ['instrument missing', signal(), account(), { ...market(), instrument: null }, 'INVALID_INPUT'],
    ['instrument mismatch', signal({ symbol: 'ETHUSDT' }), account(), market(), 'INSTRUMENT_MISMATCH'],
    [
      'zero tick',
      signal(),
      account(),
      market({ instrument: instrument({ tickSize: D(0) }) }),
      'INVALID_INPUT',
    ],
    [
      'NaN step',
      signal(),
      account(),
      market({ instrument: instrument({ stepSize: D(Number.NaN) }) }),
      'INVALID_INPUT',
    ],
    ['NaN equity', signal(), account({ equity: D(Number.NaN) }), market(), 'INVALID_INPUT'],
    ['missing free margin', signal(), account({ freeMargin: undefined as never }), market(), 'INVALID_INPUT'],
    ['positions not an array', signal(), account({ positions: {} as never }), market(), 'INVALID_INPUT'],
  ])('%s', (_name, s, a, m, code) => {
    const r = read(s, a, m)
    expect(r.ok ? 'OK' : r.error.code).toBe(code)
  })

  it('reads an instrument once per tick and step: a changed filter is read (and refused) again', () => {
    const checked = new WeakMap()
    const inst = { ...instrument(), tickSize: D('0.01') }
    const m = market({ instrument: inst })
    expect(readRiskInputs(signal(), account(), m, checked).ok).toBe(true)
    expect(checked.has(inst)).toBe(true)
    expect(readRiskInputs(signal(), account(), m, checked).ok).toBe(true)
    ;(inst as { tickSize: unknown }).tickSize = D('0')
    const r = readRiskInputs(signal(), account(), m, checked)
    expect(r.ok ? undefined : r.error.code).toBe('INVALID_INPUT')
  })

  it('keys an instrument by its venue and symbol as they are now: a changed symbol gets its own key', () => {
    const checked = new WeakMap()
    const inst = { ...instrument() }
    const m = market({ instrument: inst })
    const first = readRiskInputs(signal(), account(), m, checked)
    expect(first.ok ? first.value.key : undefined).toBe('binance:BTCUSDT')
    ;(inst as { symbol: string }).symbol = 'ETHUSDT'
    const second = readRiskInputs(signal({ symbol: 'ETHUSDT' }), account(), m, checked)
    expect(second.ok ? second.value.key : undefined).toBe('binance:ETHUSDT')
  })
})
