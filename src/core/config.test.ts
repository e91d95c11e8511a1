import { describe, expect, it } from 'vitest'
import * as zClassic from 'zod'
import * as z from 'zod/mini'
import { parseConfig } from './config.js'

const Schema = z.strictObject({
  timeoutMs: z._default(/* @__PURE__ */ z.int().check(z.positive()), 5000),
  apiSecret: /* @__PURE__ */ z.string().check(z.minLength(10)),
})

describe('parseConfig', () => {
  it('applies defaults', () => {
    expect(parseConfig(Schema, { apiSecret: '0123456789' }, 'Test')).toEqual({
      timeoutMs: 5000,
      apiSecret: '0123456789',
    })
  })
  it('throws one readable ConfigError listing every issue, without echoing values', () => {
    try {
      parseConfig(Schema, { timeoutMs: -1, apiSecret: 'short-s3', extra: 1 }, 'Test')
      expect.unreachable()
    } catch (e) {
      const err = e as Error & { code: string; issues: string[] }
      expect(err.code).toBe('CONFIG_INVALID')
      expect(err.issues.length).toBe(3)
      expect(err.message).toContain('timeoutMs')
      expect(err.message).toContain('apiSecret')
      expect(err.message).not.toContain('short-s3')
    }
  })

  it('takes a zod classic schema too (an application may define its own with zod)', () => {
    const Classic = zClassic.object({ n: zClassic.number().int().default(3) }).strict()
    expect(parseConfig(Classic, {}, 'Classic')).toEqual({ n: 3 })
    expect(() => parseConfig(Classic, { n: 1.5 }, 'Classic')).toThrow(/Invalid Classic config: n: /)
  })
})
