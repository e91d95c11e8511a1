import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ExchangeDataError } from '../errors/index.js'
import { readRecording } from './readRecording.js'

const dir = mkdtempSync(join(tmpdir(), 'tk-recording-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function read(lines: string[]): Promise<unknown[]> {
  const path = join(dir, `r${Math.random().toString(36).slice(2)}.jsonl`)
  writeFileSync(path, `${lines.join('\n')}\n`)
  const out: unknown[] = []
  for await (const m of readRecording(path)) out.push(m)
  return out
}

describe('readRecording', () => {
  it('yields each message, and a typed error for a line it cannot use', async () => {
    const out = await read([
      '{"t":1000,"src":"ws","ch":"spot","data":"{}"}',
      'not json',
      '{"t":"1000","src":"ws","ch":"spot","data":"{}"}',
    ])
    expect(out[0]).toEqual({ t: 1000, src: 'ws', ch: 'spot', data: '{}' })
    expect(out[1]).toBeInstanceOf(ExchangeDataError)
    expect(out[2]).toBeInstanceOf(ExchangeDataError)
  })

  it('refuses a time that is not finite (1e400 parses as Infinity: a replay clock moved there is stuck)', async () => {
    const out = await read([
      '{"t":1e400,"src":"ws","ch":"spot","data":"{}"}',
      '{"t":2000,"src":"ws","ch":"spot","data":"{}"}',
    ])
    expect(out[0]).toBeInstanceOf(ExchangeDataError)
    expect(out[1]).toEqual({ t: 2000, src: 'ws', ch: 'spot', data: '{}' })
  })
})
