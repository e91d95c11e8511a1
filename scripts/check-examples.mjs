// Lists the exported functions and classes of every public entry point (tsup.config.ts `entries`) whose TSDoc has
// no `@example` block, and exits 1 if there is any. Uses the TypeScript compiler API, so re-exports (`export *`,
// `export { x as y }`) resolve to the declaration that carries the comment.
//
//   node scripts/check-examples.mjs            list what is missing, exit 1 if anything is
//   node scripts/check-examples.mjs --json     the same as JSON
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Reads the `entries` object of tsup.config.ts without executing it. */
function readEntries() {
  const text = readFileSync(join(root, 'tsup.config.ts'), 'utf8')
  const block = /export const entries\s*=\s*\{([^}]*)\}/.exec(text)
  if (block === null) throw new Error('tsup.config.ts: no `export const entries = { ... }` found')
  const entries = new Map()
  for (const m of block[1].matchAll(/['"]?([\w/.-]+)['"]?\s*:\s*['"]([^'"]+)['"]/g)) entries.set(m[1], m[2])
  if (entries.size === 0) throw new Error('tsup.config.ts: `entries` is empty')
  return entries
}

function loadProgram(files) {
  const configPath = join(root, 'tsconfig.json')
  const config = ts.readConfigFile(configPath, ts.sys.readFile)
  if (config.error !== undefined)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  return ts.createProgram({ rootNames: files, options: { ...parsed.options, noEmit: true } })
}

/** 'class' | 'function' | undefined for declarations this check does not cover (types, schemas, constants). */
function kindOf(decl) {
  if (ts.isClassDeclaration(decl)) return 'class'
  if (ts.isFunctionDeclaration(decl)) return 'function'
  if (ts.isVariableDeclaration(decl) && decl.initializer !== undefined) {
    const init = decl.initializer
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return 'function'
  }
  return undefined
}

/** The JSDoc tags of a declaration (for a variable, the comment sits on its statement). */
function docOf(decl) {
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)
  return { hasDoc: docs.length > 0, tags: docs.flatMap((d) => d.tags ?? []).map((t) => t.tagName.text) }
}

const entries = readEntries()
const files = [...entries.values()].map((f) => join(root, f))
const program = loadProgram(files)
const checker = program.getTypeChecker()

const missing = []
for (const [entry, file] of entries) {
  const source = program.getSourceFile(join(root, file))
  if (source === undefined) throw new Error(`entry "${entry}": ${file} not found`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  if (moduleSymbol === undefined) continue
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const decls = (symbol.declarations ?? []).filter((d) => kindOf(d) !== undefined)
    if (decls.length === 0) continue
    // Overloads: the comment may sit on any signature (usually the first).
    const docs = decls.map(docOf)
    if (docs.some((d) => d.tags.includes('example'))) continue
    const decl = decls[0]
    const at = decl.getSourceFile()
    const { line } = at.getLineAndCharacterOfPosition(decl.getStart())
    missing.push({
      entry,
      name: exported.name,
      kind: kindOf(decl),
      file: `${relative(root, at.fileName)}:${line + 1}`,
      problem: docs.some((d) => d.hasDoc) ? 'no @example' : 'no TSDoc comment',
    })
  }
}

// The same declaration can be exported by several entries (e.g. core types re-exported by a venue); report it once.
const seen = new Set()
const unique = missing.filter((m) => {
  const key = `${m.file}#${m.name}`
  if (seen.has(key)) return false
  seen.add(key)
  return true
})

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(unique, null, 2))
} else if (unique.length === 0) {
  console.log(
    `check-examples: every exported class and function of ${entries.size} entry points has an @example`,
  )
} else {
  for (const m of unique) console.log(`${m.file}  ${m.kind} ${m.name} (${m.entry}): ${m.problem}`)
  console.log(`\ncheck-examples: ${unique.length} exported classes/functions without an @example`)
}
process.exit(unique.length === 0 ? 0 : 1)
