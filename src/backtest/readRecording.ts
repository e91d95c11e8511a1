import { ExchangeDataError } from '../errors/index.js'
import type { RecordedMessage } from './Recorder.js'

/**
 * Reads a JSONL recording line by line (memory stays flat). A malformed line is yielded as an `ExchangeDataError`
 * so the replay counts it and goes on. Node only: absent from the browser build of `tradekit/backtest`.
 *
 * @example
 * ```ts
 * for await (const m of readRecording('session.jsonl')) {
 *   if (m instanceof ExchangeDataError) continue // a malformed line, counted by the replay
 *   console.log(m.t, m.src, m.ch, m.data.length)
 * }
 * ```
 */
export async function* readRecording(path: string): AsyncGenerator<RecordedMessage | ExchangeDataError> {
  const { createReadStream } = await import('node:fs')
  const { createInterface } = await import('node:readline')
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })
  try {
    for await (const line of rl) {
      if (line.trim() === '') continue
      try {
        const v = JSON.parse(line) as Partial<RecordedMessage>
        if (
          typeof v.t !== 'number' ||
          !Number.isFinite(v.t) ||
          (v.src !== 'ws' && v.src !== 'rest') ||
          typeof v.ch !== 'string' ||
          typeof v.data !== 'string'
        ) {
          yield new ExchangeDataError(
            'recording',
            'Malformed recording line',
            ['line: missing t/src/ch/data'],
            line,
          )
        } else yield v as RecordedMessage
      } catch {
        yield new ExchangeDataError('recording', 'Malformed recording line', ['line: not JSON'], line)
      }
    }
  } finally {
    rl.close()
  }
}
