import { describe, expect, it } from 'vitest'
import { PolymarketVersions } from './PolymarketVersions.js'

describe('PolymarketVersions', () => {
  it('pin > market > GET /version (read once, shared by concurrent callers); a missing field reads as 2', async () => {
    let reads = 0
    let server: unknown = 3
    const v = new PolymarketVersions(
      async () => {
        reads++
        return server
      },
      { pinned: 2 },
    )
    v.noteMarket(['m'], 3)
    expect(await v.forToken('pinned')).toBe(2)
    expect(await v.forToken('m')).toBe(3)
    expect(await Promise.all([v.forToken('a'), v.forToken('b')])).toEqual([3, 3])
    expect(reads).toBe(1)
    server = undefined
    expect(await v.server(true)).toBe(2)
    expect(v.snapshot()).toEqual({ server: 2, pinned: { pinned: 2 }, markets: { m: 3 } })
    expect(() => v.pin('x', 4 as never)).toThrow(/version/)
    v.pin('0xcondition', 2)
    v.noteMarket(['yes', 'no'], 3)
    v.noteTokens('0xcondition', ['yes', 'no'])
    expect(await v.forToken('yes')).toBe(2) // a market pin by condition id wins over what the market says
  })

  it('after a mismatch: the server again, else the other version; a pin is never overridden', async () => {
    let server = 2
    const v = new PolymarketVersions(async () => server, { pinned: 2 })
    expect(await v.forToken('t')).toBe(2)
    server = 3
    expect(await v.afterMismatch('t', 2)).toBe(3) // the server moved on
    server = 2
    expect(await v.afterMismatch('u', 2)).toBe(3) // the server still says 2: this market must be on the other
    expect(await v.forToken('u')).toBe(3)
    expect(await v.afterMismatch('pinned', 2)).toBeUndefined()
  })

  it('when GET /version fails, orders use the last known version (or 2) and the failure is reported', async () => {
    const errors: unknown[] = []
    let fail = false
    const v = new PolymarketVersions(
      async () => {
        if (fail) throw new Error('down')
        return 3
      },
      {},
      (e) => errors.push(e),
    )
    fail = true
    expect(await v.forToken('t')).toBe(2)
    fail = false
    expect(await v.forToken('t')).toBe(3) // a failure is not cached
    fail = true
    await expect(v.server(true)).rejects.toThrow(/down/)
    expect(await v.forToken('t')).toBe(3) // cached from the successful read
    expect(errors).toHaveLength(1)
  })
})
