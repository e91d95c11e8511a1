import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.doUnmock('libsql/promise')
  vi.doUnmock('pg')
  vi.resetModules()
})

describe('the journal drivers are optional peer dependencies', () => {
  it.each([
    ['libsql/promise', 'loadLibsql', 'npm install libsql'],
    ['pg', 'loadPg', 'npm install pg'],
  ] as const)('without %s, %s rejects with a ConfigError naming the package', async (pkg, fn, hint) => {
    vi.doMock(pkg, () => {
      throw new Error(`Cannot find package '${pkg}'`)
    })
    const mod = await import('./loadDriver.js')
    const err = await mod[fn]().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID' })
    expect(String((err as Error).message)).toContain(hint)
  })

  it('with them installed, they load', async () => {
    const { loadLibsql, loadPg } = await import('./loadDriver.js')
    expect(typeof (await loadLibsql())).toBe('function')
    expect(typeof (await loadPg()).Pool).toBe('function')
  })
})
