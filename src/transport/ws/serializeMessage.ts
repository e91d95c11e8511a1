import type { OutgoingMessage, WebSocketData } from './wsTypes.js'

/** Turns an {@link OutgoingMessage} into what goes on the wire: text/binary as is, a function called, objects as JSON. */
export function serializeMessage(message: OutgoingMessage): WebSocketData {
  const m = typeof message === 'function' ? message() : message
  if (typeof m === 'string' || m instanceof ArrayBuffer || ArrayBuffer.isView(m)) return m
  return JSON.stringify(m)
}
