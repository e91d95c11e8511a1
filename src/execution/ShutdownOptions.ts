import * as z from 'zod/mini'
import { DurationMsSchema } from '../core/schemas.js'

/** Schema of {@link ShutdownOptions} (what `shutdown` of PaperTrader and OrderExecutor takes); defaults applied here. */
export const ShutdownOptionsSchema = z.strictObject({
  /** Cancel every open order before detaching. Default true. */
  cancelOpenOrders: z._default(z.boolean(), true),
  /** How long to wait for in-flight requests (each wait), ms. Default 5000. */
  timeoutMs: z._default(/* @__PURE__ */ DurationMsSchema.check(z.maximum(600_000)), 5000),
})

/** What `shutdown` of an execution client takes. */
export type ShutdownOptions = z.input<typeof ShutdownOptionsSchema>
