/**
 * The classes that took hand-written `?? default` fallbacks now parse their config with a strict zod schema:
 * defaults are applied by the schema and unknown keys or bad values throw ConfigError.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Backtester, BacktesterConfigSchema, Recorder, RecorderOptionsSchema } from './backtest/index.js'
import { ScaledClock, ScaledClockConfigSchema } from './core/index.js'
import type { Instrument } from './core/types.js'
import { TradingEngineConfigSchema } from './engine/index.js'
import { ConfigError } from './errors/index.js'
import { BinanceSim, BinanceSimConfigSchema, PolymarketSim, PolymarketSimConfigSchema } from './sim/index.js'

const base = {
  instruments: [{ venue: 'backtest', symbol: 'X' } as Instrument],
  balances: { USDT: '1000' },
  strategies: () => [],
}

describe('config schemas with documented defaults', () => {
  it('Backtester: applies defaults, rejects unknown keys, no instruments and bad values', () => {
    const cfg = BacktesterConfigSchema.parse(base)
    expect(cfg).toMatchObject({
      accountCurrency: 'USDT',
      curvePoints: 1000,
      maxTradesInReport: 10_000,
      maxSignalsInReport: 10_000,
    })
    expect(() => new Backtester({ ...base, instruments: [] })).toThrow(ConfigError)
    expect(() => new Backtester({ ...base, curvePoints: 0 })).toThrow(/curvePoints/)
    expect(() => new Backtester({ ...base, curvPoints: 10 } as never)).toThrow(ConfigError)
  })

  it('Recorder: applies defaults and rejects bad options before creating the file', async () => {
    expect(RecorderOptionsSchema.parse({}).maxBuffered).toBe(100_000)
    const path = join(mkdtempSync(join(tmpdir(), 'tk-rec-')), 'x.jsonl')
    await expect(Recorder.open(path, { maxBuffered: -1 })).rejects.toThrow(ConfigError)
    await expect(Recorder.open(path, { maxBufferd: 1 } as never)).rejects.toThrow(ConfigError)
    expect(existsSync(path)).toBe(false)
  })

  it('ScaledClock: a positive speed is required; unknown keys throw', () => {
    expect(() => new ScaledClock({ speed: 0 })).toThrow(ConfigError)
    expect(() => new ScaledClock({ speed: 2, start: 0 } as never)).toThrow(ConfigError)
    expect(ScaledClockConfigSchema.parse({ speed: 2 })).toEqual({ speed: 2 })
  })

  it('BinanceSim and PolymarketSim: defaults from the schema; bad config throws before anything listens', async () => {
    expect(BinanceSimConfigSchema.parse({})).toMatchObject({
      seed: 1,
      tickMs: 100,
      symbols: ['BTCUSDT', 'ETHUSDT'],
      futuresBalance: '100000',
      weightLimitPerMinute: 6000,
      maxConnectionAgeMs: 24 * 3600_000,
    })
    expect(PolymarketSimConfigSchema.parse({})).toMatchObject({
      seed: 1,
      markets: 4,
      port: 0,
      chainId: 137,
      heartbeatTimeoutMs: 10_000,
      settlementDelayMs: 25,
      pageSize: 100,
      startingBalance: '10000',
      authWindowSec: 300,
    })
    await expect(BinanceSim.start({ tickMs: -1 })).rejects.toThrow(ConfigError)
    await expect(BinanceSim.start({ tick: 0 } as never)).rejects.toThrow(ConfigError)
    await expect(PolymarketSim.start({ heartbeatTimeoutMs: 0 })).rejects.toThrow(ConfigError)
    await expect(PolymarketSim.start({ clock: { now: () => 0 } } as never)).rejects.toThrow(/clock/)
  })

  it('TradingEngine: at least one executor and unique strategy ids are checked by the schema', () => {
    const cfg = {
      feeds: [],
      risk: {},
      portfolio: {},
      instruments: [],
      executors: [{}],
      strategies: [{ id: 'a' }],
    }
    expect(TradingEngineConfigSchema.safeParse(cfg).success).toBe(true)
    const noExecutor = TradingEngineConfigSchema.safeParse({ ...cfg, executors: [] })
    expect(noExecutor.error?.issues[0]?.message).toMatch(/at least one executor/)
    const dup = TradingEngineConfigSchema.safeParse({ ...cfg, strategies: [{ id: 'a' }, { id: 'a' }] })
    expect(dup.error?.issues[0]?.message).toMatch(/duplicate strategy id "a"/)
  })
})
