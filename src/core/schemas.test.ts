import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { Decimal } from '../decimal/index.js'
import { ManualClock, SystemClock } from './clock.js'
import {
  ClockSchema,
  DecimalInputSchema,
  DurationMsSchema,
  isClock,
  PositiveDecimalSchema,
  PositiveDurationMsSchema,
} from './schemas.js'

describe('shared schemas', () => {
  it('ClockSchema accepts clocks and rejects partial objects', () => {
    expect(isClock(new ManualClock(0))).toBe(true)
    expect(ClockSchema.safeParse(new SystemClock()).success).toBe(true)
    expect(ClockSchema.safeParse({ now: () => 0 }).success).toBe(false)
    expect(ClockSchema.safeParse(null).success).toBe(false)
  })

  it('duration schemas take integer ms', () => {
    expect(DurationMsSchema.safeParse(0).success).toBe(true)
    expect(DurationMsSchema.safeParse(-1).success).toBe(false)
    expect(DurationMsSchema.safeParse(1.5).success).toBe(false)
    expect(PositiveDurationMsSchema.safeParse(0).success).toBe(false)
    expect(z._default(PositiveDurationMsSchema, 10).parse(undefined)).toBe(10)
  })

  it('decimal schemas accept string, number or Decimal; the positive one parses strictly', () => {
    expect(DecimalInputSchema.safeParse('1.5').success).toBe(true)
    expect(DecimalInputSchema.safeParse(new Decimal(2)).success).toBe(true)
    expect(DecimalInputSchema.safeParse({}).success).toBe(false)
    expect(PositiveDecimalSchema.parse('1.5').toString()).toBe('1.5')
    for (const bad of ['', 'NaN', '0', '-1', 0])
      expect(PositiveDecimalSchema.safeParse(bad).success).toBe(false)
  })
})
