/**
 * Keeps the layering of DESIGN.md true: every import in src/ (tests excepted) must point down or within its own
 * module. An arrow that points up or sideways fails here, with the file and the import named.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { browserEntries, entries } from '../tsup.config.js'

const SRC = resolve(import.meta.dirname)

/** Module of a path relative to src/. */
function moduleOf(rel: string): string {
  if (rel.startsWith('exchanges/binance')) return 'binance'
  if (rel.startsWith('exchanges/polymarket')) return 'polymarket'
  if (rel === 'index.ts' || rel === 'index.browser.ts') return 'root'
  return rel.split('/')[0] ?? rel
}

/** What each module may import (itself always): the imports the code uses, each pointing down DESIGN.md's layers. */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  decimal: ['errors'],
  core: ['errors', 'decimal'],
  indicators: ['errors', 'core'],
  transport: ['errors', 'core'],
  binance: ['errors', 'decimal', 'core', 'transport'],
  polymarket: ['errors', 'decimal', 'core', 'transport'],
  strategies: ['errors', 'decimal', 'core', 'indicators'],
  risk: ['errors', 'decimal', 'core'],
  execution: ['errors', 'decimal', 'core'],
  engine: ['errors', 'decimal', 'core', 'transport', 'indicators', 'strategies', 'risk', 'execution'],
  backtest: ['errors', 'decimal', 'core', 'transport', 'strategies', 'risk', 'execution', 'engine'],
  sim: ['errors', 'decimal', 'core'],
  // Top layer beside the engine: nothing imports it (the engine and the Backtester take the core Journal port).
  journal: ['errors', 'decimal', 'core'],
  // Top layer beside engine and backtest: nothing below imports it.
  redis: ['errors', 'decimal', 'core', 'transport', 'risk', 'execution'],
  testing: ['errors', 'decimal', 'core', 'indicators'],
  root: ['errors', 'decimal', 'core', 'engine'],
}

/** Third-party packages each module may import; everything else only the shared base. */
const SHARED_PACKAGES = ['decimal.js', 'eventemitter3', 'zod', 'isows']
const EXTRA_PACKAGES: Record<string, readonly string[]> = {
  polymarket: ['ethers'],
  sim: ['ws', 'ethers'],
  // Optional peer dependencies, loaded lazily (src/journal/loadDriver.ts); tsx only when the SQLite writer thread
  // runs from the TypeScript source (tests, benches), never from the built package.
  journal: ['libsql', 'pg', 'tsx'],
  redis: ['redis'],
  // Only inside the sweep worker, when the caller asks to load a TypeScript module (tsx is then the caller's dependency).
  backtest: ['tsx'],
}
/** Modules that may import node: builtins (the rest must run in browsers too). */
const NODE_BUILTINS_OK = new Set(['sim', 'journal'])
/**
 * Node-only files of otherwise browser-safe modules: they may import node: builtins (lazily or not), and only the
 * Node builds export them; the browser builds (tsup.config.ts `browserEntries`) must not reach them (checked below).
 */
const NODE_ONLY_FILES = new Set([
  'engine/serveMetrics.ts',
  'risk/FileStateStore.ts',
  'backtest/readCandlesCsv.ts',
  'backtest/readRecording.ts',
  'backtest/Recorder.ts',
  'backtest/writeReport.ts',
  'backtest/sweep.ts',
])
/** Entry points bundled for browsers: the browser builds, and the subpaths that need none (no Node-only parts). */
const BROWSER_ENTRIES = [
  ...Object.values(browserEntries),
  ...[
    'transport/index',
    'binance/index',
    'polymarket/index',
    'indicators/index',
    'strategies/index',
    'execution/index',
  ].map((k) => entries[k as keyof typeof entries]),
]

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === '__fixtures__' ? [] : walk(p)
    return p.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(p) ? [p] : []
  })
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

describe('architecture', () => {
  const files = walk(SRC)

  it('finds source files', () => {
    expect(files.length).toBeGreaterThan(5)
  })

  it('every import points down the layers', () => {
    const violations: string[] = []
    for (const file of files) {
      const rel = relative(SRC, file)
      const from = moduleOf(rel)
      const allowed = ALLOWED[from]
      if (allowed === undefined) {
        violations.push(`${rel}: module "${from}" has no layering rule`)
        continue
      }
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? ''
        const isDynamic = m[2] !== undefined
        if (spec.startsWith('.')) {
          const target = moduleOf(relative(SRC, resolve(dirname(file), spec)))
          if (target !== from && !allowed.includes(target))
            violations.push(`${rel}: imports ${spec} (${from} -> ${target})`)
        } else if (spec.startsWith('node:')) {
          if (!NODE_BUILTINS_OK.has(from) && !NODE_ONLY_FILES.has(rel))
            violations.push(`${rel}: ${isDynamic ? 'dynamic' : 'static'} import of ${spec}`)
        } else {
          const pkg = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : (spec.split('/')[0] ?? spec)
          if (!SHARED_PACKAGES.includes(pkg) && !(EXTRA_PACKAGES[from] ?? []).includes(pkg)) {
            violations.push(`${rel}: imports package ${pkg}`)
          }
        }
      }
    }
    expect(violations).toEqual([])
  })

  it('no exported type or interface is named ...Params or ...Args (constructor options: Config, per call: Options)', () => {
    const bad: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const declared = [...text.matchAll(/\bexport\s+(?:declare\s+)?(?:type|interface)\s+(\w+)/g)].map(
        (m) => m[1],
      )
      const listed = [...text.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
        (m[1] ?? '').split(',').map((part) => part.trim().split(/\s+/).at(-1) ?? ''),
      )
      for (const name of [...declared, ...listed]) {
        if (name !== undefined && /(Params|Args)$/.test(name)) bad.push(`${relative(SRC, file)}: ${name}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('the browser builds reach no Node built-in (nor a Node-only file) through value imports', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
    const violations: string[] = []
    for (const entry of BROWSER_ENTRIES) {
      const seen = new Map<string, string[]>() // file -> import chain from the entry
      const queue: string[] = [resolve(SRC, '..', entry)]
      seen.set(queue[0]!, [relative(SRC, queue[0]!)])
      while (queue.length > 0) {
        const file = queue.shift()!
        const chain = seen.get(file)!
        const rel = relative(SRC, file)
        if (NODE_ONLY_FILES.has(rel)) violations.push(`${chain.join(' -> ')}: Node-only file`)
        for (const m of readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)) {
          if (m[1] !== undefined) continue // import type / export type: erased
          const spec = m[2] ?? m[3] ?? m[4] ?? ''
          if (builtins.has(spec) || builtins.has(spec.split('/')[0] ?? spec)) {
            violations.push(`${chain.join(' -> ')}: imports ${spec}`)
          } else if (spec.startsWith('.')) {
            const target = resolveTs(resolve(dirname(file), spec))
            if (!seen.has(target)) {
              seen.set(target, [...chain, relative(SRC, target)])
              queue.push(target)
            }
          }
        }
      }
    }
    expect(violations).toEqual([])
  })
})

/** import/export statements (group 1 set when type-only), side-effect imports and dynamic imports. */
const VALUE_IMPORT =
  /(?:^|\n)\s*(?:import|export)(\s+type)?\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** The .ts file a relative `.js` specifier names. */
function resolveTs(path: string): string {
  const ts = path.replace(/\.js$/, '.ts')
  if (existsSync(ts) && statSync(ts).isFile()) return ts
  return join(path, 'index.ts')
}
