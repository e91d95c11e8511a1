import { expect } from 'vitest'

/** A strict line-level check of the text exposition format (what Prometheus' parser accepts). */
export function assertValidExposition(text: string): void {
  const lines = text.split('\n')
  expect(lines.at(-1)).toBe('')
  expect(lines.at(-2)).toBe('# EOF')
  const sample =
    /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\n"])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\n"])*")*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/
  const types = new Map<string, string>()
  for (const line of lines.slice(0, -2)) {
    if (line.startsWith('# HELP ')) continue
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line)
    if (t !== null) {
      expect(types.has(t[1]!)).toBe(false)
      types.set(t[1]!, t[2]!)
      continue
    }
    expect(line).toMatch(sample)
    const name = line.split(/[{ ]/)[0]!
    const family = [...types.keys()].find((f) => name === f || name.startsWith(`${f}_`))
    expect(family, `sample ${name} without TYPE`).toBeDefined()
  }
}
