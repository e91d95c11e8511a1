import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvariantError } from '../errors/index.js'
import { BoundedMap, hashKey } from './BoundedMap.js'
import { RecentIds } from './RecentIds.js'

/** The reference: a Map evicting its first key (what every call site did before). */
class ReferenceMap<K, V> {
  readonly map = new Map<K, V>()
  constructor(readonly capacity: number) {}
  set(k: K, v: V): void {
    this.map.set(k, v)
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K)
  }
}

/** One operation of a random run. */
type Op<K> =
  | { kind: 'set' | 'put' | 'setNewest'; key: K; value: number }
  | { kind: 'delete' | 'take' | 'get' | 'iterateDeleting'; key: K }

/** Applies `o` to the map and to the reference, expecting the same answers (a kept key moves only for setNewest). */
function applyBoth<K extends string | number>(
  m: BoundedMap<K, number>,
  ref: ReferenceMap<K, number>,
  o: Op<K>,
): void {
  if (o.kind === 'set') {
    m.set(o.key, o.value)
    ref.set(o.key, o.value)
  } else if (o.kind === 'put') {
    expect(m.put(o.key, o.value)).toBe(!ref.map.has(o.key))
    ref.set(o.key, o.value)
  } else if (o.kind === 'setNewest') {
    const had = ref.map.delete(o.key) // the reference moves a kept key to the end
    expect(m.setNewest(o.key, o.value)).toBe(!had)
    ref.set(o.key, o.value)
  } else if (o.kind === 'delete') expect(m.delete(o.key)).toBe(ref.map.delete(o.key))
  else if (o.kind === 'take') {
    expect(m.take(o.key)).toBe(ref.map.get(o.key))
    ref.map.delete(o.key)
  } else if (o.kind === 'get') expect(m.get(o.key)).toBe(ref.map.get(o.key))
  else {
    // Deleting while iterating visits every other kept entry once, in order (as a Map does).
    const seen: K[] = []
    for (const [k] of m) {
      seen.push(k)
      if (k === o.key) m.delete(k)
    }
    const expected = [...ref.map.keys()]
    ref.map.delete(o.key)
    expect(seen).toEqual(expected)
  }
  expect(m.size).toBe(ref.map.size)
  expect(m.oldestKey()).toBe(ref.map.keys().next().value)
}

/** Random operations of every kind, on keys drawn from `key`. */
function everyOp<K extends string | number>(key: fc.Arbitrary<K>): fc.Arbitrary<Op<K>> {
  return fc.oneof(
    fc.record({
      kind: fc.constantFrom('set' as const, 'put' as const, 'setNewest' as const),
      key,
      value: fc.nat(),
    }),
    fc.record({ kind: fc.constantFrom('delete' as const, 'take' as const), key }),
    fc.record({ kind: fc.constantFrom('get' as const, 'iterateDeleting' as const), key }),
  )
}

/** Runs `ops` on a BoundedMap of `cap` and on the reference: the same answers all along, the same entries at the end. */
function matchesReference<K extends string | number>(
  cap: number,
  ops: readonly Op<K>[],
  renumberAt?: number,
): void {
  const m = new BoundedMap<K, number>(cap, renumberAt)
  const ref = new ReferenceMap<K, number>(cap)
  for (const o of ops) applyBoth(m, ref, o)
  expect([...m]).toEqual([...ref.map])
}

