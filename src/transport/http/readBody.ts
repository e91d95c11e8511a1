import { ExchangeDataError } from '../../errors/index.js'

/**
 * Reads a response body as text, at most `max` bytes: a larger body (declared or streamed) is cancelled and
 * rejected with an {@link ExchangeDataError}, so a hostile server cannot exhaust memory.
 */
export async function readBody(res: Response, max: number, label: string, venue: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN)
  const tooLarge = (): ExchangeDataError =>
    new ExchangeDataError(
      venue,
      `Response to "${label}" is larger than ${max} bytes`,
      [`body: over ${max} bytes`],
      '',
    )
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let total = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}
