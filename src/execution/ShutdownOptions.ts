import { z } from 'zod'
import { DurationMsSchema } from '../core/schemas.js'

/** Schema of {@link ShutdownOptions} (what `shutdown` of PaperTrader and OrderExecutor takes); defaults applied here. */
export const ShutdownOptionsSchema = z
  .object({
    /** Cancel every open order before detaching. Default true. */
    cancelOpenOrders: z.boolean().default(true),
    /** How long to wait for in-flight requests (each wait), ms. Default 5000. */
    timeoutMs: DurationMsSchema.max(600_000).default(5000),
  })
  .strict()

/** What `shutdown` of an execution client takes. */
export type ShutdownOptions = z.input<typeof ShutdownOptionsSchema>
