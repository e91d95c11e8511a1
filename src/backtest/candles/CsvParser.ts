import { CandleDataError } from '../CandleDataError.js'

/** One CSV record: its cells (unquoted, `""` unescaped) and the 1-based line it starts on. */
export interface CsvRecord {
  readonly cells: string[]
  readonly line: number
}

const QUOTE = 34 // "
const COMMA = 44 // ,
const LF = 10
const CR = 13

/**
 * An incremental RFC 4180 parser: feed it text chunks in order (`push`), then `end()`. Fields are separated by
 * commas and records by CRLF, LF or CR; a field in double quotes may hold commas, line breaks and `""` (one quote).
 * A quote inside an unquoted field, text after a closing quote, or a quote left open at the end is a
 * {@link CandleDataError} naming the line. Blank lines are skipped; a leading byte-order mark is dropped. Cells are not
 * trimmed (the caller decides).
 *
 * @example
 * ```ts
 * const p = new CsvParser()
 * p.push('time,note\n1,"a, b"\n') // [{ cells: ['time', 'note'], line: 1 }, { cells: ['1', 'a, b'], line: 2 }]
 * p.end() // []
 * ```
 */
export class CsvParser {
  #cells: string[] = []
  #cell = ''
  /** start: at the start of a field; plain: inside an unquoted field; quoted: inside quotes; closing: just after a quote inside quotes. */
  #state: 'start' | 'plain' | 'quoted' | 'closing' = 'start'
  #line = 1
  #recordLine = 1
  #afterCR = false
  #first = true

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    let s = chunk
    if (this.#first && s.length > 0) {
      this.#first = false
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1)
    }
    const out: CsvRecord[] = []
    const n = s.length
    let i = 0
    while (i < n) {
      const c = s.charCodeAt(i)
      if (this.#afterCR) {
        this.#afterCR = false
        if (c === LF) {
          if (this.#state === 'quoted') this.#cell += '\n'
          i++
          continue
        }
      }
      switch (this.#state) {
        case 'start':
        case 'plain': {
          if (c === QUOTE) {
            if (this.#state === 'plain' || this.#cell !== '') this.#fail('a quote inside an unquoted field')
            this.#state = 'quoted'
            i++
            break
          }
          // Copy the run of plain characters up to the next special one in one slice.
          let j = i
          while (j < n) {
            const d = s.charCodeAt(j)
            if (d === COMMA || d === LF || d === CR || d === QUOTE) break
            j++
          }
          if (j > i) {
            this.#cell += s.slice(i, j)
            this.#state = 'plain'
            i = j
            break
          }
          if (c === COMMA) this.#endCell()
          else this.#endRecord(out, c)
          i++
          break
        }
        case 'quoted': {
          const j = s.indexOf('"', i)
          const end = j === -1 ? n : j
          const text = s.slice(i, end)
          this.#countLines(text, j === -1)
          this.#cell += text
          if (j !== -1) this.#state = 'closing'
          i = end + (j === -1 ? 0 : 1)
          break
        }
        case 'closing': {
          if (c === QUOTE) {
            this.#cell += '"'
            this.#state = 'quoted'
          } else if (c === COMMA) this.#endCell()
          else if (c === LF || c === CR) this.#endRecord(out, c)
          else this.#fail('text after a closing quote')
          i++
          break
        }
      }
    }
    return out
  }

  /** Ends the input; returns the last record when the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.#state === 'quoted') {
      throw new CandleDataError(this.#recordLine, 'csv', 'a quoted field is never closed')
    }
    const out: CsvRecord[] = []
    if (this.#state !== 'start' || this.#cells.length > 0) this.#endRecord(out, LF)
    return out
  }

  #countLines(text: string, atChunkEnd: boolean): void {
    for (let k = 0; k < text.length; k++) {
      const d = text.charCodeAt(k)
      if (d === LF && (k === 0 || text.charCodeAt(k - 1) !== CR)) this.#line++
      else if (d === CR) this.#line++
    }
    // A CR at the end of the quoted text may be followed by the LF of the same break in the next chunk.
    if (atChunkEnd && text.length > 0 && text.charCodeAt(text.length - 1) === CR) this.#afterCR = true
  }

  #endCell(): void {
    this.#cells.push(this.#cell)
    this.#cell = ''
    this.#state = 'start'
  }

  #endRecord(out: CsvRecord[], breakChar: number): void {
    this.#cells.push(this.#cell)
    const cells = this.#cells
    this.#cells = []
    this.#cell = ''
    this.#state = 'start'
    if (!(cells.length === 1 && cells[0] === '')) out.push({ cells, line: this.#recordLine })
    this.#line++
    if (breakChar === CR) this.#afterCR = true
    this.#recordLine = this.#line
  }

  #fail(what: string): never {
    throw new CandleDataError(this.#line, 'csv', `malformed CSV: ${what}`)
  }
}
