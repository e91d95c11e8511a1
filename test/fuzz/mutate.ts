/**
 * Shared fuzzing helpers: hostile leaves, structural mutations of a valid JSON payload, text mutations of its
 * serialisation, and checks on what a decoder passes on. Used by the venue fuzz suites in this folder.
 */
import fc from 'fast-check'
import { Decimal, isDecimal } from '../../src/decimal/index.js'
import { ExchangeDataError, isTradekitError } from '../../src/errors/index.js'

/** Runs per property: `FUZZ_RUNS` (the full fuzz run sets 100 000), else a small default for `npm test`. */
export function fuzzRuns(defaultRuns = 300): number {
  const n = Number(process.env.FUZZ_RUNS)
  return Number.isSafeInteger(n) && n > 0 ? n : defaultRuns
}

/** fast-check parameters with the run count above; `FUZZ_SEED` replays a reported failure. */
export function fuzzParams(defaultRuns = 300, divisor = 1): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED)
  return {
    numRuns: Math.max(1, Math.floor(fuzzRuns(defaultRuns) / divisor)),
    ...(Number.isSafeInteger(seed) ? { seed } : {}),
  }
}

/**
 * `fc.assert` in chunks of at most 2 000 runs, yielding to the event loop between chunks: a 100 000-run synchronous
 * property would otherwise block the vitest worker long enough for its RPC to the main process to time out.
 * Each chunk uses its own seed (derived from `FUZZ_SEED` when given), which fast-check prints on a failure.
 */
export async function fuzzAssert<Ts extends [unknown, ...unknown[]]>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  params: fc.Parameters<unknown>,
): Promise<void> {
  const total = params.numRuns ?? 100
  const chunk = 2000
  const base = params.seed ?? Math.floor(Math.random() * 0x7fffffff)
  for (let done = 0, i = 0; done < total; done += chunk, i++) {
    const numRuns = Math.min(chunk, total - done)
    await fc.assert(property as fc.IAsyncProperty<Ts>, {
      ...(params as fc.Parameters<Ts>),
      numRuns,
      seed: base + i,
    })
    await new Promise<void>((r) => setImmediate(r))
  }
}

/**
 * Per-test timeout: the integration project's 30 s for the default run; a budget that grows with `FUZZ_RUNS`
 * (5 ms a run) for the full fuzz run, whose properties take minutes.
 */
export function fuzzTimeoutMs(): number {
  return Math.max(30_000, fuzzRuns() * 5)
}

/** Leaf values that broke decoders somewhere: not-a-number, empty, zero, negative, overflow, junk, wrong type. */
export const HOSTILE_LEAVES: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  -1,
  -Number.MAX_VALUE,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '',
  ' ',
  '0',
  '0.0',
  '-0',
  '-1',
  '-0.0001',
  '1e400',
  '1e-400',
  '5e-1',
  '1E3',
  '0x10',
  '+1',
  ' 1',
  '1 ',
  '1_000',
  '1,5',
  '.',
  '1.',
  '.5',
  '00.5',
  '1..2',
  '9'.repeat(31),
  `0.${'0'.repeat(40)}1`,
  '9'.repeat(400),
  '1'.repeat(5000),
  '１２３', // full-width digits
  '١٢٣', // Arabic-Indic digits
  '0.5\u0000',
  '\u200b1',
  '😀',
  'BUY\u0301',
  '__proto__',
  'constructor',
  null,
  true,
  false,
  {},
  [],
  [[]],
  { __proto__: null },
  ['1', '1'],
  [['1', '1']],
]

/** One hostile leaf, or anything fast-check can build. */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_LEAVES) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
)

type Path = readonly (string | number)[]

/** Every path in `v` (root included), containers and leaves alike. */
export function pathsOf(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix)
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) pathsOf(v[i], [...prefix, i], out)
  else if (typeof v === 'object' && v !== null)
    for (const k of Object.keys(v)) pathsOf((v as Record<string, unknown>)[k], [...prefix, k], out)
  return out
}

function clone<T>(v: T): T {
  return structuredClone(v)
}

function getAt(root: unknown, path: Path): unknown {
  let cur = root
  for (const k of path) cur = (cur as Record<string | number, unknown>)[k]
  return cur
}