describe('BoundedMap', () => {
  it('forgets the oldest entry past its capacity', () => {
    const m = new BoundedMap<string, number>(2)
    m.set('a', 1).set('b', 2).set('c', 3)
    expect([...m]).toEqual([
      ['b', 2],
      ['c', 3],
    ])
    expect(m.has('a')).toBe(false)
    expect(m.size).toBe(2)
  })

  it('updates a kept key in place: it keeps its age', () => {
    const m = new BoundedMap<string, number>(2)
    m.set('a', 1).set('b', 2).set('a', 10).set('c', 3)
    expect([...m.keys()]).toEqual(['b', 'c'])
  })

  it('a deleted key frees its room; re-added, it is the newest', () => {
    const m = new BoundedMap<string, number>(3)
    m.set('a', 1).set('b', 2).set('c', 3)
    expect(m.delete('b')).toBe(true)
    m.set('d', 4)
    expect([...m.keys()]).toEqual(['a', 'c', 'd'])
    m.set('a', 5) // kept: updated in place
    m.delete('a')
    m.set('a', 6).set('e', 7)
    expect([...m.entries()]).toEqual([
      ['d', 4],
      ['a', 6],
      ['e', 7],
    ])
  })

  it('put says whether a key was new (a kept key keeps its place); setNewest moves a kept key to the end', () => {
    const m = new BoundedMap<string, number>(3)
    expect(m.put('a', 1)).toBe(true)
    expect(m.put('b', 2)).toBe(true)
    expect(m.put('a', 10)).toBe(false)
    expect([...m.entries()]).toEqual([
      ['a', 10],
      ['b', 2],
    ])
    expect(m.setNewest('a', 11)).toBe(false)
    expect(m.setNewest('c', 3)).toBe(true)
    expect(m.put('d', 4)).toBe(true) // over capacity: the oldest (b) goes
    expect([...m.entries()]).toEqual([
      ['a', 11],
      ['c', 3],
      ['d', 4],
    ])
    const ids = new RecentIds<string>(2)
    expect(ids.addNew('x')).toBe(true)
    expect(ids.addNew('x')).toBe(false)
    expect(ids.addNew('y')).toBe(true)
    expect(ids.addNew('z')).toBe(true) // x forgotten: new again
    expect(ids.addNew('x')).toBe(true)
    expect([...ids.keys()]).toEqual(['z', 'x'])
  })

  it('capacity 0 keeps nothing; a bad capacity is an InvariantError', () => {
    const m = new BoundedMap<string, number>(0)
    m.set('a', 1)
    expect(m.size).toBe(0)
    expect(() => new BoundedMap(-1)).toThrow(InvariantError)
    expect(() => new BoundedMap(1.5)).toThrow(InvariantError)
  })

  it('clear forgets everything and the map keeps working', () => {
    const m = new BoundedMap<number, number>(2)
    for (let i = 0; i < 5000; i++) m.set(i, i)
    m.clear()
    expect(m.size).toBe(0)
    m.set(1, 1).set(2, 2).set(3, 3)
    expect([...m.keys()]).toEqual([2, 3])
  })

  it('set, put, setNewest, delete and take behave exactly like a Map evicting its first key, over long random runs (queue compaction included)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 300 }),
        value: fc.integer(),
      }),
      fc.record({
        kind: fc.constantFrom('delete' as const, 'take' as const),
        key: fc.integer({ min: 0, max: 300 }),
      }),
      fc.record({
        kind: fc.constantFrom('put' as const, 'setNewest' as const),
        key: fc.integer({ min: 0, max: 300 }),
        value: fc.integer(),
      }),
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(op, { minLength: 1, maxLength: 6000 }),
        (cap, ops) => matchesReference(cap, ops),
      ),
      { numRuns: 60 },
    )
  })

  it('keys whose hashes collide are kept apart, over long random runs of every operation (string keys)', () => {
    // Find colliding ids by brute force (30-bit hashes: a few among 150,000 ids), then mix them with plain ones.
    const byHash = new Map<number, string>()
    const colliding: string[] = []
    for (let n = 0; colliding.length < 12 && n < 1_000_000; n++) {
      const id = `order-${n}`
      const other = byHash.get(hashKey(id))
      if (other !== undefined) colliding.push(other, id)
      else byHash.set(hashKey(id), id)
    }
    expect(colliding.length).toBe(12)
    expect(hashKey(colliding[0] as string)).toBe(hashKey(colliding[1] as string))
    const pool = [...colliding, 'a', 'b', 'c', '', 'order-1']
    const ops = fc.array(everyOp(fc.constantFrom(...pool)), { minLength: 1, maxLength: 3000 })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), ops, (cap, o) => matchesReference(cap, o)),
      { numRuns: 100 },
    )
  })

  it('stays exact when its sequence numbers are renumbered from 0, over long random runs of every operation', () => {
    // The default renumbers at 2^30 appends (hours of fills); a low `renumberAt` reaches it within a run, with the
    // ring full, partly full of holes, or still growing when it happens.
    const ops = fc.array(everyOp(fc.integer({ min: 0, max: 120 })), { minLength: 1, maxLength: 3000 })
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 400 }),
        ops,
        (cap, renumberAt, o) => matchesReference(cap, o, renumberAt),
      ),
      { numRuns: 100 },
    )
    expect(() => new BoundedMap(4, 0)).toThrow(InvariantError)
    expect(() => new BoundedMap(4, 2 ** 30 + 1)).toThrow(InvariantError)
  })

  it('holds memory for the entries it keeps, not for the holes behind an old one (compacted in place)', () => {
    // An open-orders map: one order rests while 200,000 others come and go.
    const m = new BoundedMap<string, number>(1_000_000)
    m.set('resting', 0)
    for (let i = 0; i < 200_000; i++) {
      m.set(`o${i}`, i)
      m.delete(`o${i}`)
    }
    expect(m.slots).toBeLessThanOrEqual(128)
    expect([...m]).toEqual([['resting', 0]])
    // Entries kept do grow it (and it stays exact).
    for (let i = 0; i < 1000; i++) m.set(`k${i}`, i)
    expect(m.slots).toBeGreaterThanOrEqual(1001)
    expect(m.size).toBe(1001)
    expect(m.oldestKey()).toBe('resting')
    expect(m.get('k999')).toBe(999)
  })

  it('stays exact across millions of evictions', () => {
    const m = new BoundedMap<number, number>(1000)
    for (let i = 0; i < 1_000_000; i++) m.set(i, i)
    expect(m.size).toBe(1000)
    expect(m.has(998_999)).toBe(false)
    expect(m.get(999_000)).toBe(999_000)
    expect([...m.keys()][0]).toBe(999_000)
  })
})

describe('RecentIds', () => {
  it('remembers the last ids; adding a kept id changes nothing', () => {
    const ids = new RecentIds<string>(2)
    ids.add('t1').add('t2').add('t1').add('t3')
    expect(ids.has('t1')).toBe(false)
    expect([...ids.keys()]).toEqual(['t2', 't3'])
  })
})
