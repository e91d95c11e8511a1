import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CandleDataError } from '../CandleDataError.js'
import { CsvParser, type CsvRecord } from './CsvParser.js'

/** Parses `text` fed in the given chunk sizes (cycled). */
function parse(text: string, sizes: readonly number[] = [text.length || 1]): CsvRecord[] {
  const p = new CsvParser()
  const out: CsvRecord[] = []
  let i = 0
  let k = 0
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length] as number)
    out.push(...p.push(text.slice(i, i + n)))
    i += n
  }
  out.push(...p.end())
  return out
}

const encode = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)

describe('CsvParser (RFC 4180)', () => {
  it('splits plain fields and records, with the line each record starts on', () => {
    expect(parse('a,b,c\n1,2,3\n')).toEqual([
      { cells: ['a', 'b', 'c'], line: 1 },
      { cells: ['1', '2', '3'], line: 2 },
    ])
  })

  it('reads quoted fields: commas, CRLF and LF inside, doubled quotes, empty quoted cells', () => {
    const recs = parse('"x,y","say ""hi""",""\r\n"two\r\nlines",2,"a\nb"\r\nlast,"",\r\n')
    expect(recs).toEqual([
      { cells: ['x,y', 'say "hi"', ''], line: 1 },
      { cells: ['two\r\nlines', '2', 'a\nb'], line: 2 },
      { cells: ['last', '', ''], line: 5 },
    ])
  })

  it('accepts CRLF, LF and lone CR line ends, a missing final line end, skips blank lines and a BOM', () => {
    expect(parse('\uFEFFh1,h2\r\n1,2\n\n3,4\r5,6').map((r) => [r.cells, r.line])).toEqual([
      [['h1', 'h2'], 1],
      [['1', '2'], 2],
      [['3', '4'], 4],
      [['5', '6'], 5],
    ])
  })

  it('gives the same records whatever the chunking (CRLF and quotes split across chunks)', () => {
    const text = '"a\r\nb",c\r\n"d""e",f\r\ng,"h"\r\n'
    const whole = parse(text)
    for (const sizes of [[1], [2], [3], [1, 2, 5], [7]]) expect(parse(text, sizes)).toEqual(whole)
  })

  it('rejects a quote inside an unquoted field, text after a closing quote and an unclosed quote, naming the line', () => {
    const fails = (text: string, line: number, what: RegExp) => {
      let err: unknown
      try {
        parse(text)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(CandleDataError)
      expect((err as CandleDataError).line).toBe(line)
      expect((err as CandleDataError).code).toBe('VALIDATION_FAILED')
      expect((err as Error).message).toMatch(what)
    }
    fails('a,b\nab"c,d\n', 2, /quote inside an unquoted field/)
    fails('a,b\n1,2\n"x"y,1\n', 3, /text after a closing quote/)
    fails('a,b\n"open,1\n2,3\n', 2, /never closed/)
  })

  it('round-trips any table written by an RFC 4180 writer, in any chunking (property)', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '1'),
      maxLength: 6,
    })
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(
        table,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        (rows, sizes) => {
          // A row that is one empty cell is a blank line, which the parser skips by design.
          const kept = rows.filter((r) => !(r.length === 1 && r[0] === ''))
          const text = rows.map((r) => r.map(encode).join(',')).join('\r\n')
          expect(parse(text, sizes).map((r) => r.cells)).toEqual(kept)
        },
      ),
    )
  })
})