/** The kinds of structural mutation {@link mutateValue} applies. */
export const MutationKind = {
  REPLACE: 'replace',
  DELETE: 'delete',
  ADD_KEY: 'addKey',
  DUPLICATE: 'duplicate',
  UNICODE: 'unicode',
  NUMBER_TO_STRING: 'numberToString',
  STRING_TO_NUMBER: 'stringToNumber',
  WRAP_ARRAY: 'wrapArray',
} as const
type MutationKind = (typeof MutationKind)[keyof typeof MutationKind]

/** One mutation step: where (an index into {@link pathsOf}), what kind, and the hostile value it may use. */
export interface Mutation {
  readonly at: number
  readonly kind: MutationKind
  readonly leaf: unknown
  readonly key: string
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom(...Object.values(MutationKind)),
  leaf: hostileLeaf,
  key: fc.oneof(fc.constantFrom('e', 'p', 'q', 'price', 'size', 'data', 'stream', '__proto__'), fc.string()),
})

/** Applies mutations to a deep copy of `value` (never to `value` itself). */
export function mutateValue(value: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = clone(value)
  for (const m of mutations) {
    const paths = pathsOf(root)
    const path = paths[m.at % paths.length] as Path
    const parentPath = path.slice(0, -1)
    const key = path[path.length - 1]
    const parent =
      path.length === 0 ? undefined : (getAt(root, parentPath) as Record<string | number, unknown>)
    const target = getAt(root, path)
    const put = (v: unknown) => {
      if (parent === undefined) root = v
      else if (key !== undefined) parent[key] = v
    }
    switch (m.kind) {
      case 'replace':
        put(clone(m.leaf))
        break
      case 'delete':
        if (parent === undefined || key === undefined) root = undefined
        else if (Array.isArray(parent)) parent.splice(key as number, 1)
        else delete parent[key]
        break
      case 'addKey':
        if (typeof target === 'object' && target !== null && !Array.isArray(target))
          Object.defineProperty(target, m.key, {
            value: clone(m.leaf),
            enumerable: true,
            writable: true,
            configurable: true,
          })
        else if (Array.isArray(target)) target.push(clone(m.leaf))
        else put(clone(m.leaf))
        break
      case 'duplicate':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 0, clone(target))
        else if (Array.isArray(target) && target.length > 0) target.push(clone(target[0]))
        else put(clone(m.leaf))
        break
      case 'unicode':
        if (typeof target === 'string') put(`${target}${m.key === '' ? '\u0301' : m.key}`)
        else put(m.key)
        break
      case 'numberToString':
        put(typeof target === 'number' ? String(target) : clone(m.leaf))
        break
      case 'stringToNumber':
        put(typeof target === 'string' ? Number(target) : clone(m.leaf))
        break
      case 'wrapArray':
        put([target])
        break
    }
  }
  return root
}

/** A mutated copy of one of `samples` (1 to 4 mutation steps). */
export function mutatedPayload(samples: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([v, ms]) => mutateValue(v, ms))
}

/** The JSON text of a (possibly mutated) payload, then truncated, spliced or unicode-damaged. */
export function mutatedText(samples: readonly unknown[]): fc.Arbitrary<string> {
  const base = fc.oneof(fc.constantFrom(...samples), mutatedPayload(samples)).map((v) => {
    const s = JSON.stringify(v)
    return typeof s === 'string' ? s : 'undefined'
  })
  return fc.oneof(
    base,
    fc.tuple(base, fc.nat()).map(([s, n]) => s.slice(0, n % (s.length + 1))),
    fc.tuple(base, fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })).map(([s, n, ins]) => {
      const i = n % (s.length + 1)
      return s.slice(0, i) + ins + s.slice(i)
    }),
    fc.tuple(base, fc.nat(), fc.nat({ max: 20 })).map(([s, n, len]) => {
      const i = n % (s.length + 1)
      return s.slice(0, i) + s.slice(i + len)
    }),
    fc.tuple(base, fc.nat()).map(([s, n]) => {
      // Replace one digit of a number-like run with a look-alike or an exponent.
      const i = n % (s.length + 1)
      return `${s.slice(0, i)}${['e9', 'E-9', '\uff10', '-', '.', 'NaN'][n % 6]}${s.slice(i)}`
    }),
  )
}

