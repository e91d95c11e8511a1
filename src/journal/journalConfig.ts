import * as z from 'zod/mini'
import { ClockSchema } from '../core/schemas.js'

/** Queue and timing settings both stores share (defaults applied here). */
export const JournalQueueConfigShape = {
  /** Entries held in memory before new ones spill to the file. Default 10 000. */
  queueSize: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
  /** Entries per database transaction. Default 500. */
  batchSize: z._default(/* @__PURE__ */ z.int().check(z.positive()), 500),
  /** How often queued entries are written and a backlog retried, ms. Default 50. */
  flushIntervalMs: z._default(/* @__PURE__ */ z.int().check(z.positive()), 50),
  clock: z.optional(ClockSchema),
}
