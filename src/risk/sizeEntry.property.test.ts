import { describe, expect, it } from 'vitest'
import {
  type AccountSnapshot,
  ManualClock,
  type MarketSnapshot,
  parseConfig,
  type Signal,
} from '../core/index.js'
import { SeededRandom } from '../core/random.js'
import { Decimal } from '../decimal/index.js'
import { randomDecimal as dec } from '../decimal/randomDecimal.js'
import { account, market, signal } from './__fixtures__/builders.js'
import { T0 } from './__fixtures__/checkContext.js'
import { RiskCheckContext, riskLimits } from './checks/RiskCheckContext.js'
import { readRiskInputs } from './checks/readRiskInputs.js'
import { type ResolvedRiskManagerConfig, RiskManagerConfigSchema } from './config.js'
import { DecimalCache } from './DecimalCache.js'
import { EntryReservations } from './EntryReservations.js'
import { rawEntrySize } from './sizeEntry.js'
import { fixedFractionalRaw } from './sizing.js'
import { TradingGuard } from './TradingGuard.js'

const CASES = 10_000

const clock = new ManualClock(T0)
const guard = new TradingGuard({ clock, breakers: {} })
const configs = new Map<number, ResolvedRiskManagerConfig>()

/** A context as `RiskManager.evaluate` builds one (see `checkContext`), with one parsed config per risk fraction. */
function context(
  riskFraction: number,
  inputs: { signal: Signal; account: AccountSnapshot; market: MarketSnapshot },
): RiskCheckContext {
  let cfg = configs.get(riskFraction)
  if (cfg === undefined) {
    const config = { clock, sizing: { method: 'fixedFractional' as const, riskFraction } }
    cfg = parseConfig(RiskManagerConfigSchema, config, 'RiskManager')
    configs.set(riskFraction, cfg)
  }
  const r = readRiskInputs(inputs.signal, inputs.account, inputs.market)
  if (!r.ok) throw new Error(`bad test inputs: ${r.error.message}`)
  const env = {
    cfg,
    limits: riskLimits(cfg),
    guard,
    restrictionOf: () => undefined,
    groupOf: () => undefined,
    reserved: new EntryReservations(cfg.entryReservationTtlMs),
  }
  return new RiskCheckContext(r.value, T0, env)
}

describe('entry sizing reuses the checks’ stop distance and products', () => {
  it(`gives fixedFractionalRaw's size on ${CASES} random entries, stops, equities and scales`, () => {
    const r = new SeededRandom(4242)
    // One cache across cases, as a RiskManager keeps it: its remembered products must never leak into another case.
    const decimals = new DecimalCache()
    let sized = 0
    for (let i = 0; i < CASES; i++) {
      const price = dec(r, r.next() < 0.1 ? 22 : 8, -4, 6)
      const side = r.next() < 0.5 ? 'BUY' : 'SELL'
      const offset = dec(r, 6, -6, 5)
      // Mostly on the losing side; sometimes on the wrong side, at the entry, or not positive (the fallback path).
      const roll = r.next()
      const stopPrice =
        roll < 0.05
          ? price
          : roll < 0.1
            ? price.plus(side === 'BUY' ? offset : offset.neg())
            : side === 'BUY'
              ? price.minus(offset)
              : price.plus(offset)
      const equity = r.next() < 0.02 ? new Decimal(0) : dec(r, r.next() < 0.1 ? 24 : 10, 0, 9)
      const riskFraction = r.int(1, 100) / 1_000
      const scale = r.next() < 0.5 ? undefined : r.next() < 0.05 ? new Decimal(0) : dec(r, 3, -2, 0)
      const ctx = context(riskFraction, {
        signal: signal({ side, stopPrice, takeProfitPrice: undefined }),
        account: account({ equity }),
        market: market({ price, priceTs: T0 }),
      })
      const sizing = ctx.sizing()
      const stop = ctx.stop()
      const entry = ctx.entry()
      if (!stop.ok || !entry.ok || stop.value.stop === undefined) continue
      const got = rawEntrySize(ctx, sizing, entry.value, stop.value.stop, decimals, scale)
      const want = fixedFractionalRaw({
        equity: scale === undefined ? equity : equity.times(scale),
        riskFraction: new Decimal(riskFraction),
        entryPrice: entry.value,
        stopPrice: stop.value.stop,
      })
      expect(got.ok, `case ${i}`).toBe(want.ok)
      if (!got.ok || !want.ok) {
        if (!got.ok && !want.ok) expect(got.error, `case ${i}`).toEqual(want.error)
        continue
      }
      sized++
      expect(got.value.num.toString(), `case ${i} num`).toBe(want.value.num.toString())
      expect(got.value.den?.toString(), `case ${i} den`).toBe(want.value.den?.toString())
      expect(got.value.value.toString(), `case ${i} size`).toBe(want.value.value.toString())
    }
    expect(sized).toBeGreaterThan(CASES * 0.7)
  })
})
