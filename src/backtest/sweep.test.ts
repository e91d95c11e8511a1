import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors/index.js'
import { gridCombinations } from './gridCombinations.js'
import { sweep } from './sweep.js'

describe('sweep', () => {
  it('enumerates the grid', () => {
    expect(gridCombinations({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ])
    expect(() => gridCombinations({ a: [] })).toThrow(/no values/)
  })

  it('runs each combination on a worker thread and returns reports in grid order', async () => {
    const results = await sweep({
      module: new URL('./__fixtures__/sweepEma.ts', import.meta.url),
      grid: { fast: [3, 5], slow: [13] },
      concurrency: 2,
      typescript: true,
    })
    expect(results.map((r) => r.params)).toEqual([
      { fast: 3, slow: 13 },
      { fast: 5, slow: 13 },
    ])
    for (const r of results) {
      expect(r.error).toBeUndefined()
      expect(r.report?.candles).toBe(600)
    }
  }, 60_000)

  it('waits without bound when asked (Infinity), and refuses bounds that mean nothing', async () => {
    const results = await sweep({
      module: new URL('./__fixtures__/sweepEma.ts', import.meta.url),
      grid: { fast: [3], slow: [13] },
      typescript: true,
      timeoutMs: Number.POSITIVE_INFINITY, // a platform timer this long would fire at once: "timed out"
    })
    expect(results[0]?.error).toBeUndefined()
    expect(results[0]?.report?.candles).toBe(600)
    const grid = { x: [1] }
    await expect(sweep({ module: 'm.js', grid, concurrency: Number.NaN })).rejects.toThrow(ValidationError)
    await expect(sweep({ module: 'm.js', grid, timeoutMs: 0 })).rejects.toThrow(ValidationError)
  }, 60_000)

  it('reports a failing module as an error, not a crash', async () => {
    const results = await sweep({
      module: new URL('./__fixtures__/missing.ts', import.meta.url),
      grid: { x: [1] },
      typescript: true,
    })
    expect(results[0]?.error).toBeDefined()
  }, 60_000)
})
