import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RollingWindow } from './RollingWindow.js'

describe('RollingWindow', () => {
  it('keeps the running sum and sum of squares in TA-Lib order (add, read, drop oldest)', () => {
    const w = new RollingWindow(3, { squares: true })
    expect(w.push(1)).toBe(false)
    expect(w.push(2)).toBe(false)
    expect(w.push(3)).toBe(true)
    expect(w.sum).toBe(6)
    expect(w.sumSq).toBe(14)
    w.dropOldest()
    expect(w.sum).toBe(5)
    expect(w.sumSq).toBe(13)
    expect(w.push(4)).toBe(true)
    expect(w.sum).toBe(9)
    expect(w.count).toBe(4)
    expect([...w.values].sort()).toEqual([2, 3, 4])
  })

  it('undo takes back exactly the last push (and its dropOldest)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        // few distinct values, so flat windows (and undoing into and out of them) happen
        fc.array(fc.oneof(fc.constantFrom(0.1, 7), fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.oneof(fc.constantFrom(0.1, 7), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        (size, xs, revised) => {
          const direct = new RollingWindow(size, { squares: true })
          const revisedW = new RollingWindow(size, { squares: true })
          const step = (w: RollingWindow, x: number): void => {
            if (w.push(x)) w.dropOldest()
          }
          for (let i = 0; i < xs.length; i++) step(direct, i === xs.length - 1 ? revised : (xs[i] as number))
          for (const x of xs) step(revisedW, x)
          revisedW.undo()
          step(revisedW, revised)
          expect(revisedW.sum).toBe(direct.sum)
          expect(revisedW.sumSq).toBe(direct.sumSq)
          expect(revisedW.count).toBe(direct.count)
          expect(revisedW.isFlat).toBe(direct.isFlat)
          expect([...revisedW.values]).toEqual([...direct.values])
        },
      ),
    )
  })

  it('knows exactly when its full window holds one value, through undo and reset', () => {
    const w = new RollingWindow(3, { squares: true })
    const flat: boolean[] = []
    for (const x of [0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.1]) {
      w.push(x)
      flat.push(w.isFlat)
      w.dropOldest()
    }
    expect(flat).toEqual([false, false, true, false, false, false, true])
    w.undo()
    w.push(0.3)
    expect(w.isFlat).toBe(false)
    w.undo()
    w.push(0.1)
    expect(w.isFlat).toBe(true)
    w.reset()
    w.push(0.1)
    expect(w.isFlat).toBe(false)
    const one = new RollingWindow(1, { squares: true })
    one.push(5)
    expect(one.isFlat).toBe(true) // a single input is a flat window
  })

  it('keeps no sum of squares unless asked', () => {
    const w = new RollingWindow(2)
    w.push(3)
    w.push(4)
    expect(w.sum).toBe(7)
    expect(w.sumSq).toBe(0)
    w.dropOldest()
    w.undo()
    expect(w.sum).toBe(3)
  })

  it('reset empties it', () => {
    const w = new RollingWindow(2, { squares: true })
    w.push(5)
    w.push(6)
    w.reset()
    expect(w.count).toBe(0)
    expect(w.sum).toBe(0)
    expect(w.sumSq).toBe(0)
    expect(w.push(1)).toBe(false)
  })
})
