import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

describe('Decimal constructors in V8', () => {
  it('have fast properties: no dictionary lookup in every new Decimal, instanceof and arithmetic method', () => {
    // V8's own view of the objects (a natives-syntax intrinsic, so in a child process of this same Node).
    const script = `
      const { Decimal } = await import(${JSON.stringify(new URL('./Decimal.ts', import.meta.url).href)})
      const { Decimal: DecimalJs } = await import('decimal.js')
      const fast = new Function('o', 'return %HasFastProperties(o)')
      console.log(JSON.stringify({ tradekit: fast(Decimal), decimalJs: fast(DecimalJs) }))`
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8' },
    )
    expect(JSON.parse(out)).toEqual({ tradekit: true, decimalJs: true })
  })
})
