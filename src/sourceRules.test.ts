/**
 * Source scans for contracts that types cannot enforce: shared schemas are declared once (in core/schemas.ts)
 * and error `details` are read only for logging (logic reads the narrowed class's typed fields).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname)

/** Every non-test source file under src/, as [path relative to src/, text without comment lines]. */
function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name)
      if (statSync(full).isDirectory()) {
        if (name !== '__fixtures__' && name !== 'testing') walk(full)
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.test-d.ts')) {
        const code = readFileSync(full, 'utf8')
          .split('\n')
          .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
          .join('\n')
        out.push([relative(SRC, full), code])
      }
    }
  }
  walk(SRC)
  return out
}

describe('source rules', () => {
  it('declares the Clock validator only in core/timeSchemas.ts (others use ClockSchema / isClock)', () => {
    const local = /\.custom<Clock>|(const|function)\s+isClock\b|\(v as Clock\)\.now|now:\s*z\.function/
    const offenders = sources()
      .filter(([rel, code]) => rel !== join('core', 'timeSchemas.ts') && local.test(code))
      .map(([rel]) => rel)
    expect(offenders).toEqual([])
  })

  it('reads error `details` only for logging: logic uses the typed fields of the narrowed error class', () => {
    const read = /\.details\s*\)?\s*(\.\s*[A-Za-z_$]|\[|as\b)/
    const offenders = sources()
      .filter(([, code]) => read.test(code))
      .map(([rel]) => rel)
    expect(offenders).toEqual([])
  })

  it('imports zod/mini as a namespace (`import * as z`): the named `z` export makes bundlers keep all of zod', () => {
    const named = /import\s+(type\s+)?\{\s*z\s*\}\s+from\s+'zod\/mini'/
    const offenders = sources()
      .filter(([, code]) => named.test(code))
      .map(([rel]) => rel)
    expect(offenders).toEqual([])
  })
})
