import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('tradekit/sim (Polymarket) stays loadable without ethers', () => {
  it('never imports ethers statically, nor exchanges or transport', () => {
    const dir = import.meta.dirname
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    for (const f of files.filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8')
      expect(text, f).not.toMatch(/^\s*import\s[^'"]*from\s+['"]ethers['"]/m)
      expect(text, f).not.toMatch(/from\s+['"][./]*\/(exchanges|transport)\//)
    }
  })
})