/** Arbitrary JSON-ish input: any value, any JSON text, or junk text. */
export const arbitraryInput: fc.Arbitrary<unknown> = fc.oneof(
  // BigInts included: describing any payload in an ExchangeDataError must never throw (fuzz finding, fixed).
  fc.anything({
    withBigInt: true,
    maxDepth: 3,
    withNullPrototype: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
  }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
)

/** A decoder result, as every tradekit decoder returns it. */
export type AnyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown }

/**
 * Asserts a result is well formed: `{ ok: true, value }` or `{ ok: false, error }` with an ExchangeDataError that
 * names the venue, carries a non-empty message and a list of issues, so the caller can count it.
 */
export function assertResultShape(r: AnyResult, venue?: string): void {
  if (typeof r !== 'object' || r === null) throw new Error('decoder returned a non-object')
  if (r.ok === true) {
    if (!('value' in r)) throw new Error('ok result without value')
    return
  }
  if (r.ok !== false) throw new Error(`result.ok is ${String((r as { ok: unknown }).ok)}`)
  const e = r.error
  if (!(e instanceof ExchangeDataError)) throw new Error(`error is not an ExchangeDataError: ${String(e)}`)
  if (!isTradekitError(e) || e.code !== 'EXCHANGE_DATA_INVALID') throw new Error(`bad error code ${e.code}`)
  if (venue !== undefined && e.venue !== venue) throw new Error(`error venue ${e.venue} !== ${venue}`)
  if (!Array.isArray(e.issues)) throw new Error('issues is not an array')
  if (typeof e.message !== 'string' || e.message.length === 0) throw new Error('empty error message')
  if (typeof e.raw !== 'string' || e.raw.length > 600) throw new Error('raw not a bounded string')
}

/**
 * Walks a decoded value and fails on any non-finite number or non-finite Decimal anywhere in it (NaN, ±Infinity
 * and decimal.js NaN/Infinity). Returns the number of numeric fields seen.
 */
export function assertAllFinite(v: unknown, path = '$', seen = new Set<unknown>()): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${path} is ${v}`)
    return 1
  }
  if (isDecimal(v)) {
    if (!(v as Decimal).isFinite()) throw new Error(`${path} is Decimal ${String(v)}`)
    return 1
  }
  if (typeof v !== 'object' || v === null || seen.has(v)) return 0
  seen.add(v)
  let n = 0
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) n += assertAllFinite(v[i], `${path}[${i}]`, seen)
  else for (const [k, x] of Object.entries(v)) n += assertAllFinite(x, `${path}.${k}`, seen)
  return n
}

/** Fails unless `n` is a finite number > 0 (`what` names it in the message). */
export function positive(n: unknown, what: string): void {
  const ok = isDecimal(n)
    ? (n as Decimal).isFinite() && (n as Decimal).gt(0)
    : typeof n === 'number' && n > 0 && Number.isFinite(n)
  if (!ok) throw new Error(`${what} must be finite and > 0, got ${String(n)}`)
}

/** Fails unless `n` is a finite number >= 0. */
export function nonNegative(n: unknown, what: string): void {
  const ok = isDecimal(n)
    ? (n as Decimal).isFinite() && (n as Decimal).gte(0)
    : typeof n === 'number' && n >= 0 && Number.isFinite(n)
  if (!ok) throw new Error(`${what} must be finite and >= 0, got ${String(n)}`)
}

/** Fails unless `n` is a safe non-negative integer (ids, update ids, timestamps). */
export function safeId(n: unknown, what: string): void {
  if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
    throw new Error(`${what} must be a safe id, got ${String(n)}`)
}

/** Fails unless `levels` are `[price > 0, qty >= 0]` pairs (or `qty > 0` when `strictQty`). */
export function assertLevels(levels: unknown, what: string, strictQty = false): void {
  if (!Array.isArray(levels)) throw new Error(`${what} is not an array`)
  levels.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 2) throw new Error(`${what}[${i}] is not a [price, qty] pair`)
    positive(l[0], `${what}[${i}].price`)
    if (strictQty) positive(l[1], `${what}[${i}].qty`)
    else nonNegative(l[1], `${what}[${i}].qty`)
  })
}

export { Decimal }
