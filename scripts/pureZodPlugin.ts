import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'
import ts from 'typescript'

/**
 * esbuild plugin (used by tsup.config.ts) that marks every `z.<factory>(...)` call of zod/mini in src/ as
 * `/* @__PURE__ *\/`, so that a bundler drops the module-scope schemas a program does not use. zod/mini's factories
 * carry `@__NO_SIDE_EFFECTS__`, which Rollup honours across modules but esbuild does not; annotating the call sites
 * at build time keeps the source readable. `z.config(...)` (a real side effect) is left alone.
 */
export function pureZodPlugin(): Plugin {
  return {
    name: 'pure-zod',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8')
        if (!text.includes("from 'zod/mini'")) return undefined
        return { contents: annotateZodCalls(text, args.path), loader: 'ts' }
      })
    },
  }
}

/** The source with `/* @__PURE__ *\/` before each `z.<name>(` call (z being the zod/mini namespace import). */
export function annotateZodCalls(text: string, fileName = 'file.ts'): string {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const at: number[] = []
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'z' &&
      node.expression.name.text !== 'config'
    ) {
      const start = node.getStart(sf)
      if (!/@__PURE__ \*\/\s*$/.test(text.slice(Math.max(0, start - 20), start))) at.push(start)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  let out = text
  for (const p of at.sort((a, b) => b - a)) out = `${out.slice(0, p)}/* @__PURE__ */ ${out.slice(p)}`
  return out
}
