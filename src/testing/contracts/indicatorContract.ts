/**
 * The contract every tradekit indicator must honour (after trading-signals' shared indicator test). It produces
 * named cases that throw on failure, so any test runner can run them:
 *
 * ```ts
 * for (const c of indicatorContractCases({ name: 'SMA', create: () => new SMA(5), inputs })) it(c.name, c.run)
 * ```
 */
import { isTradekitError } from '../../errors/index.js'
import type { Indicator } from '../../indicators/index.js'

/** What the contract needs to know about one indicator. */
export interface IndicatorContractSpec<In, Out> {
  /** Label used in case names. */
  name: string
  /** Makes a fresh instance (same parameters every time). */
  create: () => Indicator<In, Out>
  /** A valid input series, longer than the warm-up. */
  inputs: readonly In[]
  /**
   * Valid inputs that differ from `inputs` (used to test `replace`: `alternates[i]` and `alternates[i + 1]` may
   * stand in for `inputs[i]`); defaults to `inputs` reversed.
   */
  alternates?: readonly In[]
  /** Invalid inputs that must be rejected with a ValidationError. */
  invalid: readonly unknown[]
}

/** One named contract check; `run` throws an Error describing the first violation. */
export interface IndicatorContractCase {
  name: string
  run: () => void
}

function fail(msg: string): never {
  throw new Error(msg)
}

/** Structural equality; numbers compared with Object.is, so replace must be bit-exact. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b)
  if (a === undefined || b === undefined || a === null || b === null) return a === b
  if (typeof a !== 'object' || typeof b !== 'object') return a === b
  const ka = Object.keys(a as object).sort()
  const kb = Object.keys(b as object).sort()
  if (ka.join() !== kb.join()) return false
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v)
}

function run<In, Out>(ind: Indicator<In, Out>, inputs: readonly In[]): (Out | undefined)[] {
  return inputs.map((x) => ind.update(x))
}

function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v)
  if (typeof v === 'object' && v !== null) return Object.values(v).every(allFinite)
  return false
}

/** Builds the contract cases for one indicator. */
export function indicatorContractCases<In, Out>(
  spec: IndicatorContractSpec<In, Out>,
): IndicatorContractCase[] {
  const { name, create, inputs } = spec
  const alternates = spec.alternates ?? [...inputs].reverse()
  const expected = run(create(), inputs)
  const cases: IndicatorContractCase[] = []
  const add = (title: string, fn: () => void): void => {
    cases.push({ name: `${name}: ${title}`, run: fn })
  }

  add('warms up for exactly `lookback` inputs, then stays ready', () => {
    const ind = create()
    if (ind.isReady || ind.value !== undefined || ind.count !== 0) fail('a fresh indicator must be empty')
    if (inputs.length <= ind.lookback) fail('test series shorter than the warm-up')
    inputs.forEach((x, i) => {
      const v = ind.update(x)
      if (ind.count !== i + 1) fail(`count is ${ind.count} after ${i + 1} inputs`)
      if (i < ind.lookback) {
        if (v !== undefined || ind.isReady) fail(`value at input ${i + 1}, before the warm-up ended`)
      } else {
        if (v === undefined || !ind.isReady) fail(`no value at input ${i + 1} (lookback ${ind.lookback})`)
        if (!same(ind.value, v)) fail('value getter differs from what update returned')
        if (!allFinite(v)) fail(`non-finite value ${show(v)} at input ${i + 1}`)
      }
    })
  })

  add('replace revises the latest input: update(alt) + replace(x) equals update(x)', () => {
    const ind = create()
    inputs.forEach((x, i) => {
      ind.update(alternates[i % alternates.length] as In)
      const v = ind.replace(x)
      if (!same(v, expected[i])) fail(`at input ${i + 1}: ${show(v)} != ${show(expected[i])}`)
      if (ind.count !== i + 1) fail(`replace changed count to ${ind.count} at input ${i + 1}`)
    })
  })

  add('repeated replace keeps only the last revision', () => {
    const ind = create()
    inputs.forEach((x, i) => {
      ind.update(x)
      ind.replace(alternates[i % alternates.length] as In)
      ind.replace(alternates[Math.min(i + 1, alternates.length - 1)] as In)
      const v = ind.replace(x)
      if (!same(v, expected[i])) fail(`at input ${i + 1}: ${show(v)} != ${show(expected[i])}`)
    })
  })

  add('replace before any update behaves like update', () => {
    const a = create()
    const b = create()
    const first = inputs[0] as In
    if (!same(a.replace(first), b.update(first)) || a.count !== 1) fail('replace on an empty indicator')
  })

  add('reset returns to a fresh state', () => {
    const ind = create()
    run(ind, inputs.slice(0, Math.ceil(inputs.length / 2)))
    ind.reset()
    if (ind.isReady || ind.count !== 0 || ind.value !== undefined) fail('not empty after reset')
    const again = run(ind, inputs)
    again.forEach((v, i) => {
      if (!same(v, expected[i])) fail(`after reset, input ${i + 1}: ${show(v)} != ${show(expected[i])}`)
    })
  })

  add('invalid input throws a ValidationError and leaves the state untouched', () => {
    const ind = create()
    inputs.forEach((x, i) => {
      for (const bad of spec.invalid) {
        for (const method of ['update', 'replace'] as const) {
          if (method === 'replace' && i === 0) continue
          let threw = false
          try {
            ind[method](bad as In)
          } catch (e) {
            threw = true
            if (!isTradekitError(e) || e.code !== 'VALIDATION_FAILED')
              fail(`${method}(${show(bad)}) threw something other than a ValidationError: ${String(e)}`)
          }
          if (!threw) fail(`${method}(${show(bad)}) was accepted at input ${i + 1}`)
          if (ind.count !== i) fail(`${method}(${show(bad)}) changed count`)
        }
      }
      const v = ind.update(x)
      if (!same(v, expected[i]))
        fail(`after rejected inputs, input ${i + 1}: ${show(v)} != ${show(expected[i])}`)
    })
  })

  add('two instances fed the same inputs agree', () => {
    const again = run(create(), inputs)
    again.forEach((v, i) => {
      if (!same(v, expected[i])) fail(`input ${i + 1}: ${show(v)} != ${show(expected[i])}`)
    })
  })

  return cases
}
