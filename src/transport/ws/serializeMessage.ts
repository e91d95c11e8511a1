import { ValidationError } from '../../errors/index.js'
import type { OutgoingMessage, WebSocketData } from './wsTypes.js'

/** Turns an {@link OutgoingMessage} into what goes on the wire: text/binary as is, a function called, objects as JSON. */
export function serializeMessage(message: OutgoingMessage): WebSocketData {
  const m = typeof message === 'function' ? message() : message
  if (typeof m === 'string' || m instanceof ArrayBuffer || ArrayBuffer.isView(m)) return m
  return JSON.stringify(m)
}

/**
 * Checks a message before it is kept for sending or replay: text, binary, an object (sent as JSON) or a function that
 * builds one. `undefined`, `null`, numbers and booleans would go on the wire as garbage ("undefined") and are refused.
 */
export function checkOutgoingMessage(message: unknown, field: string): ValidationError | undefined {
  if (typeof message === 'function' || typeof message === 'string') return undefined
  if (typeof message === 'object' && message !== null) return undefined
  return new ValidationError(
    `${field} must be text, binary, an object sent as JSON, or a function returning one (got ${message === null ? 'null' : typeof message})`,
    { field },
  )
}
