// Keeps units short and honest: fails when a source file in src/ (tests, fixtures and generated test data excepted) is over
// the file limit, when a file in src/engine/ is over the engine limit, or when a function, method, accessor or
// arrow function is over the function limit, or when a line casts through `as unknown as`. Lengths are lines from the first to the last line of the node.
//
//   node scripts/check-size.mjs           report violations, exit 1 if there is any
//   node scripts/check-size.mjs --top 10  also print the longest files and functions
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const FILE_LIMIT = 800
const ENGINE_FILE_LIMIT = 400
const FUNCTION_LIMIT = 120
/** Generated or test-only data, excluded by the rule (test vectors, payload corpora, reference implementations). */
const EXCLUDED = [/\.test(-d)?\.ts$/, /\/__fixtures__\//, /\/testing\//]

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return walk(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

function functionName(node, sf) {
  if (node.name !== undefined) return node.name.getText(sf)
  const parent = node.parent
  if (parent !== undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)))
    return parent.name.getText(sf)
  if (parent !== undefined && ts.isPropertyDeclaration(parent)) return parent.name.getText(sf)
  return '(anonymous)'
}

const files = []
const functions = []
const casts = []
for (const file of walk(join(root, 'src'))) {
  const rel = relative(root, file)
  if (EXCLUDED.some((re) => re.test(`/${rel}`))) continue
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  files.push({ rel, lines })
  // A double cast hides a type error instead of fixing it: declare the type (a port, a guard) instead.
  for (const [i, line] of text.split('\n').entries()) {
    if (/\bas unknown as\b/.test(line))
      casts.push(`${rel}:${i + 1}: \`as unknown as\` (declare the type instead)`)
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line
      const cls = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.getText(sf)}.` : ''
      functions.push({
        rel,
        name: `${cls}${functionName(node, sf)}`,
        line: start + 1,
        lines: end - start + 1,
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
}

const violations = [
  ...files
    .filter((f) => f.lines > (f.rel.startsWith('src/engine/') ? ENGINE_FILE_LIMIT : FILE_LIMIT))
    .map(
      (f) =>
        `${f.rel}: ${f.lines} lines (limit ${f.rel.startsWith('src/engine/') ? ENGINE_FILE_LIMIT : FILE_LIMIT})`,
    ),
  ...functions
    .filter((f) => f.lines > FUNCTION_LIMIT)
    .map((f) => `${f.rel}:${f.line} ${f.name}: ${f.lines} lines (limit ${FUNCTION_LIMIT})`),
  ...casts,
]

const top = process.argv.indexOf('--top')
if (top !== -1) {
  const n = Number(process.argv[top + 1] ?? 10)
  console.log('longest files:')
  for (const f of [...files].sort((a, b) => b.lines - a.lines).slice(0, n))
    console.log(`  ${f.lines}  ${f.rel}`)
  console.log('longest functions:')
  for (const f of [...functions].sort((a, b) => b.lines - a.lines).slice(0, n))
    console.log(`  ${f.lines}  ${f.rel}:${f.line} ${f.name}`)
}
if (violations.length > 0) {
  console.error(`${violations.length} unit(s) over the size limits:`)
  for (const v of violations) console.error(`  ${v}`)
  process.exit(1)
}
console.log(`sizes ok: ${files.length} files, ${functions.length} functions within the limits`)
