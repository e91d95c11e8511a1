import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileStateStore } from './FileStateStore.js'
import { MemoryStateStore, type PersistedRiskState } from './StateStore.js'

const STATE: PersistedRiskState = {
  version: 1,
  state: 'HALTED',
  reason: 'KILL_SWITCH',
  detail: 'test',
  since: 1,
  peakEquity: '12000.5',
  dayKey: '2026-01-15',
  dayStartEquity: '10000',
  consecutiveLosses: 2,
  tsSaved: 2,
}

describe('FileStateStore', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradekit-risk-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('returns undefined before the first save, then round-trips exactly', async () => {
    const store = new FileStateStore({ path: join(dir, 'risk.json') })
    expect(await store.load()).toBeUndefined()
    await store.save(STATE)
    expect(await store.load()).toEqual(STATE)
    expect(await readdir(dir)).toEqual(['risk.json']) // the temp file was renamed away
  })

  it('writes atomically: concurrent saves leave one complete, valid file', async () => {
    const path = join(dir, 'risk.json')
    const store = new FileStateStore({ path })
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.save({ ...STATE, consecutiveLosses: i, tsSaved: i })),
    )
    const loaded = await store.load()
    expect(loaded?.version).toBe(1)
    expect(JSON.parse(await readFile(path, 'utf8')).state).toBe('HALTED')
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a corrupt or invalid file instead of starting from scratch', async () => {
    const path = join(dir, 'risk.json')
    await writeFile(path, '{"version":1,"state":"HAL')
    await expect(new FileStateStore({ path }).load()).rejects.toThrow(/not valid JSON/)
    await writeFile(path, JSON.stringify({ ...STATE, state: 'PANIC' }))
    await expect(new FileStateStore({ path }).load()).rejects.toThrow(/state/)
    await writeFile(path, JSON.stringify({ ...STATE, peakEquity: 'NaN' }))
    await expect(new FileStateStore({ path }).load()).rejects.toThrow(/peakEquity/)
  })

  it('reports a write into a missing directory as a typed error and leaves no temp file', async () => {
    const store = new FileStateStore({ path: join(dir, 'missing', 'risk.json') })
    await expect(store.save(STATE)).rejects.toMatchObject({ code: 'INVALID_STATE' })
    expect(() => new FileStateStore({ path: '' })).toThrow(/path/)
  })
})

describe('MemoryStateStore', () => {
  it('keeps a copy, validated', async () => {
    const store = new MemoryStateStore()
    const s = { ...STATE }
    await store.save(s)
    s.state = 'ACTIVE'
    expect((await store.load())?.state).toBe('HALTED')
    expect(store.saves).toBe(1)
    expect(() => new MemoryStateStore({ ...STATE, consecutiveLosses: -1 })).toThrow(/consecutiveLosses/)
  })
})
