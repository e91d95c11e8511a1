import { Decimal, isDecimal } from '../decimal/index.js'
import { ValidationError } from '../errors/index.js'

/** Version of the event envelope on the streams; a consumer refuses other versions. */
export const EVENT_ENVELOPE_VERSION = 1

/**
 * One event as stored in a stream entry (field `e`, JSON): the event name, who published it (`source`, with a
 * per-run `seq` so a consumer can drop a duplicate left by a publish retry), and the payload with every Decimal
 * written as an exact string, listed in `decimals` (dotted paths) so the consumer turns them back into Decimals.
 */
export interface EventEnvelope {
  readonly v: typeof EVENT_ENVELOPE_VERSION
  readonly kind: string
  readonly source: string
  /** Random per publisher instance: a restarted process starts a new run, its `seq` at 1 again. */
  readonly run: string
  readonly seq: number
  readonly payload: unknown
  readonly decimals: readonly string[]
}

/** JSON of the payload with Decimals as strings, and where they were. */
function encodeValue(v: unknown, path: string, decimals: string[], depth: number): unknown {
  if (depth > 32) throw new ValidationError('Event payload is nested too deeply to publish')
  if (isDecimal(v)) {
    decimals.push(path)
    return v.toFixed()
  }
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return v.toString()
    if (typeof v === 'function' || typeof v === 'symbol') return undefined
    return v
  }
  if (v instanceof Error)
    return { name: v.name, message: v.message, ...('code' in v ? { code: String(v.code) } : {}) }
  if (Array.isArray(v))
    return v.map((x, i) => encodeValue(x, path === '' ? `${i}` : `${path}.${i}`, decimals, depth + 1))
  if (v instanceof Map) return encodeValue(Object.fromEntries(v), path, decimals, depth)
  if (v instanceof Set) return encodeValue([...v], path, decimals, depth)
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    if (k.includes('.')) throw new ValidationError(`Event field "${k}" contains a dot`)
    const enc = encodeValue(x, path === '' ? k : `${path}.${k}`, decimals, depth + 1)
    if (enc !== undefined) out[k] = enc
  }
  return out
}

/** Who published an event: source name, run id and sequence number within the run. */
export interface EventOrigin {
  readonly source: string
  readonly run: string
  readonly seq: number
}

/**
 * Encodes one event for a stream. Decimals become exact strings (never numbers), bigints strings, errors
 * `{ name, message, code }`; functions are dropped.
 *
 * @example
 * ```ts
 * const json = encodeEvent('order.filled', event, { source: 'bot-1', run: 'k3x9', seq: 42 }) // {"v":1,...}
 * ```
 */
export function encodeEvent(kind: string, event: unknown, origin: EventOrigin): string {
  const decimals: string[] = []
  const payload = encodeValue(event, '', decimals, 0)
  const env: EventEnvelope = { v: EVENT_ENVELOPE_VERSION, kind, ...origin, payload, decimals }
  return JSON.stringify(env)
}

/**
 * Decodes a stream entry back into its envelope with the Decimals restored. Throws a `ValidationError` for an
 * unreadable entry or another envelope version.
 *
 * @example
 * ```ts
 * const { kind, payload } = decodeEvent(json) // payload.order.price is a Decimal again
 * ```
 */
export function decodeEvent(json: string): EventEnvelope {
  let env: Partial<EventEnvelope>
  try {
    env = JSON.parse(json) as Partial<EventEnvelope>
  } catch (cause) {
    throw new ValidationError('Stream entry is not JSON', { cause })
  }
  if (env.v !== EVENT_ENVELOPE_VERSION)
    throw new ValidationError(`Unsupported event envelope version "${String(env.v)}"`, { field: 'v' })
  if (
    typeof env.kind !== 'string' ||
    typeof env.source !== 'string' ||
    typeof env.run !== 'string' ||
    typeof env.seq !== 'number'
  )
    throw new ValidationError('Stream entry lacks kind, source, run or seq')
  const decimals = Array.isArray(env.decimals) ? env.decimals : []
  let payload = env.payload
  for (const path of decimals) payload = revive(payload, String(path).split('.'), 0)
  const { kind, source, run, seq } = env
  return { v: EVENT_ENVELOPE_VERSION, kind, source, run, seq, payload, decimals }
}

function revive(node: unknown, parts: readonly string[], i: number): unknown {
  if (i === parts.length || (parts.length === 1 && parts[0] === '')) {
    if (typeof node !== 'string') throw new ValidationError('A listed Decimal is not a string')
    return new Decimal(node)
  }
  if (node === null || typeof node !== 'object')
    throw new ValidationError(`Decimal path "${parts.join('.')}" not found`)
  const key = parts[i] as string
  const obj = node as Record<string, unknown>
  obj[key] = revive(obj[key], parts, i + 1)
  return node
}
