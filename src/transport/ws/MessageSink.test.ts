import { describe, expect, it } from 'vitest'
import { MessageSink } from './MessageSink.js'
import type { WsMessageEvent } from './wsTypes.js'

const msg = (data: string): WsMessageEvent => ({ type: 'message', data, tsEvent: 0 })

describe('MessageSink', () => {
  it('delivers buffered and awaited messages in order, then ends', async () => {
    const sink = new MessageSink(10, () => {})
    sink.push(msg('a'))
    expect(await sink.next()).toEqual({ value: msg('a'), done: false })
    const pending = sink.next()
    sink.push(msg('b'))
    expect(await pending).toEqual({ value: msg('b'), done: false })
    sink.end()
    expect(await sink.next()).toEqual({ value: undefined, done: true })
  })

  it('drops the oldest past capacity and flags only the first drop of a run', async () => {
    const drops: boolean[] = []
    const sink = new MessageSink(2, (first) => drops.push(first))
    for (const d of ['a', 'b', 'c', 'd']) sink.push(msg(d))
    expect(drops).toEqual([true, false])
    expect((await sink.next()).value?.data).toBe('c')
    expect((await sink.next()).value?.data).toBe('d')
  })

  it('return() ends the iterator and calls onReturn', async () => {
    const sink = new MessageSink(2, () => {})
    let returned = false
    sink.onReturn = () => {
      returned = true
    }
    sink.push(msg('a'))
    await sink.return()
    expect(returned).toBe(true)
    expect(await sink.next()).toEqual({ value: undefined, done: true })
  })
})
