import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

/** V8's own view of the objects `script` prints (natives syntax: in a child process of this same Node). */
function v8View(script: string): unknown {
  const out = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '--eval', script],
    { encoding: 'utf8' },
  )
  return JSON.parse(out)
}

const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href)

describe('objects read on every call have fast properties in V8 (no dictionary lookups)', () => {
  it('the Decimal constructors: every new Decimal, instanceof and arithmetic method reads them', () => {
    const view = v8View(`
      const { Decimal } = await import(${url('../decimal/Decimal.ts')})
      const { Decimal: DecimalJs } = await import('decimal.js')
      const fast = new Function('o', 'return %HasFastProperties(o)')
      console.log(JSON.stringify({ tradekit: fast(Decimal), decimalJs: fast(DecimalJs) }))`)
    expect(view).toEqual({ tradekit: true, decimalJs: true })
  })

  it("a component's parsed config, even the first one of its schema (a RiskManager's reads it on every evaluate)", () => {
    const view = v8View(`
      const { parseConfig } = await import(${url('./config.ts')})
      const { RiskManagerConfigSchema } = await import(${url('../risk/config.ts')})
      const fast = new Function('o', 'return %HasFastProperties(o)')
      const sizing = { method: 'fixedNotional', notional: '100' }
      const first = parseConfig(RiskManagerConfigSchema, { sizing }, 'RiskManager')
      console.log(JSON.stringify({ first: fast(first) }))`)
    expect(view).toEqual({ first: true })
  })
})
