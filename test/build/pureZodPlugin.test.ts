import { describe, expect, it } from 'vitest'
import { annotateZodCalls } from '../../scripts/pureZodPlugin.js'

describe('pureZodPlugin (build-time /* @__PURE__ */ on zod/mini calls)', () => {
  it('annotates every z.<factory>( call, nested ones too, once', () => {
    const src = "import * as z from 'zod/mini'\nconst S = z._default(z.optional(z.number()), 1)\n"
    expect(annotateZodCalls(src)).toBe(
      "import * as z from 'zod/mini'\nconst S = /* @__PURE__ */ z._default(/* @__PURE__ */ z.optional(/* @__PURE__ */ z.number()), 1)\n",
    )
    expect(annotateZodCalls(annotateZodCalls(src))).toBe(annotateZodCalls(src))
  })

  it('leaves z.config (a real side effect), other receivers, types and comments alone', () => {
    const src = [
      '/** e.g. `z.object({ a: z.number() })` */',
      'z.config(en())',
      'const n = e.z.gt(0)',
      'type T = z.input<typeof S>',
    ].join('\n')
    expect(annotateZodCalls(src)).toBe(src)
  })
})
