/** A query parameter value; `undefined` and `null` are left out. */
export type QueryValue = string | number | boolean | bigint | undefined | null

/** The path of a request without its query string (labels and errors never carry the query). */
export function pathOnly(path: string): string {
  const q = path.indexOf('?')
  return q < 0 ? path : path.slice(0, q)
}

/** Copies query parameters into a fresh `URLSearchParams`, leaving out `undefined` and `null`. */
export function toSearchParams(
  query: Readonly<Record<string, QueryValue>> | URLSearchParams | undefined,
): URLSearchParams {
  if (query === undefined) return new URLSearchParams()
  if (query instanceof URLSearchParams) return new URLSearchParams(query)
  const out = new URLSearchParams()
  for (const k in query) {
    const v = query[k]
    if (v !== undefined && v !== null) out.append(k, String(v))
  }
  return out
}

/** Merges header records, later ones winning, with every name in lower case. */
export function lowerKeys(
  ...sources: Array<Readonly<Record<string, string>> | undefined>
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const s of sources) {
    if (s === undefined) continue
    for (const k in s) out[k.toLowerCase()] = s[k] as string
  }
  return out
}

/** Encodes a body: strings as is, `URLSearchParams` as a form, anything else as JSON (setting `content-type`). */
export function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return body.toString()
  }
  headers['content-type'] ??= 'application/json'
  return JSON.stringify(body)
}

/** Joins base URL, path and query (`&` when the path already has a `?`). */
export function buildUrl(base: string, path: string, query: URLSearchParams): string {
  const qs = query.toString()
  if (qs.length === 0) return `${base}${path}`
  return `${base}${path}${path.includes('?') ? '&' : '?'}${qs}`
}

/** The first non-empty header of `names`, cut to 128 characters. */
export function findHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = headers.get(n)
    if (v !== null && v.length > 0) return v.slice(0, 128)
  }
  return undefined
}
